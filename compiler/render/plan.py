"""Plan every object of an environment: which template, which file, which values (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.errors import Location
from compiler.inventory.declared_secrets import declared_secrets
from compiler.inventory.load import ResolvedEnvironment
from compiler.inventory.merge import MergeKeys, strategic_merge
from compiler.models.artifacts import JsonPath
from compiler.models.inventory import Model, ModelApi, Provider
from compiler.models.lock import Lockfile
from compiler.render.targets.agentops_provider import provider_specs
from compiler.render.targets.kaos_pod import (
    MODEL_API_CONTAINER,
    ca_bundle_pod,
    container_env,
    served_digest,
)
from compiler.render.targets.litellm import litellm_config
from compiler.yamlio import dump_document

KAOS_PORTS = {"Proxy": 8000, "Hosted": 11434}
MANAGED_BY = {"app.kubernetes.io/managed-by": "modelplane"}


@dataclass(frozen=True, slots=True)
class PlannedDocument:
    """One object to render: template, output path, context and inventory origin."""

    template: str
    path: str
    context: Mapping[str, Any]
    origin: Location
    field_origins: Mapping[JsonPath, Location] = field(default_factory=dict)
    # Values copied verbatim from the inventory (podSpec) are located path by path.
    field_locators: Mapping[JsonPath, Callable[[JsonPath], Location]] = field(default_factory=dict)


def plan_environment(
    env: ResolvedEnvironment, lock: Lockfile, pod_spec_keys: MergeKeys
) -> list[PlannedDocument]:
    """Every object the environment renders, sorted by output path."""
    planned: list[PlannedDocument] = []
    targets = env.environment.targets
    if "agentops" in targets:
        planned.extend(_agentops_providers(env))
    if "kaos" in targets:
        # Built once: rebuilding them per model API is quadratic at thousands of models.
        models = {m.name: m for m in env.models}
        providers = {p.name: p for p in env.providers}
        for api in env.model_apis:
            planned.append(_model_api(env, api, lock, pod_spec_keys, (models, providers)))
            planned.extend(_route(env, api))
            planned.extend(_autoscaler(env, api))
    planned.extend(_external_secrets(env))
    return sorted(planned, key=lambda p: p.path)


def _labels(env: ResolvedEnvironment, **extra: str) -> dict[str, str]:
    labels = {**MANAGED_BY, "modelplane.io/environment": env.name, **env.environment.labels}
    labels.update(extra)
    return dict(sorted(labels.items()))


def _metadata(env: ResolvedEnvironment, name: str, **labels: str) -> dict[str, Any]:
    return {"name": name, "namespace": env.environment.namespace, "labels": _labels(env, **labels)}


def _agentops_providers(env: ResolvedEnvironment) -> Iterator[PlannedDocument]:
    for provider in env.providers:
        # Keyless and workload-identity providers are warned by the inventory stage.
        for name, spec in provider_specs(provider, env.models):
            context = {**_metadata(env, name, **{"modelplane.io/provider": provider.name}), **spec}
            yield PlannedDocument(
                "agentops/provider.yaml.j2",
                f"providers/{name}.yaml",
                context,
                env.locate("providers", provider.name),
                _origins(
                    env,
                    "providers",
                    provider.name,
                    {
                        ("spec", "apiKeySecret"): ("credentials", "secretRef"),
                        ("spec", "endpoint", "baseURL"): ("endpoint",),
                        ("spec", "endpoint", "headers"): ("headers",),
                        ("spec", "endpoint", "oauth2ClientCredentials"): ("credentials", "oauth2"),
                        ("spec", "config"): ("config",),
                        ("spec", "defaults"): ("defaults",),
                    },
                ),
            )


def _model_api(
    env: ResolvedEnvironment,
    api: ModelApi,
    lock: Lockfile,
    pod_spec_keys: MergeKeys,
    by_name: tuple[Mapping[str, Model], Mapping[str, Provider]],
) -> PlannedDocument:
    models, providers = by_name
    served = [providers[models[name].provider] for name in api.models]
    context: dict[str, Any] = {
        **_metadata(env, api.name, **{"modelplane.io/model-api": api.name}),
        "mode": api.mode,
        "models": list(api.models),
        "timeout": api.timeout or api.route.timeout,
        "pod_spec": _pod_spec(api, served, pod_spec_keys),
    }
    if api.mode == "Proxy":
        context["config_yaml"] = dump_document(litellm_config(api, models, providers, lock))
        digest = served_digest(context["config_yaml"])
    else:
        assert api.hosted is not None  # checked by the inventory stage
        context["hosted_model"] = lock.models[api.hosted.model].pinned
        digest = served_digest(context["hosted_model"])
    context["container_env"] = container_env(api, served, digest)
    origins = _origins(
        env,
        "modelApis",
        api.name,
        {
            ("spec", "proxyConfig", "models"): ("models",),
            ("spec", "hostedConfig"): ("hosted",),
            ("spec", "podSpec"): ("podSpec",),
            ("spec", "gatewayRoute"): ("timeout",),
        },
    )
    source = env.sources[("modelApis", api.name)]
    return PlannedDocument(
        "kaos/modelapi.yaml.j2",
        f"modelapis/{api.name}.yaml",
        context,
        env.locate("modelApis", api.name),
        origins,
        {("spec", "podSpec"): lambda rest: source.locate(("podSpec", *rest))},
    )


def _pod_spec(api: ModelApi, providers: list[Provider], keys: MergeKeys) -> dict[str, Any] | None:
    base: dict[str, Any] = {}
    if api.mode == "Proxy":
        base = ca_bundle_pod(providers, _patched_image(api))
    if api.resources:
        patch = {"containers": [{"name": MODEL_API_CONTAINER, "resources": api.resources}]}
        base = strategic_merge(base, patch, keys)
    merged = strategic_merge(base, api.pod_spec or {}, keys)
    if not merged:
        return None
    # The ModelAPI schema requires podSpec.containers; name the container we patch.
    merged.setdefault("containers", [{"name": MODEL_API_CONTAINER}])
    return dict(merged)


def _patched_image(api: ModelApi) -> str | None:
    """The model-api image the inventory pins, if any: the CA bundle is built with it."""
    for container in (api.pod_spec or {}).get("containers") or ():
        if isinstance(container, dict) and container.get("name") == MODEL_API_CONTAINER:
            image = container.get("image")
            return image if isinstance(image, str) else None
    return None


def _route(env: ResolvedEnvironment, api: ModelApi) -> Iterator[PlannedDocument]:
    gateway = env.environment.gateway
    if not api.route.enabled or gateway is None:
        return
    parent = {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": gateway.parent_ref.name,
    }
    if gateway.parent_ref.namespace:
        parent["namespace"] = gateway.parent_ref.namespace
    if gateway.parent_ref.section_name:
        parent["sectionName"] = gateway.parent_ref.section_name
    context = {
        **_metadata(env, api.name, **{"modelplane.io/model-api": api.name}),
        "parent_refs": [parent],
        "hostnames": list(
            api.route.hostnames if api.route.hostnames is not None else gateway.hostnames
        ),
        "path": api.route_path,
        "service": f"modelapi-{api.name}",
        "port": KAOS_PORTS[api.mode],
        "timeout": api.route.timeout or api.timeout,
    }
    origins = _origins(
        env,
        "modelApis",
        api.name,
        {
            ("spec", "hostnames"): ("route", "hostnames"),
            ("spec", "rules"): ("route",),
        },
    )
    origins[("spec", "parentRefs")] = env.locate_env(("gateway", "parentRef"))
    yield PlannedDocument(
        "gateway-api/httproute.yaml.j2",
        f"httproutes/{api.name}.yaml",
        context,
        env.locate("modelApis", api.name, ("route",)),
        origins,
    )


def _autoscaler(env: ResolvedEnvironment, api: ModelApi) -> Iterator[PlannedDocument]:
    # KAOS creates a one-replica Deployment and has no replicas field; an HPA pinned to
    # min = max holds the count without fighting the controller over spec.replicas.
    if api.replicas <= 1:
        return
    context = {
        **_metadata(env, f"modelapi-{api.name}", **{"modelplane.io/model-api": api.name}),
        "deployment": f"modelapi-{api.name}",
        "replicas": api.replicas,
    }
    yield PlannedDocument(
        "kubernetes/horizontalpodautoscaler.yaml.j2",
        f"autoscaling/{api.name}.yaml",
        context,
        env.locate("modelApis", api.name, ("replicas",)),
    )


def _external_secrets(env: ResolvedEnvironment) -> Iterator[PlannedDocument]:
    settings = env.environment.secrets.external_secrets
    if env.environment.secrets.backend != "external-secrets" or settings is None:
        return
    by_secret: dict[str, dict[str, tuple[dict[str, Any], Location]]] = {}
    for declared in declared_secrets(env):
        ref = declared.ref
        remote = {"key": declared.remote_key}
        if declared.remote_property:
            remote["property"] = declared.remote_property
        entry = {"secretKey": ref.key, "remoteRef": remote}
        by_secret.setdefault(ref.name, {})[ref.key] = (entry, declared.at)
    for secret, keys in sorted(by_secret.items()):
        entries = [keys[k] for k in sorted(keys)]
        context = {
            **_metadata(env, secret),
            "refresh_interval": settings.refresh_interval,
            "store_ref": {"name": settings.store_ref.name, "kind": settings.store_ref.kind},
            "data": [e for e, _ in entries],
        }
        origins: dict[JsonPath, Location] = {
            ("spec", "data", i): at for i, (_, at) in enumerate(entries)
        }
        yield PlannedDocument(
            "external-secrets/externalsecret.yaml.j2",
            f"externalsecrets/{secret}.yaml",
            context,
            entries[0][1],
            origins,
        )


def _origins(
    env: ResolvedEnvironment, kind: str, name: str, fields: Mapping[JsonPath, tuple[str, ...]]
) -> dict[JsonPath, Location]:
    source = env.sources[(kind, name)]
    return {target: source.locate(path) for target, path in fields.items()}
