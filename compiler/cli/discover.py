"""`modelplane discover`: ask providers for their models, write snapshots (network)."""

from __future__ import annotations

from typing import Any

import click

from compiler.cli.complete_names import complete_providers
from compiler.cli.discovery_flags import discovery_flags
from compiler.cli.discovery_report import discover_and_report
from compiler.cli.options import (
    Context,
    current_project,
    env_options,
    examples,
    format_option,
    selected_envs,
)
from compiler.errors import ExitCode


@click.command(
    name="discover",
    epilog=examples(
        "OPENAI_API_KEY=... modelplane discover --env dev",
        "modelplane discover --all --provider anthropic",
    ),
)
@env_options
@format_option
@click.option(
    "--provider",
    "providers",
    multiple=True,
    metavar="PROVIDER",
    shell_complete=complete_providers,
    help="Only this provider (repeatable).",
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
    failed = discover_and_report(ctx, project, names, providers, bounds, command="discover")
    return ExitCode.NETWORK if failed else ExitCode.OK
