from __future__ import annotations

import pytest

from compiler.errors import Severity
from compiler.render.targets.flokoa_spec import model_provider_spec, model_spec
from tests.render.targets.factories import PROVIDERS, model, pinned, provider

BLOCKS = {
    "openai": {"openai": {}},
    "openai-compatible": {"openai": {"baseURL": "https://vllm.example.com/v1"}},
    "openrouter": {"openai": {"baseURL": "https://openrouter.ai/api/v1"}},
    "mistral": {"openai": {"baseURL": "https://api.mistral.ai/v1"}},
    "groq": {"openai": {"baseURL": "https://api.groq.com/openai/v1"}},
    "together": {"openai": {"baseURL": "https://api.together.xyz/v1"}},
    "deepseek": {"openai": {"baseURL": "https://api.deepseek.com"}},
    "ollama": {"openai": {"baseURL": "http://ollama.llm.svc:11434/v1"}},
    "anthropic": {"anthropic": {}},
    "gemini": {"google": {}},
    "vertex-ai": {"google": {"project": "proj", "location": "europe-west4"}},
    "bedrock": {"bedrock": {"region": "us-east-1"}},
}


def errors(issues):
    return [i for i in issues if i.severity is Severity.ERROR]


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_exactly_one_provider_block_per_type(kind):
    spec, issues = model_provider_spec(provider(kind))
    assert not errors(issues)
    blocks = {k: v for k, v in spec.items() if k in ("openai", "anthropic", "google", "bedrock")}
    assert blocks == BLOCKS[kind]
    keyed = PROVIDERS[kind].get("credentials", {}).get("secretRef")
    assert spec.get("apiKeySecretRef") == ({"name": "llm-key", "key": "api-key"} if keyed else None)


def test_azure_is_refused_at_the_type():
    spec, issues = model_provider_spec(provider("azure-openai"))
    assert spec == {} and [(i.code, i.path) for i in issues] == [("flokoa-unsupported", ("type",))]


def test_vertex_service_account_key_and_bedrock_secret_refused():
    key = {"secretRef": {"name": "gcp-sa", "key": "key.json"}}
    spec, _ = model_provider_spec(provider("vertex-ai", credentials=key))
    assert spec["google"]["serviceAccountKeySecretRef"] == {"name": "gcp-sa", "key": "key.json"}
    assert "apiKeySecretRef" not in spec
    _, issues = model_provider_spec(provider("bedrock", credentials=key))
    assert [i.path for i in errors(issues)] == [("credentials", "secretRef")]


def test_headers_reach_the_model_and_tls_warns():
    p = provider(
        "openai",
        headers={"X-Team": "a"},
        tls={"caSecretRef": {"name": "ca", "key": "ca.crt"}},
        config={"openai": {"organization": "org-x"}},
        timeout="2m",
    )
    spec, issues = model_provider_spec(p)
    assert spec["defaultHeaders"] == {"X-Team": "a"}
    assert spec["tls"] == {"caSecretRef": {"name": "ca", "key": "ca.crt"}}
    assert [(i.path, i.severity) for i in issues] == [(("tls",), Severity.WARNING)]
    mspec, _ = model_spec(model(p.name), p, pinned("openai"))
    assert mspec["settings"]["extraHeaders"] == {"OpenAI-Organization": "org-x", "X-Team": "a"}
    assert mspec["settings"]["timeoutSeconds"] == 120


def test_model_settings_typed_and_extra():
    p = provider("anthropic")
    m = model(
        p.name,
        params={
            "temperature": 0.7,
            "max_tokens": 1024,
            "top_k": 5,
            "stop": "END",
            "thinking_budget": 2048,
        },
    )
    spec, issues = model_spec(m, p, pinned("anthropic"))
    assert spec == {
        "model": "claude-sonnet-4-5-20250929",
        "providerRef": {"name": "p-anthropic"},
        "settings": {
            "extra": {"thinking_budget": 2048},
            "maxTokens": 1024,
            "stopSequences": ["END"],
            "temperature": "0.7",
            "topK": 5,
        },
    }
    assert not issues


def test_a_typed_key_with_a_wrong_value_is_refused_not_shadowed():
    p = provider("openai")
    _, issues = model_spec(model(p.name, params={"temperature": "hot"}), p, pinned("openai"))
    assert [(i.code, i.path) for i in issues] == [("flokoa-unsupported", ("params", "temperature"))]


def test_vertex_claude_refused():
    p = provider("vertex-ai")
    _, issues = model_spec(model(p.name), p, "claude-sonnet-4-5@20250929")
    assert [i.path for i in errors(issues)] == [("model",)]
