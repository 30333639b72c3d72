"""Kthena ExternalModelProvider and ModelRoute specs (networking.serving.volcano.sh; pure).

The merged design (volcano-sh/kthena 3cc05728, not the closed PR #1191): the router
speaks OpenAI (`/v1/chat/completions`, `/v1/completions`, `/v1/responses`) or
Anthropic (`/v1/messages`) to an https `baseURL`, adds the credential as
`Authorization: Bearer` or `x-api-key`, and forwards static headers except the
reserved ones its webhook rejects. When the base URL has a path, the router drops the
request's leading `/v1` (OpenAI) or keeps it unless the path ends in `/v1`
(Anthropic), so the provider's own base URL is the right value for both.
No retries, fallbacks, timeouts or TLS roots for external providers.
"""

from __future__ import annotations

from typing import Any

from compiler.models.inventory import Model
from compiler.models.providers import Provider
from compiler.render.targets.issues import Issue, call_params, ignored, provider_issue, sorted_map
from compiler.render.targets.kagent_spec import OPENAI_FAMILY

GEMINI_OPENAI_PATH = "/v1beta/openai"
# pkg/kthena-router/common/provider_headers.go: reservedProviderHeaders.
RESERVED_HEADERS = frozenset(
    h.lower()
    for h in (
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "X-API-Key",
        "Host",
        "Content-Length",
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "Transfer-Encoding",
        "Upgrade",
        "Trailer",
        "TE",
    )
)


def provider_type(provider: Provider) -> str | None:
    """Kthena's protocol for a provider type, or None when it cannot reach it."""
    if provider.type in OPENAI_FAMILY or provider.type in ("gemini", "ollama"):
        return "OpenAI"
    return "Anthropic" if provider.type == "anthropic" else None


def external_provider_spec(
    model: Model, provider: Provider, pinned: str
) -> tuple[dict[str, Any], list[Issue]]:
    """The ExternalModelProvider of one logical model, and what Kthena cannot express."""
    issues: list[Issue] = []
    kind = provider_type(provider)
    if kind is None:
        issues.append(
            provider_issue(
                provider,
                ("type",),
                "kthena-unsupported",
                f"Kthena's external providers speak OpenAI or Anthropic only, not {provider.type}",
                "leave this provider's models out of kthena.models in environment.yaml",
            )
        )
        return {}, issues
    base = _base_url(provider, issues)
    spec: dict[str, Any] = {"providerType": kind, "baseURL": base, "model": pinned}
    ref = provider.credentials.secret_ref if provider.credentials else None
    if ref is not None:
        spec["auth"] = {"secretRef": {"name": ref.name, "key": ref.key}}
    headers = _headers(provider, issues)
    if headers:
        spec["headers"] = headers
    if provider.tls.insecure_skip_verify:
        spec["insecureSkipVerify"] = True
    issues.extend(_not_expressed(model, provider))
    return spec, issues


def _base_url(provider: Provider, issues: list[Issue]) -> str:
    base = provider.base_url or ""
    if provider.type == "gemini" and provider.endpoint is None:
        base += GEMINI_OPENAI_PATH
    elif provider.type == "ollama":
        base += "/v1"  # Ollama's OpenAI-compatible API
    if not base.startswith("https://"):
        issues.append(
            provider_issue(
                provider,
                ("endpoint",) if provider.endpoint else ("type",),
                "kthena-unsupported",
                f"Kthena calls external providers over https only, not {base}",
            )
        )
    return base


def _headers(provider: Provider, issues: list[Issue]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in provider.headers.items():
        if name.lower() in RESERVED_HEADERS:
            issues.append(
                provider_issue(
                    provider,
                    ("headers", name),
                    "kthena-unsupported",
                    f"Kthena rejects the static header {name!r} (credential, routing or "
                    "hop-by-hop header)",
                )
            )
        else:
            headers[name] = value
    openai = provider.config.openai
    if openai is not None:
        if openai.organization:
            headers.setdefault("OpenAI-Organization", openai.organization)
        if openai.project:
            headers.setdefault("OpenAI-Project", openai.project)
    return sorted_map(headers)


def _not_expressed(model: Model, provider: Provider) -> list[Issue]:
    issues: list[Issue] = []
    if provider.tls.ca_secret_ref is not None:
        issues.append(
            provider_issue(
                provider,
                ("tls", "caSecretRef"),
                "kthena-unsupported",
                "Kthena has no CA setting for external providers: the router would reject "
                "this upstream's certificate",
                "add the CA to the router image's trust store and drop caSecretRef here",
            )
        )
    if provider.timeout:
        issues.append(
            provider_issue(
                provider,
                ("timeout",),
                "kthena-ignored",
                "Kthena has no timeout for external providers",
                warn=True,
            )
        )
    for key, _, at in call_params(model, provider):
        issues.append(
            ignored(at, "kthena-ignored", f"Kthena passes requests through; {key!r} is not added")
        )
    if model.fallbacks:
        issues.append(
            ignored(
                Issue("models", model.name, ("fallbacks",), "", ""),
                "kthena-ignored",
                "Kthena has no fallbacks for external providers",
                "a weighted split (split:) spreads traffic instead",
            )
        )
    return issues


def model_route_spec(
    model: Model, targets: list[tuple[str, int]], rate_limit: dict[str, Any] | None
) -> dict[str, Any]:
    """The ModelRoute of a logical name: its ExternalModelProviders with weights."""
    rule = {
        "name": "default",
        "targetModels": [
            {"externalModelProviderName": name, "weight": weight} for name, weight in targets
        ],
    }
    spec: dict[str, Any] = {"modelName": model.name, "rules": [rule]}
    if rate_limit:
        spec["rateLimit"] = rate_limit
    return spec
