"""Discovery for the commands that run it (`discover`, `lock --refresh`), and its report."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click

from compiler.cli.discovery_flags import discovery_bounds
from compiler.cli.options import Context, emit_diagnostics, say
from compiler.errors import ExitCode
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
    from compiler.cli.discovery_summary import discover_json, summary_lines
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
    if command and ctx.fmt == "json":
        code = ExitCode.NETWORK if failures else ExitCode.OK
        click.echo(json.dumps(discover_json(command, code, failures, outcomes), indent=2))
        return bool(failures)
    emit_diagnostics(ctx, failures)
    for line in summary_lines(outcomes):
        say(ctx, line)
    return bool(failures)
