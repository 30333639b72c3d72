"""agentops Providers carry what the CRD can say; the rest is warned at its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from compiler.inventory.agentops_fit import agentops_defaults
from compiler.models.inventory import Model
from compiler.models.providers import Provider
from compiler.render.targets.agentops_provider import provider_specs
from tests.helpers import copy_example, run_cli


def provider(**fields: Any) -> Provider:
    base = {
        "name": "p",
        "type": "anthropic",
        "credentials": {"secretRef": {"name": "s", "key": "k"}},
    }
    return Provider.model_validate({**base, **fields})


def test_call_defaults_become_the_families_typed_defaults() -> None:
    anthropic = provider(
        defaults={
            "thinking": {"type": "enabled", "budget_tokens": 8192},
            "effort": "high",
            "temperature": 0.3,
        }
    )
    assert agentops_defaults(anthropic, "anthropic") == (
        {"anthropic": {"effort": "high", "thinkingBudgetTokens": 8192}},
        ["temperature"],
    )
    openai = provider(type="openai", defaults={"reasoning_effort": "low", "service_tier": "flex"})
    assert agentops_defaults(openai, "openai")[0] == {
        "openai": {"reasoningEffort": "low", "serviceTier": "flex"}
    }
    google = provider(type="gemini", defaults={"reasoning_effort": "medium"})
    assert agentops_defaults(google, "google")[0] == {"google": {"thinkingLevel": "MEDIUM"}}


def test_responses_api_and_oauth2_are_rendered() -> None:
    openai = provider(type="openai", config={"openai": {"useResponsesAPI": True}})
    [(_, spec)] = provider_specs(openai, [])
    assert spec["config"] == {"useResponsesAPI": True}
    oauth = provider(
        type="openai-compatible",
        endpoint="https://gw.example.com/v1",
        credentials={
            "oauth2": {
                "tokenURL": "https://login.example.com/token",
                "clientIdSecretRef": {"name": "gw-oauth", "key": "id"},
                "clientSecretSecretRef": {"name": "gw-oauth", "key": "secret"},
                "scope": "llm",
            }
        },
    )
    [(_, spec)] = provider_specs(oauth, [])
    assert spec["api_key_secret"] is None
    assert spec["endpoint"]["oauth2ClientCredentials"] == {
        "tokenURL": "https://login.example.com/token",
        "clientIdSecret": {"name": "gw-oauth", "key": "id"},
        "clientSecretSecret": {"name": "gw-oauth", "key": "secret"},
        "scope": "llm",
    }


def test_claude_on_vertex_gets_its_own_anthropic_provider() -> None:
    vertex = provider(
        name="vertex", type="vertex-ai", config={"vertex": {"project": "p", "location": "l"}}
    )
    claude = Model.model_validate({"name": "c", "provider": "vertex", "model": "claude-opus-4-6"})
    specs = dict(provider_specs(vertex, [claude]))
    assert specs["vertex"]["type"] == "google"
    assert specs["vertexanthropic"]["type"] == "anthropic"
    assert specs["vertexanthropic"]["config"] == {"vertex": {"project": "p", "location": "l"}}


def test_keyless_and_identity_providers_are_warned_not_dropped_silently(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "repo")
    path = repo / "inventory" / "providers.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    timeout: 300s\n",
        "    timeout: 300s\n    defaults:\n      thinking: {type: enabled, budget_tokens: 4096}\n"
        "      top_k: 5\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    # Without KAOS, agents have no proxy to go through: every gap matters.
    env_file = repo / "environments" / "prod" / "environment.yaml"
    env_file.write_text(
        env_file.read_text(encoding="utf-8") + "targets: [agentops]\n", encoding="utf-8"
    )
    result = run_cli("render", "--env", "prod", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "warning[agentops-unexpressed]: no agentops Provider is rendered for 'bedrock'" in (
        result.stderr
    )
    assert "no agentops Provider is rendered for 'corpgateway'" in result.stderr  # private CA
    assert "the agentops Provider has no timeout" in result.stderr
    assert "defaults.top_k has no field in the agentops Provider (anthropic)" in result.stderr
    rendered = repo / "environments" / "prod" / "manifests" / "providers" / "anthropic.yaml"
    spec = yaml.safe_load(rendered.read_text(encoding="utf-8"))["spec"]
    assert spec["defaults"] == {"anthropic": {"thinkingBudgetTokens": 4096}}
