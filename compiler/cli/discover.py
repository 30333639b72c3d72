"""`modelplane discover`: ask providers for their models, write snapshots (network)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from compiler.cli.options import (
    Context,
    current_project,
    emit_diagnostics,
    env_options,
    format_option,
    say,
    selected_envs,
)
from compiler.errors import ExitCode
from compiler.project import Project


@click.command(name="discover")
@env_options
@format_option
@click.option(
    "--provider", "providers", multiple=True, metavar="PROVIDER", help="Only this provider."
)
@click.pass_obj
def command(
    ctx: Context, envs: tuple[str, ...], all_envs: bool, providers: tuple[str, ...]
) -> ExitCode:
    """Ask each enabled provider which models it serves; write environments/<env>/snapshots/."""
    project = current_project(ctx)
    failed = discover_envs(ctx, project, selected_envs(project, envs, all_envs), providers)
    return ExitCode.NETWORK if failed else ExitCode.OK


def discover_envs(
    ctx: Context, project: Project, envs: Sequence[str], providers: Sequence[str] = ()
) -> bool:
    """Run discovery per environment, report it, and tell whether any provider failed."""
    from compiler.pipeline.discover import discover_environment, progress_sink

    live = sys.stderr.isatty() and not os.environ.get("CI")
    outcomes = [
        discover_environment(
            project,
            env,
            environ=os.environ,
            providers=providers,
            progress=progress_sink(sys.stderr, live=live),
        )
        for env in envs
    ]
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
