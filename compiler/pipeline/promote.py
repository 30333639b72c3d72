"""Compose `promote`: source lock + target environment, snapshots and lock -> new target lock."""

from __future__ import annotations

from collections.abc import Mapping

from compiler.errors import Diagnostic, Location, UsageError
from compiler.fsio import atomic_write_bytes
from compiler.inventory.load import load_environment
from compiler.lock.files import read_lockfile, read_snapshots, render_lockfile
from compiler.lock.promote import Promotion, Selection, promote_pins
from compiler.models.lock import Lockfile
from compiler.project import Project


def promote_environment(
    project: Project, source: str, target: str, selection: Selection, *, dry_run: bool
) -> tuple[Promotion, bool]:
    """Promote pins from `source` to `target`; write the target lock unless dry-running."""
    resolved = load_environment(project, target, scope="models")
    _check_names(resolved.names, selection)
    source_lock = _lock(project, source)
    target_lock = _lock(project, target)
    promotion = promote_pins(
        source, source_lock, resolved, target_lock, read_snapshots(project, resolved), selection
    )
    text = render_lockfile(promotion.lockfile, target)
    changed = text != render_lockfile(target_lock, target)
    if changed and not dry_run:
        atomic_write_bytes(project.lock_file(target), text.encode("utf-8"))
    return promotion, changed


def _lock(project: Project, env: str) -> Lockfile:
    if not project.environment_file(env).is_file():
        known = ", ".join(project.environment_names()) or "none"
        raise _usage(f"no environment {env!r} (known: {known})")
    lockfile, _ = read_lockfile(project, env)
    if lockfile is None:
        raise _usage(f"environment {env!r} has no models.lock; run `modelplane lock --env {env}`")
    return lockfile


def _check_names(known: Mapping[str, frozenset[str]], selection: Selection) -> None:
    for flag, kind, wanted in (
        ("model", "models", selection.models),
        ("provider", "providers", selection.providers),
    ):
        unknown = sorted(wanted - set(known.get(kind, ())))
        if unknown:
            raise _usage(f"--{flag} names unknown {flag} {', '.join(unknown)}")


def _usage(message: str) -> UsageError:
    return UsageError([Diagnostic(Location("<command line>"), "usage", message)])
