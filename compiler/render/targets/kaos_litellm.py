"""The LiteLLM proxy config of a Proxy model API, generated from the lock (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from compiler.inventory.serving import route_honours_ssl_verify
from compiler.models.inventory import Model, ModelApi
from compiler.models.lock import Lockfile
from compiler.models.providers import AzureConfig, Provider

# LiteLLM's provider prefixes (https://docs.litellm.ai/docs/providers).
LITELLM_PREFIX = {
    "openai": "openai",
    "anthropic": "anthropic",
    "azure-openai": "azure",
    "gemini": "gemini",
    "vertex-ai": "vertex_ai",
    "bedrock": "bedrock",
    "ollama": "ollama_chat",
    "openai-compatible": "openai",
    "openrouter": "openrouter",
    "mistral": "mistral",
    "groq": "groq",
    "together": "together_ai",
    "deepseek": "deepseek",
}
CA_MOUNT_ROOT = "/etc/modelplane/tls"
KEYLESS_PLACEHOLDER = "no-key"
_DURATION_PART = re.compile(r"(\d+)(ms|h|m|s)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def credential_env_name(provider: Provider) -> str:
    """The env var that carries `provider`'s credential into the proxy container."""
    # Vertex reads a service-account JSON (vertex_credentials), not an API key.
    suffix = "_VERTEX_CREDENTIALS" if provider.type == "vertex-ai" else "_API_KEY"
    return re.sub(r"[^A-Z0-9]", "_", provider.name.upper()) + suffix


def ca_mount_path(provider: Provider) -> str:
    """Where a provider's CA bundle is mounted in the proxy container."""
    return f"{CA_MOUNT_ROOT}/{provider.name}"


def duration_seconds(duration: str) -> float | int:
    """`1m30s` -> 90; whole seconds come back as int so the YAML stays tidy."""
    total = sum(int(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(duration))
    return int(total) if total == int(total) else total


def litellm_config(
    api: ModelApi,
    models: Mapping[str, Model],
    providers: Mapping[str, Provider],
    lock: Lockfile,
) -> dict[str, Any]:
    """The proxy's config.yaml as data: one model_list entry per served logical model."""
    served = [models[name] for name in api.models]
    served_providers = [providers[m.provider] for m in served]
    config: dict[str, Any] = {
        "model_list": [
            _model_entry(m, providers[m.provider], lock.models[m.name].pinned) for m in served
        ],
        "litellm_settings": _settings(served_providers),
    }
    fallbacks = [
        {m.name: list(m.fallbacks)} for m in sorted(served, key=lambda m: m.name) if m.fallbacks
    ]
    if fallbacks:
        config["router_settings"] = {"fallbacks": fallbacks}
    return config


def _settings(providers: list[Provider]) -> dict[str, Any]:
    settings: dict[str, Any] = {"drop_params": True}
    if any(p.type == "azure-openai" and _identity(p) for p in providers):
        # Without it LiteLLM's Azure route never asks Entra ID for a token
        # (llms/azure/common_utils.py): every call fails with "Missing credentials".
        settings["enable_azure_ad_token_refresh"] = True
    return settings


def _identity(provider: Provider) -> bool:
    return provider.credentials is not None and provider.credentials.workload_identity


def _model_entry(model: Model, provider: Provider, pinned: str) -> dict[str, Any]:
    params: dict[str, Any] = {"model": f"{litellm_prefix(provider)}/{pinned}"}
    if provider.endpoint:
        params["api_base"] = _api_base(provider, pinned)
    params.update(_connection_params(provider))
    params.update(provider.defaults)
    params.update(model.params)
    return {"model_name": model.name, "litellm_params": params}


def litellm_prefix(provider: Provider) -> str:
    """The LiteLLM provider prefix that routes calls for `provider`."""
    if provider.type == "openai-compatible" and provider.discovery.flavor == "vllm":
        return "hosted_vllm"
    return LITELLM_PREFIX[provider.type]


def _connection_params(provider: Provider) -> dict[str, Any]:
    params: dict[str, Any] = {}
    creds = provider.credentials
    if creds is not None and creds.secret_ref is not None:
        key = "vertex_credentials" if provider.type == "vertex-ai" else "api_key"
        params[key] = f"os.environ/{credential_env_name(provider)}"
    elif creds is not None and creds.none and litellm_prefix(provider) == "openai":
        # The OpenAI SDK refuses to send a request without a key ("Missing
        # credentials"); a keyless server ignores whatever it receives.
        params["api_key"] = KEYLESS_PLACEHOLDER
    params.update(_type_params(provider))
    headers = _headers(provider)
    if headers:
        params["extra_headers"] = headers
    # A CA reaches every client through SSL_CERT_FILE (see kaos_pod); only the clients
    # that read a per-route ssl_verify can skip verification route by route.
    if provider.tls.insecure_skip_verify and route_honours_ssl_verify(provider):
        params["ssl_verify"] = False
    if provider.timeout:
        params["timeout"] = duration_seconds(provider.timeout)
    return params


def _api_base(provider: Provider, pinned: str) -> str | None:
    base = provider.base_url
    if provider.type == "gemini" and base and not base.endswith(("/v1beta", "/v1")):
        # LiteLLM appends /models/<id>:generateContent to a custom gemini api_base.
        return f"{base}/v1beta"
    vertex = provider.config.vertex
    if provider.type == "vertex-ai" and vertex is not None:
        # A custom Vertex api_base is the model's whole URL ({api_base}:generateContent,
        # :rawPredict for Claude): LiteLLM appends only the method.
        publisher = "anthropic" if pinned.startswith("claude") else "google"
        return (
            f"{base}/v1/projects/{vertex.project}/locations/{vertex.location}"
            f"/publishers/{publisher}/models/{pinned}"
        )
    return base


def _headers(provider: Provider) -> dict[str, str]:
    headers = dict(provider.headers)
    openai = provider.config.openai
    if openai is not None:
        # LiteLLM has no project setting, and its embedding route drops `organization`
        # (main.py embedding()); the headers reach chat and embeddings alike.
        if openai.organization:
            headers.setdefault("OpenAI-Organization", openai.organization)
        if openai.project:
            headers.setdefault("OpenAI-Project", openai.project)
    return dict(sorted(headers.items()))


def _type_params(provider: Provider) -> dict[str, Any]:
    config = provider.config
    if provider.type == "azure-openai":
        return {"api_version": (config.azure or AzureConfig()).api_version}
    if config.vertex is not None:
        return {"vertex_project": config.vertex.project, "vertex_location": config.vertex.location}
    if config.bedrock is not None:
        return {"aws_region_name": config.bedrock.region}
    if config.openai is not None and config.openai.organization:
        return {"organization": config.openai.organization}
    return {}
