"""`modelplane outdated`: pins with a newer match, a lifecycle date, or gone (offline)."""

from __future__ import annotations

from typing import Literal

import click

from compiler.cli.options import (
    Context,
    color_option,
    current_project,
    env_options,
    examples,
    selected_envs,
    set_result,
)
from compiler.errors import ExitCode


@click.command(
    name="outdated",
    epilog=examples(
        "modelplane outdated --all",
        "modelplane outdated --env prod --format markdown > upgrade.md",
    ),
)
@env_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default=None,
    help="Output format [default: json under the global --format json, else text].",
)
@color_option
@click.pass_obj
def command(
    ctx: Context,
    envs: tuple[str, ...],
    all_envs: bool,
    fmt: Literal["text", "json", "markdown"] | None,
) -> ExitCode:
    """List pins with a newer match, deprecated or retiring pins, and vanished pins.

    Reads the locks and snapshots on disk (run `modelplane discover` first); writes
    nothing. `--format markdown` is an upgrade pull request body, grouped per provider.
    """
    from compiler.pipeline.outdated import outdated_environments
    from compiler.review.outdated_report import as_json, format_markdown, format_text

    project = current_project(ctx)
    pins = outdated_environments(project, selected_envs(project, envs, all_envs))
    chosen = fmt or ("json" if ctx.fmt == "json" else "text")
    if chosen == "json":
        ctx.fmt = "json"  # the pins go into the one result document
        set_result(ctx, **as_json(pins))
    else:
        click.echo(format_markdown(pins) if chosen == "markdown" else format_text(pins), nl=False)
    return ExitCode.OK
