"""`modelplane render`: render, validate and write (or check, or print) manifests."""

from __future__ import annotations

import posixpath
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import click

from compiler.cli.options import (
    Context,
    current_project,
    emit_diagnostics,
    env_options,
    examples,
    format_option,
    say,
    selected_envs,
    set_result,
)
from compiler.errors import ExitCode, usage_error

if TYPE_CHECKING:
    from compiler.output.compare import FileDiff
    from compiler.pipeline.render import RenderOutcome


@click.command(
    name="render",
    epilog=examples(
        "modelplane render --env dev",
        "modelplane render --all --check        # CI: exit 1 and show the diff if stale",
        "modelplane render --env prod --stdout | kubectl apply --dry-run=server -f -",
    ),
)
@env_options
@format_option
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; show how the committed manifests differ and exit 1 if they do.",
)
@click.option(
    "--stdout",
    "to_stdout",
    is_flag=True,
    help="Print the rendered objects as one YAML stream instead of writing (like helm template).",
)
@click.pass_obj
def command(
    ctx: Context, envs: tuple[str, ...], all_envs: bool, check: bool, to_stdout: bool
) -> ExitCode:
    """Render, validate and write environments/<env>/manifests (offline)."""
    if check and to_stdout:
        raise usage_error("give --check or --stdout, not both")
    project = current_project(ctx)
    names = selected_envs(project, envs, all_envs)
    if not (check or to_stdout) and ctx.use_cache and _nothing_to_do(ctx, project, names):
        return ExitCode.OK
    from compiler.pipeline.render import RenderSettings, render_environments

    settings = RenderSettings(use_cache=ctx.use_cache, jobs=ctx.jobs)
    if to_stdout:
        return _print_stream(ctx, project, names, settings)
    outcomes = render_environments(
        project,
        names,
        check=check,
        settings=settings,
        on_wait=lambda note: click.echo(note, err=True),
    )
    drift = [d for o in outcomes for d in o.drift]
    emit_diagnostics(ctx, [w for o in outcomes for w in o.warnings] + drift)
    for outcome in outcomes:
        _print_diffs(ctx, outcome.diffs)
        say(ctx, _render_line(project, outcome, check))
    set_result(ctx, environments=[_outcome_json(project, o, check) for o in outcomes])
    return ExitCode.FINDINGS if drift else ExitCode.OK


def _nothing_to_do(ctx: Context, project: Any, names: list[str]) -> bool:
    """Report an unchanged re-render without importing the pipeline (most of start-up).

    Says exactly what the pipeline says of environments its cache finds fresh.
    """
    from compiler.output import cache

    if cache.fresh_keys(project, names) is None:
        return False
    outcomes = [cast("RenderOutcome", _Fresh(env)) for env in names]
    emit_diagnostics(ctx, [])
    for outcome in outcomes:
        say(ctx, _render_line(project, outcome, False))
    set_result(ctx, environments=[_outcome_json(project, o, False) for o in outcomes])
    return True


@dataclass(frozen=True, slots=True)
class _Fresh:
    """Stands for the pipeline's RenderOutcome of an environment its cache finds fresh."""

    env: str
    report: None = None
    drift: tuple[()] = ()
    warnings: tuple[()] = ()
    cached: bool = True
    documents: int = 0
    diffs: tuple[()] = ()


def _print_stream(ctx: Context, project: Any, names: list[str], settings: Any) -> ExitCode:
    from compiler.pipeline.render import render_stream

    stream = render_stream(project, names, settings)
    text = "".join(f"---\n# Source: {path}\n{data.decode()}" for _, path, data in stream)
    if ctx.fmt == "json":
        set_result(ctx, stdout=text, documents=len(stream))
    else:
        click.echo(text, nl=False)
    return ExitCode.OK


def _print_diffs(ctx: Context, diffs: tuple[FileDiff, ...]) -> None:
    if ctx.fmt == "json" or not diffs:
        return
    color = ctx.use_color(sys.stdout)
    for diff in diffs:
        for line in diff.diff.splitlines():
            click.echo(_diff_line(line, color), color=color)


def _diff_line(line: str, color: bool) -> str:
    if not color:
        return line
    if line.startswith(("+++", "---")):
        return click.style(line, bold=True)
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    return line


def _render_line(project: Any, outcome: RenderOutcome, check: bool) -> str:
    where = project.relative(project.manifests_dir(outcome.env))
    if check:
        state = "manifests differ" if outcome.drift else "manifests up to date"
        return f"{outcome.env}: {state}"
    report = outcome.report
    if outcome.cached or report is None or not report.changed:
        counted = f", {outcome.documents} object(s)" if outcome.documents else ""
        return f"{outcome.env}: manifests up to date ({where}{counted})"
    return (
        f"{outcome.env}: {len(report.written)} file(s) written, {len(report.removed)} removed "
        f"({where}, {outcome.documents} object(s) validated)"
    )


def _outcome_json(project: Any, outcome: RenderOutcome, check: bool) -> dict[str, Any]:
    where = project.relative(project.manifests_dir(outcome.env))

    def repo_paths(paths: tuple[str, ...]) -> list[str]:
        return [posixpath.normpath(f"{where}/{p}") for p in paths]

    report = outcome.report
    written = repo_paths(report.written) if report is not None else []
    status = (
        ("differs" if outcome.drift else "up-to-date")
        if check
        else ("written" if written or (report is not None and report.removed) else "unchanged")
    )
    return {
        "name": outcome.env,
        "status": status,
        "documents": outcome.documents,
        "cached": outcome.cached,
        "filesWritten": written,
        "filesRemoved": repo_paths(report.removed) if report is not None else [],
        "drift": [{"path": d.path, "change": d.change, "diff": d.diff} for d in outcome.diffs],
    }
