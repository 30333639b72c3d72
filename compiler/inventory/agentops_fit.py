"""What an agentops Provider can carry of an inventory provider, and what it cannot.

The agentops Provider CRD has typed per-family call defaults (`defaults.anthropic`,
`defaults.openai`, `defaults.google`); the inventory's `defaults` are call parameters
in LiteLLM's (OpenAI-style) names. Known keys are translated; a key agentops cannot
express, and provider settings its Provider has no field for (TLS, timeout, Bedrock
region, keyless or workload-identity access), are warned at their inventory line
rather than dropped without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from compiler.errors import Diagnostic, Location, Severity
from compiler.models.common import ParamValue
from compiler.models.providers import Provider

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment

AGENTOPS_TYPES = {
    "openai": "openai",
    "anthropic": "anthropic",
    "azure-openai": "azure",
    "gemini": "google",
    "vertex-ai": "google",
    "bedrock": "bedrock",
    "openrouter": "openrouter",
}
# agentops type -> the defaults block its runtime reads.
FAMILY = {
    "anthropic": "anthropic",
    "openai": "openai",
    "azure": "openai",
    "openaicompat": "openai",
    "openrouter": "openai",
    "google": "google",
}
_GOOGLE_LEVELS = {"minimal": "MINIMAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}


def agentops_type(provider: Provider) -> str:
    """The agentops Provider type serving this inventory provider."""
    return AGENTOPS_TYPES.get(provider.type, "openaicompat")


def _budget(value: ParamValue) -> ParamValue | None:
    return value.get("budget_tokens") if isinstance(value, dict) else None


def _translate(family: str, key: str, value: ParamValue) -> tuple[str, Any] | None:
    """(agentops field, value) for one inventory default, or None if not expressible."""
    if family == "anthropic":
        table = {
            "thinking": ("thinkingBudgetTokens", _budget(value)),
            "effort": ("effort", value),
            "reasoning_effort": ("effort", value),
            "disable_parallel_tool_use": ("disableParallelToolUse", value),
        }
    elif family == "openai":
        table = {
            "reasoning_effort": ("reasoningEffort", value),
            "service_tier": ("serviceTier", value),
        }
    else:
        level = _GOOGLE_LEVELS.get(value) if isinstance(value, str) else None
        table = {
            "thinking": ("thinkingBudgetTokens", _budget(value)),
            "reasoning_effort": ("thinkingLevel", level),
            "safety_settings": ("safetySettings", value),
        }
    found = table.get(key)
    return found if found is not None and found[1] is not None else None


def agentops_defaults(provider: Provider, kind: str) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The `spec.defaults` block for `provider`, and the default keys left out."""
    family = FAMILY.get(kind)
    block: dict[str, Any] = {}
    left_out: list[str] = []
    for key in sorted(provider.defaults):
        found = _translate(family, key, provider.defaults[key]) if family else None
        if found is None:
            left_out.append(key)
        else:
            block[found[0]] = found[1]
    return ({family: block} if family and block else {}), left_out


def check_agentops_fit(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    """Warn at each inventory line whose setting no agentops Provider can carry.

    Only for providers no KAOS model API serves: where one does, agents call it (the
    proxy honours all of it), and the agentops Provider is a shortcut.
    """
    proxied = _proxied(env)
    for provider in env.providers:
        if provider.name in proxied:
            continue
        name = provider.name

        def at(key: str, name: str = name) -> Location:
            return env.locate("providers", name, tuple(key.split(".")))

        yield from _unexpressed(provider, at)


def _proxied(env: ResolvedEnvironment) -> set[str]:
    if "kaos" not in env.environment.targets:
        return set()
    models = {m.name: m.provider for m in env.models}
    served = [
        name
        for api in env.model_apis
        for name in (
            api.models if api.mode == "Proxy" else (api.hosted.model,) if api.hosted else ()
        )
    ]
    return {models[name] for name in served if name in models}


def usable_by_agents(provider: Provider) -> bool:
    """Whether an agentops Provider can reach it: a key Secret or OAuth2, public TLS."""
    creds = provider.credentials
    if creds is None or (creds.secret_ref is None and creds.oauth2 is None):
        return False
    return provider.tls.ca_secret_ref is None and not provider.tls.insecure_skip_verify


def _warn(at: Location, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(at, "agentops-unexpressed", message, hint=hint, severity=Severity.WARNING)


def _unexpressed(p: Provider, at: Callable[[str], Location]) -> Iterator[Diagnostic]:
    if not usable_by_agents(p):
        yield _warn(
            at("credentials" if p.credentials is not None else "name"),
            f"no agentops Provider is rendered for {p.name!r} and no KAOS proxy serves it: "
            "agentops needs an API key Secret or OAuth2 client credentials and has no TLS "
            "settings (keyless, workload-identity and private-CA providers cannot be expressed)",
            hint="serve its models from a KAOS Proxy model API; agents call the proxy",
        )
        return
    if p.timeout:
        yield _warn(at("timeout"), "the agentops Provider has no timeout; set it on the Agent")
    if p.config.bedrock is not None:
        yield _warn(
            at("config.bedrock.region"),
            "the agentops Provider has no Bedrock region; the agent runtime takes AWS_REGION",
        )
    _, left_out = agentops_defaults(p, agentops_type(p))
    for key in left_out:
        yield _warn(
            at(f"defaults.{key}"),
            f"defaults.{key} has no field in the agentops Provider ({agentops_type(p)}); "
            "agents do not get it",
            hint="set it on the Agent, or keep it for KAOS model APIs only",
        )
