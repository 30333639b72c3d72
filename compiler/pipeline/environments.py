"""What every command needs of an environment: resolved, its lock, its validation context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from compiler.errors import (
    CompilerError,
    Diagnostic,
    InventoryError,
    Location,
    LockError,
    RenderError,
    combine_errors,
    scoped_error,
)
from compiler.inventory.declared_secrets import declared_secrets
from compiler.inventory.load import load_environment
from compiler.inventory.merge import MergeKeys, schema_merge_keys
from compiler.lock.freshness import committed_lock
from compiler.models.lock import Lockfile
from compiler.models.resolved import InventoryFiles, ResolvedEnvironment
from compiler.project import MANIFESTS_DIR, Project
from compiler.validate.corekinds import DEFAULT_KUBERNETES_VERSION, kubernetes_version_problems
from compiler.validate.run import ValidationContext
from compiler.validate.schemas import SchemaRegistry

MODEL_API_KIND = ("kaos.tools/v1alpha1", "ModelAPI")


_T = TypeVar("_T")


def for_each(envs: Sequence[str], step: Callable[[str], _T]) -> list[_T]:
    """Run `step` for every environment; collect every failure and raise them together."""
    results: list[_T] = []
    failures: list[CompilerError] = []
    for env in envs:
        try:
            results.append(step(env))
        except CompilerError as exc:
            failures.append(scoped_error(exc, env))
    if failures:
        raise combine_errors(failures)
    return results


def current_lock(project: Project, resolved: ResolvedEnvironment) -> Lockfile:
    """The committed lock, or a LockError if it is missing or stale."""
    committed = committed_lock(project, resolved)
    if committed.lockfile is not None and committed.state == "fresh":
        return committed.lockfile
    if committed.problems:
        raise LockError(list(committed.problems))
    hint = f"run `modelplane lock --env {resolved.name}`"
    if committed.state == "missing":
        message = f"environment {resolved.name!r} has no models.lock"
    else:
        detail = f" (not pinned: {', '.join(committed.unpinned)})" if committed.unpinned else ""
        message = "models.lock is stale against the inventory or snapshots" + detail
    at = committed.location(project, resolved.name)
    raise LockError([Diagnostic(at, f"lock-{committed.state}", message, hint=hint)])


def resolve_environment(
    project: Project,
    env: str,
    registry: SchemaRegistry,
    inventory: InventoryFiles | None = None,
) -> ResolvedEnvironment:
    """Load `env` for rendering: the inventory stage, then settings only validation knows."""
    resolved = load_environment(project, env, pod_spec_keys(registry), inventory=inventory)
    problems = list(kubernetes_version_problems(resolved))
    if problems:
        raise InventoryError(problems)
    return resolved


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
    for declared in declared_secrets(resolved):
        secrets.add((declared.ref.name, declared.ref.key))
        remote.add(declared.remote_key)
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
