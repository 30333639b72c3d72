"""Discovery for the commands that run it (`discover`, `lock --refresh`), and its report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from compiler.cli.options import Context, emit_diagnostics, say
from compiler.project import Project


def discover_and_report(
    ctx: Context, project: Project, envs: Sequence[str], providers: Sequence[str] = ()
) -> bool:
    """Run discovery per environment, report it, and tell whether any provider failed."""
    from compiler.pipeline.discover import discover_environments, progress_sink

    live = sys.stderr.isatty() and not ctx.in_ci
    progress = progress_sink(sys.stderr, live=live)
    outcomes = discover_environments(project, envs, ctx.environ, providers, progress)
    emit_diagnostics(ctx, [d for o in outcomes for d in o.failures])
    for outcome in outcomes:
        say(ctx, _discover_line(outcome))
    return any(o.failures for o in outcomes)


def _discover_line(outcome: Any) -> str:
    found = outcome.outcome.snapshots
    counts = ", ".join(f"{name} {len(s.models)}" for name, s in found.items())
    written = f"{len(outcome.written)} snapshot(s) written" if outcome.written else "unchanged"
    failed = f", {len(outcome.failures)} provider(s) failed" if outcome.failures else ""
    return f"{outcome.env}: {written}{failed} (models: {counts or 'none'})"
