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
    from compiler.project import Project
    from compiler.report import OutputFormat


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
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  = hint: re-run with --traceback and report it",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)


def _fail(ctx: Context, diagnostics: Sequence[Diagnostic], code: ExitCode) -> NoReturn:
    emit_diagnostics(ctx, diagnostics)
    sys.exit(code)


def emit_diagnostics(ctx: Context, diagnostics: Sequence[Diagnostic]) -> None:
    """Print diagnostics to stderr (stdout for json) in the chosen format."""
    from compiler.report import format_diagnostics, summarize

    if not diagnostics:
        return
    text = format_diagnostics(diagnostics, ctx.fmt)
    if ctx.fmt == "json":
        click.echo(text, nl=False)
        return
    click.echo(text, nl=False, err=True)
    if ctx.fmt == "text":
        click.echo(summarize(diagnostics), err=True)


def _project() -> Project:
    from compiler.project import project_from_env_or_cwd

    return project_from_env_or_cwd()


@cli.command()
@env_options
@click.option(
    "--provider", "providers", multiple=True, metavar="PROVIDER", help="Only this provider."
)
@click.pass_obj
def discover(
    ctx: Context, envs: tuple[str, ...], all_envs: bool, providers: tuple[str, ...]
) -> None:
    """Ask each enabled provider which models it serves; write environments/<env>/snapshots/."""
    with reporting(ctx):
        project = _project()
        failed = _discover_envs(ctx, project, selected_envs(project, envs, all_envs), providers)
        sys.exit(ExitCode.NETWORK if failed else ExitCode.OK)


def _discover_envs(
    ctx: Context, project: Project, envs: Sequence[str], providers: Sequence[str]
) -> bool:
    """Run discovery per environment, report it, and tell whether any provider failed."""
    from compiler.pipeline import discover_environment

    outcomes = [
        discover_environment(
            project, env, environ=os.environ, providers=providers, progress=_progress()
        )
        for env in envs
    ]
    emit_diagnostics(ctx, [d for o in outcomes for d in o.failures])
    for outcome in outcomes:
        click.echo(_discover_line(outcome))
    return any(o.failures for o in outcomes)


def _discover_line(outcome: Any) -> str:
    found = outcome.outcome.snapshots
    counts = ", ".join(f"{name} {len(s.models)}" for name, s in found.items())
    written = f"{len(outcome.written)} snapshot(s) written" if outcome.written else "unchanged"
    failed = f", {len(outcome.failures)} provider(s) failed" if outcome.failures else ""
    return f"{outcome.env}: {written}{failed} (models: {counts or 'none'})"


def _progress() -> Any:
    """A live table on a terminal, plain lines in CI or when piped."""
    from compiler.pipeline import progress_sink

    return progress_sink(sys.stderr, live=sys.stderr.isatty() and not os.environ.get("CI"))


@cli.command()
@env_options
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the lock is stale.")
@click.option("--upgrade", is_flag=True, help="Re-pin every model to the newest match.")
@click.option(
    "--upgrade-provider",
    multiple=True,
    metavar="PROVIDER",
    help="Re-pin the models of this provider.",
)
@click.option("--upgrade-model", multiple=True, metavar="MODEL", help="Re-pin this model.")
@click.option("--dry-run", is_flag=True, help="Print the lock instead of writing it.")
@click.option("--refresh", is_flag=True, help="Run discovery first (network), then lock.")
@click.pass_obj
def lock(
    ctx: Context,
    envs: tuple[str, ...],
    all_envs: bool,
    check: bool,
    upgrade: bool,
    upgrade_provider: tuple[str, ...],
    upgrade_model: tuple[str, ...],
    dry_run: bool,
    refresh: bool,
) -> None:
    """Pin every model selector from the discovery snapshots into models.lock (offline)."""
    from compiler.lock import LockOptions
    from compiler.pipeline import lock_environment

    options = LockOptions(upgrade, frozenset(upgrade_provider), frozenset(upgrade_model))
    with reporting(ctx):
        project = _project()
        names = selected_envs(project, envs, all_envs)
        failed = refresh and _discover_envs(ctx, project, names, ())
        outcomes = [
            lock_environment(project, env, options, check=check, dry_run=dry_run) for env in names
        ]
        stale = [d for o in outcomes for d in o.stale]
        emit_diagnostics(ctx, [w for o in outcomes for w in o.result.warnings] + stale)
        for outcome in outcomes:
            click.echo(outcome.result.text if dry_run else _lock_line(outcome, check), nl=False)
        sys.exit(ExitCode.NETWORK if failed else ExitCode.FINDINGS if stale else ExitCode.OK)


def _lock_line(outcome: Any, check: bool) -> str:
    changes = "".join(f"  {line}\n" for line in outcome.result.changes)
    if check:
        return f"{outcome.env}: {'stale' if outcome.stale else 'lock is up to date'}\n"
    state = "wrote models.lock" if outcome.written else "models.lock unchanged"
    return f"{outcome.env}: {state}\n{changes}"


@cli.command()
@env_options
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if the committed manifests differ."
)
@click.pass_obj
def render(ctx: Context, envs: tuple[str, ...], all_envs: bool, check: bool) -> None:
    """Render, validate and write environments/<env>/manifests (offline)."""
    from compiler.pipeline import render_environment

    with reporting(ctx):
        project = _project()
        outcomes = [
            render_environment(project, env, check=check)
            for env in selected_envs(project, envs, all_envs)
        ]
        drift = [d for o in outcomes for d in o.drift]
        emit_diagnostics(ctx, [w for o in outcomes for w in o.warnings] + drift)
        for outcome in outcomes:
            click.echo(_render_line(outcome, check))
        sys.exit(ExitCode.FINDINGS if drift else ExitCode.OK)


def _render_line(outcome: Any, check: bool) -> str:
    if check:
        return f"{outcome.env}: {'manifests differ' if outcome.drift else 'manifests up to date'}"
    report = outcome.report
    if outcome.cached or not report.changed:
        return f"{outcome.env}: manifests up to date"
    return f"{outcome.env}: {len(report.written)} file(s) written, {len(report.removed)} removed"


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="modelplane")
