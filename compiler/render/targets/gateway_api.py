"""Gateway API HTTPRoutes: one per routed model API, to the Service KAOS creates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from compiler.models.artifacts import PlannedDocument, RenderedDocument
from compiler.models.environment import GatewayRef
from compiler.models.findings import Finding
from compiler.models.inventory import ModelApi
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    MANIFESTS,
    PlanInput,
    RuleContext,
    metadata,
    origins,
)
from compiler.render.targets.kaos import KAOS_PORTS
from compiler.render.targets.route_rules import check_backend_refs


def _route(env: ResolvedEnvironment, api: ModelApi) -> Iterator[PlannedDocument]:
    gateway = env.environment.gateway
    if not api.route.enabled or gateway is None:
        return
    context = {
        **metadata(env, api.name, **{"modelplane.io/model-api": api.name}),
        "parent_refs": [_parent_ref(gateway.parent_ref)],
        "hostnames": list(
            api.route.hostnames if api.route.hostnames is not None else gateway.hostnames
        ),
        "path": api.route_path,
        "service": f"modelapi-{api.name}",
        "port": KAOS_PORTS[api.mode],
        "timeout": api.route.timeout or api.timeout,
    }
    field_origins = origins(
        env,
        "modelApis",
        api.name,
        {
            ("spec", "hostnames"): ("route", "hostnames"),
            ("spec", "rules"): ("route",),
        },
    )
    field_origins[("spec", "parentRefs")] = env.locate_env(("gateway", "parentRef"))
    yield PlannedDocument(
        "gateway-api/httproute.yaml.j2",
        f"httproutes/{api.name}.yaml",
        context,
        env.locate("modelApis", api.name, ("route",)),
        field_origins,
    )


def _parent_ref(ref: GatewayRef) -> dict[str, str]:
    parent = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": ref.name}
    if ref.namespace:
        parent["namespace"] = ref.namespace
    if ref.section_name:
        parent["sectionName"] = ref.section_name
    return parent


class GatewayApiTarget:
    """Gateway API `HTTPRoute` objects: one per routed model API."""

    folder = MANIFESTS
    kinds = (("gateway.networking.k8s.io/v1", "HTTPRoute"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """Routes lead to KAOS model APIs."""
        return "kaos" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One HTTPRoute per routed model API."""
        for api in given.env.model_apis:
            yield from _route(given.env, api)

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """Every backendRef leads to a Service a rendered object creates."""
        return check_backend_refs(documents)
