"""Errors that cost a newcomer minutes: misspellings, cascades, leftovers, repeated hints."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from compiler.errors import did_you_mean, known_hint
from tests.helpers import copy_example, drop_openrouter_from_dev, edit


@pytest.fixture
def repo(tmp_path, monkeypatch):
    copy_example(tmp_path)
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, ["--format", "text", *args])


def test_did_you_mean():
    assert did_you_mean("replica", ["replicas", "resources"]) == "did you mean 'replicas'?"
    assert did_you_mean("Antropic", ["anthropic", "openai"]) == "did you mean 'anthropic'?"
    assert did_you_mean("zzz", ["anthropic"]) == ""
    assert known_hint("opnai", ["openai", "anthropic"]) == (
        "did you mean 'openai'? (known: anthropic, openai)"
    )
    assert known_hint("x", []) == "known: none"


def test_unknown_key_in_an_override_suggests_the_key(repo):
    edit(repo / "environments/prod/environment.yaml", "      replicas: 3", "      replica: 3")
    result = run("render", "--env", "prod")
    assert result.exit_code == 1
    assert result.stderr == (
        "environments/prod/environment.yaml:44:7: error[unknown-key]: unknown key 'replica'\n"
        "  = hint: did you mean 'replicas'?\n"
        "1 error\n"
    )


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(repo):
    edit(repo / "inventory/providers.yaml", "    timeout: 120s", "    colour: blue")
    result = run("render", "--env", "prod")
    assert "unknown key 'colour'" in result.stderr
    assert "allowed here: config, credentials, defaults, discovery, endpoint" in result.stderr


def test_a_misspelt_required_key_is_one_error(repo):
    path = repo / "inventory/model-apis.yaml"
    path.write_text(path.read_text().replace("    mode: Proxy\n", "    mod: Proxy\n", 1))
    result = run("render", "--env", "prod")
    assert result.stderr.count("error[") == 1, result.stderr
    assert "unknown key 'mod'\n  = hint: did you mean 'mode'?" in result.stderr
    assert "missing required key" not in result.stderr


def test_a_typo_in_enable_is_reported_alone(repo):
    edit(
        repo / "environments/dev/environment.yaml",
        "providers: [openai, anthropic,",
        "providers: [openai, antropic,",
    )
    result = run("render", "--all")
    assert result.exit_code == 1
    assert result.stderr == (
        "environments/dev/environment.yaml:7:23: error[unknown-reference] in dev: "
        "enable.providers names unknown provider 'antropic'\n"
        "  = hint: did you mean 'anthropic'? (known: anthropic, azure, bedrock, corpgateway, "
        "gemini, ollama, openai, openrouter, vertex, vllm)\n"
        "1 error\n"
    )


def test_a_short_enable_list_still_reports_each_item_not_enabled(repo):
    edit(
        repo / "environments/dev/environment.yaml",
        "providers: [openai, anthropic,",
        "providers: [openai, zzzzzzzz,",
    )
    result = run("render", "--env", "dev")
    assert "unknown provider 'zzzzzzzz'" in result.stderr
    assert "does not enable" in result.stderr  # no typo guessed: the real consequences show


def test_unknown_provider_reference_suggests_the_name(repo):
    edit(
        repo / "inventory/models.yaml",
        "provider: openai\n    model: gpt-4o\n",
        "provider: opnai\n    model: gpt-4o\n",
    )
    result = run("render", "--env", "prod")
    assert "uses unknown provider 'opnai'" in result.stderr
    assert "did you mean 'openai'?" in result.stderr


def test_a_removed_providers_snapshot_is_flagged(repo):
    drop_openrouter_from_dev(repo)
    stale = repo / "environments/dev/snapshots/gone.json"
    stale.write_text((repo / "environments/dev/snapshots/openrouter.json").read_text())
    result = run("lock", "--env", "dev")
    assert result.exit_code == 0, result.output
    assert (
        "environments/dev/snapshots/openrouter.json: warning[orphaned-snapshot]: snapshot of "
        "provider 'openrouter', which environment 'dev' does not enable" in result.stderr
    )
    assert (
        "environments/dev/snapshots/gone.json: warning[orphaned-snapshot]: snapshot of "
        "provider 'gone', which the inventory no longer defines" in result.stderr
    )


def test_a_missing_key_hint_is_not_repeated(repo, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run("discover", "--env", "dev", "--provider", "openai")
    assert result.exit_code == 4
    assert result.stderr.count("export OPENAI_API_KEY") == 1  # the hint, once
    problem = [line for line in result.stderr.splitlines() if "error[discovery-failed]" in line]
    assert problem and problem[0].endswith("OPENAI_API_KEY is not set"), result.stderr
    assert "  = hint: export OPENAI_API_KEY" in result.stderr


def test_no_environments_points_at_init(tmp_path, monkeypatch):
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    result = run("render", "--all")
    assert result.exit_code == 2
    assert "no environments found" in result.stderr
    assert "modelplane init" in result.stderr
