"""`modelplane models`: discovered, pinned and in-use models of an environment."""

from __future__ import annotations

from typing import Literal

import click

from compiler.cli.options import Context, current_project
from compiler.errors import ExitCode


@click.command(name="models")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment name.")
@click.option("--provider", metavar="PROVIDER", help="Only this provider.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default=None,
    help="Output format [default: json under the global --format json, else table].",
)
@click.pass_obj
def command(
    ctx: Context, env: str, provider: str | None, fmt: Literal["table", "json"] | None
) -> ExitCode:
    """Show what is discovered, what is pinned and what is in use, side by side (offline)."""
    from compiler.pipeline.review import model_catalog
    from compiler.review.catalog import format_json, format_table

    rows = model_catalog(current_project(ctx), env, provider)
    as_json = (fmt or ("json" if ctx.fmt == "json" else "table")) == "json"
    click.echo(format_json(env, rows) if as_json else format_table(rows), nl=False)
    return ExitCode.OK
