"""Compose the stages for each command; stop between stages on errors; never print."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from compiler.errors import (
    CompilerError,
    Diagnostic,
    RenderError,
    ValidationFailed,
    combine_errors,
    has_errors,
    in_environment,
    scoped_error,
)
from compiler.inventory.load import read_inventory
from compiler.models.artifacts import OutputTree, PlannedDocument, RenderedDocument
from compiler.models.lock import Lockfile
from compiler.models.resolved import InventoryFiles, ResolvedEnvironment
from compiler.output import cache
from compiler.output.commit import recover_interrupted, write_environments
from compiler.output.lock import repository_lock
from compiler.output.shards import BASE, SHARD_PREFIX, plan_shards
from compiler.output.write import (
    KUSTOMIZATION,
    build_tree,
    foreign_collisions,
)
from compiler.pipeline import parallel
from compiler.pipeline.environments import (
    current_lock,
    resolve_environment,
    validation_context,
)
from compiler.pipeline.outcomes import Prepared, check_render, finish_render
from compiler.pipeline.outcomes import RenderOutcome as RenderOutcome
from compiler.pipeline.sealed import plan_input
from compiler.project import GITOPS_DIR, INDEX_FILE, MANIFESTS_DIR, Project
from compiler.render.plan import plan_environment, plan_problems
from compiler.render.targets import TARGETS
from compiler.render.targets.base import PlanInput
from compiler.render.templates import render_documents
from compiler.validate.run import check_documents
from compiler.validate.schemas import SchemaRegistry

# The targets planned again, with the units, once manifests are sharded.
GITOPS_TARGETS = {name: t for name, t in TARGETS.items() if t.folder == GITOPS_DIR}


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """How a render runs (not what it produces): the CLI fills it from flags and variables."""

    # Off unless asked: only the CLI keeps a cache folder in the user's repository.
    use_cache: bool = False
    jobs: int | None = None


def render_environments(
    project: Project,
    envs: Sequence[str],
    *,
    check: bool = False,
    settings: RenderSettings = RenderSettings(),
    on_wait: Callable[[str], None] | None = None,
) -> list[RenderOutcome]:
    """Render and validate every environment in memory; write all of them or none."""
    with repository_lock(project.root, shared=check, on_wait=on_wait):
        if not check:
            recover_interrupted(project)
        keys = cache.inputs_keys(project, envs)
        fresh = {e for e in envs if settings.use_cache and cache.is_fresh(project, e, keys[e])}
        stale = [env for env in envs if env not in fresh]
        prepared = {env: Prepared(env, keys[env], cached=True) for env in fresh}
        with parallel.batch_gc():
            prepared.update(
                (p.env, p) for p in prepare_environments(project, stale, keys, settings)
            )
            if check:
                return [check_render(project, prepared[env], settings.use_cache) for env in envs]
            written = write_environments(
                project, {p.env: p.trees for p in prepared.values() if not p.cached}
            )
    return [finish_render(project, prepared[env], written, settings.use_cache) for env in envs]


def render_stream(
    project: Project, envs: Sequence[str], settings: RenderSettings = RenderSettings()
) -> list[tuple[str, str, bytes]]:
    """(environment, repository path, YAML) of every rendered object, validated; no write.

    For `render --stdout`: the objects only, without kustomization files and the index.
    """
    prepared = prepare_environments(project, envs, dict.fromkeys(envs, ""), settings)
    return [
        (p.env, f"{project.relative(project.output_dir(p.env, tree.folder))}/{path}", data)
        for p in prepared
        for tree in p.trees
        for path, data in sorted(tree.files.items())
        if path.rsplit("/", 1)[-1] not in (KUSTOMIZATION, INDEX_FILE)
    ]


def render_environment(
    project: Project,
    env: str,
    *,
    check: bool = False,
    settings: RenderSettings = RenderSettings(),
) -> RenderOutcome:
    """Render, validate and write (or compare with the disk) one environment."""
    return render_environments(project, [env], check=check, settings=settings)[0]


def prepare_environments(
    project: Project,
    envs: Sequence[str],
    keys: Mapping[str, str],
    settings: RenderSettings = RenderSettings(),
) -> list[Prepared]:
    """Render and validate environments, in worker processes when it pays; raise all errors."""
    if not envs:
        return []
    inventory = read_inventory(project)
    registry = SchemaRegistry.load(project.schema_dirs)
    jobs = parallel.jobs(len(envs), inventory.size, settings.jobs)
    work = functools.partial(_prepare_or_error, project, keys)
    outcomes = parallel.run_forked(work, envs, jobs, state=(registry, inventory))
    failures = [o for o in outcomes if isinstance(o, CompilerError)]
    if failures:
        raise combine_errors(failures)
    return [o for o in outcomes if isinstance(o, Prepared)]


def _prepare_or_error(
    project: Project,
    keys: Mapping[str, str],
    env: str,
    state: tuple[SchemaRegistry, InventoryFiles],
) -> Prepared | CompilerError:
    registry, inventory = state
    try:
        resolved = resolve_environment(project, env, registry, inventory)
        rendered = render_tree(project, resolved, current_lock(project, resolved), registry)
        clashes = [d for tree in rendered.trees for d in foreign_collisions(project, tree)]
        if clashes:
            raise RenderError(clashes)
    except CompilerError as exc:
        return scoped_error(exc, env)
    warnings = tuple(in_environment((*resolved.warnings, *rendered.warnings), env))
    return Prepared(env, keys[env], rendered.trees, warnings, len(rendered.documents))


@dataclass(frozen=True, slots=True)
class RenderedEnvironment:
    """An environment rendered and validated in memory: one tree per output folder."""

    trees: tuple[OutputTree, ...]
    documents: tuple[RenderedDocument, ...]
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def tree(self) -> OutputTree:
        """The manifests tree."""
        return self.trees[0]


def render_tree(
    project: Project,
    resolved: ResolvedEnvironment,
    lockfile: Lockfile,
    registry: SchemaRegistry,
) -> RenderedEnvironment:
    """Every output tree of an environment, validated, in memory."""
    folders, problems = render_folders(project, resolved, lockfile, registry)
    diagnostics = problems + [
        d
        for folder, documents in folders
        for d in check_documents(
            documents,
            registry=registry,
            context=validation_context(project, resolved, folder, registry),
        ).diagnostics
    ]
    if has_errors(diagnostics):
        raise ValidationFailed(diagnostics)
    units = {MANIFESTS_DIR: _units(folders[0][1])}
    trees = tuple(
        build_tree(resolved.name, documents, folder, units.get(folder, ()))
        for folder, documents in folders
    )
    return RenderedEnvironment(trees, tuple(folders[0][1]), tuple(diagnostics))


def _units(documents: Sequence[RenderedDocument]) -> tuple[str, ...]:
    """The unit folders of sharded manifests (every path starts with its unit), else ()."""
    tops = {doc.path.partition("/")[0] for doc in documents}
    sharded = documents and all(t == BASE or t.startswith(SHARD_PREFIX) for t in tops)
    return tuple(sorted(tops)) if sharded else ()


def render_folders(
    project: Project, resolved: ResolvedEnvironment, lockfile: Lockfile, registry: SchemaRegistry
) -> tuple[list[tuple[str, list[RenderedDocument]]], list[Diagnostic]]:
    """Rendered documents per output folder (manifests first); planning problems (errors stop)."""
    given = plan_input(project, resolved, lockfile, registry)
    problems = [*given.sealed.problems, *plan_problems(given)]
    if has_errors(problems):
        raise RenderError(problems)
    planned = _sharded(given, plan_environment(given))
    folders = [
        (
            folder,
            render_documents(
                plans,
                project.template_dirs,
                project.relative(project.output_dir(resolved.name, folder)),
            ),
        )
        for folder, plans in planned.items()
    ]
    return folders, problems


def _sharded(
    given: PlanInput, planned: dict[str, list[PlannedDocument]]
) -> dict[str, list[PlannedDocument]]:
    """Lay a large environment's manifests out in shards; GitOps objects then follow them."""
    sharding = given.env.environment.sharding
    api_names = [api.name for api in given.env.model_apis]
    plan = plan_shards(
        [p.path for p in planned[MANIFESTS_DIR]],
        api_names,
        max_resources=sharding.max_resources,
        per_shard=sharding.resources_per_shard,
    )
    if not plan.sharded:
        return planned
    base = BASE if BASE in plan.units else None
    units = dataclasses.replace(given, units=plan.units, base_unit=base)
    return {
        MANIFESTS_DIR: [
            dataclasses.replace(p, path=plan.path_of(p.path)) for p in planned[MANIFESTS_DIR]
        ],
        GITOPS_DIR: plan_environment(units, GITOPS_TARGETS)[GITOPS_DIR],
    }
