"""Plan every object of an environment: which template, which file, which values (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.errors import Location
from compiler.inventory.merge import MergeKeys, strategic_merge
from compiler.models.artifacts import JsonPath
from compiler.models.inventory import Model, ModelApi
from compiler.models.lock import Lockfile
from compiler.models.providers import AzureConfig, Provider, SecretRef
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.litellm import ca_mount_path, credential_env_name, litellm_config
from compiler.yamlio.emit import dump_document

MODEL_API_CONTAINER = "model-api"
KAOS_PORTS = {"Proxy": 8000, "Hosted": 11434}
AGENTOPS_TYPES = {
    "openai": "openai",
    "anthropic": "anthropic",
    "azure-openai": "azure",
    "gemini": "google",
    "vertex-ai": "google",
    "bedrock": "bedrock",
    "openrouter": "openrouter",
}
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
        kind = _agentops_type(provider)
        creds = provider.credentials
        # agentops requires an API key Secret (or OAuth2); keyless providers are not rendered.
        if creds is None or creds.secret_ref is None:
            continue
        context = {
            **_metadata(env, provider.name, **{"modelplane.io/provider": provider.name}),
            "type": kind,
            "api_key_secret": {"name": creds.secret_ref.name, "key": creds.secret_ref.key},
            "endpoint": _agentops_endpoint(provider, kind),
            "config": _agentops_config(provider, kind),
        }
        origin = env.locate("providers", provider.name)
        yield PlannedDocument(
            "agentops/provider.yaml.j2",
            f"providers/{provider.name}.yaml",
            context,
            origin,
            _origins(
                env,
                "providers",
                provider.name,
                {
                    ("spec", "apiKeySecret"): ("credentials", "secretRef"),
                    ("spec", "endpoint", "baseURL"): ("endpoint",),
                    ("spec", "endpoint", "headers"): ("headers",),
                    ("spec", "config"): ("config",),
                },
            ),
        )


def _agentops_type(provider: Provider) -> str:
    return AGENTOPS_TYPES.get(provider.type, "openaicompat")


def _agentops_endpoint(provider: Provider, kind: str) -> dict[str, Any]:
    endpoint: dict[str, Any] = {}
    base = provider.base_url
    if base and (provider.endpoint or kind == "openaicompat"):
        endpoint["baseURL"] = base + "/v1" if provider.type == "ollama" else base
    if provider.headers:
        endpoint["headers"] = dict(sorted(provider.headers.items()))
    return endpoint


def _agentops_config(provider: Provider, kind: str) -> dict[str, Any]:
    config: dict[str, Any] = {}
    cfg = provider.config
    if cfg.openai is not None:
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
    if kind == "azure":
        config["azureAPIVersion"] = (cfg.azure or AzureConfig()).api_version
    if cfg.vertex is not None:
        config["vertex"] = {"project": cfg.vertex.project, "location": cfg.vertex.location}
    if kind == "bedrock":
        config["bedrock"] = True
    return config


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
        "container_env": _credential_env(served),
        "pod_spec": _pod_spec(api, served, pod_spec_keys),
    }
    if api.mode == "Proxy":
        config = litellm_config(api, models, providers, lock)
        context["config_yaml"] = dump_document(config)
    else:
        assert api.hosted is not None  # checked by the inventory stage
        context["hosted_model"] = lock.models[api.hosted.model].pinned
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


def _credential_env(providers: list[Provider]) -> list[dict[str, Any]]:
    env: dict[str, dict[str, Any]] = {}
    for provider in providers:
        creds = provider.credentials
        if creds is not None and creds.secret_ref is not None:
            name = credential_env_name(provider)
            env[name] = {
                "name": name,
                "valueFrom": {
                    "secretKeyRef": {"name": creds.secret_ref.name, "key": creds.secret_ref.key}
                },
            }
    return [env[name] for name in sorted(env)]


def _pod_spec(api: ModelApi, providers: list[Provider], keys: MergeKeys) -> dict[str, Any] | None:
    base: dict[str, Any] = {}
    container: dict[str, Any] = {"name": MODEL_API_CONTAINER}
    if api.resources:
        container["resources"] = api.resources
    mounts, volumes = _ca_volumes(providers)
    if mounts:
        container["volumeMounts"] = mounts
        base["volumes"] = volumes
    if len(container) > 1:
        base["containers"] = [container]
    merged = strategic_merge(base, api.pod_spec or {}, keys)
    if not merged:
        return None
    # The ModelAPI schema requires podSpec.containers; name the container we patch.
    merged.setdefault("containers", [{"name": MODEL_API_CONTAINER}])
    return dict(merged)


def _ca_volumes(providers: list[Provider]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mounts: dict[str, dict[str, Any]] = {}
    volumes: dict[str, dict[str, Any]] = {}
    for provider in providers:
        ca = provider.tls.ca_secret_ref
        if ca is None:
            continue
        volume = f"ca-{provider.name}"[:63].rstrip("-")
        mounts[volume] = {"name": volume, "mountPath": ca_mount_path(provider), "readOnly": True}
        volumes[volume] = {"name": volume, "secret": {"secretName": ca.name}}
    return [mounts[k] for k in sorted(mounts)], [volumes[k] for k in sorted(volumes)]


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
    for ref, remote, at in _secret_refs(env):
        entry = {"secretKey": ref.key, "remoteRef": remote}
        by_secret.setdefault(ref.name, {})[ref.key] = (entry, at)
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


def _secret_refs(
    env: ResolvedEnvironment,
) -> Iterator[tuple[SecretRef, dict[str, str], Location]]:
    for provider in env.providers:
        creds = provider.credentials
        if creds is not None and creds.secret_ref is not None:
            ref = creds.secret_ref
            remote = (
                {
                    "key": creds.remote_ref.key,
                    **(
                        {"property": creds.remote_ref.property} if creds.remote_ref.property else {}
                    ),
                }
                if creds.remote_ref
                else {"key": ref.name, "property": ref.key}
            )
            yield ref, remote, env.locate("providers", provider.name, ("credentials", "secretRef"))
        if provider.tls.ca_secret_ref is not None:
            ca = provider.tls.ca_secret_ref
            yield (
                ca,
                {"key": ca.name, "property": ca.key},
                env.locate("providers", provider.name, ("tls", "caSecretRef")),
            )


def _origins(
    env: ResolvedEnvironment, kind: str, name: str, fields: Mapping[JsonPath, tuple[str, ...]]
) -> dict[JsonPath, Location]:
    source = env.sources[(kind, name)]
    return {target: source.locate(path) for target, path in fields.items()}
