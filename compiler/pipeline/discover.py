"""Compose discovery for the CLI: ask providers, write snapshots (the only network stage)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

import httpx

from compiler.discovery.base import ProgressSink
from compiler.discovery.progress import LineProgress, LiveProgress
from compiler.discovery.run import (
    DiscoveryOptions,
    DiscoveryOutcome,
    build_client,
    discover_providers,
    write_snapshots,
)
from compiler.errors import Diagnostic, UsageError
from compiler.fsio import write_failed
from compiler.inventory.load import load_environment
from compiler.models.providers import Provider
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


def discover_environment(
    project: Project,
    env: str,
    *,
    environ: Mapping[str, str],
    providers: Sequence[str] = (),
    progress: ProgressSink | None = None,
    client: httpx.Client | None = None,
) -> DiscoverOutcome:
    """Discover the enabled providers of `env` (or the named ones) and write changed snapshots."""
    resolved = load_environment(project, env)
    chosen = _chosen_providers(resolved, providers)
    wanted = {p.name: [m.model for m in resolved.models if m.provider == p.name] for p in chosen}
    options = DiscoveryOptions(wanted=wanted)
    with client or build_client() as http:
        outcome = discover_providers(
            chosen, client=http, environ=environ, progress=progress, options=options
        )
    try:
        with repository_lock(project.root):
            written = write_snapshots(outcome, project.snapshots_dir(env), root=project.root)
    except OSError as exc:
        raise write_failed(exc, project.root, "snapshots not written may be missing") from None
    failures = tuple(
        Diagnostic(
            resolved.locate("providers", name),
            "discovery-failed",
            str(failure),
            hint=failure.hint,
        )
        for name, failure in outcome.failures.items()
    )
    return DiscoverOutcome(env, outcome, tuple(project.relative(p) for p in written), failures)


def progress_sink(stream: TextIO, *, live: bool) -> ProgressSink:
    """A live per-provider table (terminal) or plain progress lines (CI, pipes)."""
    return LiveProgress(stream) if live else LineProgress(stream)


def _chosen_providers(resolved: ResolvedEnvironment, names: Sequence[str]) -> list[Provider]:
    known = {p.name for p in resolved.providers}
    unknown = sorted(set(names) - known)
    if unknown:
        where = resolved.locate_env()
        raise UsageError(
            [
                Diagnostic(
                    where,
                    "usage",
                    f"provider {', '.join(unknown)} is not enabled in {resolved.name!r}",
                    hint=f"enabled: {', '.join(sorted(known)) or 'none'}",
                )
            ]
        )
    return [p for p in resolved.providers if not names or p.name in names]
