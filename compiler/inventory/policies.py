"""Rules of one environment: what it enables must fit together, and its policies hold."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from compiler.errors import Diagnostic, Severity
from compiler.inventory.rules import HOSTNAME, At, error, locator, served_references
from compiler.inventory.serving import check_serving
from compiler.inventory.targets import check_targets
from compiler.models.inventory import Model, ModelApi
from compiler.models.providers import Provider

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment

Scope = Literal["all", "models"]


def check_environment(env: ResolvedEnvironment, scope: Scope = "all") -> Iterator[Diagnostic]:
    """Every problem of the enabled items in this environment.

    Scope "models" is what `discover` and `lock` need: models and their providers fit
    together. Policies and model API rules only matter to render, and a tightened render
    policy must not stop the weekly refresh of snapshots and pins.
    """
    if scope == "all":
        for provider in env.providers:
            yield from _provider_policies(env, provider)
    for model in env.models:
        yield from _check_model(env, model)
    if scope == "models":
        return
    # Built once: rebuilding it per model API is quadratic at thousands of models.
    models = {m.name: m for m in env.models}
    for api in env.model_apis:
        yield from _check_model_api(env, api, locator(env, "modelApis", api.name), models)
    yield from _check_settings(env)
    yield from _check_not_empty(env)
    yield from _check_routes_unique(env)
    yield from check_targets(env)
    yield from check_serving(env, models)


def is_cluster_local(url: str) -> bool:
    """Whether `url` names a Service inside the cluster, which requireHttps exempts."""
    host = urlsplit(url).hostname or ""
    return host.endswith((".svc", ".svc.cluster.local")) or "." not in host


def _provider_policies(env: ResolvedEnvironment, p: Provider) -> Iterator[Diagnostic]:
    policies = env.environment.policies
    url = p.base_url or ""
    if policies.require_https and url.startswith("http://") and not is_cluster_local(url):
        path = ("endpoint",) if p.endpoint else ("type",)
        yield error(
            env.locate("providers", p.name, path),
            "policy-https",
            f"endpoint {url} is not https (policy requireHttps)",
        )
    if policies.forbid_insecure_skip_verify and p.tls.insecure_skip_verify:
        yield error(
            env.locate("providers", p.name, ("tls", "insecureSkipVerify")),
            "policy-insecure-tls",
            "tls.insecureSkipVerify is forbidden (policy forbidInsecureSkipVerify)",
        )


def _not_enabled(env: ResolvedEnvironment, kind: str, name: str) -> bool:
    """Defined in the inventory but left out of this environment's enable list."""
    enable = env.environment.enable
    wanted = {
        "providers": enable.providers,
        "models": enable.models,
        "modelApis": enable.model_apis,
    }[kind]
    return name in env.names[kind] and wanted is not None and name not in wanted


def _check_model(env: ResolvedEnvironment, m: Model) -> Iterator[Diagnostic]:
    at = locator(env, "models", m.name)
    if _not_enabled(env, "providers", m.provider):
        yield error(
            at("provider"),
            "not-enabled",
            f"model {m.name!r} uses provider {m.provider!r}, which environment "
            f"{env.name!r} does not enable",
            hint="add it to enable.providers",
        )
    for index, fallback in enumerate(m.fallbacks):
        if fallback == m.name:
            yield error(
                at("fallbacks", index), "invalid-value", "a model cannot fall back to itself"
            )
        elif _not_enabled(env, "models", fallback):
            yield error(
                at("fallbacks", index),
                "not-enabled",
                f"fallback {fallback!r} is not enabled in environment {env.name!r}",
                hint="add it to enable.models",
            )
    if env.environment.policies.forbid_allow_undiscovered and m.allow_undiscovered:
        yield error(
            at("allowUndiscovered"),
            "policy-allow-undiscovered",
            "allowUndiscovered is forbidden (policy forbidAllowUndiscovered)",
        )


def _check_model_api(
    env: ResolvedEnvironment, api: ModelApi, at: At, models: Mapping[str, Model]
) -> Iterator[Diagnostic]:
    for path, name in served_references(api):
        if _not_enabled(env, "models", name):
            yield error(
                at(*path),
                "not-enabled",
                f"model API {api.name!r} serves {name!r}, which environment "
                f"{env.name!r} does not enable",
                hint="add it to enable.models",
            )
    yield from _fallbacks_served(api, at, models)
    yield from _model_api_policies(env, api, at)
    if api.route.enabled and env.environment.gateway is None:
        yield error(
            at("route"),
            "missing-gateway",
            f"model API {api.name!r} is routed but environment {env.name!r} has no gateway",
            hint="set gateway.parentRef in environment.yaml, or route: {enabled: false}",
        )


def _fallbacks_served(api: ModelApi, at: At, models: Mapping[str, Model]) -> Iterator[Diagnostic]:
    """LiteLLM falls back within one proxy, so a fallback must be served by the same API."""
    for index, name in enumerate(api.models):
        model = models.get(name)
        for fallback in model.fallbacks if model else ():
            if fallback not in api.models:
                yield error(
                    at("models", index),
                    "fallback-not-served",
                    f"{name!r} falls back to {fallback!r}, which model API "
                    f"{api.name!r} does not serve",
                    hint=f"add {fallback!r} to its models",
                )


def _model_api_policies(env: ResolvedEnvironment, api: ModelApi, at: At) -> Iterator[Diagnostic]:
    policies = env.environment.policies
    if policies.min_replicas is not None and api.replicas < policies.min_replicas:
        yield error(
            at("replicas") if "replicas" in api.model_fields_set else at("name"),
            "policy-replicas",
            f"model API {api.name!r} has {api.replicas} replica(s); policy minReplicas "
            f"is {policies.min_replicas}",
        )
    if policies.require_resource_limits and not _has_limits(api):
        yield error(
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


def _check_not_empty(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    if not env.model_apis and "kaos" in env.environment.targets:
        yield Diagnostic(
            env.locate_env(("enable",))
            if "enable" in env.environment.model_fields_set
            else env.locate_env(),
            "empty-environment",
            f"environment {env.name!r} enables no model API, so it serves no model",
            hint="check enable.modelApis",
            severity=Severity.WARNING,
        )


def _check_settings(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    secrets = env.environment.secrets
    if secrets.backend == "external-secrets" and secrets.external_secrets is None:
        yield error(
            env.locate_env(("secrets", "backend")),
            "missing-key",
            "the external-secrets backend needs secrets.externalSecrets.storeRef",
        )
    gateway = env.environment.gateway
    for index, host in enumerate(gateway.hostnames if gateway else ()):
        if not HOSTNAME.match(host):
            yield error(
                env.locate_env(("gateway", "hostnames", index)),
                "invalid-value",
                f"{host!r} is not a valid hostname",
            )


def _check_routes_unique(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for api in env.model_apis:
        if not api.route.enabled:
            continue
        if api.route_path in seen:
            yield error(
                env.locate("modelApis", api.name, ("route",)),
                "route-conflict",
                f"model APIs {seen[api.route_path]!r} and {api.name!r} both route {api.route_path}",
            )
        seen.setdefault(api.route_path, api.name)
