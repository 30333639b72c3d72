"""`outdated` (newer, retiring, vanished pins) and `promote` (staging pins into prod)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from compiler.errors import LockError
from compiler.lock.files import read_lockfile
from compiler.lock.promote import Selection
from compiler.lock.resolve import LockOptions
from compiler.pipeline.lock import lock_environment
from compiler.pipeline.outdated import outdated_environments
from compiler.pipeline.promote import promote_environment
from compiler.project import Project
from tests.helpers import copy_example


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = copy_example(tmp_path)
    monkeypatch.setenv("MODELPLANE_ROOT", str(root))
    return Project(root)


def _edit_snapshot(project, env, provider, change):
    path = project.snapshots_dir(env) / f"{provider}.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _add(project, env, provider, model_id, **facts):
    _edit_snapshot(project, env, provider, lambda d: d["models"].append({"id": model_id, **facts}))


def test_outdated_lists_newer_retiring_and_vanished(project):
    _add(project, "prod", "openai", "gpt-4o-2025-06-01")
    _edit_snapshot(
        project,
        "prod",
        "anthropic",
        lambda d: [
            m.update(retiresAt="2026-12-31")
            for m in d["models"]
            if m["id"] == _pin(project, "prod", "chat-claude")
        ],
    )
    pins = {(p.model, p.kinds): p for p in outdated_environments(project, ["prod"])}
    newer = pins[("chat-default", ("newer",))]
    assert newer.newer == "gpt-4o-2025-06-01" and newer.pinned == "gpt-4o-2024-11-20"
    assert pins[("chat-claude", ("retiring",))].retires_at == "2026-12-31"
    # nothing was written
    assert "gpt-4o-2025-06-01" not in project.lock_file("prod").read_text()


def test_outdated_reports_a_vanished_pin(project):
    gone = _pin(project, "prod", "chat-default")
    _edit_snapshot(
        project,
        "prod",
        "openai",
        lambda d: d.update(models=[m for m in d["models"] if m["id"] != gone]),
    )
    (pin,) = [p for p in outdated_environments(project, ["prod"]) if p.model == "chat-default"]
    assert "vanished" in pin.kinds and pin.newer == "gpt-4o-2024-08-06"


def test_outdated_cli_formats(project):
    _add(project, "prod", "openai", "gpt-4o-2025-06-01")
    text = CliRunner().invoke(cli, ["outdated", "--env", "prod"])
    assert text.exit_code == 0
    assert "chat-default (openai) gpt-4o-2024-11-20: newer: gpt-4o-2025-06-01" in text.output
    md = CliRunner().invoke(cli, ["outdated", "--all", "--format", "markdown"]).output
    assert "### openai" in md and "| prod | chat-default | `gpt-4o-2024-11-20` |" in md
    doc = json.loads(CliRunner().invoke(cli, ["outdated", "--all", "--format", "json"]).output)
    assert doc["command"] == "outdated"
    assert doc["result"]["providersWithUpgrades"] == ["openai"]


def _pin(project, env, model):
    lockfile, _ = read_lockfile(project, env)
    return lockfile.models[model].pinned


def test_promote_copies_staging_pins_and_lock_check_stays_green(project):
    _add(project, "staging", "openai", "gpt-4o-2025-06-01")
    _add(project, "prod", "openai", "gpt-4o-2025-06-01")
    lock_environment(project, "staging", LockOptions(upgrade_models=frozenset({"chat-default"})))
    lock_environment(project, "prod", LockOptions())  # new snapshot digest, same pins
    assert _pin(project, "staging", "chat-default") == "gpt-4o-2025-06-01"
    promotion, changed = promote_environment(
        project, "staging", "prod", Selection(models=frozenset({"chat-default"})), dry_run=False
    )
    assert changed
    assert promotion.moved == (("chat-default", "gpt-4o-2024-11-20", "gpt-4o-2025-06-01"),)
    assert _pin(project, "prod", "chat-default") == "gpt-4o-2025-06-01"
    assert lock_environment(project, "prod", LockOptions(), check=True).stale == ()


def test_promote_refuses_ids_the_target_does_not_list(project):
    _add(project, "staging", "openai", "gpt-4o-2025-06-01")
    lock_environment(project, "staging", LockOptions(upgrade_all=True))
    before = project.lock_file("prod").read_bytes()
    with pytest.raises(LockError) as caught:
        promote_environment(project, "staging", "prod", Selection(), dry_run=False)
    (problem,) = caught.value.diagnostics
    assert problem.code == "promote-unlisted"
    assert "staging pins 'gpt-4o-2025-06-01', which prod's snapshot of 'openai'" in problem.message
    assert project.lock_file("prod").read_bytes() == before


def test_promote_cli_dry_run_and_unknown_names(project):
    _add(project, "staging", "openai", "gpt-4o-2025-06-01")
    _add(project, "prod", "openai", "gpt-4o-2025-06-01")
    lock_environment(project, "staging", LockOptions(upgrade_providers=frozenset({"openai"})))
    before = project.lock_file("prod").read_bytes()
    dry = CliRunner().invoke(
        cli, ["promote", "--from", "staging", "--to", "prod", "--provider", "openai", "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "prod: would write models.lock" in dry.output
    assert "~ chat-default: gpt-4o-2024-11-20 -> gpt-4o-2025-06-01" in dry.output
    assert project.lock_file("prod").read_bytes() == before
    bad = CliRunner().invoke(
        cli, ["promote", "--from", "staging", "--to", "prod", "--model", "nope"]
    )
    assert bad.exit_code == 2 and "--model names unknown model nope" in bad.output


def test_diff_lock_against_another_environment(project):
    _add(project, "staging", "openai", "gpt-4o-2025-06-01")
    lock_environment(project, "staging", LockOptions(upgrade_models=frozenset({"chat-default"})))
    result = CliRunner().invoke(
        cli, ["diff", "--lock", "--env", "prod", "--against-env", "staging", "--exit-code"]
    )
    assert result.exit_code == 1
    assert result.output == "chat-default: prod gpt-4o-2024-11-20, staging gpt-4o-2025-06-01\n"
    md = CliRunner().invoke(
        cli,
        [
            "diff",
            "--lock",
            "--env",
            "prod",
            "--against-env",
            "staging",
            "--format",
            "markdown",
            "--exit-zero",
        ],
    )
    assert md.exit_code == 0
    assert (
        "| chat-default | prod | `gpt-4o-2024-11-20` | staging | `gpt-4o-2025-06-01` |" in md.output
    )


def test_lock_names_newer_matches_without_moving_them(project):
    _add(project, "prod", "openai", "gpt-4o-2025-06-01")
    result = CliRunner().invoke(cli, ["lock", "--env", "prod"])
    assert result.exit_code == 0, result.output
    assert "  newer match: chat-default: gpt-4o-2024-11-20 -> gpt-4o-2025-06-01" in result.output
    assert "modelplane lock --env prod --upgrade-model MODEL" in result.output
    assert _pin(project, "prod", "chat-default") == "gpt-4o-2024-11-20"


def test_models_shows_a_newer_match(project):
    _add(project, "prod", "openai", "gpt-4o-2025-06-01")
    out = CliRunner().invoke(cli, ["models", "--env", "prod", "--provider", "openai"]).output
    row = next(line for line in out.splitlines() if line.split()[1:2] == ["gpt-4o-2024-11-20"])
    assert row.endswith("newer: gpt-4o-2025-06-01")
