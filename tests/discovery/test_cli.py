"""`modelplane discover` and `lock --refresh` on a copy of the example repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.discovery.server import FakeProvider, file_reply

REPO = Path(__file__).resolve().parents[2]
KEYS = {
    "OPENAI_API_KEY": "sk-openai-test",
    "ANTHROPIC_API_KEY": "sk-ant-test",
    "GEMINI_API_KEY": "gemini-test",
    "OPENROUTER_API_KEY": "sk-or-test",
}
ENDPOINTS = {
    "openai": "/openai/v1",
    "anthropic": "/anthropic",
    "gemini": "/gemini",
    "vllm": "/vllm/v1",
    "ollama": "/ollama",
    "openrouter": "/openrouter/api/v1",
}


def _serve_all(server: FakeProvider) -> None:
    bearer = {"authorization": "Bearer sk-openai-test"}
    server.add("/openai/v1/models", file_reply("openai", "models.json"), expect=bearer)
    anthropic = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"}
    server.add(
        "/anthropic/v1/models", file_reply("anthropic", "models_page1.json"), expect=anthropic
    )
    server.add(
        "/anthropic/v1/models",
        file_reply("anthropic", "models_page2.json"),
        query={"after_id": "claude-haiku-4-5-20251001"},
        expect=anthropic,
    )
    server.add(
        "/anthropic/v1/models/claude-sonnet-4-5",
        file_reply("anthropic", "model_alias_claude-sonnet-4-5.json"),
        expect=anthropic,
    )
    gemini = {"x-goog-api-key": "gemini-test"}
    server.add("/gemini/v1beta/models", file_reply("gemini", "models_page1.json"), expect=gemini)
    server.add(
        "/gemini/v1beta/models",
        file_reply("gemini", "models_page2.json"),
        query={"pageToken": "Ch1tb2RlbHMvZ2VtaW5pLTIuMC1mbGFzaC0wMDE="},
        expect=gemini,
    )
    server.add("/vllm/v1/models", file_reply("vllm", "models.json"))
    server.add("/ollama/api/tags", file_reply("ollama", "tags.json"))
    server.add("/openrouter/api/v1/models", file_reply("openrouter", "models.json"))


@pytest.fixture
def repo(tmp_path: Path, server: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("inventory", "environments", "schemas", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, tmp_path / name)
    env_file = tmp_path / "environments" / "dev" / "environment.yaml"
    overrides = "".join(
        f"    - name: {name}\n      endpoint: {server.url}{path}\n"
        for name, path in ENDPOINTS.items()
    )
    text = env_file.read_text()
    env_file.write_text(text.replace("overrides:\n", f"overrides:\n  providers:\n{overrides}", 1))
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    _serve_all(server)
    return tmp_path


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_vanished_pin_is_a_located_error_not_a_silent_move(repo: Path, server: FakeProvider):
    lock = repo / "environments/dev/models.lock"
    before = lock.read_bytes()
    result = CliRunner().invoke(cli, ["lock", "--env", "dev", "--refresh"])
    assert result.exit_code == 1, result.output
    assert (
        "inventory/models.yaml:7:12: error[pin-vanished]: chat-default: pinned id "
        "'gpt-4o-2024-11-20' is no longer listed by provider 'openai'"
    ) in result.output
    assert "modelplane lock --env dev --upgrade-model chat-default" in result.output
    assert lock.read_bytes() == before


def test_lock_refresh_pins_aliases_and_is_stable(repo: Path, server: FakeProvider):
    runner = CliRunner()
    # The fixture lists fewer ids than the committed lock pins: accept the move once.
    first = runner.invoke(cli, ["lock", "--env", "dev", "--refresh", "--upgrade"])
    assert first.exit_code == 0, first.output
    assert server.violations == []
    lock = (repo / "environments/dev/models.lock").read_text()
    assert "claude-sonnet-4-5-20250929" in lock
    snapshot = (repo / "environments/dev/snapshots/anthropic.json").read_text()
    assert '"claude-sonnet-4-5": "claude-sonnet-4-5-20250929"' in snapshot
    before = _tree(repo / "environments")
    second = runner.invoke(cli, ["lock", "--env", "dev", "--refresh"])
    assert second.exit_code == 0, second.output
    assert _tree(repo / "environments") == before
    assert all(value not in first.output + second.output for value in KEYS.values())


def test_discover_failure_exits_4_and_keeps_the_old_snapshot(repo: Path, server: FakeProvider):
    server.routes = [r for r in server.routes if not r.path.startswith("/gemini")]
    server.add("/gemini/v1beta/models", file_reply("gemini", "error_400_api_key_invalid.json", 400))
    old = (repo / "environments/dev/snapshots/gemini.json").read_bytes()
    result = CliRunner().invoke(cli, ["discover", "--env", "dev"])
    assert result.exit_code == 4, result.output
    assert "400 from gemini" in result.output
    assert "check GEMINI_API_KEY" in result.output
    assert (repo / "environments/dev/snapshots/gemini.json").read_bytes() == old
    assert "gemini-test" not in result.output


def test_discover_one_provider(repo: Path, server: FakeProvider):
    result = CliRunner().invoke(cli, ["discover", "--env", "dev", "--provider", "vllm"])
    assert result.exit_code == 0, result.output
    assert {s.path for s in server.seen} == {"/vllm/v1/models"}
    assert "discover dev/vllm: 2 models" in result.output


def test_discover_unknown_provider_is_a_usage_error(repo: Path):
    result = CliRunner().invoke(cli, ["discover", "--env", "dev", "--provider", "nope"])
    assert result.exit_code == 2
    assert "provider nope is not enabled" in result.output


def test_discover_reports_missing_key(repo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    result = CliRunner().invoke(cli, ["discover", "--env", "dev", "--provider", "openai"])
    assert result.exit_code == 4
    assert "OPENAI_API_KEY is not set" in result.output
