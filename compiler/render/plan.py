"""Plan every object of an environment by asking each enabled render target (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from compiler.errors import Diagnostic
from compiler.models.artifacts import PlannedDocument
from compiler.render.targets import TARGETS
from compiler.render.targets.base import (
    GITOPS,
    MANIFESTS,
    PlanInput,
    RenderTarget,
    ReportsProblems,
)


def plan_environment(
    given: PlanInput, targets: Mapping[str, RenderTarget] = TARGETS
) -> dict[str, list[PlannedDocument]]:
    """Every object the environment renders, per output folder, each sorted by path."""
    planned: dict[str, list[PlannedDocument]] = {MANIFESTS: [], GITOPS: []}
    for target in targets.values():
        if target.enabled(given.env):
            planned[target.folder].extend(target.plan(given))
    return {folder: sorted(docs, key=lambda p: p.path) for folder, docs in planned.items()}


def plan_problems(
    given: PlanInput, targets: Mapping[str, RenderTarget] = TARGETS
) -> list[Diagnostic]:
    """What the enabled targets cannot express (errors) or would ignore (warnings)."""
    problems = [
        problem
        for target in targets.values()
        if target.enabled(given.env) and isinstance(target, ReportsProblems)
        for problem in target.problems(given)
    ]
    # One provider setting is reported once, however many of its models hit it.
    return list(dict.fromkeys(problems))
