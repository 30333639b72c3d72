"""Turn `validate` options into pipeline calls: environments or files, one registry."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from compiler.errors import (
    CompilerError,
    UsageError,
    usage_error,
)
from compiler.inventory.load import read_inventory
from compiler.models.resolved import InventoryFiles
from compiler.pipeline.environments import (
    current_lock,
    resolve_environment,
    validation_context,
)
from compiler.pipeline.parallel import batch_gc
from compiler.pipeline.render import render_folders
from compiler.project import Project
from compiler.validate.corekinds import (
    DEFAULT_KUBERNETES_VERSION,
    UnsupportedKubernetesVersion,
    bundled_versions,
    check_kubernetes_version,
)
from compiler.validate.run import (
    ValidationResult,
    check_documents,
    validate_paths,
)
from compiler.validate.schemas import SchemaRegistry


def run(
    project: Project,
    envs: Sequence[str],
    paths: Sequence[Path],
    kubernetes_version: str | None,
) -> list[tuple[str, ValidationResult]]:
    """Validate what the options name with one schema registry for the whole run."""
    from compiler.pipeline.validate import validate_environment

    version = kubernetes_version or DEFAULT_KUBERNETES_VERSION
    try:
        check_kubernetes_version(version)
    except UnsupportedKubernetesVersion as exc:
        known = ", ".join(f"{major}.{minor}" for major, minor in bundled_versions())
        raise usage_error(f"{exc} (known: {known})") from None
    registry = SchemaRegistry.load(project.schema_dirs, version)
    if paths:
        result = validate_paths(paths, registry=registry, display=project.relative)
        return [("manifests", result)]
    results = []
    with batch_gc():
        inventory = read_inventory(project) if envs else None
        for env in envs:
            try:
                result = validate_environment(
                    project, env, registry, kubernetes_version, inventory=inventory
                )
            except CompilerError as exc:  # an inventory or lock problem: report, go on
                if isinstance(exc, UsageError):
                    raise
                result = ValidationResult(tuple(exc.diagnostics), 0, 0)
            results.append((env, result))
    return results


def validate_environment(
    project: Project,
    env: str,
    registry: SchemaRegistry,
    kubernetes_version: str | None = None,
    *,
    inventory: InventoryFiles | None = None,
) -> ValidationResult:
    """Render `env` in memory and validate it; write nothing.

    `kubernetes_version` (the command line's) wins over the environment's own;
    `inventory`, read once, is shared by every environment of a run.
    """
    resolved = resolve_environment(project, env, registry, inventory)
    folders, problems = render_folders(project, resolved, current_lock(project, resolved), registry)
    results = [ValidationResult(tuple(problems), 0, 0)] + [
        check_documents(
            documents,
            registry=registry,
            context=validation_context(project, resolved, folder, registry, kubernetes_version),
        )
        for folder, documents in folders
    ]
    return ValidationResult.combine(results)
