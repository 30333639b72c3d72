"""Which pins of a lock deserve attention: newer matches, retiring ids, vanished ids.

Renovate-style, offline: the lock and the snapshots on disk are compared, nothing is
written. A pin is reported when
- its selector now resolves to another id (a newer dated version, a newer glob match),
- the provider lists a deprecation or retirement date for the pinned id,
- the provider no longer lists the pinned id at all (`lock` refuses to move it silently).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from compiler.lock.callable import facts_of, make_callable
from compiler.lock.pinning import PinFailure, pin_model
from compiler.models.inventory import Model
from compiler.models.lock import LockedModel, Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class OutdatedPin:
    """One pin worth a look, with what the snapshot says."""

    env: str
    model: str
    provider: str
    pinned: str
    newer: str | None = None
    vanished: bool = False
    deprecated_at: str | None = None
    retires_at: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        """What makes it outdated: newer, vanished, deprecated, retiring."""
        return tuple(
            kind
            for kind, on in (
                ("newer", self.newer is not None),
                ("vanished", self.vanished),
                ("deprecated", self.deprecated_at is not None),
                ("retiring", self.retires_at is not None),
            )
            if on
        )


def outdated_pins(
    env: ResolvedEnvironment, lockfile: Lockfile | None, snapshots: Mapping[str, Snapshot]
) -> list[OutdatedPin]:
    """Every pin of `env`'s lock that has a newer match, a lifecycle date, or vanished."""
    if lockfile is None:
        return []
    models = {m.name: m for m in env.models}
    found = [
        _check(env.name, models[name], locked, snapshots.get(locked.provider))
        for name, locked in sorted(lockfile.models.items())
        if name in models and locked.via != "undiscovered"
    ]
    return [pin for pin in found if pin is not None and pin.kinds]


def _check(
    env: str, model: Model, locked: LockedModel, snapshot: Snapshot | None
) -> OutdatedPin | None:
    if snapshot is None:
        return None
    listed = snapshot.ids()
    facts = facts_of(snapshot, locked.pinned)
    return OutdatedPin(
        env=env,
        model=model.name,
        provider=locked.provider,
        pinned=locked.pinned,
        newer=_newer(model, locked, snapshot),
        vanished=locked.pinned not in listed,
        deprecated_at=facts.deprecated_at if facts else None,
        retires_at=facts.retires_at if facts else None,
    )


def _newer(model: Model, locked: LockedModel, snapshot: Snapshot) -> str | None:
    pin = pin_model(model, snapshot)
    if isinstance(pin, PinFailure):
        return None
    fresh = make_callable(
        locked.model_copy(
            update={"pinned": pin.pinned, "foundation_model": None, "revision": None}
        ),
        snapshot,
    )
    return fresh.pinned if fresh.pinned != locked.pinned else None


def by_provider(pins: list[OutdatedPin]) -> Iterator[tuple[str, list[OutdatedPin]]]:
    """Pins grouped per provider (sorted), e.g. one upgrade pull request each."""
    for provider in sorted({p.provider for p in pins}):
        yield provider, [p for p in pins if p.provider == provider]
