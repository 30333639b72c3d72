"""kagent: a ModelConfig per logical model, optionally a ModelProviderConfig per provider.

ModelConfigs go to the environment's namespace (agents reference them by name in their
own namespace). ModelProviderConfigs only feed kagent's UI, which lists the ones in
kagent's own namespace, and kagent reads their Secret there and only when it holds
exactly one key: both constraints are reported, not hidden (seeds.md §1.2-1.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from compiler.errors import Diagnostic, Location, Severity
from compiler.inventory.declared_secrets import declared_secrets
from compiler.inventory.targets import target_models
from compiler.models.artifacts import JsonPath, PlannedDocument
from compiler.models.inventory import Model, ModelApi
from compiler.models.providers import Provider
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import MANIFESTS, NoRules, PlanInput, labels, metadata
from compiler.render.targets.issues import Issue, has_error, located, provider_issue
from compiler.render.targets.kagent_spec import (
    NO_KEY_MESSAGE,
    OPENAI_FAMILY,
    kagent_provider,
    model_config_spec,
)
from compiler.render.targets.kaos import KAOS_PORTS

API_VERSION = "kagent.dev/v1alpha2"
# kagent's discovery speaks OpenAI's /v1/models, Anthropic's and Ollama's list APIs only.
_DISCOVERABLE = frozenset({*OPENAI_FAMILY, "anthropic", "ollama"})


@dataclass(slots=True)
class _Plan:
    documents: list[PlannedDocument] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)


def proxy_base_url(env: ResolvedEnvironment, api: ModelApi) -> str:
    """The in-cluster URL of the LiteLLM proxy KAOS runs for a Proxy model API."""
    namespace = env.environment.namespace
    return f"http://modelapi-{api.name}.{namespace}.svc.cluster.local:{KAOS_PORTS['Proxy']}/v1"


def _plan(given: PlanInput) -> _Plan:
    env, plan = given.env, _Plan()
    providers = {p.name: p for p in env.providers}
    proxy = _proxy(env)
    for model in target_models(env, "kagent"):
        if proxy is not None and model.name in proxy.models:
            plan.documents.append(_proxied(env, model, proxy))
            plan.notes.extend(_proxy_key_note(env, proxy, plan.notes))
            continue
        provider = providers[model.provider]
        spec, issues = model_config_spec(model, provider, given.lock.models[model.name].pinned)
        plan.issues.extend(issues)
        if model.split:
            plan.issues.append(_split_ignored(model))
        if not has_error(issues):
            plan.documents.append(_model_config(env, model, provider, spec))
    if env.environment.kagent.model_provider_configs:
        _provider_configs(env, plan)
    return plan


def _proxy(env: ResolvedEnvironment) -> ModelApi | None:
    name = env.environment.kagent.via_proxy
    return next((a for a in env.model_apis if a.name == name and a.mode == "Proxy"), None)


def _document(
    env: ResolvedEnvironment,
    model: Model,
    spec: dict[str, object],
    at: Mapping[JsonPath, Location],
) -> PlannedDocument:
    context = {**metadata(env, model.name, **{"modelplane.io/model": model.name}), "spec": spec}
    return PlannedDocument(
        "kagent/modelconfig.yaml.j2",
        f"modelconfigs/{model.name}.yaml",
        context,
        env.locate("models", model.name),
        at,
    )


def _model_config(
    env: ResolvedEnvironment, model: Model, provider: Provider, spec: dict[str, object]
) -> PlannedDocument:
    at: dict[JsonPath, Location] = {
        ("spec", "model"): env.locate("models", model.name, ("model",)),
        ("spec", "provider"): env.locate("providers", provider.name, ("type",)),
        ("spec", "apiKeySecret"): env.locate("providers", provider.name, ("credentials",)),
        ("spec", "defaultHeaders"): env.locate("providers", provider.name, ("headers",)),
        ("spec", "tls"): env.locate("providers", provider.name, ("tls",)),
    }
    return _document(env, model, spec, at)


def _proxied(env: ResolvedEnvironment, model: Model, api: ModelApi) -> PlannedDocument:
    # The proxy serves the logical name, with the inventory's fallbacks and parameters.
    spec: dict[str, object] = {
        "provider": "OpenAI",
        "model": model.name,
        "openAI": {"baseUrl": proxy_base_url(env, api)},
    }
    key = api.master_key_ref
    if key is not None:
        # Agents call the proxy with its master key, from the Secret the proxy reads it from.
        spec.update({"apiKeySecret": key.name, "apiKeySecretKey": key.key})
    at: dict[JsonPath, Location] = {("spec", "openAI"): env.locate_env(("kagent", "viaProxy"))}
    return _document(env, model, spec, at)


def _proxy_key_note(
    env: ResolvedEnvironment, api: ModelApi, notes: list[Diagnostic]
) -> list[Diagnostic]:
    # An unauthenticated proxy (auth.none) has no key to hand to kagent's OpenAI client.
    if api.master_key_ref is not None or any(n.code == "kagent-no-key" for n in notes):
        return []
    return [
        Diagnostic(
            env.locate_env(("kagent", "viaProxy")),
            "kagent-no-key",
            f"model API {api.name!r} serves without a master key (auth.none); " + NO_KEY_MESSAGE,
            severity=Severity.WARNING,
        )
    ]


def _split_ignored(model: Model) -> Issue:
    return Issue(
        "models",
        model.name,
        ("split",),
        "kagent-ignored",
        "kagent sends every request of this model to one upstream; split is a Kthena feature",
        severity=Severity.WARNING,
    )


def _provider_configs(env: ResolvedEnvironment, plan: _Plan) -> None:
    used = {m.provider for m in target_models(env, "kagent")}
    keys: dict[str, set[str]] = {}
    for reference in declared_secrets(env):
        keys.setdefault(reference.ref.name, set()).add(reference.ref.key)
    secrets: list[str] = []
    for provider in env.providers:
        if provider.name not in used:
            continue
        issues = list(_provider_config_issues(provider, keys))
        plan.issues.extend(issues)
        if not issues:
            plan.documents.append(_provider_config(env, provider))
            if provider.credentials and provider.credentials.secret_ref:
                secrets.append(provider.credentials.secret_ref.name)
    namespace = env.environment.kagent.namespace
    if secrets and namespace != env.environment.namespace:
        plan.notes.append(
            Diagnostic(
                env.locate_env(("kagent", "modelProviderConfigs")),
                "kagent-secret-namespace",
                f"kagent's UI reads ModelProviderConfigs and their Secrets in namespace "
                f"{namespace}; create Secret(s) {', '.join(sorted(set(secrets)))} there, each "
                "with exactly one key (modelplane delivers Secrets to "
                f"{env.environment.namespace} only)",
                severity=Severity.WARNING,
            )
        )


def _provider_config_issues(provider: Provider, keys: dict[str, set[str]]) -> Iterator[Issue]:
    if provider.type not in _DISCOVERABLE:
        yield provider_issue(
            provider,
            ("type",),
            "kagent-ignored",
            f"kagent's UI cannot list the models of a {provider.type} provider (its discovery "
            "speaks OpenAI, Anthropic and Ollama list APIs); no ModelProviderConfig rendered",
            warn=True,
        )
        return
    ref = provider.credentials.secret_ref if provider.credentials else None
    if ref is None and provider.type != "ollama":
        yield provider_issue(
            provider,
            ("type",),
            "kagent-ignored",
            "a kagent ModelProviderConfig needs an API key Secret; none rendered for this "
            "keyless provider",
            warn=True,
        )
    elif ref is not None and len(keys.get(ref.name, ())) > 1:
        yield provider_issue(
            provider,
            ("credentials", "secretRef", "name"),
            "kagent-secret-keys",
            f"kagent reads a ModelProviderConfig Secret only when it holds exactly one key; "
            f"Secret {ref.name} holds {', '.join(sorted(keys[ref.name]))}",
            "give this provider's key a Secret of its own",
        )


def _provider_config(env: ResolvedEnvironment, provider: Provider) -> PlannedDocument:
    ref = provider.credentials.secret_ref if provider.credentials else None
    kind = kagent_provider(provider, "")
    context = {
        "name": provider.name,
        "namespace": env.environment.kagent.namespace,
        "labels": labels(env, **{"modelplane.io/provider": provider.name}),
        "type": kind,
        "endpoint": provider.base_url,
        "secret_name": ref.name if ref is not None else None,
    }
    return PlannedDocument(
        "kagent/modelproviderconfig.yaml.j2",
        f"modelproviderconfigs/{provider.name}.yaml",
        context,
        env.locate("providers", provider.name),
        {("spec", "secretRef"): env.locate("providers", provider.name, ("credentials",))},
    )


class KagentTarget(NoRules):
    """kagent `ModelConfig` and `ModelProviderConfig` objects."""

    folder = MANIFESTS
    kinds = ((API_VERSION, "ModelConfig"), (API_VERSION, "ModelProviderConfig"))

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When `targets:` names kagent."""
        return "kagent" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One ModelConfig per model; ModelProviderConfigs when asked for."""
        return _plan(given).documents

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """What kagent cannot express (errors) or would ignore (warnings)."""
        plan = _plan(given)
        return [*(located(given.env, i) for i in plan.issues), *plan.notes]
