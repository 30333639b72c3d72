"""What `render` did per environment: prepared in memory, then checked or written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from compiler.errors import Diagnostic, in_environment
from compiler.models.artifacts import OutputTree
from compiler.output import cache
from compiler.output.compare import FileDiff, tree_diffs
from compiler.output.write import WriteReport, check_tree
from compiler.project import MANIFESTS_DIR, Project


@dataclass(frozen=True, slots=True)
class RenderOutcome:
    """What `render` did for one environment."""

    env: str
    report: WriteReport | None = None
    drift: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    cached: bool = False
    documents: int = 0
    diffs: tuple[FileDiff, ...] = ()  # render --check: how each drifted file differs


@dataclass(frozen=True, slots=True)
class Prepared:
    """An environment rendered in memory (or known fresh from the cache), not yet written."""

    env: str
    key: str
    trees: tuple[OutputTree, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    documents: int = 0
    cached: bool = False


def check_render(project: Project, prepared: Prepared, use_cache: bool) -> RenderOutcome:
    """Compare a prepared environment with the disk (`render --check`)."""
    env, trees = prepared.env, prepared.trees
    if prepared.cached:
        return RenderOutcome(env, report=WriteReport((), ()), cached=True)
    drift = tuple(in_environment((d for t in trees for d in check_tree(project, t)), env))
    if not drift and use_cache:
        cache.remember(project, env, prepared.key, trees)
    drifted = [d.location.path for d in drift]
    diffs = tuple(f for tree in trees for f in tree_diffs(project, tree, drifted))
    return RenderOutcome(
        env,
        drift=drift,
        warnings=prepared.warnings,
        documents=prepared.documents,
        diffs=diffs,
    )


def finish_render(
    project: Project,
    prepared: Prepared,
    written: Mapping[str, list[WriteReport]],
    use_cache: bool,
) -> RenderOutcome:
    """What a written environment's render did (and remember it when the cache is on)."""
    env, trees = prepared.env, prepared.trees
    if prepared.cached:
        return RenderOutcome(env, report=WriteReport((), ()), cached=True)
    if use_cache:
        cache.remember(project, env, prepared.key, trees)
    report = _merge_reports(written[env], trees)
    return RenderOutcome(
        env, report=report, warnings=prepared.warnings, documents=prepared.documents
    )


def _merge_reports(reports: list[WriteReport], trees: tuple[OutputTree, ...]) -> WriteReport:
    """One report for all folders; paths outside `manifests/` are prefixed by their folder."""

    def prefixed(tree: OutputTree, paths: tuple[str, ...]) -> tuple[str, ...]:
        return (
            paths if tree.folder == MANIFESTS_DIR else tuple(f"../{tree.folder}/{p}" for p in paths)
        )

    return WriteReport(
        tuple(p for r, t in zip(reports, trees, strict=True) for p in prefixed(t, r.written)),
        tuple(p for r, t in zip(reports, trees, strict=True) for p in prefixed(t, r.removed)),
    )
