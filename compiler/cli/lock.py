"""`modelplane lock`: pin model selectors from snapshots into models.lock."""

from __future__ import annotations

from typing import Any

import click

from compiler.cli.complete_names import complete_models, complete_providers
from compiler.cli.discovery_flags import discovery_flags
from compiler.cli.discovery_report import discover_and_report
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
from compiler.errors import ExitCode


@click.command(
    name="lock",
    epilog=examples(
        "modelplane lock --env dev                       # pin what is new, keep the rest",
        "modelplane lock --all --check                   # CI: exit 1 if a lock is stale",
        "modelplane lock --env prod --upgrade-model chat # re-pin one model to the newest",
    ),
)
@env_options
@format_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the lock is stale.")
@click.option("--upgrade", is_flag=True, help="Re-pin every model to the newest match.")
@click.option(
    "--upgrade-provider",
    multiple=True,
    metavar="PROVIDER",
    shell_complete=complete_providers,
    help="Re-pin the models of this provider.",
)
@click.option(
    "--upgrade-model",
    multiple=True,
    metavar="MODEL",
    shell_complete=complete_models,
    help="Re-pin this model.",
)
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
        if dry_run and ctx.fmt != "json":
            click.echo(outcome.result.text, nl=False)  # the lock itself is the output
        elif not dry_run:
            say(ctx, _lock_line(outcome, check), nl=False)
    set_result(ctx, environments=[_outcome_json(project, o, check, dry_run) for o in outcomes])
    # A failed refresh still locks against the last good snapshots, then exits 4.
    return ExitCode.NETWORK if failed else ExitCode.FINDINGS if stale else ExitCode.OK


def _lock_line(outcome: Any, check: bool) -> str:
    changes = "".join(f"  {line}\n" for line in outcome.result.changes)
    if check:
        return f"{outcome.env}: {'stale' if outcome.stale else 'lock is up to date'}\n"
    state = "wrote models.lock" if outcome.written else "models.lock unchanged"
    newer = "".join(f"  newer match: {line}\n" for line in outcome.result.upgrades)
    if newer:
        newer += f"  (accept with `modelplane lock --env {outcome.env} --upgrade-model MODEL`)\n"
    return f"{outcome.env}: {state}\n{changes}{newer}"


def _outcome_json(project: Any, outcome: Any, check: bool, dry_run: bool) -> dict[str, Any]:
    if check:
        status = "stale" if outcome.stale else "up-to-date"
    else:
        status = "dry-run" if dry_run else "written" if outcome.written else "unchanged"
    data: dict[str, Any] = {
        "name": outcome.env,
        "status": status,
        "lockFile": project.relative(project.lock_file(outcome.env)),
        "changes": list(outcome.result.changes),
        "newerMatches": list(outcome.result.upgrades),
        "pins": {
            name: {"provider": m.provider, "selector": m.selector, "pinned": m.pinned}
            for name, m in sorted(outcome.result.lockfile.models.items())
        },
    }
    if dry_run:
        data["lock"] = outcome.result.text
    return data
