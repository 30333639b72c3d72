"""The KAOS target: one `ModelAPI` per model API (LiteLLM proxy or hosted Ollama)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from compiler.errors import Diagnostic
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
from compiler.render.targets.kaos_litellm import litellm_config
from compiler.render.targets.kaos_pod import (
    MODEL_API_CONTAINER,
    ca_bundle_pod,
    container_env,
    served_digest,
)
from compiler.render.targets.kaos_rules import check_modelapis
from compiler.render.targets.kaos_warnings import azure_route_warnings
from compiler.yamlio.emit import dump_document

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
        "pod_spec": _pod_spec(api, served, pod_spec_keys),
    }
    if api.mode == "Proxy":
        context["config_yaml"] = dump_document(litellm_config(api, models, providers, lock))
        digest = served_digest(context["config_yaml"])
    else:
        assert api.hosted is not None  # checked by the inventory stage
        locked = lock.models[api.hosted.model]
        context["hosted_model"] = locked.pinned
        # Ollama cannot pull by digest (ollama/ollama#6886): the locked revision (the
        # tag's manifest digest) goes into the pod template, so a moved tag re-pinned by
        # `lock --upgrade` still rolls the Deployment.
        digest = served_digest(f"{locked.pinned}@{locked.revision or ''}")
    context["container_env"] = container_env(api, served, digest, _model_digest(api, lock))
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


def _model_digest(api: ModelApi, lock: Lockfile) -> str | None:
    if api.mode != "Hosted" or api.hosted is None:
        return None
    return lock.models[api.hosted.model].revision


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

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """Azure settings the proxy or the controller would not honour (warnings)."""
        return azure_route_warnings(given.env, given.lock)

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """What the KAOS controller and LiteLLM do with a ModelAPI that no schema says."""
        return check_modelapis(documents, ctx.declared_env_vars, ctx.policies)
