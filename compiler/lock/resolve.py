"""Stage 2: pin every enabled model from snapshots into models.lock (offline, deterministic)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from compiler.errors import Diagnostic, Location, LockError, Severity
from compiler.lock.callable import make_callable
from compiler.lock.files import render_lockfile
from compiler.lock.inputs import lock_inputs_digest
from compiler.lock.outdated import outdated_pins
from compiler.lock.pinning import Pin, PinFailure, pin_fits, pin_model
from compiler.lock.requirements import requirement_problems
from compiler.models.inventory import Model
from compiler.models.lock import LockedModel, LockedProvider, Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class LockOptions:
    """Which existing pins may move."""

    upgrade_all: bool = False
    upgrade_providers: frozenset[str] = frozenset()
    upgrade_models: frozenset[str] = frozenset()

    def may_move(self, model: Model) -> bool:
        """Whether `model`'s existing pin may be replaced by a newer one."""
        return (
            self.upgrade_all
            or model.name in self.upgrade_models
            or model.provider in self.upgrade_providers
        )


@dataclass(frozen=True, slots=True)
class LockResult:
    """A resolved lockfile, its exact text, and what changed against the old one."""

    lockfile: Lockfile
    text: str
    changes: tuple[str, ...] = ()
    warnings: tuple[Diagnostic, ...] = field(default=())
    # "model: pinned -> newer" for kept pins whose selector now matches a newer id.
    upgrades: tuple[str, ...] = ()


def resolve_lock(
    env: ResolvedEnvironment,
    snapshots: Mapping[str, Snapshot],
    existing: Lockfile | None,
    options: LockOptions,
) -> LockResult:
    """Pin every enabled model; keep existing pins unless asked to upgrade them."""
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    locked: dict[str, LockedModel] = {}
    for model in sorted(env.models, key=lambda m: m.name):
        snapshot = snapshots.get(model.provider)
        outcome = _pin(env, model, snapshot, existing, options)
        if isinstance(outcome, Diagnostic):
            problems.append(outcome)
            continue
        locked[model.name] = outcome
        warnings.extend(requirement_problems(env, model, snapshot, outcome.pinned))
    problems.extend(w for w in warnings if w.severity is Severity.ERROR)
    if problems:
        raise LockError(problems)
    lockfile = _assemble(env, snapshots, locked)
    return LockResult(
        lockfile,
        render_lockfile(lockfile, env.name),
        tuple(describe_changes(existing, lockfile)),
        tuple(w for w in warnings if w.severity is Severity.WARNING),
        tuple(
            f"{p.model}: {p.pinned} -> {p.newer}"
            for p in outdated_pins(env, lockfile, snapshots)
            if p.newer
        ),
    )


def _pin(
    env: ResolvedEnvironment,
    model: Model,
    snapshot: Snapshot | None,
    existing: Lockfile | None,
    options: LockOptions,
) -> LockedModel | Diagnostic:
    old = existing.models.get(model.name) if existing else None
    kept = _kept_pin(model, snapshot, old, options)
    outcome = kept if kept is not None else pin_model(model, snapshot)
    at = env.locate("models", model.name, ("model",))
    if isinstance(outcome, PinFailure):
        return Diagnostic(at, "unpinnable-model", outcome.message, hint=outcome.hint)
    fresh = make_callable(
        LockedModel(
            provider=model.provider,
            selector=model.model,
            match=outcome.match,
            pinned=outcome.pinned,
            via=outcome.via,
        ),
        snapshot,
    )
    vanished = _vanished(env.name, at, model, snapshot, old, fresh, options)
    return vanished if vanished is not None else fresh


def _kept_pin(
    model: Model, snapshot: Snapshot | None, old: LockedModel | None, options: LockOptions
) -> Pin | None:
    if old is None or options.may_move(model):
        return None
    if old.provider != model.provider or old.selector != model.model:
        return None
    candidate = old.foundation_model or old.pinned
    if pin_fits(model, snapshot, candidate):
        # A kept Bedrock profile pin goes back through make_callable from its foundation id.
        return Pin(old.match, candidate, old.via)
    return None


def _vanished(
    env: str,
    at: Location,
    model: Model,
    snapshot: Snapshot | None,
    old: LockedModel | None,
    fresh: LockedModel,
    options: LockOptions,
) -> Diagnostic | None:
    """A pinned id the provider no longer lists never moves silently (not even forward)."""
    if old is None or options.may_move(model) or snapshot is None:
        return None
    if old.provider != model.provider or old.selector != model.model:
        return None
    if old.pinned in snapshot.ids() or old.pinned == fresh.pinned:
        return None
    return Diagnostic(
        at,
        "pin-vanished",
        f"{model.name}: pinned id {old.pinned!r} is no longer listed by provider "
        f"{model.provider!r}; the newest match now is {fresh.pinned!r}",
        hint=f"to accept it, run `modelplane lock --env {env} --upgrade-model {model.name}`"
        f" (see `modelplane outdated --env {env}`)",
    )


def _assemble(
    env: ResolvedEnvironment, snapshots: Mapping[str, Snapshot], locked: dict[str, LockedModel]
) -> Lockfile:
    used = sorted({m.provider for m in locked.values()})
    providers = {
        name: LockedProvider(snapshotDigest=snapshots[name].digest() if name in snapshots else None)
        for name in used
    }
    return Lockfile(
        inputsDigest=lock_inputs_digest(env, snapshots), providers=providers, models=locked
    )


def describe_changes(old: Lockfile | None, new: Lockfile) -> Iterator[str]:
    """One line per model whose pin appears, moves or disappears."""
    before = old.models if old else {}
    for name in sorted(set(before) | set(new.models)):
        was, now = before.get(name), new.models.get(name)
        if was is None and now is not None:
            yield f"+ {name}: {now.selector} -> {now.pinned}"
        elif now is None and was is not None:
            yield f"- {name}: was {was.pinned}"
        elif was is not None and now is not None and was.pinned != now.pinned:
            yield f"~ {name}: {was.pinned} -> {now.pinned}"
