"""`modelplane discover`: ask providers for their models, write snapshots (network)."""

from __future__ import annotations

import click

from compiler.cli.discovery_report import discover_and_report
from compiler.cli.options import (
    Context,
    current_project,
    env_options,
    format_option,
    selected_envs,
)
from compiler.errors import ExitCode


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
    failed = discover_and_report(ctx, project, selected_envs(project, envs, all_envs), providers)
    return ExitCode.NETWORK if failed else ExitCode.OK
