"""Stage 2: pin every enabled model from snapshots into models.lock (offline, deterministic)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from compiler.errors import Diagnostic, LockError, Severity
from compiler.lock.files import render_lockfile
from compiler.lock.inputs import lock_inputs_digest
from compiler.lock.pinning import Pin, PinFailure, pin_fits, pin_model
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
        kept = _kept_pin(model, snapshot, existing, options)
        outcome = kept if kept is not None else pin_model(model, snapshot)
        if isinstance(outcome, PinFailure):
            at = env.locate("models", model.name, ("model",))
            problems.append(Diagnostic(at, "unpinnable-model", outcome.message, hint=outcome.hint))
            continue
        locked[model.name] = _locked(model, outcome)
        warnings.extend(_requirement_problems(env, model, snapshot, outcome.pinned))
    problems.extend(w for w in warnings if w.severity is Severity.ERROR)
    if problems:
        raise LockError(problems)
    lockfile = _assemble(env, snapshots, locked)
    return LockResult(
        lockfile,
        render_lockfile(lockfile, env.name),
        tuple(describe_changes(existing, lockfile)),
        tuple(w for w in warnings if w.severity is Severity.WARNING),
    )


def _locked(model: Model, pin: Pin) -> LockedModel:
    return LockedModel(
        provider=model.provider,
        selector=model.model,
        match=pin.match,
        pinned=pin.pinned,
        via=pin.via,
    )


def _kept_pin(
    model: Model, snapshot: Snapshot | None, existing: Lockfile | None, options: LockOptions
) -> Pin | None:
    old = existing.models.get(model.name) if existing else None
    if old is None or options.may_move(model):
        return None
    if old.provider != model.provider or old.selector != model.model:
        return None
    return Pin(old.match, old.pinned, old.via) if pin_fits(model, snapshot, old.pinned) else None


def _requirement_problems(
    env: ResolvedEnvironment, model: Model, snapshot: Snapshot | None, pinned: str
) -> Iterator[Diagnostic]:
    facts = next((m for m in snapshot.models if m.id == pinned), None) if snapshot else None
    at = env.locate("models", model.name, ("requires",))
    wanted = model.requires.min_context_window
    if wanted is not None:
        have = facts.context_window if facts else None
        if have is None:
            yield Diagnostic(
                at,
                "unverified-requirement",
                f"{pinned!r}: the snapshot gives no context window to check "
                f"minContextWindow {wanted}",
                severity=Severity.WARNING,
            )
        elif have < wanted:
            yield Diagnostic(
                at,
                "requirement-unmet",
                f"{pinned!r} has a context window of {have}, below {wanted}",
            )
    for capability in model.requires.capabilities:
        if facts is not None and facts.capabilities and capability not in facts.capabilities:
            yield Diagnostic(at, "requirement-unmet", f"{pinned!r} lacks capability {capability!r}")


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
