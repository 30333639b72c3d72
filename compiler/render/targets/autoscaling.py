"""HorizontalPodAutoscalers holding a KAOS model API's replica count (KAOS has no field)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from compiler.models.artifacts import PlannedDocument
from compiler.models.inventory import ModelApi
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    MANIFESTS,
    NoRules,
    PlanInput,
    metadata,
)


def _autoscaler(env: ResolvedEnvironment, api: ModelApi) -> Iterator[PlannedDocument]:
    # KAOS creates a one-replica Deployment and has no replicas field; an HPA pinned to
    # min = max holds the count without fighting the controller over spec.replicas.
    if api.replicas <= 1:
        return
    context = {
        **metadata(env, f"modelapi-{api.name}", **{"modelplane.io/model-api": api.name}),
        "deployment": f"modelapi-{api.name}",
        "replicas": api.replicas,
    }
    yield PlannedDocument(
        "kubernetes/horizontalpodautoscaler.yaml.j2",
        f"autoscaling/{api.name}.yaml",
        context,
        env.locate("modelApis", api.name, ("replicas",)),
    )


class AutoscalingTarget(NoRules):
    """`HorizontalPodAutoscaler` objects holding a model API's replica count."""

    folder = MANIFESTS
    kinds = (("autoscaling/v2", "HorizontalPodAutoscaler"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """KAOS model APIs are what it scales."""
        return "kaos" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One HPA per model API that wants more than one replica."""
        for api in given.env.model_apis:
            yield from _autoscaler(given.env, api)
