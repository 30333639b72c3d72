"""Flokoa ModelProvider and Model specs (agent.flokoa.ai/v1alpha1, HEAD CRDs; pure).

Read from danielnyari/flokoa 65e47274: the provider handlers in
operator/internal/domain/model (which env vars reach the agent pod), the Model
compiler's `settingsToMap` (typed settings become pydantic-ai `model_settings`,
`extra` merged under them) and the webhooks (exactly one provider block; `extra` may
not shadow a typed key). `defaultHeaders` and `tls` of a ModelProvider serve
Flokoa's own API and UI but never reach agent pods, so headers go to the Model's
`settings.extraHeaders` (which do) and TLS is a warning.
"""

from __future__ import annotations

import math
from typing import Any

from compiler.models.inventory import Model
from compiler.models.providers import Provider
from compiler.render.targets.issues import (
    Issue,
    call_params,
    decimal_string,
    ignored,
    provider_issue,
    sorted_map,
)
from compiler.render.targets.kagent_spec import OPENAI_FAMILY
from compiler.render.targets.kaos_litellm import duration_seconds

_DECIMALS = {
    "temperature": "temperature",
    "top_p": "topP",
    "presence_penalty": "presencePenalty",
    "frequency_penalty": "frequencyPenalty",
}
_INTEGERS = {"max_tokens": "maxTokens", "top_k": "topK", "seed": "seed"}
# Keys the webhook reserves for typed fields (model_webhook.go typedSettingsKeys).
TYPED_KEYS = frozenset(
    {
        "max_tokens",
        "temperature",
        "top_p",
        "top_k",
        "timeout",
        "parallel_tool_calls",
        "seed",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "stop_sequences",
        "extra_headers",
    }
)


def model_provider_spec(provider: Provider) -> tuple[dict[str, Any], list[Issue]]:
    """The ModelProvider spec: exactly one provider block, key, headers, TLS."""
    issues: list[Issue] = []
    spec = _provider_block(provider, issues)
    if not spec:
        return {}, issues
    ref = provider.credentials.secret_ref if provider.credentials else None
    if ref is not None and provider.type not in ("vertex-ai", "bedrock"):
        spec["apiKeySecretRef"] = {"name": ref.name, "key": ref.key}
    if provider.headers:
        spec["defaultHeaders"] = sorted_map(provider.headers)
    spec.update(_tls(provider, issues))
    return spec, issues


