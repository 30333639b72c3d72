"""The command line: options in, pipeline call, report out, exit code. Nothing else."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click

from compiler import __version__
from compiler.errors import CompilerError, Diagnostic, ExitCode, Location, UsageError

if TYPE_CHECKING:
    from compiler.cli.report import OutputFormat
    from compiler.project import Project


class Context:
    """Options shared by every command."""

    def __init__(self, fmt: OutputFormat, show_traceback: bool) -> None:
        self.fmt: OutputFormat = fmt
        self.show_traceback = show_traceback


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modelplane")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default=_default_format,
    show_default="text; github under GitHub Actions",
    help="How problems are reported.",
)
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show Python tracebacks of internal errors."
)
@click.pass_context
def cli(ctx: click.Context, fmt: OutputFormat, show_traceback: bool) -> None:
    """Compile an LLM provider inventory into validated Kubernetes manifests."""
    ctx.obj = Context(fmt, show_traceback)


def _override_format(click_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    shared = click_ctx.find_object(Context)
    if value is not None and shared is not None:  # None only when a test merely parses
        shared.fmt = value  # type: ignore[assignment]


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--format` on a subcommand too (`validate --all --format github`)."""
    return click.option(
        "--format",
        type=click.Choice(["text", "json", "github"]),
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
        raise UsageError(
            [
                Diagnostic(
                    Location("<command line>"), "usage", "give --env ENV (one or more) or --all"
                )
            ]
        )
    if all_envs:
        names = project.environment_names()
        if not names:
            raise UsageError(
                [
                    Diagnostic(
                        Location(project.relative(project.environments_dir)),
                        "usage",
                        "no environments found",
                        hint="start a repository with `modelplane init`, or add an "
                        "environment with `modelplane env add NAME`",
                    )
                ]
            )
        return names
    return list(dict.fromkeys(envs))


@contextmanager
def reporting(ctx: Context) -> Iterator[None]:
    """The single place that turns failures into reports and exit codes."""
    try:
        yield
    except CompilerError as exc:
        _fail(ctx, exc.diagnostics, exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if ctx.show_traceback:
            traceback.print_exc()
        _internal_error(ctx, exc)


def _internal_error(ctx: Context, exc: Exception) -> NoReturn:
    from compiler.secrets.patterns import find_secret

    text = str(exc)
    # An exception can quote an input value; never let it carry a credential out.
    detail = (
        "<message withheld: it looks like a secret>"
        if find_secret(text, high_entropy=True)
        else text
    )
    message = f"{type(exc).__name__}: {detail}"
    hint = "re-run with --traceback and report it"
    if ctx.fmt == "text":
        click.echo(f"internal error: {message}\n  = hint: {hint}", err=True)
        sys.exit(ExitCode.INTERNAL)
    _fail(
        ctx,
        [Diagnostic(Location("<internal>"), "internal-error", message, hint=hint)],
        ExitCode.INTERNAL,
    )


def _fail(ctx: Context, diagnostics: Sequence[Diagnostic], code: ExitCode) -> NoReturn:
    emit_diagnostics(ctx, diagnostics)
    sys.exit(code)


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


def current_project() -> Project:
    """The repository the command runs in."""
    from compiler.project import project_from_env_or_cwd

    return project_from_env_or_cwd()


def _register() -> None:
    from compiler.cli import diff, discover, env, init, lock, models, render, schemas, validate

    for module in (init, env, discover, lock, render, validate, diff, models, schemas):
        cli.add_command(module.command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="modelplane")
