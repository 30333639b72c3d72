"""Discovery for the commands that run it (`discover`, `lock --refresh`), and its report."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from compiler.cli.discovery_flags import discovery_bounds
from compiler.cli.options import Context, emit_diagnostics, say, set_result
from compiler.project import Project


def discover_and_report(
    ctx: Context,
    project: Project,
    envs: Sequence[str],
    providers: Sequence[str] = (),
    bounds: Mapping[str, Any] | None = None,
    *,
    command: str = "",
) -> bool:
    """Run discovery for the environments, report it, and tell whether any provider failed.

    `command` set means this command's whole output is the discovery report (the
    `--format json` result document goes to stdout); `lock --refresh` leaves it empty.
    """
    from compiler.cli.discovery_summary import environments_json, summary_lines
    from compiler.pipeline.discover import discover_environments, progress_sink

    live = sys.stderr.isatty() and not ctx.in_ci and ctx.fmt == "text"
    outcomes = discover_environments(
        project,
        envs,
        environ=ctx.environ,
        providers=providers,
        progress=progress_sink(sys.stderr, live=live),
        limits=discovery_bounds(ctx.environ, bounds or {}),
    )
    failures = [d for o in outcomes for d in o.failures]
    emit_diagnostics(ctx, failures)
    for line in summary_lines(outcomes):
        say(ctx, line)
    # `lock --refresh` has environments of its own in its result: discovery goes beside.
    set_result(ctx, **{"environments" if command else "discovery": environments_json(outcomes)})
    return bool(failures)
