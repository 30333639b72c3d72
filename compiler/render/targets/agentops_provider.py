"""The agentops Provider specs of one inventory provider (pure).

Everything the CRD can say is rendered: the key Secret or OAuth2 client credentials,
endpoint and headers, organization/project, useResponsesAPI, the Azure API version,
Vertex (Gemini as `google`; Claude on Vertex as a second, `anthropic` Provider named
`<name>anthropic`), Bedrock, and per-family call defaults. What it cannot say is warned
by the inventory stage (compiler/inventory/agentops_fit.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compiler.inventory.agentops_fit import agentops_defaults, agentops_type, usable_by_agents
from compiler.models.inventory import Model
from compiler.models.providers import AzureConfig, Provider


def provider_specs(provider: Provider, models: Iterable[Model]) -> list[tuple[str, dict[str, Any]]]:
    """(object name, spec) of every agentops Provider rendered for `provider`."""
    auth = _auth(provider)
    if auth is None or not usable_by_agents(provider):
        return []
    kind = agentops_type(provider)
    specs = [(provider.name, _spec(provider, kind, auth))]
    vertex_claude = any(m.model.startswith("claude") for m in models if m.provider == provider.name)
    if provider.type == "vertex-ai" and vertex_claude:
        # One agentops Provider has one type; Claude on Vertex is type anthropic.
        specs.append((f"{provider.name}anthropic", _spec(provider, "anthropic", auth)))
    return specs


def _auth(provider: Provider) -> dict[str, Any] | None:
    creds = provider.credentials
    if creds is None:
        return None
    if creds.secret_ref is not None:
        ref = creds.secret_ref
        return {"api_key_secret": {"name": ref.name, "key": ref.key}}
    if creds.oauth2 is not None:
        oauth = creds.oauth2
        block: dict[str, Any] = {
            "tokenURL": oauth.token_url,
            "clientIdSecret": _ref(oauth.client_id_secret_ref.name, oauth.client_id_secret_ref.key),
            "clientSecretSecret": _ref(
                oauth.client_secret_secret_ref.name, oauth.client_secret_secret_ref.key
            ),
        }
        block.update({k: v for k, v in (("scope", oauth.scope), ("audience", oauth.audience)) if v})
        return {"oauth2": block}
    return None


def _ref(name: str, key: str) -> dict[str, str]:
    return {"name": name, "key": key}


def _spec(provider: Provider, kind: str, auth: dict[str, Any]) -> dict[str, Any]:
    endpoint = _endpoint(provider, kind)
    if "oauth2" in auth:
        endpoint["oauth2ClientCredentials"] = auth["oauth2"]
    defaults, _ = agentops_defaults(provider, kind)
    return {
        "type": kind,
        "api_key_secret": auth.get("api_key_secret"),
        "endpoint": endpoint,
        "config": _config(provider, kind),
        "defaults": defaults,
    }


def _endpoint(provider: Provider, kind: str) -> dict[str, Any]:
    endpoint: dict[str, Any] = {}
    base = provider.base_url
    if base and (provider.endpoint or kind == "openaicompat"):
        endpoint["baseURL"] = base + "/v1" if provider.type == "ollama" else base
    headers = dict(provider.headers)
    if headers:
        endpoint["headers"] = dict(sorted(headers.items()))
    return endpoint


def _config(provider: Provider, kind: str) -> dict[str, Any]:
    config: dict[str, Any] = {}
    cfg = provider.config
    if cfg.openai is not None:
        if kind == "openai":
            config.update(
                {
                    k: v
                    for k, v in (
                        ("organization", cfg.openai.organization),
                        ("project", cfg.openai.project),
                    )
                    if v
                }
            )
        if cfg.openai.use_responses_api is not None:
            config["useResponsesAPI"] = cfg.openai.use_responses_api
    if kind == "azure":
        azure = cfg.azure or AzureConfig()
        config["azureAPIVersion"] = azure.api_version
        if azure.use_responses_api is not None:
            config["useResponsesAPI"] = azure.use_responses_api
    if cfg.vertex is not None:
        config["vertex"] = {"project": cfg.vertex.project, "location": cfg.vertex.location}
    if kind == "bedrock":
        config["bedrock"] = True
    return config
