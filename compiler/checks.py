"""Rules across inventory items that no single-item schema can express, and policies."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from compiler.errors import Diagnostic, Location, Severity
from compiler.models.inventory import Model, ModelApi, Provider

if TYPE_CHECKING:
    from compiler.inventory import ResolvedEnvironment

# Types whose API needs a key unless a cloud identity is used.
KEYLESS_TYPES = frozenset({"ollama", "openai-compatible"})
IDENTITY_TYPES = frozenset({"bedrock", "vertex-ai", "azure-openai"})
ENDPOINT_REQUIRED = frozenset({"azure-openai", "openai-compatible"})
CONFIG_BLOCK_FOR = {
    "openai": "openai",
    "azure": "azure-openai",
    "vertex": "vertex-ai",
    "bedrock": "bedrock",
}
# KAOS names the Deployment and Service `modelapi-<name>`, which must stay a DNS label.
MAX_MODEL_API_NAME = 63 - len("modelapi-")
_At = Callable[..., Location]
_HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def check_environment(env: ResolvedEnvironment) -> list[Diagnostic]:
    """Every cross-reference and policy problem of a resolved environment."""
    problems: list[Diagnostic] = []
    for provider in env.providers:
        problems.extend(_check_provider(env, provider))
    for model in env.models:
        problems.extend(_check_model(env, model))
    for api in env.model_apis:
        problems.extend(_check_model_api(env, api))
    problems.extend(_check_environment_settings(env))
    problems.extend(_check_routes_unique(env))
    return problems


def _error(at: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(at, code, message, hint=hint)


def _check_provider(env: ResolvedEnvironment, p: Provider) -> Iterator[Diagnostic]:
    def at(*path: str | int) -> Location:
        return env.locate("providers", p.name, path)

    for block, owner in CONFIG_BLOCK_FOR.items():
        if getattr(p.config, block) is not None and p.type != owner:
            yield _error(
                at("config", block),
                "config-mismatch",
                f"config.{block} applies to type {owner}, not {p.type}",
            )
    if p.type == "vertex-ai" and p.config.vertex is None:
        yield _error(at("type"), "missing-key", "vertex-ai providers need config.vertex")
    if p.type == "bedrock" and p.config.bedrock is None:
        yield _error(at("type"), "missing-key", "bedrock providers need config.bedrock.region")
    if p.type in ENDPOINT_REQUIRED and not p.endpoint:
        yield _error(at("type"), "missing-key", f"{p.type} providers need an endpoint")
    yield from _check_credentials(p, at)
    yield from _provider_policies(env, p, at)


def _check_credentials(p: Provider, at: _At) -> Iterator[Diagnostic]:
    creds = p.credentials
    if p.type in KEYLESS_TYPES:
        return
    if creds is not None and creds.workload_identity:
        if p.type not in IDENTITY_TYPES:
            yield _error(
                at("credentials", "workloadIdentity"),
                "invalid-value",
                f"workloadIdentity is not available for {p.type}",
                hint=f"only for {', '.join(sorted(IDENTITY_TYPES))}",
            )
        return
    if creds is None or creds.secret_ref is None:
        yield _error(
            at("credentials") if creds else at("name"),
            "missing-credentials",
            f"provider {p.name!r} ({p.type}) needs credentials.secretRef",
            hint="credentials: {secretRef: {name: <secret>, key: <key>}, env: <VAR>}",
        )


def _provider_policies(env: ResolvedEnvironment, p: Provider, at: _At) -> Iterator[Diagnostic]:
    policies = env.environment.policies
    url = p.base_url or ""
    if policies.require_https and url.startswith("http://") and not is_cluster_local(url):
        yield _error(
            at("endpoint") if p.endpoint else at("type"),
            "policy-https",
            f"endpoint {url} is not https (policy requireHttps)",
        )
    if policies.forbid_insecure_skip_verify and p.tls.insecure_skip_verify:
        yield _error(
            at("tls", "insecureSkipVerify"),
            "policy-insecure-tls",
            "tls.insecureSkipVerify is forbidden (policy forbidInsecureSkipVerify)",
        )


def is_cluster_local(url: str) -> bool:
    """Whether `url` names a Service inside the cluster, which requireHttps exempts."""
    host = urlsplit(url).hostname or ""
    return host.endswith((".svc", ".svc.cluster.local")) or "." not in host


def _check_model(env: ResolvedEnvironment, m: Model) -> Iterator[Diagnostic]:
    def at(*path: str | int) -> Location:
        return env.locate("models", m.name, path)

    if not any(p.name == m.provider for p in env.providers):
        yield _error(
            at("provider"),
            "unknown-reference",
            f"model {m.name!r} uses provider {m.provider!r}, which is not defined "
            f"or not enabled in environment {env.name!r}",
            hint=f"enabled providers: {_names(env.providers)}",
        )
    enabled = {x.name for x in env.models}
    for index, fallback in enumerate(m.fallbacks):
        if fallback == m.name:
            yield _error(
                at("fallbacks", index), "invalid-value", "a model cannot fall back to itself"
            )
        elif fallback not in enabled:
            yield _error(
                at("fallbacks", index),
                "unknown-reference",
                f"fallback {fallback!r} is not an enabled model",
                hint=f"enabled models: {_names(env.models)}",
            )
    if env.environment.policies.forbid_allow_undiscovered and m.allow_undiscovered:
        yield _error(
            at("allowUndiscovered"),
            "policy-allow-undiscovered",
            "allowUndiscovered is forbidden (policy forbidAllowUndiscovered)",
        )


def _check_model_api(env: ResolvedEnvironment, api: ModelApi) -> Iterator[Diagnostic]:
    def at(*path: str | int) -> Location:
        return env.locate("modelApis", api.name, path)

    if len(api.name) > MAX_MODEL_API_NAME:
        yield _error(
            at("name"),
            "invalid-value",
            f"model API names may have at most {MAX_MODEL_API_NAME} characters "
            "(KAOS prefixes them with 'modelapi-')",
        )
    models = {m.name: m for m in env.models}
    for index, name in enumerate(api.models):
        if name not in models:
            yield _error(
                at("models", index),
                "unknown-reference",
                f"model API {api.name!r} serves {name!r}, which is not an enabled model",
                hint=f"enabled models: {_names(env.models)}",
            )
    yield from _check_mode(env, api, at)
    yield from _model_api_policies(env, api, at)
    if api.route.enabled and env.environment.gateway is None:
        yield _error(
            at("route"),
            "missing-gateway",
            f"model API {api.name!r} is routed but environment {env.name!r} has no gateway",
            hint="set gateway.parentRef in environment.yaml, or route: {enabled: false}",
        )
    for index, host in enumerate(api.route.hostnames or ()):
        if not _HOSTNAME.match(host):
            yield _error(
                at("route", "hostnames", index),
                "invalid-value",
                f"{host!r} is not a valid hostname",
            )


def _check_mode(env: ResolvedEnvironment, api: ModelApi, at: _At) -> Iterator[Diagnostic]:
    if api.mode == "Proxy":
        if not api.models:
            yield _error(at("models"), "missing-key", "Proxy model APIs serve at least one model")
        if api.hosted is not None:
            yield _error(at("hosted"), "invalid-value", "hosted applies to mode Hosted only")
        return
    if api.models:
        yield _error(
            at("models"),
            "invalid-value",
            "Hosted model APIs serve hosted.model only; remove models",
        )
    if api.hosted is None:
        yield _error(at("mode"), "missing-key", "Hosted model APIs need hosted.model")
        return
    model = next((m for m in env.models if m.name == api.hosted.model), None)
    if model is None:
        yield _error(
            at("hosted", "model"),
            "unknown-reference",
            f"hosted model {api.hosted.model!r} is not an enabled model",
        )
        return
    provider = next((p for p in env.providers if p.name == model.provider), None)
    if provider is not None and provider.type != "ollama":
        yield _error(
            at("hosted", "model"),
            "invalid-value",
            f"Hosted mode runs Ollama; model {model.name!r} uses a {provider.type} provider",
        )


def _model_api_policies(env: ResolvedEnvironment, api: ModelApi, at: _At) -> Iterator[Diagnostic]:
    policies = env.environment.policies
    if policies.min_replicas is not None and api.replicas < policies.min_replicas:
        yield _error(
            at("replicas") if "replicas" in api.model_fields_set else at("name"),
            "policy-replicas",
            f"model API {api.name!r} has {api.replicas} replica(s); policy minReplicas "
            f"is {policies.min_replicas}",
        )
    if policies.require_resource_limits and not _has_limits(api):
        yield _error(
            at("name"),
            "policy-resource-limits",
            f"model API {api.name!r} sets no resource limits (policy requireResourceLimits)",
            hint="resources: {limits: {cpu: ..., memory: ...}}",
        )


def _has_limits(api: ModelApi) -> bool:
    if api.resources and api.resources.get("limits"):
        return True
    containers = (api.pod_spec or {}).get("containers") or []
    return any(
        isinstance(c, dict)
        and c.get("name") == "model-api"
        and isinstance(c.get("resources"), dict)
        and c["resources"].get("limits")
        for c in containers
    )


def _check_environment_settings(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    secrets = env.environment.secrets
    if secrets.backend == "external-secrets" and secrets.external_secrets is None:
        yield _error(
            env.locate_env(("secrets", "backend")),
            "missing-key",
            "the external-secrets backend needs secrets.externalSecrets.storeRef",
        )
    for index, host in enumerate(
        env.environment.gateway.hostnames if env.environment.gateway else ()
    ):
        if not _HOSTNAME.match(host):
            yield _error(
                env.locate_env(("gateway", "hostnames", index)),
                "invalid-value",
                f"{host!r} is not a valid hostname",
            )


def _check_routes_unique(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for api in env.model_apis:
        if not api.route.enabled:
            continue
        path = api.route_path
        if path in seen:
            yield Diagnostic(
                env.locate("modelApis", api.name, ("route",)),
                "route-conflict",
                f"model APIs {seen[path]!r} and {api.name!r} both route {path}",
                severity=Severity.ERROR,
            )
        seen.setdefault(path, api.name)


def _names(items: tuple[Provider, ...] | tuple[Model, ...]) -> str:
    return ", ".join(sorted(i.name for i in items)) or "none"
