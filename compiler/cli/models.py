"""`modelplane models`: discovered, pinned and in-use models of an environment."""

from __future__ import annotations

import json
from typing import Literal

import click

from compiler.cli.complete_names import complete_environments, complete_providers
from compiler.cli.options import Context, color_option, current_project, examples, set_result
from compiler.errors import ExitCode


@click.command(
    name="models",
    epilog=examples(
        "modelplane models --env prod",
        "modelplane models --env dev --provider openai --format json",
    ),
)
@click.option(
    "--env",
    "env",
    required=True,
    metavar="ENV",
    shell_complete=complete_environments,
    help="Environment name.",
)
@click.option(
    "--provider", metavar="PROVIDER", shell_complete=complete_providers, help="Only this provider."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default=None,
    help="Output format [default: json under the global --format json, else table].",
)
@color_option
@click.pass_obj
def command(
    ctx: Context, env: str, provider: str | None, fmt: Literal["table", "json"] | None
) -> ExitCode:
    """Show what is discovered, what is pinned and what is in use, side by side (offline)."""
    from compiler.pipeline.review import model_catalog
    from compiler.review.catalog import format_json, format_table

    rows = model_catalog(current_project(ctx), env, provider)
    if (fmt or ("json" if ctx.fmt == "json" else "table")) == "json":
        ctx.fmt = "json"  # the rows go into the one result document
        set_result(ctx, **json.loads(format_json(env, rows)))
    else:
        click.echo(format_table(rows), nl=False)
    return ExitCode.OK
