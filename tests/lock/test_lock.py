from __future__ import annotations

import json

import pytest

from compiler.errors import LockError
from compiler.inventory.load import load_environment
from compiler.lock.files import read_lockfile, read_snapshots
from compiler.lock.resolve import LockOptions, resolve_lock
from compiler.pipeline.lock import lock_environment
from compiler.project import Project
from tests.helpers import copy_example


@pytest.fixture
def project(tmp_path):
    return Project(copy_example(tmp_path))


def add_snapshot_model(project, env, provider, model_id, created=None):
    path = project.snapshots_dir(env) / f"{provider}.json"
    data = json.loads(path.read_text())
    data["models"].append({"id": model_id, **({"created": created} if created else {})})
    path.write_text(json.dumps(data))


def pins(project, env):
    lockfile, _ = read_lockfile(project, env)
    return {name: m.pinned for name, m in lockfile.models.items()}


def test_committed_locks_are_reproduced_exactly(project):
    for env in project.environment_names():
        before = project.lock_file(env).read_text()
        outcome = lock_environment(project, env, LockOptions())
        assert not outcome.written
        assert outcome.result.text == before


def test_existing_pins_are_kept_until_upgrade(project):
    add_snapshot_model(project, "prod", "openai", "gpt-4o-2025-03-01")
    assert lock_environment(project, "prod", LockOptions()).written  # snapshot digest moved
    assert pins(project, "prod")["chat-default"] == "gpt-4o-2024-11-20"
    outcome = lock_environment(
        project, "prod", LockOptions(upgrade_models=frozenset({"chat-default"}))
    )
    assert outcome.result.changes == ("~ chat-default: gpt-4o-2024-11-20 -> gpt-4o-2025-03-01",)
    assert pins(project, "prod")["chat-default"] == "gpt-4o-2025-03-01"


def test_upgrade_provider_moves_only_that_providers_pins(project):
    add_snapshot_model(project, "prod", "openai", "gpt-4o-2025-03-01")
    add_snapshot_model(project, "prod", "openai", "gpt-4o-mini-2025-04-01")
    add_snapshot_model(project, "prod", "gemini", "gemini-2.0-flash-002")
    lock_environment(project, "prod", LockOptions(upgrade_providers=frozenset({"openai"})))
    assert pins(project, "prod")["chat-fast"] == "gpt-4o-mini-2025-04-01"
    assert pins(project, "prod")["gemini-flash"] == "gemini-2.0-flash-001"
    lock_environment(project, "prod", LockOptions(upgrade_all=True))
    assert pins(project, "prod")["gemini-flash"] == "gemini-2.0-flash-002"


def test_a_pin_that_disappears_never_moves_silently(project):
    path = project.snapshots_dir("prod") / "openai.json"
    data = json.loads(path.read_text())
    data["models"] = [m for m in data["models"] if m["id"] != "gpt-4o-2024-11-20"]
    path.write_text(json.dumps(data))
    before = project.lock_file("prod").read_bytes()
    with pytest.raises(LockError) as caught:
        lock_environment(project, "prod", LockOptions())
    (problem,) = caught.value.diagnostics
    assert problem.code == "pin-vanished"
    assert problem.location.path == "inventory/models.yaml" and problem.location.line > 0
    assert "'gpt-4o-2024-11-20' is no longer listed" in problem.message
    assert "newest match now is 'gpt-4o-2024-08-06'" in problem.message
    assert "modelplane lock --env prod --upgrade-model chat-default" in problem.hint
    assert project.lock_file("prod").read_bytes() == before
    # asked for, the move happens and is shown
    moved = lock_environment(
        project, "prod", LockOptions(upgrade_models=frozenset({"chat-default"}))
    )
    assert "~ chat-default: gpt-4o-2024-11-20 -> gpt-4o-2024-08-06" in moved.result.changes


def test_check_reports_stale_without_writing(project):
    add_snapshot_model(project, "prod", "openai", "gpt-4o-2025-03-01")
    before = project.lock_file("prod").read_bytes()
    outcome = lock_environment(project, "prod", LockOptions(), check=True)
    assert [d.code for d in outcome.stale] == ["lock-stale"]
    assert project.lock_file("prod").read_bytes() == before


def test_missing_lock_is_reported_by_check(project):
    project.lock_file("dev").unlink()
    outcome = lock_environment(project, "dev", LockOptions(), check=True)
    assert [d.code for d in outcome.stale] == ["lock-missing"]


def test_lockfile_is_sorted_and_free_of_timestamps(project):
    text = project.lock_file("prod").read_text()
    assert "fetchedAt" not in text and "2026-11-20T" not in text
    names = [
        line.split(":")[0].strip()
        for line in text.split("models:\n")[1].splitlines()
        if line.startswith("  ") and not line.startswith("    ")
    ]
    assert names == sorted(names)
    assert text.startswith("# models.lock") and "modelplane lock --env prod" in text


def test_requirements_are_checked_against_the_snapshot(project):
    resolved = load_environment(project, "prod")
    snapshots = read_snapshots(project, resolved)
    small = resolved.model("chat-claude").model_copy(
        update={
            "requires": resolved.model("chat-claude").requires.model_copy(
                update={"min_context_window": 500_000}
            )
        }
    )
    env = type(resolved)(
        **{
            **{f: getattr(resolved, f) for f in resolved.__dataclass_fields__},
            "models": tuple(small if m.name == "chat-claude" else m for m in resolved.models),
        }
    )
    with pytest.raises(LockError) as err:
        resolve_lock(env, snapshots, None, LockOptions())
    assert [d.code for d in err.value.diagnostics] == ["requirement-unmet"]
    assert "200000, below 500000" in err.value.diagnostics[0].message
