"""Misspelt names in an environment's `enable` lists: one error, not its cascade."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from compiler.errors import Diagnostic
from compiler.models.resolved import ResolvedEnvironment


def without_typo_cascade(
    resolved: ResolvedEnvironment, problems: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """Drop the `not-enabled` problems that a misspelt name in `enable` caused.

    `enable.providers: [antropic]` leaves `anthropic` disabled, and every model using it
    would be reported as not enabled; the unknown name (with its "did you mean") is the
    one problem to fix. A name with no close match drops nothing: then the list is
    really short and each consequence is worth reading.
    """
    meant = _meant_by_typos(resolved)
    return [
        d
        for d in problems
        if not (d.code == "not-enabled" and any(f"'{name}'" in d.message for name in meant))
    ]


def _meant_by_typos(resolved: ResolvedEnvironment) -> set[str]:
    """The defined names that unknown names in `enable` most likely meant."""
    enable = resolved.environment.enable
    lists = {"providers": enable.providers, "models": enable.models, "modelApis": enable.model_apis}
    meant: set[str] = set()
    for kind, names in lists.items():
        for name in set(names or ()) - resolved.names[kind]:
            meant.update(difflib.get_close_matches(name, sorted(resolved.names[kind]), n=1))
    return meant
