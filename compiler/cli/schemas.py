"""`modelplane schemas import|editor`: CRD schemas to validate against, editor schemas."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.options import (
    CommandGroup,
    Context,
    current_project,
    examples,
    format_option,
    say,
    set_result,
)
from compiler.errors import Diagnostic, ExitCode, Location, UsageError


@click.group(name="schemas", cls=CommandGroup, epilog=examples("modelplane schemas import crds/"))
def command() -> None:
    """Manage the JSON Schemas modelplane validates against."""


@command.command(
    name="import",
    epilog=examples(
        "modelplane schemas import kaos-crds.yaml",
        "kubectl get crd modelapis.kaos.tools -o yaml > kaos.yaml",
        "modelplane schemas import kaos.yaml crds/     # files or folders of CRDs",
    ),
)
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Target folder (default: the repository's schemas/).",
)
@format_option
@click.pass_obj
def import_command(ctx: Context, sources: tuple[Path, ...], into: Path | None) -> ExitCode:
    """Convert every served version of the CRDs in FILE|DIR into schemas/<group>/<version>/."""
    from compiler.project import SCHEMAS_DIR
    from compiler.validate.schemas import SchemaLoadError, import_crds

    project = current_project(ctx)
    target = into or project.root / SCHEMAS_DIR
    try:
        written = import_crds(sources, target)
    except SchemaLoadError as exc:
        problem = Diagnostic(Location("<command line>"), "schemas-import", str(exc))
        raise UsageError([problem]) from None
    for path in written:
        say(ctx, f"wrote {project.relative(path)}")
    set_result(ctx, filesWritten=[project.relative(p) for p in written])
    return ExitCode.OK


@command.command(
    name="editor",
    epilog=examples(
        "modelplane schemas editor            # after upgrading modelplane",
        "modelplane schemas editor --check    # CI: exit 1 if they are stale",
    ),
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a schema is stale.")
@format_option
@click.pass_obj
def editor_command(ctx: Context, check: bool) -> ExitCode:
    """Write the editor JSON Schemas of this release into schemas/ (where modelines point)."""
    from compiler.pipeline.init import editor_schemas

    stale = editor_schemas(current_project(ctx), check=check)
    verb = "stale" if check else "wrote"
    for path in stale:
        say(ctx, f"{verb} {path}")
    if not stale:
        say(ctx, "editor schemas up to date")
    set_result(ctx, **({"stale": stale} if check else {"filesWritten": stale}))
    return ExitCode.FINDINGS if check and stale else ExitCode.OK
