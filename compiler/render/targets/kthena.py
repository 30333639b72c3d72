"""Kthena: an ExternalModelProvider and a ModelRoute per logical model.

The ModelRoute of a logical name sends its requests to the name's own
ExternalModelProvider, and with `split:` a share to other logical models' providers
(Kthena weights are percentages); `rateLimit:` becomes the route's token rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from compiler.errors import Diagnostic
from compiler.inventory.targets import target_models
from compiler.models.artifacts import PlannedDocument, RenderedDocument
from compiler.models.findings import Finding, as_mapping
from compiler.models.inventory import Model, RateLimit
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import MANIFESTS, PlanInput, RuleContext, metadata
from compiler.render.targets.issues import Issue, has_error, located
from compiler.render.targets.kthena_spec import external_provider_spec, model_route_spec

API_VERSION = "networking.serving.volcano.sh/v1alpha1"


@dataclass(slots=True)
class _Plan:
    documents: list[PlannedDocument] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _plan(given: PlanInput) -> _Plan:
    env, plan = given.env, _Plan()
    providers = {p.name: p for p in env.providers}
    models = target_models(env, "kthena")
    served: set[str] = set()
    for model in models:
        pinned = given.lock.models[model.name].pinned
        spec, issues = external_provider_spec(model, providers[model.provider], pinned)
        plan.issues.extend(issues)
        if not has_error(issues):
            served.add(model.name)
            plan.documents.append(_document(env, model, "externalmodelprovider", spec))
    for model in models:
        if model.name not in served:
            continue
        targets, issues = _targets(model, served)
        plan.issues.extend(issues)
        if not issues:
            spec = model_route_spec(model, targets, _rate_limit(model.rate_limit))
            plan.documents.append(_document(env, model, "modelroute", spec))
    return plan


def _targets(model: Model, served: set[str]) -> tuple[list[tuple[str, int]], list[Issue]]:
    own = 100 - sum(t.weight for t in model.split)
    targets = [(model.name, own)]
    issues: list[Issue] = []
    for index, split in enumerate(model.split):
        if split.model not in served:
            issues.append(
                Issue(
                    "models",
                    model.name,
                    ("split", index, "model"),
                    "kthena-split-target",
                    f"split target {split.model!r} has no ExternalModelProvider for Kthena",
                    "add it to kthena.models, or drop it from the split",
                )
            )
        targets.append((split.model, split.weight))
    return targets, issues


def _rate_limit(limit: RateLimit | None) -> dict[str, Any] | None:
    if limit is None:
        return None
    spec: dict[str, Any] = {"unit": limit.unit}
    if limit.input_tokens_per_unit is not None:
        spec["inputTokensPerUnit"] = limit.input_tokens_per_unit
    if limit.output_tokens_per_unit is not None:
        spec["outputTokensPerUnit"] = limit.output_tokens_per_unit
    return spec


def _document(
    env: ResolvedEnvironment, model: Model, kind: str, spec: dict[str, Any]
) -> PlannedDocument:
    context = {**metadata(env, model.name, **{"modelplane.io/model": model.name}), "spec": spec}
    return PlannedDocument(
        f"kthena/{kind}.yaml.j2",
        f"{kind}s/{model.name}.yaml",
        context,
        env.locate("models", model.name),
        {
            ("spec", "model"): env.locate("models", model.name, ("model",)),
            ("spec", "rules"): env.locate("models", model.name, ("split",)),
            ("spec", "rateLimit"): env.locate("models", model.name, ("rateLimit",)),
        },
    )


def check_route_targets(documents: Sequence[RenderedDocument]) -> Iterable[Finding]:
    """Every ModelRoute target names an ExternalModelProvider rendered in its namespace."""
    providers = {
        (d.namespace, d.name)
        for d in documents
        if d.kind == "ExternalModelProvider" and d.api_version == API_VERSION
    }
    for doc in documents:
        if doc.kind != "ModelRoute" or doc.api_version != API_VERSION:
            continue
        for r, rule in enumerate(as_mapping(doc.data.get("spec")).get("rules") or ()):
            for t, target in enumerate(as_mapping(rule).get("targetModels") or ()):
                name = as_mapping(target).get("externalModelProviderName")
                if name is not None and (doc.namespace, name) not in providers:
                    yield Finding(
                        doc,
                        ("spec", "rules", r, "targetModels", t, "externalModelProviderName"),
                        "kthena-route-target",
                        f"ModelRoute target {name!r} is not a rendered ExternalModelProvider",
                    )


class KthenaTarget:
    """Kthena `ExternalModelProvider` and `ModelRoute` objects."""

    folder = MANIFESTS
    kinds = ((API_VERSION, "ExternalModelProvider"), (API_VERSION, "ModelRoute"))

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When `targets:` names kthena."""
        return "kthena" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """An ExternalModelProvider and a ModelRoute per model Kthena can reach."""
        return _plan(given).documents

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """What Kthena cannot express (errors) or would ignore (warnings)."""
        return [located(given.env, issue) for issue in _plan(given).issues]

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """Route targets must exist."""
        return check_route_targets(documents)
