"""Every YAML and JSON example in README.md and docs/ is real: it loads through the same
loader as the inventory, validates against the schema of the file it shows, and a whole
environment file renders. The docs cannot drift from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cfgv
import jsonschema
import pytest
from click.testing import CliRunner
from pre_commit.clientlib import CONFIG_SCHEMA

from compiler.cli.main import cli
from compiler.inventory.schema import environment_schema, inventory_schema
from compiler.models.lock import Lockfile
from compiler.models.snapshot import Snapshot
from compiler.yamlio.manifests import load_json
from compiler.yamlio.source import load_yaml
from tests.helpers import REPO_ROOT as ROOT
from tests.helpers import copy_example

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(yaml|json)\n(.*?)^```", re.MULTILINE | re.DOTALL)
INVENTORY_KEYS = {"providers", "models", "modelApis"}


def _examples() -> list[object]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text[: match.start()].count("\n") + 1
            name = f"{doc.relative_to(ROOT).as_posix()}:{line}"
            found.append(pytest.param(match.group(1), match.group(2), name, id=name))
    return found


EXAMPLES = _examples()


def test_the_docs_have_examples():
    assert len(EXAMPLES) >= 5


def _kind(data: object) -> str:
    assert isinstance(data, dict), "an example is a mapping"
    if set(data) <= INVENTORY_KEYS:
        return "inventory"
    if "namespace" in data:
        return "environment"
    if "inputsDigest" in data:
        return "lock"
    if "provider" in data and "models" in data:
        return "snapshot"
    if set(data) == {"repos"}:
        return "pre-commit"
    if data.get("schema") == "modelplane/result":
        return "result"
    raise AssertionError(f"an example of an unknown file (keys {sorted(data)}): classify it here")


@pytest.mark.parametrize(("language", "text", "name"), EXAMPLES)
def test_example_loads_and_matches_its_schema(language, text, name):
    data = load_json(text) if language == "json" else load_yaml(text, name).data
    kind = _kind(data)
    if kind == "inventory":
        jsonschema.validate(data, inventory_schema())
    elif kind == "environment":
        jsonschema.validate(data, environment_schema())
    elif kind == "lock":
        Lockfile.model_validate(data)
    elif kind == "pre-commit":
        cfgv.validate(data, CONFIG_SCHEMA)
    elif kind == "result":
        _check_result_document(data)
    else:
        Snapshot.model_validate(data)


def _whole_environments() -> list[object]:
    return [
        p
        for p in EXAMPLES
        if p.values[0] == "yaml" and _kind(load_yaml(p.values[1], "x").data) == "environment"
    ]


@pytest.mark.parametrize(("language", "text", "name"), _whole_environments())
def test_environment_example_renders_and_validates(tmp_path, monkeypatch, language, text, name):
    copy_example(tmp_path)
    env = tmp_path / "environments/prod"
    (env / "environment.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    runner = CliRunner()
    locked = runner.invoke(cli, ["lock", "--env", "prod"])
    assert locked.exit_code == 0, locked.output
    result = runner.invoke(cli, ["validate", "--env", "prod"])
    assert result.exit_code == 0, result.output


def test_scaffolded_files_are_documented_examples_too():
    # The files `modelplane init` writes are the other examples a newcomer copies from;
    # tests/newcomer/test_init.py renders them.
    assert Path(ROOT / "compiler/scaffold/files/providers.yaml").is_file()


def test_readme_commands_table_names_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"`modelplane {name}" in readme, name
        del command


def test_the_changelog_describes_this_version():
    from compiler import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {__version__}\n" in changelog
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # Every pinned version the README shows is this release.
    pins = set(re.findall(r"modelplane==(\d+\.\d+\.\d+)", readme))
    tags = set(re.findall(r"rev: v(\d+\.\d+\.\d+)", readme))
    assert pins | tags == {__version__}


def _check_result_document(data: dict) -> None:
    """The README's example has exactly the keys a real result document has."""
    from compiler.cli.result import RESULT_FORMAT_VERSION, result_document
    from compiler.errors import Diagnostic, Location

    real = json.loads(result_document("render", 1, [Diagnostic(Location("x"), "c", "m")], {}))
    assert list(data) == list(real)
    assert data["formatVersion"] == RESULT_FORMAT_VERSION
    assert set(data["problems"][0]) == set(real["problems"][0])
