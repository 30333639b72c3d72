from __future__ import annotations

import pytest

from compiler.errors import Severity
from compiler.render.targets.kagent_spec import model_config_spec
from tests.render.targets.factories import PROVIDERS, model, pinned, provider

EXPECTED_PROVIDER = {
    "openai": "OpenAI",
    "openai-compatible": "OpenAI",
    "openrouter": "OpenAI",
    "mistral": "OpenAI",
    "groq": "OpenAI",
    "together": "OpenAI",
    "deepseek": "OpenAI",
    "anthropic": "Anthropic",
    "azure-openai": "AzureOpenAI",
    "gemini": "Gemini",
    "vertex-ai": "GeminiVertexAI",
    "bedrock": "Bedrock",
    "ollama": "Ollama",
}


def spec_of(kind, **changes):
    p = provider(kind, **changes.pop("provider", {}))
    return model_config_spec(model(p.name, **changes), p, pinned(kind))


def errors(issues):
    return [i for i in issues if i.severity is Severity.ERROR]


@pytest.mark.parametrize("kind", sorted(PROVIDERS))
def test_every_provider_type_maps_to_its_kagent_provider(kind):
    spec, issues = spec_of(kind)
    assert not errors(issues), issues
    assert spec["provider"] == EXPECTED_PROVIDER[kind]
    assert spec["model"] == pinned(kind)


@pytest.mark.parametrize(
    "kind, block",
    [
        ("openai", None),
        ("openai-compatible", {"openAI": {"baseUrl": "https://vllm.example.com/v1"}}),
        ("openrouter", {"openAI": {"baseUrl": "https://openrouter.ai/api/v1"}}),
        ("groq", {"openAI": {"baseUrl": "https://api.groq.com/openai/v1"}}),
        ("deepseek", {"openAI": {"baseUrl": "https://api.deepseek.com"}}),
        ("anthropic", None),
        (
            "azure-openai",
            {
                "azureOpenAI": {
                    "azureEndpoint": "https://contoso.openai.azure.com",
                    "apiVersion": "2024-10-21",
                    "azureDeployment": "chat-deployment",
                }
            },
        ),
        ("gemini", None),
        ("vertex-ai", {"geminiVertexAI": {"projectID": "proj", "location": "europe-west4"}}),
        ("bedrock", {"bedrock": {"region": "us-east-1"}}),
        ("ollama", {"ollama": {"host": "http://ollama.llm.svc:11434"}}),
    ],
)
def test_provider_blocks(kind, block):
    spec, _ = spec_of(kind)
    blocks = {
        k: v
        for k, v in spec.items()
        if k not in {"provider", "model", "apiKeySecret", "apiKeySecretKey"}
    }
    assert blocks == (block or {})


@pytest.mark.parametrize("kind", ["openai", "anthropic", "azure-openai", "gemini", "mistral"])
def test_api_key_secret_and_key(kind):
    spec, _ = spec_of(kind)
    assert (spec["apiKeySecret"], spec["apiKeySecretKey"]) == ("llm-key", "api-key")


def test_vertex_claude_is_anthropic_vertex_and_other_publishers_are_refused():
    p = provider("vertex-ai")
    spec, issues = model_config_spec(model(p.name), p, "claude-sonnet-4-5@20250929")
    assert spec["provider"] == "AnthropicVertexAI"
    assert spec["anthropicVertexAI"] == {"projectID": "proj", "location": "europe-west4"}
    spec, issues = model_config_spec(model(p.name), p, "llama-3.3-70b-instruct-maas")
    assert spec == {} and [i.code for i in issues] == ["kagent-unsupported"]
    assert issues[0].path == ("model",)


def test_openai_parameters_in_kagent_types():
    spec, issues = spec_of(
        "openai",
        params={
            "temperature": 0.2,
            "top_p": 1,
            "max_tokens": 512,
            "seed": 7,
            "reasoning_effort": "low",
            "logprobs": True,
        },
        provider={
            "timeout": "90s",
            "config": {"openai": {"organization": "org-x", "project": "proj-y"}},
        },
    )
    assert spec["openAI"] == {
        "organization": "org-x",
        "timeout": 90,
        "temperature": "0.2",
        "topP": "1",
        "maxTokens": 512,
        "seed": 7,
        "reasoningEffort": "low",
    }
    assert spec["defaultHeaders"] == {"OpenAI-Project": "proj-y"}
    [warning] = issues
    assert warning.severity is Severity.WARNING and warning.path == ("params", "logprobs")


def test_parameters_kagent_never_passes_are_warnings_not_fields():
    spec, issues = spec_of("anthropic", params={"temperature": 0.5, "max_tokens": 100})
    assert "anthropic" not in spec
    assert {(i.path, i.severity) for i in issues} == {
        (("params", "max_tokens"), Severity.WARNING),
        (("params", "temperature"), Severity.WARNING),
    }


def test_headers_and_tls():
    spec, issues = spec_of(
        "openai-compatible",
        provider={
            "headers": {"X-Team": "a"},
            "tls": {
                "caSecretRef": {"name": "corp-ca", "key": "ca.crt"},
                "insecureSkipVerify": True,
            },
        },
    )
    assert spec["defaultHeaders"] == {"X-Team": "a"}
    assert spec["tls"] == {
        "caCertSecretRef": "corp-ca",
        "caCertSecretKey": "ca.crt",
        "disableVerify": True,
    }
    assert not issues


def test_vertex_headers_and_tls_are_ignored_by_kagent():
    spec, issues = spec_of(
        "vertex-ai", provider={"headers": {"X-Team": "a"}, "tls": {"insecureSkipVerify": True}}
    )
    assert "defaultHeaders" not in spec and "tls" not in spec
    assert {i.path for i in issues} == {("headers",), ("tls",)}
    assert all(i.severity is Severity.WARNING for i in issues)


def test_bedrock_api_key_must_use_kagents_fixed_key_name():
    good = {"credentials": {"secretRef": {"name": "bedrock", "key": "AWS_BEARER_TOKEN_BEDROCK"}}}
    spec, issues = spec_of("bedrock", provider=good)
    assert spec["apiKeySecret"] == "bedrock" and "apiKeySecretKey" not in spec and not issues
    bad = {"credentials": {"secretRef": {"name": "bedrock", "key": "api-key"}}}
    _, issues = spec_of("bedrock", provider=bad)
    assert [(i.code, i.path) for i in errors(issues)] == [
        ("kagent-unsupported", ("credentials", "secretRef", "key"))
    ]


def test_gemini_without_a_key_and_custom_endpoints_are_refused():
    _, issues = spec_of("gemini", provider={"credentials": None})
    assert [i.path for i in errors(issues)] == [("type",)]
    _, issues = spec_of("gemini", provider={"endpoint": "https://gw.example.com"})
    assert [i.path for i in errors(issues)] == [("endpoint",)]


def test_ollama_options_and_fallbacks():
    spec, issues = spec_of(
        "ollama", params={"temperature": 0.1, "max_tokens": 64}, fallbacks=["other"]
    )
    assert spec["ollama"]["options"] == {"num_predict": "64", "temperature": "0.1"}
    assert [(i.path, i.severity) for i in issues] == [(("fallbacks",), Severity.WARNING)]
