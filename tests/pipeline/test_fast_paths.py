"""The fast paths for machine-written files agree with the located slow paths."""

from __future__ import annotations

import json

import pytest

from compiler.errors import LockError
from compiler.inventory.load import load_environment, read_inventory
from compiler.lock.files import read_lockfile, read_snapshots
from compiler.project import Project
from compiler.yamlio.manifests import load_json
from compiler.yamlio.source import load_yaml
from tests.helpers import copy_example


@pytest.fixture
def project(tmp_path):
    return Project(copy_example(tmp_path))


def test_load_json_builds_what_load_yaml_builds():
    text = json.dumps({"a": [1, 2.5, None, True, "x"], "b": {"c": "2024-01-01"}}, indent=2)
    assert load_json(text) == load_yaml(text, "f.json").data


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '{"a": NaN}', '{"a": Infinity}', "a: 1"])
def test_load_json_refuses_what_json_and_yaml_could_read_differently(text):
    with pytest.raises(ValueError):
        load_json(text)


def test_a_snapshot_with_a_duplicate_key_still_gets_a_located_error(project):
    env = "prod"
    resolved = load_environment(project, env)
    path = project.snapshots_dir(env) / "openai.json"
    text = path.read_text()
    path.write_text(text.replace('"format": 1,', '"format": 1,\n  "format": 1,', 1))
    with pytest.raises(LockError) as caught:
        read_snapshots(project, resolved)
    assert [d.code for d in caught.value.diagnostics] == ["yaml-duplicate-key"]
    assert caught.value.diagnostics[0].location.path.endswith("snapshots/openai.json")


def test_a_hand_edited_lockfile_reads_the_same_through_the_slow_path(project):
    env = "prod"
    canonical, text = read_lockfile(project, env)
    edited = text.replace("version: 1\n", "version: 1  # edited by hand\n")
    assert edited != text
    project.lock_file(env).write_text(edited)
    lockfile, read_text = read_lockfile(project, env)
    assert lockfile == canonical
    assert read_text == edited


def test_a_broken_lockfile_is_still_located(project):
    env = "prod"
    path = project.lock_file(env)
    path.write_text(path.read_text().replace("version: 1\n", "version: one\n"))
    with pytest.raises(LockError) as caught:
        read_lockfile(project, env)
    assert caught.value.diagnostics[0].location.line > 1


def test_environments_resolve_the_same_from_a_shared_inventory_read(project):
    inventory = read_inventory(project)
    for env in project.environment_names():
        assert load_environment(project, env, inventory=inventory) == load_environment(project, env)
