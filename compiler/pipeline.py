"""Compose the stages for each command; stop between stages on errors; never print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

import httpx

from compiler import cache
from compiler.discovery.base import ProgressSink
from compiler.discovery.progress import LineProgress, LiveProgress
from compiler.discovery.run import (
    DiscoveryOptions,
    DiscoveryOutcome,
    build_client,
    discover_providers,
    write_snapshots,
)
from compiler.errors import (
    Diagnostic,
    Location,
    LockError,
    RenderError,
    UsageError,
    ValidationFailed,
    has_errors,
)
from compiler.inventory import ResolvedEnvironment, load_environment
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
from compiler.models.artifacts import OutputTree
from compiler.models.inventory import Provider
from compiler.models.lock import Lockfile
from compiler.project import Project
from compiler.render import render_documents
from compiler.resources import plan_environment
from compiler.schemas import SchemaRegistry
from compiler.validate import ValidationContext, ValidationResult, check_documents
from compiler.write import WriteReport, build_tree, check_tree, write_tree

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


def lock_environment(
    project: Project,
    env: str,
    options: LockOptions,
    *,
    check: bool = False,
    dry_run: bool = False,
) -> LockOutcome:
    """Resolve the lock of `env`; write it unless checking or dry-running."""
    registry = SchemaRegistry.load(project.schemas_dir)
    resolved = load_environment(project, env, pod_spec_keys(registry))
    existing, current_text = read_lockfile(project, env)
    result = resolve_lock(resolved, read_snapshots(project, resolved), existing, options)
    if check:
        return LockOutcome(
            env, result, stale=tuple(stale_lock_problems(project, resolved, result, current_text))
        )
    written = False
    if not dry_run and result.text != current_text:
        from compiler.fsio import atomic_write_bytes

        atomic_write_bytes(project.lock_file(env), result.text.encode("utf-8"))
        written = True
    return LockOutcome(env, result, written=written)


def render_environment(project: Project, env: str, *, check: bool = False) -> RenderOutcome:
    """Render `env` in memory, validate it, then write it (or compare it with the disk)."""
    key = cache.inputs_key(project, env)
    if cache.is_fresh(project, env, key):
        return RenderOutcome(env, report=WriteReport((), ()), cached=True)
    registry = SchemaRegistry.load(project.schemas_dir)
    resolved = load_environment(project, env, pod_spec_keys(registry))
    lockfile = _current_lock(project, resolved)
    tree, documents = render_tree(project, resolved, lockfile, registry)
    if check:
        drift = tuple(check_tree(project, tree))
        if not drift:
            cache.remember(project, env, key, tree)
        return RenderOutcome(env, drift=drift, documents=documents)
    report = write_tree(project, tree)
    cache.remember(project, env, key, tree)
    return RenderOutcome(env, report=report, documents=documents)


def render_tree(
    project: Project,
    resolved: ResolvedEnvironment,
    lockfile: Lockfile,
    registry: SchemaRegistry,
) -> tuple[OutputTree, int]:
    """The complete output tree of an environment, validated, in memory."""
    display = project.relative(project.manifests_dir(resolved.name))
    planned = plan_environment(resolved, lockfile, pod_spec_keys(registry))
    documents = render_documents(planned, project.templates_dir, display)
    result = check_documents(
        documents, registry=registry, context=validation_context(project, resolved)
    )
    if has_errors(result.diagnostics):
        raise ValidationFailed(result.diagnostics)
    return build_tree(resolved.name, documents), len(documents)


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


def validate_environment(project: Project, env: str, registry: SchemaRegistry) -> ValidationResult:
    """Render `env` in memory and validate it; write nothing."""
    resolved = load_environment(project, env, pod_spec_keys(registry))
    lockfile = _current_lock(project, resolved)
    display = project.relative(project.manifests_dir(resolved.name))
    planned = plan_environment(resolved, lockfile, pod_spec_keys(registry))
    documents = render_documents(planned, project.templates_dir, display)
    return check_documents(
        documents, registry=registry, context=validation_context(project, resolved)
    )


def validation_context(project: Project, resolved: ResolvedEnvironment) -> ValidationContext:
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
        manifests_display_dir=project.relative(project.manifests_dir(resolved.name)),
        declared_secrets=frozenset(secrets),
        declared_remote_refs=frozenset(remote) if external else None,
        policies=resolved.environment.policies,
    )


@dataclass(frozen=True, slots=True)
class DiscoverOutcome:
    """What `discover` did for one environment."""

    env: str
    outcome: DiscoveryOutcome
    written: tuple[str, ...]
    failures: tuple[Diagnostic, ...]


def discover_environment(
    project: Project,
    env: str,
    *,
    environ: Mapping[str, str],
    providers: Sequence[str] = (),
    progress: ProgressSink | None = None,
    client: httpx.Client | None = None,
) -> DiscoverOutcome:
    """Discover the enabled providers of `env` (or the named ones) and write changed snapshots."""
    resolved = load_environment(project, env)
    chosen = _chosen_providers(resolved, providers)
    wanted = {p.name: [m.model for m in resolved.models if m.provider == p.name] for p in chosen}
    options = DiscoveryOptions(wanted=wanted)
    with client or build_client() as http:
        outcome = discover_providers(
            chosen, client=http, environ=environ, progress=progress, options=options
        )
    written = write_snapshots(outcome, project.snapshots_dir(env))
    failures = tuple(
        Diagnostic(
            resolved.locate("providers", name),
            "discovery-failed",
            str(failure),
            hint=failure.hint,
        )
        for name, failure in outcome.failures.items()
    )
    return DiscoverOutcome(env, outcome, tuple(project.relative(p) for p in written), failures)


def progress_sink(stream: TextIO, *, live: bool) -> ProgressSink:
    """A live per-provider table (terminal) or plain progress lines (CI, pipes)."""
    return LiveProgress(stream) if live else LineProgress(stream)


def _chosen_providers(resolved: ResolvedEnvironment, names: Sequence[str]) -> list[Provider]:
    known = {p.name for p in resolved.providers}
    unknown = sorted(set(names) - known)
    if unknown:
        where = resolved.locate_env()
        raise UsageError(
            [
                Diagnostic(
                    where,
                    "usage",
                    f"provider {', '.join(unknown)} is not enabled in {resolved.name!r}",
                    hint=f"enabled: {', '.join(sorted(known)) or 'none'}",
                )
            ]
        )
    return [p for p in resolved.providers if not names or p.name in names]
