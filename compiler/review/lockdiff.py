"""Domain-aware summary of lockfile changes: pins, model facts, lifecycle, what they affect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from compiler.models.lock import LockedModel, Lockfile
from compiler.models.snapshot import Snapshot, SnapshotModel

PinChangeKind = Literal["added", "removed", "repinned", "facts"]


@dataclass(frozen=True, slots=True)
class LockSide:
    """One side of the comparison: a lockfile (None when absent) and its snapshots."""

    lockfile: Lockfile | None
    snapshots: Mapping[str, Snapshot] = field(default_factory=dict)

    def models(self) -> Mapping[str, LockedModel]:
        """Logical model name -> pin (empty without a lockfile)."""
        return self.lockfile.models if self.lockfile else {}

    def facts(self, provider: str, model_id: str) -> SnapshotModel | None:
        """What the provider's snapshot says about `model_id`."""
        snapshot = self.snapshots.get(provider)
        if snapshot is None:
            return None
        return next((m for m in snapshot.models if m.id == model_id), None)


@dataclass(frozen=True, slots=True)
class Usage:
    """Which ModelAPIs and HTTPRoutes serve each logical model."""

    model_apis: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Per-model objects of the other operators: `ModelConfig/x`, `ModelRoute/x`, ...
    resources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PinChange:
    """One logical model whose pin or pinned-model facts changed."""

    model: str
    provider: str
    kind: PinChangeKind
    selector: str
    old_id: str = ""
    new_id: str = ""
    facts: tuple[str, ...] = ()
    model_apis: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """An in-use model that its provider marks deprecated or retiring."""

    model: str
    provider: str
    pinned: str
    deprecated_at: str | None
    retires_at: str | None
    model_apis: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LockSummary:
    """Every lock change of one environment, grouped by provider."""

    env: str
    changes: tuple[PinChange, ...] = ()
    lifecycle: tuple[Lifecycle, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything a reviewer should read changed."""
        return bool(self.changes or self.lifecycle)

    def providers(self) -> list[str]:
        """Providers with a change or a lifecycle warning, sorted."""
        return sorted({c.provider for c in self.changes} | {w.provider for w in self.lifecycle})


def summarize_lock(
    env: str, old: LockSide, new: LockSide, usage: Usage, notes: tuple[str, ...] = ()
) -> LockSummary:
    """Compare two lock sides of `env` into a reviewer's summary."""
    before, after = old.models(), new.models()
    changes = [
        change
        for name in sorted(set(before) | set(after))
        if (change := _pin_change(name, before.get(name), after.get(name), old, new, usage))
    ]
    lifecycle = [
        warning
        for name, pin in sorted(after.items())
        if (warning := _lifecycle(name, pin, before.get(name), old, new, usage))
    ]
    return LockSummary(env, tuple(changes), tuple(lifecycle), notes)


def _pin_change(
    name: str,
    was: LockedModel | None,
    now: LockedModel | None,
    old: LockSide,
    new: LockSide,
    usage: Usage,
) -> PinChange | None:
    apis, routes = usage.model_apis.get(name, ()), usage.routes.get(name, ())
    used = usage.resources.get(name, ())
    if was is None and now is not None:
        facts = _describe(new.facts(now.provider, now.pinned))
        return PinChange(
            name, now.provider, "added", now.selector, "", now.pinned, facts, apis, routes, used
        )
    if now is None and was is not None:
        return PinChange(
            name, was.provider, "removed", was.selector, was.pinned, "", (), apis, routes, used
        )
    assert was is not None and now is not None
    facts = _alias_move(name, was, now, old, new) + _fact_changes(
        old.facts(was.provider, was.pinned), new.facts(now.provider, now.pinned)
    )
    moved = was.pinned != now.pinned or was.provider != now.provider
    if not moved and not facts:
        return None
    kind: PinChangeKind = "repinned" if moved else "facts"
    return PinChange(
        name, now.provider, kind, now.selector, was.pinned, now.pinned, facts, apis, routes, used
    )


def _alias_move(
    name: str, was: LockedModel, now: LockedModel, old: LockSide, new: LockSide
) -> tuple[str, ...]:
    before, after = _alias_target(old, was), _alias_target(new, now)
    if after is None or before == after:
        return ()
    note = f"alias {now.selector} now points at {after} (was {before or 'unset'})"
    if now.pinned != after:
        note += f"; pin kept: `modelplane lock --upgrade-model {name}` follows it"
    return (note,)


def _alias_target(side: LockSide, pin: LockedModel) -> str | None:
    snapshot = side.snapshots.get(pin.provider)
    return snapshot.aliases.get(pin.selector) if snapshot else None


def _describe(facts: SnapshotModel | None) -> tuple[str, ...]:
    if facts is None:
        return ()
    parts = []
    if facts.context_window:
        parts.append(f"context window {facts.context_window:,}")
    if facts.capabilities:
        parts.append("capabilities " + ", ".join(facts.capabilities))
    return tuple(parts)


def _fact_changes(was: SnapshotModel | None, now: SnapshotModel | None) -> tuple[str, ...]:
    if was is None or now is None:
        return ()
    parts = []
    if was.context_window != now.context_window:
        parts.append(f"context window {_num(was.context_window)} → {_num(now.context_window)}")
    if was.max_output_tokens != now.max_output_tokens:
        parts.append(
            f"max output tokens {_num(was.max_output_tokens)} → {_num(now.max_output_tokens)}"
        )
    gained = sorted(set(now.capabilities) - set(was.capabilities))
    lost = sorted(set(was.capabilities) - set(now.capabilities))
    if gained or lost:
        parts.append(
            "capabilities " + ", ".join([f"+{c}" for c in gained] + [f"-{c}" for c in lost])
        )
    return tuple(parts)


def _num(value: int | None) -> str:
    return f"{value:,}" if value is not None else "unknown"


def _lifecycle(
    name: str,
    now: LockedModel,
    was: LockedModel | None,
    old: LockSide,
    new: LockSide,
    usage: Usage,
) -> Lifecycle | None:
    facts = new.facts(now.provider, now.pinned)
    if facts is None or not (facts.deprecated_at or facts.retires_at):
        return None
    if was is not None and was.pinned == now.pinned:
        before = old.facts(was.provider, was.pinned)
        if before and (before.deprecated_at, before.retires_at) == (
            facts.deprecated_at,
            facts.retires_at,
        ):
            return None  # already known before this change: not news for this review
    return Lifecycle(
        name,
        now.provider,
        now.pinned,
        facts.deprecated_at,
        facts.retires_at,
        usage.model_apis.get(name, ()),
        usage.routes.get(name, ()),
        usage.resources.get(name, ()),
    )
