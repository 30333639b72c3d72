"""`modelplane validate`: check rendered environments or manifest files; write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.options import (
    Context,
    current_project,
    emit_diagnostics,
    env_options,
    examples,
    format_option,
    selected_envs,
    set_result,
)
from compiler.cli.report import summarize
from compiler.errors import ExitCode, has_errors, in_environment, usage_error

if TYPE_CHECKING:
    from compiler.validate.run import ValidationResult


@click.command(
    name="validate",
    epilog=examples(
        "modelplane validate --all --format github     # CI annotations",
        "modelplane validate environments/prod/manifests --kubernetes-version 1.32",
    ),
)
@env_options
@format_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kubernetes-version",
    default=None,
    metavar="X.Y",
    help="Kubernetes version for built-in kinds (default: modelplane's).",
)
@click.pass_obj
def command(
    ctx: Context,
    envs: tuple[str, ...],
    all_envs: bool,
    paths: tuple[Path, ...],
    kubernetes_version: str | None,
) -> ExitCode:
    """Validate environments (rendered in memory) or manifest files and folders."""
    from compiler.pipeline import validate as _validation

    if bool(paths) == bool(envs or all_envs):
        raise usage_error(_USAGE)
    project = current_project(ctx)
    names = selected_envs(project, envs, all_envs) if not paths else []
    results = _validation.run(project, names, paths, kubernetes_version)
    diagnostics = [
        d
        for name, result in results
        for d in (in_environment(result.diagnostics, name) if names else result.diagnostics)
    ]
    emit_diagnostics(ctx, diagnostics)
    if ctx.fmt != "json":
        for name, result in results:
            click.echo(_summary_line(name, result), err=True)
    set_result(ctx, environments=[_result_json(name, result) for name, result in results])
    return ExitCode.FINDINGS if has_errors(diagnostics) else ExitCode.OK


_USAGE = "give --env ENV (one or more), --all, or manifest PATHS (not both)"


def _summary_line(name: str, result: ValidationResult) -> str:
    errors = has_errors(result.diagnostics)
    skipped = result.transition_rules_skipped
    note = (
        f"; {skipped} transition-rule check(s) skipped (they need the live object)"
        if skipped
        else ""
    )
    if not errors:
        return f"{name}: {result.documents} document(s) valid{note}"
    counts = f"{summarize(result.diagnostics)}; {result.documents} document(s) checked"
    return f"{name}: invalid ({counts}){note}"


def _result_json(name: str, result: ValidationResult) -> dict[str, object]:
    return {
        "name": name,
        "valid": not has_errors(result.diagnostics),
        "documents": result.documents,
        "transitionRulesSkipped": result.transition_rules_skipped,
    }
