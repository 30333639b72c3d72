"""`modelplane lock`: pin model selectors from snapshots into models.lock."""

from __future__ import annotations

from typing import Any

import click

from compiler.cli.discovery_flags import discovery_flags
from compiler.cli.discovery_report import discover_and_report
from compiler.cli.options import (
    Context,
    current_project,
    emit_diagnostics,
    env_options,
    format_option,
    say,
    selected_envs,
)
from compiler.errors import ExitCode


@click.command(name="lock")
@env_options
@format_option
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
@discovery_flags
@click.pass_obj
def command(
    ctx: Context,
    /,
    envs: tuple[str, ...],
    all_envs: bool,
    check: bool,
    upgrade: bool,
    upgrade_provider: tuple[str, ...],
    upgrade_model: tuple[str, ...],
    dry_run: bool,
    refresh: bool,
    **bounds: Any,
) -> ExitCode:
    """Pin every model selector from the discovery snapshots into models.lock (offline)."""
    from compiler.lock.resolve import LockOptions
    from compiler.pipeline.lock import lock_environments

    options = LockOptions(upgrade, frozenset(upgrade_provider), frozenset(upgrade_model))
    project = current_project(ctx)
    names = selected_envs(project, envs, all_envs)
    failed = refresh and discover_and_report(ctx, project, names, (), bounds)
    outcomes = lock_environments(project, names, options, check=check, dry_run=dry_run)
    stale = [d for o in outcomes for d in o.stale]
    emit_diagnostics(ctx, [w for o in outcomes for w in o.result.warnings] + stale)
    for outcome in outcomes:
        if dry_run:
            click.echo(outcome.result.text, nl=False)  # the lock itself is the output
        else:
            say(ctx, _lock_line(outcome, check), nl=False)
    # A failed refresh still locks against the last good snapshots, then exits 4.
    return ExitCode.NETWORK if failed else ExitCode.FINDINGS if stale else ExitCode.OK


def _lock_line(outcome: Any, check: bool) -> str:
    changes = "".join(f"  {line}\n" for line in outcome.result.changes)
    if check:
        return f"{outcome.env}: {'stale' if outcome.stale else 'lock is up to date'}\n"
    state = "wrote models.lock" if outcome.written else "models.lock unchanged"
    return f"{outcome.env}: {state}\n{changes}"
