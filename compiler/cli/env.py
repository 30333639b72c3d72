"""`modelplane env add NAME [--from ENV]`: add an environment, then lock and render it."""

from __future__ import annotations

import click

from compiler.cli.complete_names import complete_environments
from compiler.cli.options import (
    CommandGroup,
    Context,
    current_project,
    emit_diagnostics,
    examples,
    format_option,
)
from compiler.errors import ExitCode


@click.group(name="env", cls=CommandGroup, epilog=examples("modelplane env add staging --from dev"))
def command() -> None:
    """Manage environments (environments/<env>/)."""


@command.command(
    name="add",
    epilog=examples(
        "modelplane env add staging --from dev",
        "modelplane env add prod --from staging --namespace llm-production",
    ),
)
@click.argument("name")
@format_option
@click.option(
    "--from",
    "source",
    metavar="ENV",
    default=None,
    shell_complete=complete_environments,
    help="Copy this environment: its file (with a new namespace), lock and snapshots.",
)
@click.option(
    "--namespace", metavar="NS", default=None, help="Kubernetes namespace [default: llm-NAME]."
)
@click.pass_obj
def add_command(ctx: Context, name: str, source: str | None, namespace: str | None) -> ExitCode:
    """Create environments/NAME/ and lock and render it; never overwrites anything.

    With --from, the new environment starts as a copy of ENV: the same settings,
    pins and discovery snapshots, in its own namespace.
    """
    from compiler.cli.scaffold_report import report_scaffold
    from compiler.pipeline.init import add_environment

    outcome = add_environment(current_project(ctx), name, source, namespace)
    report_scaffold(ctx, outcome, f"added environment {name}")
    if outcome.failure is not None:
        emit_diagnostics(ctx, outcome.failure.diagnostics)
        return outcome.failure.exit_code
    return ExitCode.OK
