"""Whether the committed lock still matches its inputs: the one place that decides it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from compiler.errors import Diagnostic, Location
from compiler.lock.files import read_lockfile, read_snapshots
from compiler.lock.inputs import lock_inputs_digest
from compiler.lock.pinning import pin_fits
from compiler.lock.resolve import LockResult
from compiler.models.lock import Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot
from compiler.project import Project

LockState = Literal["fresh", "missing", "stale"]


@dataclass(frozen=True, slots=True)
class CommittedLock:
    """The lock on disk, the snapshots beside it, and whether it still fits its inputs."""

    lockfile: Lockfile | None
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    state: LockState = "fresh"
    unpinned: tuple[str, ...] = ()
    problems: tuple[Diagnostic, ...] = ()

    def location(self, project: Project, env: str) -> Location:
        """Where a problem with this lock is reported."""
        return Location(project.relative(project.lock_file(env)), 1, 1)


def committed_lock(project: Project, env: ResolvedEnvironment) -> CommittedLock:
    """Read the committed lock and decide, offline, whether it is fresh, missing or stale."""
    lockfile, text = read_lockfile(project, env.name)
    snapshots = read_snapshots(project, env)
    if lockfile is None:
        return CommittedLock(None, snapshots, "missing")
    if lockfile.inputs_digest == lock_inputs_digest(env, snapshots):
        display = project.relative(project.lock_file(env.name))
        edited = tuple(_edited_pins(env, lockfile, snapshots, display, text or ""))
        return CommittedLock(lockfile, snapshots, "stale" if edited else "fresh", (), edited)
    unpinned = tuple(sorted(m.name for m in env.models if m.name not in lockfile.models))
    return CommittedLock(lockfile, snapshots, "stale", unpinned)


def _edited_pins(
    env: ResolvedEnvironment,
    lockfile: Lockfile,
    snapshots: dict[str, Snapshot],
    display: str,
    text: str,
) -> Iterator[Diagnostic]:
    """Pins the digest cannot vouch for (it covers the inputs, not the pins): hand edits."""
    for model in env.models:
        entry = lockfile.models.get(model.name)
        if entry is None:
            continue  # not pinned: the digest already differs
        fits = entry.provider == model.provider and entry.selector == model.model
        pinned = entry.foundation_model or entry.pinned  # a Bedrock profile: its model
        if fits and pin_fits(model, snapshots.get(model.provider), pinned):
            continue
        offset = text.find(f"\n  {model.name}:\n")
        line = text.count("\n", 0, offset) + 2 if offset >= 0 else 1
        yield Diagnostic(
            Location(display, line, 3),
            "lock-edited",
            f"pin {entry.pinned!r} of {model.name!r} is not one the snapshot of "
            f"{model.provider!r} offers for {model.model!r}",
            hint=f"do not edit models.lock by hand; run `modelplane lock --env {env.name}`",
        )


def stale_lock_problems(
    project: Project, env: ResolvedEnvironment, fresh: LockResult, current_text: str | None
) -> list[Diagnostic]:
    """Why the lock on disk differs from what `modelplane lock` would write (empty: fresh)."""
    at = Location(project.relative(project.lock_file(env.name)), 1, 1)
    if current_text is None:
        return [
            Diagnostic(
                at,
                "lock-missing",
                f"no lock for environment {env.name!r}",
                hint=f"run `modelplane lock --env {env.name}`",
            )
        ]
    if current_text == fresh.text:
        return []
    reasons = list(fresh.changes) or ["inputs or snapshots changed since it was written"]
    return [
        Diagnostic(
            at,
            "lock-stale",
            f"models.lock is stale: {reason}",
            hint=f"run `modelplane lock --env {env.name}` and commit the result",
        )
        for reason in reasons
    ]
