"""`modelplane diff`: what a change does to manifests and model pins, per environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

import click

from compiler.cli.options import Context, current_project, env_options
from compiler.errors import ExitCode, UsageError, usage_error

DiffFormat = Literal["text", "markdown", "json"]


@click.command(name="diff")
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
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Color text output (auto: on a terminal, unless NO_COLOR is set).",
)
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
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something changes.")
@click.option(
    "--against-env",
    metavar="ENV",
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
    color: str,
    split_dir: Path | None,
    comment_limit: int,
    exit_zero: bool,
    against_env: str | None,
) -> ExitCode:
    """Diff freshly rendered manifests (or locks) against a git base, per resource (offline).

    `--lock --against-env staging` instead lists where the environments' pins differ from
    staging's (what `modelplane promote --from staging` would move).
    """
    from compiler.pipeline.review import review

    if bool(envs) == all_envs:
        raise _usage("give --env ENV (one or more) or --all")
    if against_env is not None:
        return _against(ctx, list(envs) or None, against_env, lock_only, fmt, exit_zero)
    result = review(current_project(ctx), list(dict.fromkeys(envs)) or None, base, lock=lock_only)
    use_color = _use_color(color)
    # click strips ANSI codes off terminals unless told: --color always means always.
    chosen: DiffFormat = fmt or ("json" if ctx.fmt == "json" else "text")
    click.echo(_render(result, chosen, use_color), nl=False, color=use_color)
    if split_dir is not None:
        _write_parts(result, split_dir, comment_limit)
    return ExitCode.FINDINGS if result.changed and not exit_zero else ExitCode.OK


def _against(
    ctx: Context,
    envs: list[str] | None,
    other: str,
    lock_only: bool,
    fmt: DiffFormat | None,
    exit_zero: bool,
) -> ExitCode:
    from compiler.pipeline.pins import compare_pins
    from compiler.review.pin_compare import format_differences

    if not lock_only:
        raise _usage("--against-env compares locks: add --lock")
    project = current_project(ctx)
    rows = compare_pins(project, envs or project.environment_names(), other)
    click.echo(format_differences(rows, fmt or ("json" if ctx.fmt == "json" else "text")), nl=False)
    return ExitCode.FINDINGS if rows and not exit_zero else ExitCode.OK


def _render(result: object, fmt: DiffFormat, color: bool) -> str:
    from compiler.review import markdown as diff_markdown
    from compiler.review import text as diff_report
    from compiler.review.model import Review

    assert isinstance(result, Review)
    if fmt == "json":
        return diff_report.format_json(result)
    if fmt == "markdown":
        return diff_markdown.format_markdown(result)
    return diff_report.format_text(result, color=color)


def _write_parts(result: object, folder: Path, limit: int) -> None:
    from compiler.review.markdown import split_markdown
    from compiler.review.model import Review

    assert isinstance(result, Review)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("comment-*.md"):
        stale.unlink()
    for index, part in enumerate(split_markdown(result, limit), 1):
        (folder / f"comment-{index}.md").write_text(part, encoding="utf-8")


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _usage(message: str) -> UsageError:
    return usage_error(message)
