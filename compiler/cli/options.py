"""What every command shares: the run's settings, common options, status and problem output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TextIO

import click

from compiler.errors import Diagnostic, Location, UsageError, usage_error

if TYPE_CHECKING:
    from compiler.cli.report import OutputFormat
    from compiler.project import Project

FORMATS = ("text", "json", "github")
ColorChoice = Literal["auto", "always", "never"]
COLOR_CHOICES = ("auto", "always", "never")


@dataclass(slots=True)
class Context:
    """Options shared by every command, and the environment variables the run reads.

    Environment variables are read here, once, and passed down as values: no stage reads
    the process environment itself. Under `--format json` the command's problems and
    result are collected here and printed as one document when the command ends.
    """

    fmt: OutputFormat = "text"
    show_traceback: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    color_choice: ColorChoice = "auto"
    command: str = ""
    envs: tuple[str, ...] = ()
    problems: list[Diagnostic] = field(default_factory=list)
    result: dict[str, Any] | None = None

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

    def use_color(self, stream: TextIO) -> bool:
        """Whether to color what goes to `stream` (https://no-color.org for `auto`)."""
        if self.color_choice != "auto":
            return self.color_choice == "always"
        return not self.environ.get("NO_COLOR") and _is_terminal(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def default_format(environ: Mapping[str, str]) -> OutputFormat:
    """GitHub annotations under GitHub Actions, text elsewhere."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


class CommandGroup(click.Group):
    """A group that records which command runs (`env add`), for the JSON result document."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Resolve as click does, and remember the command's full name."""
        name, command, rest = super().resolve_command(ctx, args)
        shared = ctx.find_object(Context)
        if shared is not None and command is not None:
            shared.command = f"{shared.command} {command.name}".strip()
        return name, command, rest


def _set_shared(attribute: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(click_ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        shared = click_ctx.find_object(Context)
        if value is not None and shared is not None:  # None only when a test merely parses
            setattr(shared, attribute, value)

    return callback


def color_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--color` on a subcommand too (`diff --color always | less -R`)."""
    return click.option(
        "--color",
        type=click.Choice(COLOR_CHOICES),
        default=None,
        expose_value=False,
        callback=_set_shared("color_choice"),
        help="Color the output [default: auto: on a terminal, unless NO_COLOR is set].",
    )(func)


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--format` and `--color` on a subcommand too (`validate --all --format github`)."""
    func = color_option(func)
    return click.option(
        "--format",
        type=click.Choice(FORMATS),
        default=None,
        expose_value=False,
        callback=_set_shared("fmt"),
        help="text, github (annotations) or json (one result document on stdout) "
        "[default: the global --format].",
    )(func)


def examples(*lines: str) -> str:
    """A help epilog of example command lines, kept as written by click."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def env_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--env E` (repeatable, completed from environments/) or `--all`."""
    from compiler.cli.complete_names import complete_environments

    func = click.option("--all", "all_envs", is_flag=True, help="Every environment.")(func)
    return click.option(
        "--env",
        "envs",
        multiple=True,
        metavar="ENV",
        shell_complete=complete_environments,
        help="Environment name (repeatable).",
    )(func)


def selected_envs(project: Project, envs: Sequence[str], all_envs: bool) -> list[str]:
    """The environments a command should run on, or a usage error."""
    if bool(envs) == all_envs:
        raise usage_error("give --env ENV (one or more) or --all")
    names = list(dict.fromkeys(envs)) if not all_envs else project.environment_names()
    if not names:
        at = Location(project.relative(project.environments_dir))
        hint = "start a repository with `modelplane init`, or add one: `modelplane env add NAME`"
        raise UsageError([Diagnostic(at, "usage", "no environments found", hint=hint)])
    click_ctx = click.get_current_context(silent=True)
    shared = click_ctx.find_object(Context) if click_ctx is not None else None
    if shared is not None:  # problems name their environment when a run covers several
        shared.envs = tuple(names)
    return names


def current_project(ctx: Context) -> Project:
    """The repository the command runs in (MODELPLANE_ROOT, else the nearest one upwards)."""
    from pathlib import Path

    from compiler.project import Project, find_project

    root = ctx.environ.get("MODELPLANE_ROOT")
    return Project(Path(root).resolve()) if root else find_project()


def say(ctx: Context, text: str, *, nl: bool = True) -> None:
    """A status line for people on stdout; under json the result document says it instead."""
    if ctx.fmt != "json":
        click.echo(text, nl=nl)


def set_result(ctx: Context, **result: Any) -> None:
    """What the command produced, for the JSON result document (merged when called again)."""
    ctx.result = {**(ctx.result or {}), **result}


def emit_diagnostics(ctx: Context, diagnostics: Sequence[Diagnostic]) -> None:
    """Print diagnostics to stderr in the chosen format (json: into the result document)."""
    from compiler.cli.report import format_diagnostics, summarize

    if ctx.fmt == "json":
        ctx.problems.extend(diagnostics)
        return
    if not diagnostics:
        return
    stream = sys.stderr
    color = ctx.use_color(stream)
    text = format_diagnostics(diagnostics, ctx.fmt, color=color, run_envs=ctx.envs)
    click.echo(text, nl=False, err=True, color=color)
    if ctx.fmt == "text":
        click.echo(summarize(diagnostics, color=color), err=True, color=color)
