"""`modelplane init` and `env add`: a repository that works at once, nothing overwritten."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from compiler import __version__
from compiler.cli.main import cli
from compiler.inventory.schema import schema_files
from compiler.models.providers import ProviderType
from compiler.scaffold import repository_files
from tests.review.test_workflows import _parse, _run_lines


def run(*args, cwd=None):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def empty(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MODELPLANE_ROOT", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def test_init_scaffolds_locks_and_renders(empty):
    result = run("init")
    assert result.exit_code == 0, result.output
    for path in repository_files("dev", "x"):
        assert (empty / path).is_file(), path
    assert (empty / "environments/dev/models.lock").is_file()
    assert (empty / "environments/dev/manifests/modelapis/chat.yaml").is_file()
    assert "+ inventory/providers.yaml" in result.stdout
    assert "dev: wrote models.lock (1 model(s) pinned)" in result.stdout
    # The repository is immediately what CI expects.
    for args in (
        ("render", "--all", "--check"),
        ("lock", "--all", "--check"),
        ("validate", "--all"),
    ):
        checked = run(*args)
        assert checked.exit_code == 0, (args, checked.output)


def test_init_into_a_new_folder_and_env_name(empty):
    result = run("init", "platform/llm", "--env", "qa")
    assert result.exit_code == 0, result.output
    assert (empty / "platform/llm/environments/qa/environment.yaml").read_text().count(
        "llm-qa"
    ) == 1
    assert "cd platform/llm" in result.stdout


def test_editor_schemas_are_where_the_modelines_point(empty):
    assert run("init").exit_code == 0
    for path in [*empty.glob("inventory/*.yaml"), *empty.glob("environments/*/environment.yaml")]:
        first = path.read_text().splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        target = (path.parent / match.group(1)).resolve()
        assert target.read_text() == schema_files()[target.name]


def test_scaffold_files_validate_against_their_editor_schemas(empty):
    assert run("init").exit_code == 0
    yaml = YAML(typ="safe", pure=True)
    for pattern, name in (
        ("inventory/*.yaml", "inventory"),
        ("environments/*/environment.yaml", "environment"),
    ):
        schema = json.loads((empty / f"schemas/{name}.schema.json").read_text())
        for path in empty.glob(pattern):
            jsonschema.validate(yaml.load(path.read_text()), schema)


def _uncommented(text):
    """The file with every commented-out list item (`# - name:` and its lines) switched on."""
    lines, inside = [], False
    for line in text.splitlines():
        stripped = line.lstrip()
        inside = stripped.startswith("# - name:") or (inside and stripped.startswith("#   "))
        indent = line[: len(line) - len(stripped)]
        lines.append(indent + stripped[2:] if inside else line)
    return "\n".join(lines) + "\n"


def test_every_provider_type_has_an_example_that_loads(empty):
    assert run("init").exit_code == 0
    providers = empty / "inventory/providers.yaml"
    providers.write_text(_uncommented(providers.read_text()))
    yaml = YAML(typ="safe", pure=True)
    types = {p["type"] for p in yaml.load(providers.read_text())["providers"]}
    assert types == set(ProviderType.__args__)
    for name in ("models.yaml", "model-apis.yaml"):
        path = empty / "inventory" / name
        path.write_text(_uncommented(path.read_text()))
    # Everything the examples declare loads and cross-checks; the only problems left
    # are the pins that need a discovery snapshot first (the next step a user takes).
    result = run("--format", "json", "lock", "--env", "dev", "--dry-run")
    codes = {p["code"] for p in json.loads(result.stdout)["problems"]}
    assert codes == {"unpinnable-model"}, result.output


@pytest.mark.parametrize("name", ["modelplane.yml", "modelplane-refresh.yml"])
def test_generated_workflows_are_valid_and_install_the_pinned_release(empty, name):
    assert run("init").exit_code == 0
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(vendor.joinpath("github-workflows.json").read_text(encoding="utf-8"))
    text = (empty / ".github/workflows" / name).read_text()
    workflow = YAML(typ="safe", pure=True).load(text)
    jsonschema.validate(workflow, schema)
    assert workflow["env"]["MODELPLANE_REQUIREMENT"] == f"modelplane=={__version__}"
    for job in workflow["jobs"].values():  # the refresh workflow: plan + one job per provider
        runs = [s.get("run", "") for s in job["steps"]]
        assert 'python -m pip install "$MODELPLANE_REQUIREMENT"' in runs
    assert "pip install ." not in text
    for line in _run_lines(workflow):
        _parse(line)  # every command the workflow runs parses with this CLI


def test_pre_commit_config_is_valid_and_pinned(empty):
    from pre_commit.clientlib import load_config

    assert run("init", "--requirement", "modelplane==9.9.9").exit_code == 0
    config = load_config(str(empty / ".pre-commit-config.yaml"))
    hooks = config["repos"][0]["hooks"]
    assert {h["id"] for h in hooks} == {"modelplane-lock-check", "modelplane-render-check"}
    assert all(h["additional_dependencies"] == ["modelplane==9.9.9"] for h in hooks)


def test_init_refuses_to_overwrite_and_writes_nothing(empty):
    (empty / ".pre-commit-config.yaml").write_text("repos: []\n")
    (empty / "README.md").write_text("mine\n")
    result = run("init")
    assert result.exit_code == 2
    assert (
        ".pre-commit-config.yaml: error[refused-overwrite]: .pre-commit-config.yaml exists"
        in result.stderr
    )
    assert sorted(p.name for p in empty.iterdir()) == [".pre-commit-config.yaml", "README.md"]


def test_init_keeps_an_existing_readme_and_gitignore(empty):
    (empty / "README.md").write_text("mine\n")
    (empty / ".gitignore").write_text("*.log\n")
    result = run("init")
    assert result.exit_code == 0, result.output
    assert (empty / "README.md").read_text() == "mine\n"
    assert (empty / ".gitignore").read_text() == "*.log\n"
    assert "= README.md (exists, kept)" in result.stdout


def test_init_refuses_an_existing_repository(empty):
    assert run("init").exit_code == 0
    before = sorted(p.as_posix() for p in empty.rglob("*"))
    result = run("init")
    assert result.exit_code == 2
    assert "is already a modelplane repository" in result.stderr
    assert "modelplane env add NAME" in result.stderr
    assert sorted(p.as_posix() for p in empty.rglob("*")) == before


@pytest.mark.parametrize("name", ["Prod", "a_b", "-x", "x" * 60])
def test_environment_names_must_be_dns_labels(empty, name):
    result = run("init", "--env", name)
    assert result.exit_code == 2
    assert "is not a DNS label" in result.stderr
    assert list(empty.iterdir()) == []


def test_env_add_from_copies_settings_pins_and_snapshots(empty):
    assert run("init").exit_code == 0
    dev = empty / "environments/dev"
    (dev / "snapshots").mkdir()
    (dev / "snapshots/openai.json").write_text("{}\n")  # copied as is, not parsed here
    (dev / "environment.yaml").write_text(
        (dev / "environment.yaml")
        .read_text()
        .replace("namespace: llm-dev", "namespace: llm-dev  # ours")
    )
    (dev / "snapshots/openai.json").unlink()
    result = run("env", "add", "staging", "--from", "dev")
    assert result.exit_code == 0, result.output
    staging = empty / "environments/staging"
    text = (staging / "environment.yaml").read_text()
    assert "namespace: llm-staging  # ours" in text
    assert "hostnames: [llm.dev.example.com]" in text  # the rest is a copy
    assert "pinned: gpt-4o-mini" in (staging / "models.lock").read_text()
    assert (staging / "manifests/modelapis/chat.yaml").is_file()
    assert run("render", "--all", "--check").exit_code == 0


def test_env_add_copies_snapshots(empty):
    assert run("init").exit_code == 0
    snapshot = empty / "environments/dev/snapshots/openai.json"
    snapshot.parent.mkdir()
    snapshot.write_text(
        json.dumps({"format": 1, "provider": "openai", "models": [], "aliases": {}})
    )
    result = run("env", "add", "qa", "--from", "dev")
    copied = empty / "environments/qa/snapshots/openai.json"
    assert copied.read_bytes() == snapshot.read_bytes(), result.output


def test_env_add_fresh_and_namespace(empty):
    assert run("init").exit_code == 0
    result = run("env", "add", "qa", "--namespace", "team-qa")
    assert result.exit_code == 0, result.output
    text = (empty / "environments/qa/environment.yaml").read_text()
    assert "namespace: team-qa\n" in text and "llm.qa.example.com" in text


def test_env_add_refuses_existing_and_unknown_source(empty):
    assert run("init").exit_code == 0
    before = (empty / "environments/dev/environment.yaml").read_bytes()
    clash = run("env", "add", "dev")
    assert clash.exit_code == 2 and "environments/dev already exists" in clash.stderr
    assert (empty / "environments/dev/environment.yaml").read_bytes() == before
    unknown = run("env", "add", "qa", "--from", "dve")
    assert unknown.exit_code == 2
    assert "--from names unknown environment 'dve'" in unknown.stderr
    assert "known environments: dev" in unknown.stderr
    assert not (empty / "environments/qa").exists()


def test_schemas_editor_rewrites_stale_editor_schemas(empty):
    assert run("init").exit_code == 0
    assert run("schemas", "editor", "--check").exit_code == 0
    (empty / "schemas/inventory.schema.json").write_text("{}\n")
    check = run("schemas", "editor", "--check")
    assert check.exit_code == 1 and "stale schemas/inventory.schema.json" in check.stdout
    assert (empty / "schemas/inventory.schema.json").read_text() == "{}\n"
    assert run("schemas", "editor").exit_code == 0
    assert (empty / "schemas/inventory.schema.json").read_text() == (
        schema_files()["inventory.schema.json"]
    )


def test_env_add_from_points_gitops_at_its_own_folder(empty):
    assert run("init").exit_code == 0
    dev = empty / "environments/dev/environment.yaml"
    dev.write_text(
        dev.read_text()
        + "gitops:\n  engine: argocd\n  repoURL: https://git.example.com/llm.git\n"
        + "  path: environments/dev/manifests\n"
    )
    assert run("render", "--env", "dev").exit_code == 0
    assert run("env", "add", "qa", "--from", "dev").exit_code == 0
    text = (empty / "environments/qa/environment.yaml").read_text()
    assert "path: environments/qa/manifests" in text
    app = (empty / "environments/qa/gitops").rglob("*.yaml")
    assert any("environments/qa/manifests" in p.read_text() for p in app)
