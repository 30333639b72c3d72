"""Whether the committed lock still matches its inputs: the one place that decides it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from compiler.errors import Diagnostic, Location
from compiler.lock.files import read_lockfile, read_snapshots
from compiler.lock.inputs import lock_inputs_digest
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

    def location(self, project: Project, env: str) -> Location:
        """Where a problem with this lock is reported."""
        return Location(project.relative(project.lock_file(env)), 1, 1)


def committed_lock(project: Project, env: ResolvedEnvironment) -> CommittedLock:
    """Read the committed lock and decide, offline, whether it is fresh, missing or stale."""
    lockfile, _ = read_lockfile(project, env.name)
    snapshots = read_snapshots(project, env)
    if lockfile is None:
        return CommittedLock(None, snapshots, "missing")
    if lockfile.inputs_digest == lock_inputs_digest(env, snapshots):
        return CommittedLock(lockfile, snapshots)
    unpinned = tuple(sorted(m.name for m in env.models if m.name not in lockfile.models))
    return CommittedLock(lockfile, snapshots, "stale", unpinned)


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
