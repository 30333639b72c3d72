"""Flokoa: a ModelProvider per provider and a Model per logical model (agent.flokoa.ai)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from compiler.errors import Diagnostic, Severity
from compiler.inventory.targets import target_models
from compiler.models.artifacts import PlannedDocument
from compiler.models.inventory import Model
from compiler.models.providers import Provider
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import MANIFESTS, NoRules, PlanInput, metadata
from compiler.render.targets.flokoa_spec import model_provider_spec, model_spec
from compiler.render.targets.issues import Issue, has_error, located

API_VERSION = "agent.flokoa.ai/v1alpha1"
# The Helm chart's older Model CRD: the same typed settings under `parameters`, with
# `timeOut` and `extraBody` where HEAD says `timeoutSeconds` and `extra`.
_CHART_NAMES = {"timeoutSeconds": "timeOut", "extra": "extraBody"}


@dataclass(slots=True)
class _Plan:
    documents: list[PlannedDocument] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _plan(given: PlanInput) -> _Plan:
    env, plan = given.env, _Plan()
    models = target_models(env, "flokoa")
    used = {m.provider for m in models}
    refused: set[str] = set()
    for provider in env.providers:
        if provider.name not in used:
            continue
        spec, issues = model_provider_spec(provider)
        plan.issues.extend(issues)
        if has_error(issues):
            refused.add(provider.name)
        else:
            plan.documents.append(_provider(env, provider, spec))
    providers = {p.name: p for p in env.providers}
    for model in models:
        if model.provider in refused:
            continue
        spec, issues = model_spec(
            model, providers[model.provider], given.lock.models[model.name].pinned
        )
        plan.issues.extend(issues)
        if model.split:
            plan.issues.append(_split_ignored(model))
        if not has_error(issues):
            plan.documents.append(_model(env, model, _crd_shape(env, spec)))
    return plan


def _crd_shape(env: ResolvedEnvironment, spec: dict[str, Any]) -> dict[str, Any]:
    if env.environment.flokoa.crd == "head" or "settings" not in spec:
        return spec
    settings = {_CHART_NAMES.get(k, k): v for k, v in spec["settings"].items()}
    shaped = {k: v for k, v in spec.items() if k != "settings"}
    shaped["parameters"] = dict(sorted(settings.items()))
    return shaped


def _provider(
    env: ResolvedEnvironment, provider: Provider, spec: dict[str, Any]
) -> PlannedDocument:
    context = {
        **metadata(env, provider.name, **{"modelplane.io/provider": provider.name}),
        "spec": spec,
    }
    return PlannedDocument(
        "flokoa/modelprovider.yaml.j2",
        f"modelproviders/{provider.name}.yaml",
        context,
        env.locate("providers", provider.name),
        {
            ("spec", "apiKeySecretRef"): env.locate("providers", provider.name, ("credentials",)),
            ("spec", "defaultHeaders"): env.locate("providers", provider.name, ("headers",)),
            ("spec", "tls"): env.locate("providers", provider.name, ("tls",)),
        },
    )


def _model(env: ResolvedEnvironment, model: Model, spec: dict[str, Any]) -> PlannedDocument:
    context = {**metadata(env, model.name, **{"modelplane.io/model": model.name}), "spec": spec}
    return PlannedDocument(
        "flokoa/model.yaml.j2",
        f"models/{model.name}.yaml",
        context,
        env.locate("models", model.name),
        {
            ("spec", "model"): env.locate("models", model.name, ("model",)),
            ("spec", "providerRef"): env.locate("models", model.name, ("provider",)),
            ("spec", "settings"): env.locate("models", model.name, ("params",)),
        },
    )


def _split_ignored(model: Model) -> Issue:
    return Issue(
        "models",
        model.name,
        ("split",),
        "flokoa-ignored",
        "Flokoa sends every request of this model to one upstream; split is a Kthena feature",
        severity=Severity.WARNING,
    )


class FlokoaTarget(NoRules):
    """Flokoa `ModelProvider` and `Model` objects."""

    folder = MANIFESTS
    kinds = ((API_VERSION, "ModelProvider"), (API_VERSION, "Model"))

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When `targets:` names flokoa."""
        return "flokoa" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """A ModelProvider per provider its models use, a Model per model."""
        return _plan(given).documents

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """What Flokoa cannot express (errors) or would ignore (warnings)."""
        return [located(given.env, issue) for issue in _plan(given).issues]
