"""`modelplane promote`: copy tested pins from one environment's lock to another's."""

from __future__ import annotations

import json
from typing import Any

import click

from compiler import __version__
from compiler.cli.options import Context, current_project, say
from compiler.errors import ExitCode


@click.command(name="promote")
@click.option("--from", "source", required=True, metavar="ENV", help="Environment to copy from.")
@click.option("--to", "target", required=True, metavar="ENV", help="Environment to copy to.")
@click.option("--model", "models", multiple=True, metavar="MODEL", help="Only this model.")
@click.option("--provider", "providers", multiple=True, metavar="PROVIDER", help="Only these.")
@click.option("--dry-run", is_flag=True, help="Report what would move; write nothing.")
@click.pass_obj
def command(
    ctx: Context,
    source: str,
    target: str,
    models: tuple[str, ...],
    providers: tuple[str, ...],
    dry_run: bool,
) -> ExitCode:
    """Make TARGET pin exactly what SOURCE pins (all models, or the named ones).

    Refuses, writing nothing, when TARGET's snapshots do not list a pin; a model pinned
    from another provider or selector in SOURCE is skipped and named.
    """
    from compiler.lock.promote import Selection
    from compiler.pipeline.promote import promote_environment

    selection = Selection(frozenset(models), frozenset(providers))
    project = current_project(ctx)
    promotion, changed = promote_environment(project, source, target, selection, dry_run=dry_run)
    if ctx.fmt == "json":
        written = changed and not dry_run
        files = [project.relative(project.lock_file(target))] if written else []
        click.echo(json.dumps(_document(source, target, promotion, files), indent=2))
        return ExitCode.OK
    state = "would write" if dry_run else "wrote"
    head = f"{target}: {state} models.lock" if changed else f"{target}: pins what {source} pins"
    moved = [f"  ~ {name}: {old} -> {new}" for name, old, new in promotion.moved]
    say(ctx, "\n".join([head, *moved, *(f"  skipped {n}" for n in promotion.skipped)]))
    return ExitCode.OK


def _document(source: str, target: str, promotion: Any, files: list[str]) -> dict[str, Any]:
    result = {
        "from": source,
        "to": target,
        "moved": [{"model": n, "from": o, "to": w} for n, o, w in promotion.moved],
        "skipped": list(promotion.skipped),
        "filesWritten": files,
    }
    return {
        "schema": "modelplane/result",
        "formatVersion": 1,
        "modelplane": __version__,
        "command": "promote",
        "exitCode": 0,
        "ok": True,
        "problems": [],
        "result": result,
    }
