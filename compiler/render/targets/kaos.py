"""TODO docstring."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from compiler.inventory.merge import MergeKeys, strategic_merge
from compiler.models.artifacts import JsonPath, PlannedDocument, RenderedDocument
from compiler.models.findings import Finding
from compiler.models.inventory import Model, ModelApi
from compiler.models.lock import Lockfile
from compiler.models.providers import Provider
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    MANIFESTS,
    PlanInput,
    RuleContext,
    metadata,
    origins,
)
from compiler.render.targets.kaos_litellm import ca_mount_path, credential_env_name, litellm_config
from compiler.render.targets.kaos_rules import check_modelapis
from compiler.yamlio.emit import dump_document

MODEL_API_CONTAINER = "model-api"


KAOS_PORTS = {"Proxy": 8000, "Hosted": 11434}


# Which inventory field each ModelAPI field comes from, for located findings.
_MODEL_API_ORIGINS: dict[JsonPath, tuple[str, ...]] = {
    ("spec", "proxyConfig", "models"): ("models",),
    ("spec", "hostedConfig"): ("hosted",),
    ("spec", "podSpec"): ("podSpec",),
    ("spec", "gatewayRoute"): ("timeout",),
}


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
        **metadata(env, api.name, **{"modelplane.io/model-api": api.name}),
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
    field_origins = origins(env, "modelApis", api.name, _MODEL_API_ORIGINS)
    source = env.sources[("modelApis", api.name)]
    return PlannedDocument(
        "kaos/modelapi.yaml.j2",
        f"modelapis/{api.name}.yaml",
        context,
        env.locate("modelApis", api.name),
        field_origins,
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


class KaosTarget:
    """KAOS `ModelAPI` objects: a LiteLLM proxy or a hosted Ollama per model API."""

    folder = MANIFESTS
    kinds = (("kaos.tools/v1alpha1", "ModelAPI"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When `targets:` names kaos."""
        return "kaos" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One ModelAPI per model API."""
        env = given.env
        # Built once: rebuilding them per model API is quadratic at thousands of models.
        by_name = ({m.name: m for m in env.models}, {p.name: p for p in env.providers})
        for api in env.model_apis:
            yield _model_api(env, api, given.lock, given.pod_spec_keys, by_name)

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """What the KAOS controller and LiteLLM do with a ModelAPI that no schema says."""
        return check_modelapis(documents, ctx.declared_env_vars, ctx.policies)
