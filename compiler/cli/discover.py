"""`modelplane discover`: ask providers for their models, write snapshots (network)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from compiler.cli.discovery_flags import discovery_bounds, discovery_flags
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
@discovery_flags
@click.pass_obj
def command(
    ctx: Context,
    /,
    envs: tuple[str, ...],
    all_envs: bool,
    providers: tuple[str, ...],
    **bounds: Any,
) -> ExitCode:
    """Ask each enabled provider which models it serves; write environments/<env>/snapshots/.

    An account shared by several environments is asked once. Proxies and trust follow
    HTTPS_PROXY / HTTP_PROXY / NO_PROXY and SSL_CERT_FILE / REQUESTS_CA_BUNDLE (else the
    system trust store).
    """
    project = current_project(ctx)
    names = selected_envs(project, envs, all_envs)
    failed = discover_envs(ctx, project, names, providers, bounds, command="discover")
    return ExitCode.NETWORK if failed else ExitCode.OK


def discover_envs(
    ctx: Context,
    project: Project,
    envs: Sequence[str],
    providers: Sequence[str] = (),
    bounds: dict[str, Any] | None = None,
    *,
    command: str = "",
) -> bool:
    """Run discovery for the environments, report it, and tell whether any provider failed."""
    from compiler.cli.discover_report import discover_json, summary_lines
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
    failed = bool(failures)
    if command and ctx.fmt == "json":
        code = ExitCode.NETWORK if failed else ExitCode.OK
        click.echo(json.dumps(discover_json(command, code, failures, outcomes), indent=2))
        return failed
    emit_diagnostics(ctx, failures)
    for line in summary_lines(outcomes):
        say(ctx, line)
    return failed