def _provider_block(provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    kind = provider.type
    explicit = provider.endpoint is not None
    if kind in OPENAI_FAMILY:
        base = provider.base_url if explicit or kind != "openai" else None
        return {"openai": {"baseURL": base} if base else {}}
    if kind == "ollama":
        # Flokoa speaks to Ollama through its OpenAI-compatible API under /v1.
        return {"openai": {"baseURL": f"{provider.base_url}/v1"}}
    if kind == "anthropic":
        return {"anthropic": {"baseURL": provider.base_url} if explicit else {}}
    if kind in ("gemini", "vertex-ai", "bedrock") and explicit:
        issues.append(
            provider_issue(
                provider,
                ("endpoint",),
                "flokoa-unsupported",
                f"Flokoa's {_block_name(kind)} provider has no endpoint field",
            )
        )
    if kind == "gemini":
        return {"google": _gemini(provider, issues)}
    if kind == "vertex-ai":
        return {"google": _vertex(provider)}
    if kind == "bedrock":
        return {"bedrock": _bedrock(provider, issues)}
    issues.append(
        provider_issue(
            provider,
            ("type",),
            "flokoa-unsupported",
            f"Flokoa has no {kind} provider (its blocks: openai, anthropic, google, bedrock)",
            "leave this provider's models out of flokoa.models in environment.yaml",
        )
    )
    return {}


def _gemini(provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    if provider.credentials is None or provider.credentials.secret_ref is None:
        issues.append(
            provider_issue(
                provider,
                ("type",),
                "flokoa-unsupported",
                "Flokoa's google provider reads the Gemini API key from apiKeySecretRef; "
                "this provider declares no credentials.secretRef",
            )
        )
    return {}


def _block_name(kind: str) -> str:
    return "bedrock" if kind == "bedrock" else "google"


def _vertex(provider: Provider) -> dict[str, Any]:
    vertex = provider.config.vertex
    block: dict[str, Any] = {}
    if vertex is not None:
        block = {"project": vertex.project, "location": vertex.location}
    ref = provider.credentials.secret_ref if provider.credentials else None
    if ref is not None:
        # A service-account key JSON; without it the pod uses Google's ADC chain.
        block["serviceAccountKeySecretRef"] = {"name": ref.name, "key": ref.key}
    return block


def _bedrock(provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    if provider.credentials is not None and provider.credentials.secret_ref is not None:
        issues.append(
            provider_issue(
                provider,
                ("credentials", "secretRef"),
                "flokoa-unsupported",
                "Flokoa takes AWS credentials from the agent pod's environment (IRSA, "
                "instance profile), never from a Secret of the ModelProvider",
                "use credentials.workloadIdentity for this provider",
            )
        )
    bedrock = provider.config.bedrock
    return {"region": bedrock.region} if bedrock is not None else {}


def _tls(provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    tls: dict[str, Any] = {}
    ca = provider.tls.ca_secret_ref
    if ca is not None:
        tls["caSecretRef"] = {"name": ca.name, "key": ca.key}
    if provider.tls.insecure_skip_verify:
        tls["insecureSkipVerify"] = True
    if not tls:
        return {}
    issues.append(
        provider_issue(
            provider,
            ("tls",),
            "flokoa-ignored",
            "Flokoa applies a ModelProvider's tls to its own API, not to agent pods: agents "
            "verify the upstream with their image's system CAs",
            warn=True,
        )
    )
    return {"tls": tls}


def model_spec(model: Model, provider: Provider, pinned: str) -> tuple[dict[str, Any], list[Issue]]:
    """The Model spec: pinned id, provider reference, typed settings and `extra`."""
    issues: list[Issue] = []
    if provider.type == "vertex-ai" and not pinned.startswith(("gemini", "gemma")):
        issues.append(
            Issue(
                "models",
                model.name,
                ("model",),
                "flokoa-unsupported",
                f"Flokoa's google provider serves Gemini models on Vertex AI, not {pinned!r}",
            )
        )
    spec: dict[str, Any] = {"model": pinned, "providerRef": {"name": provider.name}}
    settings = _settings(model, provider, issues)
    if settings:
        spec["settings"] = settings
    if model.fallbacks:
        issues.append(
            ignored(
                Issue("models", model.name, ("fallbacks",), "", ""),
                "flokoa-ignored",
                "Flokoa has no fallbacks: an agent calls this one model",
            )
        )
    return spec, issues


def _settings(model: Model, provider: Provider, issues: list[Issue]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value, at in call_params(model, provider):
        field, converted = _typed(key, value)
        if field is not None:
            settings[field] = converted
        elif key in TYPED_KEYS:
            issues.append(
                Issue(
                    at.kind,
                    at.name,
                    at.path,
                    "flokoa-unsupported",
                    f"Flokoa's typed setting {key!r} does not accept {value!r}",
                )
            )
        else:
            extra[key] = value
    if provider.timeout:
        # Rounded up, as for kagent: a timeout is never made shorter than the inventory says.
        settings["timeoutSeconds"] = max(1, math.ceil(duration_seconds(provider.timeout)))
    headers = _headers(provider)
    if headers:
        settings["extraHeaders"] = headers
    if extra:
        settings["extra"] = dict(sorted(extra.items()))
    return dict(sorted(settings.items()))


def _typed(key: str, value: Any) -> tuple[str | None, Any]:
    if key in _DECIMALS and decimal_string(value) is not None:
        return _DECIMALS[key], decimal_string(value)
    if key in _INTEGERS and isinstance(value, int) and not isinstance(value, bool):
        return _INTEGERS[key], value
    if key == "parallel_tool_calls" and isinstance(value, bool):
        return "parallelToolCalls", value
    if key in ("stop", "stop_sequences") and isinstance(value, str):
        return "stopSequences", [value]
    return None, None


def _headers(provider: Provider) -> dict[str, str]:
    headers = dict(provider.headers)
    openai = provider.config.openai
    if provider.type in OPENAI_FAMILY and openai is not None:
        # Flokoa's HEAD ModelProvider has no organization field; OpenAI reads the headers.
        if openai.organization:
            headers.setdefault("OpenAI-Organization", openai.organization)
        if openai.project:
            headers.setdefault("OpenAI-Project", openai.project)
    return sorted_map(headers)
