from __future__ import annotations

import json

import jsonschema_rs
import pytest
import yaml

from compiler.inventory.schema import schema_files
from tests.helpers import REPO_ROOT


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_committed_schema_is_fresh(name):
    committed = (REPO_ROOT / "schemas" / name).read_text()
    assert committed == schema_files()[name], "run `python -m compiler.inventory.schema`"


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(REPO_ROOT).as_posix()
        for p in [
            *REPO_ROOT.glob("inventory/*.yaml"),
            *REPO_ROOT.glob("environments/*/environment.yaml"),
        ]
    ),
)
def test_example_files_pass_their_editor_schema_and_carry_the_modeline(path):
    text = (REPO_ROOT / path).read_text()
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema_path = (REPO_ROOT / path).parent / first.split("$schema=", 1)[1]
    validator = jsonschema_rs.validator_for(json.loads(schema_path.read_text()))
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(text))]
    assert errors == []
