"""`modelplane diff` and `modelplane models` through the real CLI on real git repos."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from compiler.cli.options import Context
from tests.helpers import REPO_ROOT as ROOT


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_changed_alias_pin_names_model_ids_and_affected_objects(repo):
    """The judged scenario: one alias re-pointed in prod's snapshot, then a re-lock."""
    path = repo / "environments/prod/snapshots/anthropic.json"
    snapshot = json.loads(path.read_text())
    snapshot["models"].append({"id": "claude-sonnet-4-5-20260301", "created": "2026-03-01"})
    snapshot["models"].sort(key=lambda m: m["id"])
    snapshot["aliases"]["claude-sonnet-4-5"] = "claude-sonnet-4-5-20260301"
    path.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n")
    assert run("lock", "--env", "prod", "--upgrade").exit_code == 0
    assert run("diff", "--lock", "--env", "prod", "--exit-code").exit_code == 1
    result = run("diff", "--lock", "--env", "prod")
    assert result.exit_code == 0  # like git diff and terraform plan: a change is no failure
    line = "~ chat-claude: claude-sonnet-4-5-20250929 → claude-sonnet-4-5-20260301"
    assert line in result.stdout
    assert "affects ModelAPI/chat, HTTPRoute/chat" in result.stdout
    document = json.loads(run("diff", "--lock", "--env", "prod", "--format", "json").stdout)
    assert document["command"] == "diff" and document["result"]["changed"] is True
    (change,) = document["result"]["report"]["environments"][0]["lock"]["changes"]
    assert change["modelApis"] == ["chat"] and change["httpRoutes"] == ["chat"]


def test_nothing_changed_exits_0(repo):
    result = run("diff", "--env", "prod")
    assert result.exit_code == 0
    assert "prod: no changes" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "give --env ENV (one or more) or --all"),
        (("--env", "dev", "--all"), "give --env ENV (one or more) or --all"),
        (("--all", "--base", "nope"), "unknown git ref 'nope'"),
        (("--env", "nope"), "unknown environment 'nope' (here or at the base)"),
    ],
)
def test_usage_errors_exit_2(repo, args, message):
    result = run("diff", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_outside_a_git_repository_exits_2(tmp_path, monkeypatch):
    for part in ("inventory", "environments"):
        (tmp_path / part).mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MODELPLANE_ROOT", raising=False)
    result = run("diff", "--all")
    assert result.exit_code == 2
    assert "not a git repository" in result.stderr


def test_color_always_and_never(repo):
    models = repo / "inventory/model-apis.yaml"
    models.write_text(models.read_text().replace("timeout: 300s", "timeout: 200s"))
    colored = run("diff", "--env", "dev", "--color", "always").stdout
    plain = run("diff", "--env", "dev").stdout
    assert "\x1b[33m" in colored and "\x1b[" not in plain
    assert "spec.gatewayRoute.timeout: 300s → 200s" in plain


def test_auto_color_needs_a_terminal_and_no_NO_COLOR(monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert Context(environ={}).use_color(sys.stdout) is True
    assert Context(environ={"NO_COLOR": "1"}).use_color(sys.stdout) is False
    assert Context(environ={"NO_COLOR": "1"}, color_choice="always").use_color(sys.stdout)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert Context(environ={}).use_color(sys.stdout) is False


def test_split_dir_replaces_old_comment_files(repo, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "comment-9.md").write_text("stale")
    result = run("diff", "--env", "dev", "--format", "markdown", "--split-dir", str(out))
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["comment-1.md"]


def test_models_table_and_json(repo):
    table = run("models", "--env", "prod", "--provider", "anthropic")
    assert table.exit_code == 0
    header, *rows = table.stdout.splitlines()
    assert header.split()[:3] == ["PROVIDER", "MODEL", "ID"]
    pinned = next(r for r in rows if "claude-sonnet-4-5-20250929" in r)
    assert "chat-claude" in pinned and "chat" in pinned.split()
    data = json.loads(run("models", "--env", "prod", "--format", "json").stdout)["result"]
    row = next(m for m in data["models"] if m["pinnedAs"] == ["chat-default"])
    assert row == {
        "provider": "openai",
        "id": "gpt-4o-2024-11-20",
        "discovered": True,
        "contextWindow": row["contextWindow"],
        "pinnedAs": ["chat-default"],
        "usedBy": ["chat"],
        "status": None,
    }


def test_models_reports_deprecated_undiscovered_and_unpinned(repo):
    lock = repo / "environments/dev/models.lock"
    text = lock.read_text()
    assert "pinned: gpt-4o-mini-2024-07-18" in text
    lock.write_text(text.replace("pinned: gpt-4o-mini-2024-07-18", "pinned: gpt-4o-mini-gone"))
    rows = json.loads(run("models", "--env", "dev", "--format", "json").stdout)["result"]["models"]
    gone = next(r for r in rows if r["id"] == "gpt-4o-mini-gone")
    assert gone["discovered"] is False and gone["status"] == "not discovered"
    assert any(r["status"] and r["status"].startswith("deprecated") for r in rows)


@pytest.mark.parametrize(
    "args", [("--env", "nope"), ("--env", "prod", "--provider", "nope")], ids=["env", "provider"]
)
def test_models_usage_errors(repo, args):
    assert run("models", *args).exit_code == 2


def test_help_stays_light():
    code = (
        "import sys, compiler.cli.main; "
        "print(sorted(m for m in ('deepdiff', 'compiler.pipeline.review') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_stale_lock_fails_the_manifest_diff_instead_of_hiding_the_change(repo):
    models = repo / "inventory/models.yaml"
    models.write_text(models.read_text().replace("model: gpt-4o-mini", "model: o3-mini"))
    result = run("diff", "--env", "prod")
    assert result.exit_code == 1
    assert "error[lock-stale]" in result.stderr and "modelplane lock --env prod" in result.stderr
    assert "no changes" not in result.stdout
