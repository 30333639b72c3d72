"""The LiteLLM proxy config of a Proxy model API, generated from the lock (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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
_DURATION_PART = re.compile(r"(\d+)(ms|h|m|s)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def credential_env_name(provider: Provider) -> str:
    """The env var that carries `provider`'s key into the proxy container."""
    return re.sub(r"[^A-Z0-9]", "_", provider.name.upper()) + "_API_KEY"


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
    config: dict[str, Any] = {
        "model_list": [
            _model_entry(m, providers[m.provider], lock.models[m.name].pinned) for m in served
        ],
        "litellm_settings": {"drop_params": True},
    }
    fallbacks = [
        {m.name: list(m.fallbacks)} for m in sorted(served, key=lambda m: m.name) if m.fallbacks
    ]
    if fallbacks:
        config["router_settings"] = {"fallbacks": fallbacks}
    return config


def _model_entry(model: Model, provider: Provider, pinned: str) -> dict[str, Any]:
    params: dict[str, Any] = {"model": f"{_prefix(provider)}/{pinned}"}
    params.update(_connection_params(provider))
    params.update(provider.defaults)
    params.update(model.params)
    return {"model_name": model.name, "litellm_params": params}


def _prefix(provider: Provider) -> str:
    if provider.type == "openai-compatible" and provider.discovery.flavor == "vllm":
        return "hosted_vllm"
    return LITELLM_PREFIX[provider.type]


def _connection_params(provider: Provider) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if provider.endpoint:
        params["api_base"] = provider.base_url
    creds = provider.credentials
    if creds is not None and creds.secret_ref is not None:
        params["api_key"] = f"os.environ/{credential_env_name(provider)}"
    params.update(_type_params(provider))
    if provider.headers:
        params["extra_headers"] = dict(sorted(provider.headers.items()))
    if provider.tls.ca_secret_ref is not None:
        params["ssl_verify"] = f"{ca_mount_path(provider)}/{provider.tls.ca_secret_ref.key}"
    elif provider.tls.insecure_skip_verify:
        params["ssl_verify"] = False
    if provider.timeout:
        params["timeout"] = duration_seconds(provider.timeout)
    return params


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
