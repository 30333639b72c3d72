"""Compose discovery for the CLI: ask providers, write snapshots (the only network stage).

Every selected environment is discovered in one run: an account shared by several
environments is asked once, one deadline bounds the whole run, and only the inventory
checks that discovery needs apply (render policies never block it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

import httpx

from compiler.discovery.accounts import Job
from compiler.discovery.base import ProgressSink
from compiler.discovery.changes import SnapshotChange, snapshot_changes
from compiler.discovery.limits import DiscoveryLimits
from compiler.discovery.network import NetworkConfig, Timeouts
from compiler.discovery.policy import RetryPolicy
from compiler.discovery.progress import LineProgress, LiveProgress
from compiler.discovery.run import (
    DiscoveryOptions,
    DiscoveryOutcome,
    discover_jobs,
    write_snapshots,
)
from compiler.errors import Diagnostic, Location, UsageError
from compiler.fsio import write_failed
from compiler.inventory.load import load_environment, read_inventory
from compiler.models.resolved import ResolvedEnvironment
from compiler.output.lock import repository_lock
from compiler.project import Project


@dataclass(frozen=True, slots=True)
class DiscoverOutcome:
    """What `discover` did for one environment."""

    env: str
    outcome: DiscoveryOutcome
    written: tuple[str, ...]
    failures: tuple[Diagnostic, ...]
    changes: tuple[SnapshotChange, ...] = ()


def discover_environments(
    project: Project,
    envs: Sequence[str],
    *,
    environ: Mapping[str, str],
    providers: Sequence[str] = (),
    progress: ProgressSink | None = None,
    limits: DiscoveryLimits | None = None,
    client: httpx.Client | None = None,
) -> list[DiscoverOutcome]:
    """Discover the enabled providers of `envs` (or the named ones); write changed snapshots."""
    inventory = read_inventory(project)
    resolved = [load_environment(project, e, inventory=inventory, scope="models") for e in envs]
    _check_provider_names(resolved, providers)
    jobs = [
        Job(env.name, p, tuple(m.model for m in env.models if m.provider == p.name))
        for env in resolved
        for p in env.providers
        if not providers or p.name in providers
    ]
    options = _options(project, environ, limits or DiscoveryLimits())
    outcomes = discover_jobs(
        jobs, client=client, environ=environ, progress=progress, options=options
    )
    try:
        with repository_lock(project.root):
            return [
                _finish(project, env, outcomes[env.name])
                for env in resolved
                if env.name in outcomes
            ]
    except OSError as exc:
        raise write_failed(
            exc, project.root, "snapshots not written keep their old content"
        ) from None


def discover_environment(
    project: Project,
    env: str,
    *,
    environ: Mapping[str, str],
    providers: Sequence[str] = (),
    progress: ProgressSink | None = None,
    client: httpx.Client | None = None,
    limits: DiscoveryLimits | None = None,
) -> DiscoverOutcome:
    """Discover one environment (see `discover_environments`)."""
    found = discover_environments(
        project,
        [env],
        environ=environ,
        providers=providers,
        progress=progress,
        limits=limits,
        client=client,
    )
    return found[0] if found else DiscoverOutcome(env, DiscoveryOutcome({}, {}), (), ())


def progress_sink(stream: TextIO, *, live: bool) -> ProgressSink:
    """A live per-provider table (terminal) or plain progress lines (CI, pipes)."""
    return LiveProgress(stream) if live else LineProgress(stream)


def _options(
    project: Project, environ: Mapping[str, str], limits: DiscoveryLimits
) -> DiscoveryOptions:
    return DiscoveryOptions(
        policy=dataclasses.replace(RetryPolicy(), attempts=limits.attempts),
        timeouts=Timeouts(connect=limits.connect_timeout, request=limits.timeout),
        deadline=limits.deadline,
        concurrency=limits.concurrency,
        network=NetworkConfig.from_environ(environ),
        base_dir=project.root,
    )


def _finish(
    project: Project, env: ResolvedEnvironment, outcome: DiscoveryOutcome
) -> DiscoverOutcome:
    snapshots_dir = project.snapshots_dir(env.name)
    changes = snapshot_changes(outcome.snapshots, snapshots_dir)
    written = write_snapshots(outcome, snapshots_dir, root=project.root)
    failures = tuple(
        Diagnostic(
            env.locate("providers", name),
            "discovery-failed",
            str(dataclasses.replace(failure, hint="")),  # the hint has a line of its own
            hint=failure.hint,
        )
        for name, failure in outcome.failures.items()
    )
    return DiscoverOutcome(
        env.name,
        outcome,
        tuple(project.relative(p) for p in written),
        failures,
        tuple(c for c in changes.values() if c.changed),
    )


def _check_provider_names(resolved: Sequence[ResolvedEnvironment], names: Sequence[str]) -> None:
    """`--provider P` must be enabled in at least one of the environments (not in each)."""
    known = {p.name for env in resolved for p in env.providers}
    unknown = sorted(set(names) - known)
    if not unknown or not resolved:
        return
    where = resolved[0].locate_env() if len(resolved) == 1 else Location("<command line>")
    envs = ", ".join(repr(env.name) for env in resolved)
    raise UsageError(
        [
            Diagnostic(
                where,
                "usage",
                f"provider {', '.join(unknown)} is not enabled in {envs}",
                hint=f"enabled: {', '.join(sorted(known)) or 'none'}",
            )
        ]
    )
