"""`modelplane promote`: copy tested pins from one environment's lock to another's."""

from __future__ import annotations

from typing import Any

import click

from compiler.cli.complete_names import (
    complete_environments,
    complete_models,
    complete_providers,
)
from compiler.cli.options import Context, current_project, examples, format_option, say, set_result
from compiler.errors import ExitCode


@click.command(
    name="promote",
    epilog=examples(
        "modelplane promote --from staging --to prod --dry-run",
        "modelplane promote --from staging --to prod --model chat-default",
    ),
)
@click.option(
    "--from",
    "source",
    required=True,
    metavar="ENV",
    shell_complete=complete_environments,
    help="Environment to copy from.",
)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="ENV",
    shell_complete=complete_environments,
    help="Environment to copy to.",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    metavar="MODEL",
    shell_complete=complete_models,
    help="Only this model.",
)
@click.option(
    "--provider",
    "providers",
    multiple=True,
    metavar="PROVIDER",
    shell_complete=complete_providers,
    help="Only these.",
)
@click.option("--dry-run", is_flag=True, help="Report what would move; write nothing.")
@format_option
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
    written = changed and not dry_run
    files = [project.relative(project.lock_file(target))] if written else []
    set_result(ctx, **_result(source, target, promotion, files))
    state = "would write" if dry_run else "wrote"
    head = f"{target}: {state} models.lock" if changed else f"{target}: pins what {source} pins"
    moved = [f"  ~ {name}: {old} -> {new}" for name, old, new in promotion.moved]
    say(ctx, "\n".join([head, *moved, *(f"  skipped {n}" for n in promotion.skipped)]))
    return ExitCode.OK


def _result(source: str, target: str, promotion: Any, files: list[str]) -> dict[str, Any]:
    return {
        "from": source,
        "to": target,
        "moved": [{"model": n, "from": o, "to": w} for n, o, w in promotion.moved],
        "skipped": list(promotion.skipped),
        "filesWritten": files,
    }
