"""What every command shares: the run's settings, common options, status and problem output."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from compiler.errors import Diagnostic, Location, UsageError, usage_error

if TYPE_CHECKING:
    from compiler.cli.report import OutputFormat
    from compiler.project import Project

FORMATS = ("text", "json", "github")


@dataclass(slots=True)
class Context:
    """Options shared by every command, and the environment variables the run reads.

    Environment variables are read here, once, and passed down as values: no stage reads
    the process environment itself.
    """

    fmt: OutputFormat = "text"
    show_traceback: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def use_cache(self) -> bool:
        """MODELPLANE_NO_CACHE=1 bypasses the render cache."""
        return self.environ.get("MODELPLANE_NO_CACHE", "") in ("", "0")

    @property
    def jobs(self) -> int | None:
        """MODELPLANE_JOBS=N: how many worker processes render environments (None: auto)."""
        setting = self.environ.get("MODELPLANE_JOBS", "")
        return int(setting) if setting.isdigit() and int(setting) > 0 else None

    @property
    def in_ci(self) -> bool:
        """Whether a CI system runs us (no live terminal output)."""
        return bool(self.environ.get("CI"))


def default_format(environ: Mapping[str, str]) -> OutputFormat:
    """GitHub annotations under GitHub Actions, text elsewhere."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def _override_format(click_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    shared = click_ctx.find_object(Context)
    if value is not None and shared is not None:  # None only when a test merely parses
        shared.fmt = value  # type: ignore[assignment]


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--format` on a subcommand too (`validate --all --format github`)."""
    return click.option(
        "--format",
        type=click.Choice(FORMATS),
        default=None,
        expose_value=False,
        callback=_override_format,
        help="How problems are reported (overrides the global --format).",
    )(func)


def env_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--env E` (repeatable) or `--all`."""
    func = click.option("--all", "all_envs", is_flag=True, help="Every environment.")(func)
    return click.option(
        "--env", "envs", multiple=True, metavar="ENV", help="Environment name (repeatable)."
    )(func)


def selected_envs(project: Project, envs: Sequence[str], all_envs: bool) -> list[str]:
    """The environments a command should run on, or a usage error."""
    if bool(envs) == all_envs:
        raise usage_error("give --env ENV (one or more) or --all")
    if not all_envs:
        return list(dict.fromkeys(envs))
    names = project.environment_names()
    if not names:
        at = Location(project.relative(project.environments_dir))
        hint = "start a repository with `modelplane init`, or add one: `modelplane env add NAME`"
        raise UsageError([Diagnostic(at, "usage", "no environments found", hint=hint)])
    return names


def current_project(ctx: Context) -> Project:
    """The repository the command runs in (MODELPLANE_ROOT, else the nearest one upwards)."""
    from pathlib import Path

    from compiler.project import Project, find_project

    root = ctx.environ.get("MODELPLANE_ROOT")
    return Project(Path(root).resolve()) if root else find_project()


def say(ctx: Context, text: str, *, nl: bool = True) -> None:
    """A status line for people: stdout, or stderr when stdout carries JSON for tools."""
    click.echo(text, nl=nl, err=ctx.fmt == "json")


def emit_diagnostics(ctx: Context, diagnostics: Sequence[Diagnostic]) -> None:
    """Print diagnostics to stderr (stdout for json) in the chosen format."""
    from compiler.cli.report import format_diagnostics, summarize

    if not diagnostics and ctx.fmt != "json":
        return
    text = format_diagnostics(diagnostics, ctx.fmt)
    if ctx.fmt == "json":
        click.echo(text, nl=False)
        return
    click.echo(text, nl=False, err=True)
    if ctx.fmt == "text":
        click.echo(summarize(diagnostics), err=True)
