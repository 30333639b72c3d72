"""`discover --all` and `lock` as a platform team runs them, on a small repository."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.discovery.server import FakeProvider, Reply, json_reply

PROVIDERS = """\
providers:
  - name: openai
    type: openai
    endpoint: {url}/openai/v1
    credentials:
      secretRef: {{name: llm-openai, key: api-key}}
      env: OPENAI_API_KEY
  - name: vllm
    type: openai-compatible
    endpoint: http://vllm.models.svc.cluster.local:8000/v1
    discovery:
      endpoint: {url}/vllm/v1
"""
MODELS = """\
models:
  - name: chat
    provider: openai
    model: gpt-4o
  - name: llama
    provider: vllm
    model: meta-llama/Llama-3.1-8B-Instruct
"""
APIS = """\
modelApis:
  - name: chat
    mode: Proxy
    models: [chat, llama]
"""
ENV = """\
namespace: llm-{name}
enable:
  providers: [openai, vllm]
  models: [chat, llama]
  modelApis: [chat]
secrets:
  backend: existing
{extra}"""
STRICT = """\
policies:
  minReplicas: 3
  requireResourceLimits: true
"""
OPENAI = {
    "data": [
        {"id": "gpt-4o", "created": 1715367049},
        {"id": "gpt-4o-2024-08-06", "created": 1722814719},
        {"id": "gpt-4o-2024-11-20", "created": 1732127594},
    ]
}
VLLM = {
    "data": [{"id": "meta-llama/Llama-3.1-8B-Instruct", "owned_by": "vllm", "max_model_len": 8192}]
}


@pytest.fixture
def company(tmp_path: Path, server: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "inventory").mkdir()
    (tmp_path / "inventory" / "providers.yaml").write_text(PROVIDERS.format(url=server.url))
    (tmp_path / "inventory" / "models.yaml").write_text(MODELS)
    (tmp_path / "inventory" / "model-apis.yaml").write_text(APIS)
    for name in ("dev", "staging", "prod"):
        folder = tmp_path / "environments" / name
        folder.mkdir(parents=True)
        extra = STRICT if name == "prod" else ""
        (folder / "environment.yaml").write_text(ENV.format(name=name, extra=extra))
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-company-key")
    monkeypatch.delenv("CI", raising=False)
    server.add(
        "/openai/v1/models", json_reply(OPENAI), expect={"authorization": "Bearer sk-company-key"}
    )
    server.add("/vllm/v1/models", json_reply(VLLM))
    return tmp_path


def test_discover_all_asks_each_account_once_despite_a_failing_render_policy(company, server):
    result = CliRunner().invoke(cli, ["discover", "--all"])
    assert result.exit_code == 0, result.output
    assert len(server.requests_to("/openai/v1/models")) == 1
    assert len(server.requests_to("/vllm/v1/models")) == 1
    assert server.violations == []
    for env in ("dev", "staging", "prod"):
        assert (company / "environments" / env / "snapshots" / "openai.json").is_file()
    assert "discover openai [dev, prod, staging]: started" in result.output
    assert "prod: 2 snapshot(s) written" in result.output
    # prod's render policy fails render, but not lock
    locked = CliRunner().invoke(cli, ["lock", "--all"])
    assert locked.exit_code == 0, locked.output
    render = CliRunner().invoke(cli, ["render", "--env", "prod"])
    assert render.exit_code != 0 and "policy" in render.output


def test_discover_json_result(company, server):
    result = CliRunner().invoke(cli, ["--format", "json", "discover", "--env", "dev"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["command"] == "discover" and doc["ok"] is True and doc["problems"] == []
    env = doc["result"]["environments"][0]
    assert env["name"] == "dev"
    openai = next(p for p in env["providers"] if p["name"] == "openai")
    assert openai == {
        "name": "openai",
        "ok": True,
        "models": 3,
        "added": ["gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20"],
        "removed": [],
    }


def test_summary_names_ids_added_and_removed(company, server):
    assert CliRunner().invoke(cli, ["discover", "--env", "dev"]).exit_code == 0
    route = server.routes[[r.path for r in server.routes].index("/openai/v1/models")]
    changed = {"data": [*OPENAI["data"][1:], {"id": "gpt-4o-2025-06-01", "created": 1748736000}]}
    route.replies = [json_reply(changed)]
    route.served = 0
    result = CliRunner().invoke(cli, ["discover", "--env", "dev"])
    assert "  + openai: added gpt-4o-2025-06-01" in result.output
    assert "  - openai: removed gpt-4o" in result.output


def test_deadline_flag_bounds_a_hung_provider(company, server):
    route = server.routes[[r.path for r in server.routes].index("/vllm/v1/models")]
    route.replies = [Reply(200, b"{}", delay=8.0)]
    started = time.monotonic()
    result = CliRunner().invoke(
        cli, ["discover", "--env", "dev", "--deadline", "1.5", "--timeout", "5"]
    )
    assert time.monotonic() - started < 4
    assert result.exit_code == 4
    assert "vllm" in result.output and "timed out" in result.output
    assert (company / "environments" / "dev" / "snapshots" / "openai.json").is_file()


def test_bounds_from_the_environment_and_bad_values(company, server, monkeypatch):
    monkeypatch.setenv("MODELPLANE_DISCOVERY_CONCURRENCY", "zero")
    result = CliRunner().invoke(cli, ["discover", "--env", "dev"])
    assert result.exit_code == 2
    assert "MODELPLANE_DISCOVERY_CONCURRENCY: 'zero' is not a valid value" in result.output
    assert server.seen == []


def test_provider_filter_across_environments(company, server):
    env = company / "environments" / "dev" / "environment.yaml"
    env.write_text(env.read_text().replace("providers: [openai, vllm]", "providers: [openai]"))
    env.write_text(env.read_text().replace("models: [chat, llama]", "models: [chat]"))
    env.write_text(env.read_text().replace("modelApis: [chat]", "modelApis: []"))
    result = CliRunner().invoke(cli, ["discover", "--all", "--provider", "vllm"])
    assert result.exit_code == 0, result.output
    assert {s.path for s in server.seen} == {"/vllm/v1/models"}
    bad = CliRunner().invoke(cli, ["discover", "--all", "--provider", "nope"])
    assert bad.exit_code == 2 and "provider nope is not enabled in" in bad.output
