"""Compose the stages for each command; stop between stages on errors; never print."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from compiler import cache, parallel
from compiler.bootstrap import plan_bootstrap
from compiler.corekinds import DEFAULT_KUBERNETES_VERSION
from compiler.errors import (
    CompilerError,
    Diagnostic,
    Location,
    LockError,
    RenderError,
    UsageError,
    ValidationFailed,
    combine_errors,
    has_errors,
)
from compiler.fsio import write_failed
from compiler.inventory import (
    InventoryFiles,
    ResolvedEnvironment,
    load_environment,
    read_inventory,
)
from compiler.lock import (
    LockOptions,
    LockResult,
    lock_inputs_digest,
    read_lockfile,
    read_snapshots,
    resolve_lock,
    stale_lock_problems,
)
from compiler.merge import MergeKeys, schema_merge_keys
from compiler.models.artifacts import OutputTree, RenderedDocument
from compiler.models.lock import Lockfile
from compiler.project import GITOPS_DIR, MANIFESTS_DIR, Project
from compiler.render import render_documents
from compiler.resources import plan_environment
from compiler.runlock import repository_lock
from compiler.schemas import SchemaRegistry
from compiler.transaction import Transaction, recover
from compiler.validate import ValidationContext, ValidationResult, check_documents
from compiler.write import WriteReport, build_tree, check_tree, foreign_collisions, stage_tree

MODEL_API_KIND = ("kaos.tools/v1alpha1", "ModelAPI")


@dataclass(frozen=True, slots=True)
class LockOutcome:
    """What `lock` did for one environment."""

    env: str
    result: LockResult
    written: bool = False
    stale: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderOutcome:
    """What `render` did for one environment."""

    env: str
    report: WriteReport | None = None
    drift: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    cached: bool = False
    documents: int = 0


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
        inventory = read_inventory(project)
        resolved = _for_each(
            envs, lambda env: _resolve_lock(project, env, options, registry, inventory)
        )
        transaction = Transaction(project.root)
        try:
            outcomes = [
                _finish_lock(project, env, *parts, transaction, check=check, dry_run=dry_run)
                for env, parts in zip(envs, resolved, strict=True)
            ]
            transaction.commit()
        except OSError as exc:
            raise write_failed(exc, project.root, "no models.lock was changed") from None
        finally:
            transaction.discard()
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
    resolved = load_environment(project, env, pod_spec_keys(registry), inventory=inventory)
    _check_upgrade_names(resolved, options)
    existing, current_text = read_lockfile(project, env)
    result = resolve_lock(resolved, read_snapshots(project, resolved), existing, options)
    result = dataclasses.replace(result, warnings=(*resolved.warnings, *result.warnings))
    stale = tuple(stale_lock_problems(project, resolved, result, current_text))
    return result, current_text, stale


def _finish_lock(
    project: Project,
    env: str,
    result: LockResult,
    current_text: str | None,
    stale: tuple[Diagnostic, ...],
    transaction: Transaction,
    *,
    check: bool,
    dry_run: bool,
) -> LockOutcome:
    if check:
        return LockOutcome(env, result, stale=stale)
    if dry_run or result.text == current_text:
        return LockOutcome(env, result)
    transaction.stage_file(project.lock_file(env), result.text.encode("utf-8"))
    return LockOutcome(env, result, written=True)


def _check_upgrade_names(resolved: ResolvedEnvironment, options: LockOptions) -> None:
    problems = [
        Diagnostic(
            Location("<command line>"),
            "usage",
            f"--upgrade-{flag} names unknown {flag} {name!r}",
            hint=f"known: {', '.join(sorted(resolved.names[kind])) or 'none'}",
        )
        for flag, kind, names in (
            ("model", "models", options.upgrade_models),
            ("provider", "providers", options.upgrade_providers),
        )
        for name in sorted(names - resolved.names[kind])
    ]
    if problems:
        raise UsageError(problems)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An environment rendered in memory (or known fresh from the cache), not yet written."""

    env: str
    key: str
    trees: tuple[OutputTree, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    documents: int = 0
    cached: bool = False


def render_environments(
    project: Project,
    envs: Sequence[str],
    *,
    check: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> list[RenderOutcome]:
    """Render and validate every environment in memory; write all of them or none."""
    with repository_lock(project.root, shared=check, on_wait=on_wait):
        if not check:
            recover_interrupted(project)
        keys = {env: cache.inputs_key(project, env) for env in envs}
        stale = [env for env in envs if not cache.is_fresh(project, env, keys[env])]
        cached = {env: _Prepared(env, keys[env], cached=True) for env in envs if env not in stale}
        prepared = {**cached, **{p.env: p for p in prepare_environments(project, stale, keys)}}
        if check:
            return [_check_render(project, prepared[env]) for env in envs]
        reports = _write_all(project, [prepared[env] for env in envs])
    return [_render_outcome(prepared[env], reports.get(env)) for env in envs]


def render_environment(project: Project, env: str, *, check: bool = False) -> RenderOutcome:
    """Render, validate and write (or compare with the disk) one environment."""
    return render_environments(project, [env], check=check)[0]


def prepare_environments(
    project: Project, envs: Sequence[str], keys: Mapping[str, str]
) -> list[_Prepared]:
    """Render and validate environments, in worker processes when it pays; raise all errors."""
    if not envs:
        return []
    inventory = read_inventory(project)
    registry = SchemaRegistry.load(project.schema_dirs)
    jobs = parallel.jobs(len(envs), inventory.size)
    work = functools.partial(_prepare_or_error, project, keys)
    outcomes = parallel.run_forked(work, envs, jobs, state=(registry, inventory))
    failures = [o for o in outcomes if isinstance(o, CompilerError)]
    if failures:
        raise combine_errors(failures)
    return [o for o in outcomes if isinstance(o, _Prepared)]


def _prepare_or_error(
    project: Project,
    keys: Mapping[str, str],
    env: str,
    state: tuple[SchemaRegistry, InventoryFiles],
) -> _Prepared | CompilerError:
    registry, inventory = state
    try:
        resolved = load_environment(project, env, pod_spec_keys(registry), inventory=inventory)
        rendered = render_tree(project, resolved, _current_lock(project, resolved), registry)
        clashes = [d for tree in rendered.trees for d in foreign_collisions(project, tree)]
        if clashes:
            raise RenderError(clashes)
    except CompilerError as exc:
        return exc
    warnings = (*resolved.warnings, *rendered.warnings)
    return _Prepared(env, keys[env], rendered.trees, warnings, len(rendered.documents))


def _check_render(project: Project, prepared: _Prepared) -> RenderOutcome:
    env, trees = prepared.env, prepared.trees
    if prepared.cached:
        return RenderOutcome(env, report=WriteReport((), ()), cached=True)
    drift = tuple(d for tree in trees for d in check_tree(project, tree))
    if not drift:
        cache.remember(project, env, prepared.key, trees)
    return RenderOutcome(env, drift=drift, warnings=prepared.warnings, documents=prepared.documents)


def _write_all(project: Project, prepared: Sequence[_Prepared]) -> dict[str, WriteReport]:
    """Stage every environment's folders, then swap them all in one commit."""
    transaction = Transaction(project.root)
    try:
        reports = {
            p.env: _merge_reports([stage_tree(project, t, transaction) for t in p.trees], p.trees)
            for p in prepared
            if not p.cached
        }
        transaction.commit()
    except OSError as exc:
        raise write_failed(exc, project.root, "no environment was changed") from None
    finally:
        transaction.discard()
    for p in prepared:
        if not p.cached:
            cache.remember(project, p.env, p.key, p.trees)
    return reports


def _render_outcome(prepared: _Prepared, report: WriteReport | None) -> RenderOutcome:
    if prepared.cached or report is None:
        return RenderOutcome(prepared.env, report=WriteReport((), ()), cached=True)
    return RenderOutcome(
        prepared.env, report=report, warnings=prepared.warnings, documents=prepared.documents
    )


def recover_interrupted(project: Project) -> None:
    """Finish the commit of a run that was killed, and delete its leftovers."""
    try:
        recover(project.root)
    except (OSError, ValueError, KeyError) as exc:
        raise write_failed(
            exc if isinstance(exc, OSError) else OSError(str(exc)), project.root, "nothing changed"
        ) from None


_T = TypeVar("_T")


def _for_each(envs: Sequence[str], step: Callable[[str], _T]) -> list[_T]:
    """Run `step` for every environment; collect every failure and raise them together."""
    results: list[_T] = []
    failures: list[CompilerError] = []
    for env in envs:
        try:
            results.append(step(env))
        except CompilerError as exc:
            failures.append(exc)
    if failures:
        raise combine_errors(failures)
    return results


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
    folders = _render(project, resolved, lockfile, registry)
    diagnostics = [
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
    trees = tuple(build_tree(resolved.name, documents, folder) for folder, documents in folders)
    return RenderedEnvironment(trees, tuple(folders[0][1]), tuple(diagnostics))


def _render(
    project: Project, resolved: ResolvedEnvironment, lockfile: Lockfile, registry: SchemaRegistry
) -> list[tuple[str, list[RenderedDocument]]]:
    """Rendered documents per output folder: manifests first, then gitops."""
    manifests = project.relative(project.manifests_dir(resolved.name))
    planned = {
        MANIFESTS_DIR: plan_environment(resolved, lockfile, pod_spec_keys(registry)),
        GITOPS_DIR: plan_bootstrap(resolved, manifests),
    }
    return [
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


def _current_lock(project: Project, resolved: ResolvedEnvironment) -> Lockfile:
    lockfile, _ = read_lockfile(project, resolved.name)
    at = Location(project.relative(project.lock_file(resolved.name)), 1, 1)
    hint = f"run `modelplane lock --env {resolved.name}`"
    if lockfile is None:
        raise LockError(
            [
                Diagnostic(
                    at,
                    "lock-missing",
                    f"environment {resolved.name!r} has no models.lock",
                    hint=hint,
                )
            ]
        )
    snapshots = read_snapshots(project, resolved)
    if lockfile.inputs_digest != lock_inputs_digest(resolved, snapshots):
        missing = sorted(m.name for m in resolved.models if m.name not in lockfile.models)
        detail = f" (not pinned: {', '.join(missing)})" if missing else ""
        raise LockError(
            [
                Diagnostic(
                    at,
                    "lock-stale",
                    "models.lock is stale against the inventory or snapshots" + detail,
                    hint=hint,
                )
            ]
        )
    return lockfile


def pod_spec_keys(registry: SchemaRegistry) -> MergeKeys:
    """The strategic-merge keys the ModelAPI schema declares for spec.podSpec."""
    schema = registry.schema_for(*MODEL_API_KIND)
    if schema is None:
        raise RenderError(
            [
                Diagnostic(
                    Location("schemas/kaos.tools/v1alpha1/ModelAPI.json"),
                    "schema-missing",
                    "no schema for ModelAPI, so podSpec patches cannot be merged",
                    hint="restore schemas/ or run `modelplane schemas import` on the KAOS CRDs",
                )
            ]
        )
    lookup = schema_merge_keys(schema)
    return lambda path: lookup(("spec", "podSpec", *path))


def validate_environment(
    project: Project, env: str, registry: SchemaRegistry, kubernetes_version: str | None = None
) -> ValidationResult:
    """Render `env` in memory and validate it; write nothing.

    `kubernetes_version` (the command line's) wins over the environment's own.
    """
    resolved = load_environment(project, env, pod_spec_keys(registry))
    folders = _render(project, resolved, _current_lock(project, resolved), registry)
    results = [
        check_documents(
            documents,
            registry=registry,
            context=validation_context(project, resolved, folder, registry, kubernetes_version),
        )
        for folder, documents in folders
    ]
    return ValidationResult.combine(results)


def validation_context(
    project: Project,
    resolved: ResolvedEnvironment,
    folder: str = MANIFESTS_DIR,
    registry: SchemaRegistry | None = None,
    kubernetes_version: str | None = None,
) -> ValidationContext:
    """What the validator must know about an environment: declared credentials, policies."""
    secrets: set[tuple[str, str]] = set()
    remote: set[str] = set()
    for provider in resolved.providers:
        creds = provider.credentials
        if creds is not None and creds.secret_ref is not None:
            secrets.add((creds.secret_ref.name, creds.secret_ref.key))
            remote.add(creds.remote_ref.key if creds.remote_ref else creds.secret_ref.name)
        if provider.tls.ca_secret_ref is not None:
            secrets.add((provider.tls.ca_secret_ref.name, provider.tls.ca_secret_ref.key))
            remote.add(provider.tls.ca_secret_ref.name)
    external = resolved.environment.secrets.backend == "external-secrets"
    return ValidationContext(
        manifests_display_dir=project.relative(project.output_dir(resolved.name, folder)),
        declared_secrets=frozenset(secrets),
        declared_remote_refs=frozenset(remote) if external else None,
        policies=resolved.environment.policies,
        kubernetes_version=kubernetes_version
        or resolved.environment.kubernetes_version
        or (registry.kubernetes_version if registry else DEFAULT_KUBERNETES_VERSION),
    )
