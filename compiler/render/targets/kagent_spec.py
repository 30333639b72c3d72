"""kagent ModelConfig (kagent.dev/v1alpha2) spec of one logical model (pure).

Which fields kagent really uses was read from its translator and runtime
(kagent-dev/kagent 5229184e: go/core/internal/controller/translator/agent/
adk_api_translator.go `translateModel`, python kagent-adk types.py
`_create_llm_from_model_config`). Several CRD fields are accepted but never reach the
model client (Anthropic/Azure sampling parameters, Vertex headers and TLS); those
become warnings at the inventory line instead of dead fields in the manifest.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from compiler.models.inventory import Model
from compiler.models.providers import AzureConfig, Provider
from compiler.render.targets.issues import Issue, ignored, provider_issue, sorted_map
from compiler.render.targets.kagent_params import kagent_params
from compiler.render.targets.kaos_litellm import duration_seconds

OPENAI_FAMILY = frozenset(
    {"openai", "openai-compatible", "openrouter", "mistral", "groq", "together", "deepseek"}
)
_KINDS = {
    "anthropic": "Anthropic",
    "azure-openai": "AzureOpenAI",
    "gemini": "Gemini",
    "bedrock": "Bedrock",
    "ollama": "Ollama",
}
_BLOCKS = {
    "OpenAI": "openAI",
    "Anthropic": "anthropic",
    "AzureOpenAI": "azureOpenAI",
    "Gemini": "gemini",
    "GeminiVertexAI": "geminiVertexAI",
    "AnthropicVertexAI": "anthropicVertexAI",
    "Bedrock": "bedrock",
    "Ollama": "ollama",
}
# kagent-adk builds these model clients without headers or a TLS-configured client.
_NO_TRANSPORT = frozenset({"GeminiVertexAI", "AnthropicVertexAI"})
BEDROCK_TOKEN_KEY = "AWS_BEARER_TOKEN_BEDROCK"
# kagent-adk builds AsyncOpenAI(api_key=None), which fails without OPENAI_API_KEY.
NO_KEY_MESSAGE = (
    "kagent's OpenAI client needs an API key: without apiKeySecret the agent fails "
    "unless its pod sets OPENAI_API_KEY"
)


def kagent_provider(provider: Provider, pinned: str) -> str | None:
    """Return the `provider` enum of kagent for a type (Vertex AI: by the publisher)."""
    if provider.type in OPENAI_FAMILY:
        return "OpenAI"
    if provider.type == "vertex-ai":
        if pinned.startswith("claude"):
            return "AnthropicVertexAI"
        return "GeminiVertexAI" if pinned.startswith(("gemini", "gemma")) else None
    return _KINDS.get(provider.type)


def model_config_spec(
    model: Model, provider: Provider, pinned: str
) -> tuple[dict[str, Any], list[Issue]]:
    """The ModelConfig spec and what kagent cannot express or would ignore."""
    kind = kagent_provider(provider, pinned)
    if kind is None:
        return {}, [
            Issue(
                "models",
                model.name,
                ("model",),
                "kagent-unsupported",
                f"kagent serves Vertex AI models of Google (GeminiVertexAI) and Anthropic "
                f"(AnthropicVertexAI) only, not {pinned!r}",
                "leave this model out of kagent.models in environment.yaml",
            )
        ]
    issues: list[Issue] = []
    block = _block(kind, provider, pinned, issues)
    block.update(kagent_params(kind, model, provider, issues))
    spec: dict[str, Any] = {"provider": kind, "model": pinned}
    spec.update(_credentials(kind, provider, issues))
    spec.update(_transport(kind, provider, issues))
    if block or kind in ("AzureOpenAI", "GeminiVertexAI", "AnthropicVertexAI", "Bedrock"):
        spec[_BLOCKS[kind]] = block
    if model.fallbacks:
        issues.append(
            ignored(
                Issue("models", model.name, ("fallbacks",), "", ""),
                "kagent-ignored",
                "kagent has no fallbacks: an agent calls this one model",
                "serve the model through a KAOS proxy (kagent.viaProxy) to keep fallbacks",
            )
        )
    return spec, issues


def _credentials(kind: str, provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    creds = provider.credentials
    ref = creds.secret_ref if creds is not None else None
    if ref is None:
        issues.extend(_keyless(kind, provider))
        return {}
    at = ("credentials", "secretRef")
    if kind == "Ollama":
        issues.append(
            provider_issue(
                provider,
                at,
                "kagent-ignored",
                "kagent's Ollama provider sends no API key",
                warn=True,
            )
        )
        return {}
    if kind == "Bedrock":
        # The translator ignores apiKeySecretKey and looks for fixed key names.
        if ref.key != BEDROCK_TOKEN_KEY:
            issues.append(
                provider_issue(
                    provider,
                    (*at, "key"),
                    "kagent-unsupported",
                    f"kagent reads a Bedrock API key only from the Secret key "
                    f"{BEDROCK_TOKEN_KEY} (else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), "
                    f"not {ref.key!r}",
                    f"name the key {BEDROCK_TOKEN_KEY}, or use workloadIdentity",
                )
            )
        return {"apiKeySecret": ref.name}
    return {"apiKeySecret": ref.name, "apiKeySecretKey": ref.key}


def _keyless(kind: str, provider: Provider) -> Iterator[Issue]:
    if kind == "Gemini":
        yield provider_issue(
            provider,
            ("type",),
            "kagent-unsupported",
            "kagent's Gemini provider reads GOOGLE_API_KEY from apiKeySecret; this provider "
            "declares no credentials.secretRef",
        )
    elif kind == "OpenAI":
        yield provider_issue(
            provider,
            ("type",),
            "kagent-no-key",
            NO_KEY_MESSAGE,
            "declare credentials.secretRef (any non-empty key for a keyless server)",
            warn=True,
        )
    elif kind == "AzureOpenAI" and provider.credentials and provider.credentials.workload_identity:
        yield provider_issue(
            provider,
            ("credentials", "workloadIdentity"),
            "kagent-unsupported",
            "kagent's AzureOpenAI provider takes an API key or a static Azure AD token, not "
            "workload identity",
        )


def _block(kind: str, provider: Provider, pinned: str, issues: list[Issue]) -> dict[str, Any]:
    explicit = provider.endpoint is not None
    if kind == "OpenAI":
        return _openai_block(provider, issues)
    if kind == "Anthropic":
        return {"baseUrl": provider.base_url} if explicit else {}
    if kind == "AzureOpenAI":
        return {
            "azureEndpoint": provider.base_url,
            "apiVersion": (provider.config.azure or AzureConfig()).api_version,
            "azureDeployment": pinned,
        }
    if kind == "Ollama":
        return {"host": provider.base_url}
    if explicit:
        issues.append(
            provider_issue(
                provider,
                ("endpoint",),
                "kagent-unsupported",
                f"kagent's {kind} provider has no endpoint field; it would call the "
                "public endpoint instead",
            )
        )
    return _cloud_block(kind, provider, issues)


def _openai_block(provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    if provider.endpoint is not None or provider.type != "openai":
        block["baseUrl"] = provider.base_url
    openai = provider.config.openai
    if openai is not None and openai.organization:
        block["organization"] = openai.organization
    if provider.timeout:
        block["timeout"] = _seconds(provider.timeout)
    return block


def _cloud_block(kind: str, provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    vertex, bedrock = provider.config.vertex, provider.config.bedrock
    if kind in ("GeminiVertexAI", "AnthropicVertexAI") and vertex is not None:
        return {"projectID": vertex.project, "location": vertex.location}
    if kind == "Bedrock" and bedrock is not None:
        block: dict[str, Any] = {"region": bedrock.region}
        if provider.timeout:
            block["readTimeout"] = _seconds(provider.timeout)
        return block
    return {}


def _seconds(duration: str) -> int:
    return max(1, math.ceil(duration_seconds(duration)))


def _transport(kind: str, provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    headers = dict(provider.headers)
    openai = provider.config.openai
    if kind == "OpenAI" and openai is not None and openai.project:
        headers.setdefault("OpenAI-Project", openai.project)
    tls: dict[str, Any] = {}
    ca = provider.tls.ca_secret_ref
    if ca is not None:
        tls = {"caCertSecretRef": ca.name, "caCertSecretKey": ca.key}
    if provider.tls.insecure_skip_verify:
        tls["disableVerify"] = True
    if kind in _NO_TRANSPORT:
        issues.extend(_transport_ignored(kind, provider, bool(headers), bool(tls)))
        return {}
    if provider.timeout and kind not in ("OpenAI", "Bedrock"):
        issues.append(
            provider_issue(
                provider,
                ("timeout",),
                "kagent-ignored",
                f"kagent's {kind} provider has no request timeout",
                warn=True,
            )
        )
    out: dict[str, Any] = {}
    if headers:
        out["defaultHeaders"] = sorted_map(headers)
    if tls:
        out["tls"] = tls
    return out


def _transport_ignored(kind: str, provider: Provider, headers: bool, tls: bool) -> Iterator[Issue]:
    for present, path, what in ((headers, ("headers",), "headers"), (tls, ("tls",), "TLS")):
        if present:
            yield provider_issue(
                provider,
                path,
                "kagent-ignored",
                f"kagent's {kind} client is built without {what}; the setting would be ignored",
                warn=True,
            )
