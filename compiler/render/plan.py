"""Plan every object of an environment by asking each enabled render target (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from compiler.models.artifacts import PlannedDocument
from compiler.render.targets import TARGETS
from compiler.render.targets.base import GITOPS, MANIFESTS, PlanInput, RenderTarget


def plan_environment(
    given: PlanInput, targets: Mapping[str, RenderTarget] = TARGETS
) -> dict[str, list[PlannedDocument]]:
    """Every object the environment renders, per output folder, each sorted by path."""
    planned: dict[str, list[PlannedDocument]] = {MANIFESTS: [], GITOPS: []}
    for target in targets.values():
        if target.enabled(given.env):
            planned[target.folder].extend(target.plan(given))
    return {folder: sorted(docs, key=lambda p: p.path) for folder, docs in planned.items()}
