"""Compose `lock`: resolve every environment's pins first, write only if all resolved."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from compiler.errors import (
    Diagnostic,
    Location,
    UsageError,
    in_environment,
    known_hint,
)
from compiler.inventory.load import load_environment, read_inventory
from compiler.lock.files import orphaned_snapshots, read_lockfile, read_snapshots
from compiler.lock.freshness import stale_lock_problems
from compiler.lock.resolve import LockOptions, LockResult, resolve_lock
from compiler.models.resolved import InventoryFiles, ResolvedEnvironment
from compiler.output.commit import recover_interrupted, write_files
from compiler.output.lock import repository_lock
from compiler.pipeline.environments import for_each, pod_spec_keys
from compiler.pipeline.parallel import batch_gc
from compiler.project import Project
from compiler.validate.schemas import SchemaRegistry


@dataclass(frozen=True, slots=True)
class LockOutcome:
    """What `lock` did for one environment."""

    env: str
    result: LockResult
    written: bool = False
    stale: tuple[Diagnostic, ...] = ()


def lock_environments(
    project: Project,
    envs: Sequence[str],
    options: LockOptions,
    *,
    check: bool = False,
    dry_run: bool = False,
) -> list[LockOutcome]:
    """Resolve every environment's lock first; write them only if all of them resolved."""
    with repository_lock(project.root, shared=check or dry_run):
        if not (check or dry_run):
            recover_interrupted(project)
        registry = SchemaRegistry.load(project.schema_dirs)
        with batch_gc():
            inventory = read_inventory(project)
            resolved = for_each(
                envs, lambda env: _resolve_lock(project, env, options, registry, inventory)
            )
        outcomes = [
            _finish_lock(env, *parts, check=check, dry_run=dry_run)
            for env, parts in zip(envs, resolved, strict=True)
        ]
        changed = {o.env: o.result.text.encode("utf-8") for o in outcomes if o.written}
        write_files(
            project,
            {project.relative(project.lock_file(env)): data for env, data in changed.items()},
            "models.lock",
        )
    return outcomes


def lock_environment(
    project: Project,
    env: str,
    options: LockOptions,
    *,
    check: bool = False,
    dry_run: bool = False,
) -> LockOutcome:
    """Resolve (and write, unless checking or dry-running) one environment's lock."""
    return lock_environments(project, [env], options, check=check, dry_run=dry_run)[0]


def _resolve_lock(
    project: Project,
    env: str,
    options: LockOptions,
    registry: SchemaRegistry,
    inventory: InventoryFiles,
) -> tuple[LockResult, str | None, tuple[Diagnostic, ...]]:
    # Render-only policies are not checked: they must not block pinning.
    resolved = load_environment(
        project, env, pod_spec_keys(registry), inventory=inventory, scope="models"
    )
    _check_upgrade_names(resolved, options)
    existing, current_text = read_lockfile(project, env)
    result = resolve_lock(resolved, read_snapshots(project, resolved), existing, options)
    orphans = orphaned_snapshots(project, resolved)
    warnings = in_environment((*resolved.warnings, *result.warnings, *orphans), env)
    result = dataclasses.replace(result, warnings=tuple(warnings))
    stale = tuple(in_environment(stale_lock_problems(project, resolved, result, current_text), env))
    return result, current_text, stale


def _finish_lock(
    env: str,
    result: LockResult,
    current_text: str | None,
    stale: tuple[Diagnostic, ...],
    *,
    check: bool,
    dry_run: bool,
) -> LockOutcome:
    if check:
        return LockOutcome(env, result, stale=stale)
    if dry_run or result.text == current_text:
        return LockOutcome(env, result)
    return LockOutcome(env, result, written=True)  # written by the caller, with the others


def _check_upgrade_names(resolved: ResolvedEnvironment, options: LockOptions) -> None:
    problems = [
        Diagnostic(
            Location("<command line>"),
            "usage",
            f"--upgrade-{flag} names unknown {flag} {name!r}",
            hint=known_hint(name, resolved.names[kind]),
        )
        for flag, kind, names in (
            ("model", "models", options.upgrade_models),
            ("provider", "providers", options.upgrade_providers),
        )
        for name in sorted(names - resolved.names[kind])
    ]
    if problems:
        raise UsageError(problems)
