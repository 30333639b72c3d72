"""Rules of the per-operator settings, weighted splits and the sealed-secrets backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from compiler.errors import Diagnostic, Severity
from compiler.inventory.rules import error, names
from compiler.models.inventory import Model

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment

# Operators that receive individual logical models, and so can be limited to some.
MODEL_TARGETS = ("kagent", "flokoa", "kthena")


def check_targets(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    """Every problem of `targets`, the per-operator blocks and model splits."""
    environment = env.environment
    seen: set[str] = set()
    for index, target in enumerate(environment.targets):
        if target in seen:
            yield error(
                env.locate_env(("targets", index)), "duplicate", f"target {target!r} listed twice"
            )
        seen.add(target)
    enabled = {m.name for m in env.models}
    for name in MODEL_TARGETS:
        wanted = getattr(environment, name).models
        yield from _check_model_list(env, name, wanted or (), enabled)
    yield from _check_via_proxy(env)
    served = {name for api in env.model_apis for name in api.models}
    for model in env.models:
        yield from _check_split(env, model, enabled)
        if (
            (model.split or model.rate_limit)
            and "kaos" in environment.targets
            and model.name in served
        ):
            yield Diagnostic(
                env.locate("models", model.name, ("split",) if model.split else ("rateLimit",)),
                "kaos-ignored",
                "the KAOS LiteLLM proxy does not apply split or rateLimit; only Kthena does",
                severity=Severity.WARNING,
            )
    yield from _check_sealed_settings(env)


def target_models(env: ResolvedEnvironment, target: str) -> list[Model]:
    """The enabled models an operator receives, in inventory order."""
    wanted = getattr(env.environment, target).models
    if wanted is None:
        return list(env.models)
    chosen = set(wanted)
    return [m for m in env.models if m.name in chosen]


def _check_model_list(
    env: ResolvedEnvironment, target: str, wanted: Sequence[str], enabled: set[str]
) -> Iterator[Diagnostic]:
    for index, name in enumerate(wanted):
        if name not in enabled:
            yield error(
                env.locate_env((target, "models", index)),
                "unknown-reference",
                f"{target}.models names {name!r}, which this environment does not enable",
                hint=f"enabled models: {names(enabled)}",
            )
    if wanted and target not in env.environment.targets:
        yield Diagnostic(
            env.locate_env((target,)),
            "unused-setting",
            f"{target} settings are given but {target!r} is not in targets",
            severity=Severity.WARNING,
        )


def _check_via_proxy(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    api_name = env.environment.kagent.via_proxy
    if api_name is None:
        return
    apis = {a.name: a for a in env.model_apis}
    api = apis.get(api_name)
    if api is None or api.mode != "Proxy":
        proxies = [a.name for a in env.model_apis if a.mode == "Proxy"]
        yield error(
            env.locate_env(("kagent", "viaProxy")),
            "unknown-reference",
            f"kagent.viaProxy names {api_name!r}, which is not an enabled Proxy model API",
            hint=f"enabled Proxy model APIs: {names(proxies)}",
        )


def _check_split(env: ResolvedEnvironment, model: Model, enabled: set[str]) -> Iterator[Diagnostic]:
    total = 0
    seen: set[str] = set()
    for index, target in enumerate(model.split):
        at = env.locate("models", model.name, ("split", index, "model"))
        total += target.weight
        if target.model == model.name or target.model in seen:
            yield error(at, "invalid-value", f"split names {target.model!r} twice")
        elif target.model not in enabled:
            yield error(
                at,
                "unknown-reference",
                f"split target {target.model!r} is not enabled in this environment",
                hint=f"enabled models: {names(enabled)}",
            )
        seen.add(target.model)
    if total >= 100:
        yield error(
            env.locate("models", model.name, ("split",)),
            "invalid-value",
            f"split weights add up to {total}; they must leave this model a share (< 100)",
        )


def _check_sealed_settings(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    secrets = env.environment.secrets
    if secrets.backend == "sealed-secrets" and secrets.sealed_secrets is None:
        yield error(
            env.locate_env(("secrets", "backend")),
            "missing-key",
            "the sealed-secrets backend needs secrets.sealedSecrets.certificate",
            hint="fetch it with: kubeseal --fetch-cert > sealed-secrets.pem",
        )
