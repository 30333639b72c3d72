"""What a review found, per environment: resource changes, pin changes, topology."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    # What the base served that the change removes: model API -> its models, and the
    # provider each model of the base used (so removed nodes can be drawn).
    removed_apis: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    base_providers: Mapping[str, str] = field(default_factory=dict)
    # model -> `Kind/name` of its kagent, Flokoa and Kthena objects
    resources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


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
    def destructive(self) -> list[tuple[str, ResourceChange]]:
        """(environment, change) of every resource the GitOps engine deletes when it prunes.

        A removed resource is deleted; a renamed one is deleted under its old name.
        """
        return [
            (env.env, change)
            for env in self.envs
            for change in env.changes
            if change.status in ("removed", "renamed")
        ]

    @property
    def changed(self) -> bool:
        """Whether any environment has a resource change (or, for `--lock`, a lock change)."""
        if self.lock_only:
            return any(e.lock is not None and e.lock.changed for e in self.envs)
        return any(e.changes for e in self.envs)


def group_identical(
    envs: Sequence[EnvDiff], *, whole: bool
) -> list[tuple[EnvDiff, tuple[str, ...]]]:
    """Environments whose changes are identical, once: (the first, every name), in order.

    A change to the inventory usually changes every environment the same way; the report
    shows it once for all of them. Resources compare by kind, name, status and fields
    (their namespace differs per environment); `whole` also compares pins and notes,
    for reports that show those in the same section.
    """
    groups: dict[object, list[EnvDiff]] = {}
    for env in envs:
        groups.setdefault(_signature(env, whole) if env.changes else env.env, []).append(env)
    return [(members[0], tuple(e.env for e in members)) for members in groups.values()]


def _signature(env: EnvDiff, whole: bool) -> object:
    resources = tuple(
        (c.kind, c.name, c.status, c.old_name, c.path, repr(c.fields)) for c in env.changes
    )
    if not whole:
        return resources
    lock = (repr(env.lock.changes), repr(env.lock.lifecycle)) if env.lock is not None else None
    return (resources, lock, env.notes)
