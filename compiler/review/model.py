"""What a review found, per environment: resource changes, pin changes, topology."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from compiler.review.lockdiff import LockSummary
from compiler.review.resources import (
    ResourceChange,
)


@dataclass(frozen=True, slots=True)
class Topology:
    """Gateway → HTTPRoute → ModelAPI → models → providers of one environment."""

    gateway: str = ""
    routes: Mapping[str, str] = field(default_factory=dict)
    model_apis: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    providers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EnvDiff:
    """The resource changes of one environment, with notes for the reviewer."""

    env: str
    changes: tuple[ResourceChange, ...] = ()
    notes: tuple[str, ...] = ()
    topology: Topology = field(default_factory=Topology)
    lock: LockSummary | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """Everything `diff` found, against one base commit."""

    base: str
    envs: tuple[EnvDiff, ...]
    lock_only: bool = False

    @property
    def changed(self) -> bool:
        """Whether any environment has a resource change (or, for `--lock`, a lock change)."""
        if self.lock_only:
            return any(e.lock is not None and e.lock.changed for e in self.envs)
        return any(e.changes for e in self.envs)
