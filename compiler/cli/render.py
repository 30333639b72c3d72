"""`modelplane render`: render, validate and write (or check) manifests."""

from __future__ import annotations

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


@click.command(name="render")
@env_options
@format_option
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if the committed manifests differ."
)
@click.pass_obj
def command(ctx: Context, envs: tuple[str, ...], all_envs: bool, check: bool) -> ExitCode:
    """Render, validate and write environments/<env>/manifests (offline)."""
    from compiler.pipeline.render import RenderSettings, render_environments

    project = current_project(ctx)
    settings = RenderSettings(use_cache=ctx.use_cache, jobs=ctx.jobs)
    names = selected_envs(project, envs, all_envs)
    outcomes = render_environments(
        project,
        names,
        check=check,
        settings=settings,
        on_wait=lambda note: click.echo(note, err=True),
    )
    drift = [d for o in outcomes for d in o.drift]
    emit_diagnostics(ctx, [w for o in outcomes for w in o.warnings] + drift)
    for outcome in outcomes:
        say(ctx, _render_line(outcome, check))
    return ExitCode.FINDINGS if drift else ExitCode.OK


def _render_line(outcome: Any, check: bool) -> str:
    if check:
        return f"{outcome.env}: {'manifests differ' if outcome.drift else 'manifests up to date'}"
    report = outcome.report
    if outcome.cached or not report.changed:
        return f"{outcome.env}: manifests up to date"
    return f"{outcome.env}: {len(report.written)} file(s) written, {len(report.removed)} removed"
