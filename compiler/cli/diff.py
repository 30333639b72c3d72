"""`modelplane diff`: what a change does to manifests and model pins, per environment."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from compiler.cli.complete_names import complete_environments
from compiler.cli.options import (
    Context,
    color_option,
    current_project,
    env_options,
    examples,
    set_result,
)
from compiler.errors import ExitCode, usage_error

if TYPE_CHECKING:
    from compiler.review.model import Review

DiffFormat = Literal["text", "markdown", "json"]


@click.command(
    name="diff",
    epilog=examples(
        "modelplane diff --env prod                     # against the merge base",
        "modelplane diff --all --base origin/main --format markdown > report.md",
        "modelplane diff --lock --all                   # model pins only",
    ),
)
@env_options
@click.option("--base", metavar="GIT_REF", help="Compare with this ref [default: merge base].")
@click.option("--lock", "lock_only", is_flag=True, help="Summarize lockfile changes only.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default=None,
    help="Report format [default: json under the global --format json, else text].",
)
@color_option
@click.option(
    "--split-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the markdown report as comment-<n>.md files under GitHub's size limit.",
)
@click.option(
    "--comment-limit",
    type=click.IntRange(min=2000),
    default=65_536,
    show_default=True,
    help="Largest comment --split-dir writes, in characters (GitHub's limit by default).",
)
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when something changes (like git diff --exit-code)."
)
# Before 0.2 a change exited 1 unless --exit-zero; the flag stays accepted, now a no-op.
@click.option("--exit-zero", is_flag=True, hidden=True)
@click.option(
    "--against-env",
    metavar="ENV",
    shell_complete=complete_environments,
    help="With --lock: compare the pins with ENV's lock instead of a git base.",
)
@click.pass_obj
def command(
    ctx: Context,
    envs: tuple[str, ...],
    all_envs: bool,
    base: str | None,
    lock_only: bool,
    fmt: DiffFormat | None,
    split_dir: Path | None,
    comment_limit: int,
    exit_code: bool,
    exit_zero: bool,
    against_env: str | None,
) -> ExitCode:
    """Diff freshly rendered manifests (or locks) against a git base, per resource (offline).

    `--lock --against-env staging` instead lists where the environments' pins differ from
    staging's (what `modelplane promote --from staging` would move).
    """
    from compiler.pipeline.review import review

    if bool(envs) == all_envs:
        raise usage_error("give --env ENV (one or more) or --all")
    if against_env is not None:
        fails = exit_code and not exit_zero
        return _against(ctx, list(envs) or None, against_env, lock_only, fmt, fails)
    result = review(current_project(ctx), list(dict.fromkeys(envs)) or None, base, lock=lock_only)
    chosen: DiffFormat = fmt or ("json" if ctx.fmt == "json" else "text")
    if chosen == "json":  # the report goes into the one result document
        ctx.fmt = "json"
        set_result(ctx, changed=result.changed, report=json.loads(_render(result, "json", False)))
    else:
        color = chosen == "text" and ctx.use_color(sys.stdout)
        # click strips ANSI codes off terminals unless told: --color always means always.
        click.echo(_render(result, chosen, color), nl=False, color=color)
    if split_dir is not None:
        _write_parts(result, split_dir, comment_limit)
    return ExitCode.FINDINGS if result.changed and exit_code and not exit_zero else ExitCode.OK


def _against(
    ctx: Context,
    envs: list[str] | None,
    other: str,
    lock_only: bool,
    fmt: DiffFormat | None,
    fail_on_change: bool,
) -> ExitCode:
    from compiler.pipeline.pins import compare_pins
    from compiler.review.pin_compare import format_differences

    if not lock_only:
        raise usage_error("--against-env compares locks: add --lock")
    project = current_project(ctx)
    rows = compare_pins(project, envs or project.environment_names(), other)
    chosen = fmt or ("json" if ctx.fmt == "json" else "text")
    if chosen == "json":  # the comparison goes into the one result document
        ctx.fmt = "json"
        set_result(ctx, changed=bool(rows), **json.loads(format_differences(rows, "json")))
    else:
        click.echo(format_differences(rows, chosen), nl=False)
    return ExitCode.FINDINGS if rows and fail_on_change else ExitCode.OK


def _render(result: Review, fmt: DiffFormat, color: bool) -> str:
    from compiler.review import markdown as diff_markdown
    from compiler.review import text as diff_report

    if fmt == "json":
        return diff_report.format_json(result)
    if fmt == "markdown":
        return diff_markdown.format_markdown(result)
    return diff_report.format_text(result, color=color)


def _write_parts(result: Review, folder: Path, limit: int) -> None:
    from compiler.review.markdown import split_markdown

    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("comment-*.md"):
        stale.unlink()
    for index, part in enumerate(split_markdown(result, limit), 1):
        (folder / f"comment-{index}.md").write_text(part, encoding="utf-8")
