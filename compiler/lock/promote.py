"""Copy tested pins from one environment's lock to another's (`modelplane promote`).

A promoted pin must be callable in the target: the target's snapshot of the provider has
to list it, else the whole promotion is refused (nothing is written). The pin is then
re-derived against the target's snapshot (Bedrock profile, revision), exactly as `lock`
would keep it, so `lock --check` stays green after a promotion.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from compiler.errors import Diagnostic, LockError
from compiler.lock.callable import make_callable
from compiler.models.inventory import Model
from compiler.models.lock import LockedModel, Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class Selection:
    """Which pins to promote: all, or these models / providers."""

    models: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()

    def wants(self, name: str, provider: str) -> bool:
        """Whether the pin of model `name` (of `provider`) is selected."""
        if not self.models and not self.providers:
            return True
        return name in self.models or provider in self.providers


@dataclass(frozen=True, slots=True)
class Promotion:
    """The target's new lock and what moved."""

    lockfile: Lockfile
    moved: tuple[tuple[str, str, str], ...]  # (model, old pin, new pin)
    skipped: tuple[str, ...]


def promote_pins(
    source_env: str,
    source: Lockfile,
    target: ResolvedEnvironment,
    target_lock: Lockfile,
    snapshots: Mapping[str, Snapshot],
    selection: Selection,
) -> Promotion:
    """The target lock with the selected source pins; LockError if any cannot be served."""
    models = {m.name: m for m in target.models}
    entries = dict(target_lock.models)
    moved: list[tuple[str, str, str]] = []
    skipped: list[str] = []
    problems: list[Diagnostic] = []
    for name, ours in sorted(target_lock.models.items()):
        theirs = source.models.get(name)
        if name not in models or theirs is None or not selection.wants(name, ours.provider):
            continue
        if (theirs.provider, theirs.selector) != (ours.provider, ours.selector):
            skipped.append(f"{name}: {source_env} pins it from another provider or selector")
            continue
        promoted = _retarget(theirs, snapshots.get(ours.provider))
        if promoted is None:
            problems.append(_refusal(target, models[name], source_env, theirs))
        elif promoted.pinned != ours.pinned or promoted != ours:
            entries[name] = promoted
            if promoted.pinned != ours.pinned:
                moved.append((name, ours.pinned, promoted.pinned))
    if problems:
        raise LockError(problems)
    lockfile = target_lock.model_copy(update={"models": entries})
    return Promotion(lockfile, tuple(moved), tuple(skipped))


def _retarget(entry: LockedModel, snapshot: Snapshot | None) -> LockedModel | None:
    wanted = entry.foundation_model or entry.pinned
    if snapshot is None or wanted not in snapshot.ids():
        return None
    base = entry.model_copy(update={"pinned": wanted, "foundation_model": None, "revision": None})
    return make_callable(base, snapshot)


def _refusal(
    target: ResolvedEnvironment, model: Model, source_env: str, entry: LockedModel
) -> Diagnostic:
    return Diagnostic(
        target.locate("models", model.name, ("model",)),
        "promote-unlisted",
        f"{model.name}: {source_env} pins {entry.pinned!r}, which {target.name}'s snapshot of "
        f"{entry.provider!r} does not list",
        hint=f"run `modelplane discover --env {target.name} --provider {entry.provider}`; "
        f"the target must serve the id before it can be promoted",
    )


def differing_pins(left: Lockfile, right: Lockfile) -> Iterator[tuple[str, str | None, str | None]]:
    """(model, left pin, right pin) wherever two environments' locks differ."""
    for name in sorted(set(left.models) | set(right.models)):
        a, b = left.models.get(name), right.models.get(name)
        pa, pb = (a.pinned if a else None), (b.pinned if b else None)
        if pa != pb:
            yield name, pa, pb
