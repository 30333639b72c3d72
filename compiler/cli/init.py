"""`modelplane init [DIR]`: scaffold a repository that renders and validates at once."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.options import Context, emit_diagnostics, examples, format_option, say
from compiler.errors import ExitCode
from compiler.scaffold import DEFAULT_ENVIRONMENT, default_requirement


@click.command(
    name="init",
    epilog=examples(
        "modelplane init llm-platform && cd llm-platform",
        "modelplane init --env staging --requirement 'modelplane @ git+https://example.com/modelplane@v0.2.0'",
    ),
)
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@format_option
@click.option(
    "--env",
    "env",
    default=DEFAULT_ENVIRONMENT,
    show_default=True,
    metavar="NAME",
    help="Name of the first environment.",
)
@click.option(
    "--requirement",
    metavar="SPEC",
    default=None,
    help="What the generated CI and pre-commit install, as a pip requirement "
    f"[default: {default_requirement()}, this release].",
)
@click.pass_obj
def command(ctx: Context, directory: Path, env: str, requirement: str | None) -> ExitCode:
    """Create a modelplane repository in DIRECTORY (default: here), then lock and render it.

    Writes an inventory with a commented example of every provider type, one
    environment, the editor JSON Schemas, a CI workflow and pre-commit configuration
    pinned to this modelplane release, .gitignore and a README. Refuses to overwrite
    any file (an existing README.md or .gitignore is kept).
    """
    from compiler.cli.scaffold_report import report_scaffold
    from compiler.pipeline.init import init_repository

    outcome = init_repository(directory, env, requirement or default_requirement())
    report_scaffold(ctx, outcome, f"created a modelplane repository in {directory}")
    if outcome.failure is not None:
        emit_diagnostics(ctx, outcome.failure.diagnostics)
        return outcome.failure.exit_code
    say(ctx, _next_steps(directory, env))
    return ExitCode.OK


def _next_steps(directory: Path, env: str) -> str:
    here = "" if directory == Path() else f"cd {directory}\n  "
    return (
        "next:\n"
        f"  {here}git init && git add -A && git commit -m 'modelplane init'\n"
        f"  edit inventory/*.yaml, then: modelplane lock --env {env}"
        f" && modelplane render --env {env}\n"
        f"  with provider keys set: modelplane discover --env {env}"
    )
