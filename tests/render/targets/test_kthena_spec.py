from __future__ import annotations

import pytest

from compiler.errors import Severity
from compiler.render.targets.kthena_spec import external_provider_spec, model_route_spec
from tests.render.targets.factories import model, pinned, provider

BASES = {
    "openai": ("OpenAI", "https://api.openai.com/v1"),
    "openai-compatible": ("OpenAI", "https://vllm.example.com/v1"),
    "openrouter": ("OpenAI", "https://openrouter.ai/api/v1"),
    "mistral": ("OpenAI", "https://api.mistral.ai/v1"),
    "groq": ("OpenAI", "https://api.groq.com/openai/v1"),
    "together": ("OpenAI", "https://api.together.xyz/v1"),
    "deepseek": ("OpenAI", "https://api.deepseek.com"),
    "gemini": ("OpenAI", "https://generativelanguage.googleapis.com/v1beta/openai"),
    "anthropic": ("Anthropic", "https://api.anthropic.com"),
}


def errors(issues):
    return [i for i in issues if i.severity is Severity.ERROR]


def spec_of(kind, **changes):
    p = provider(kind, **changes)
    return external_provider_spec(model(p.name), p, pinned(kind))


@pytest.mark.parametrize("kind", sorted(BASES))
def test_protocol_base_url_auth_and_pin(kind):
    spec, issues = spec_of(kind)
    assert not issues
    assert (spec["providerType"], spec["baseURL"]) == BASES[kind]
    assert spec["model"] == pinned(kind)
    assert spec["auth"] == {"secretRef": {"name": "llm-key", "key": "api-key"}}


@pytest.mark.parametrize("kind", ["azure-openai", "vertex-ai", "bedrock"])
def test_unreachable_provider_types_are_refused(kind):
    spec, issues = spec_of(kind)
    assert spec == {} and [(i.code, i.path) for i in issues] == [("kthena-unsupported", ("type",))]


def test_http_endpoints_are_refused_at_the_endpoint():
    _, issues = spec_of("ollama")
    assert [(i.code, i.path) for i in errors(issues)] == [("kthena-unsupported", ("endpoint",))]
    _, issues = spec_of("openai-compatible", endpoint="http://vllm.llm.svc:8000/v1")
    assert [i.path for i in errors(issues)] == [("endpoint",)]


def test_ollama_over_https_uses_its_openai_api():
    spec, issues = spec_of("ollama", endpoint="https://ollama.example.com")
    assert spec["baseURL"] == "https://ollama.example.com/v1" and not issues
    assert "auth" not in spec


def test_headers_reserved_ones_refused_and_openai_scoping_as_headers():
    spec, issues = spec_of(
        "openai",
        headers={"X-Team": "a", "Authorization": "Bearer nope"},
        config={"openai": {"organization": "org-x", "project": "p"}},
    )
    assert spec["headers"] == {"OpenAI-Organization": "org-x", "OpenAI-Project": "p", "X-Team": "a"}
    assert [(i.code, i.path) for i in issues] == [
        ("kthena-unsupported", ("headers", "Authorization"))
    ]


def test_tls_ca_refused_skip_verify_kept_and_ignored_settings_warn():
    spec, issues = spec_of(
        "openai-compatible",
        tls={"caSecretRef": {"name": "ca", "key": "ca.crt"}, "insecureSkipVerify": True},
        timeout="30s",
        defaults={"temperature": 0.1},
    )
    assert spec["insecureSkipVerify"] is True
    assert [(i.path, i.severity) for i in issues] == [
        (("tls", "caSecretRef"), Severity.ERROR),
        (("timeout",), Severity.WARNING),
        (("defaults", "temperature"), Severity.WARNING),
    ]


def test_model_route_weights_and_rate_limit():
    m = model("p")
    spec = model_route_spec(
        m, [("chat", 80), ("chat-claude", 20)], {"unit": "minute", "inputTokensPerUnit": 1000}
    )
    assert spec == {
        "modelName": "chat",
        "rules": [
            {
                "name": "default",
                "targetModels": [
                    {"externalModelProviderName": "chat", "weight": 80},
                    {"externalModelProviderName": "chat-claude", "weight": 20},
                ],
            }
        ],
        "rateLimit": {"unit": "minute", "inputTokensPerUnit": 1000},
    }
