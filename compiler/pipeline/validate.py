"""Turn `validate` options into pipeline calls: environments or files, one registry."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from compiler.errors import CompilerError, Diagnostic, Location, UsageError
from compiler.project import Project
from compiler.validate.corekinds import (
    DEFAULT_KUBERNETES_VERSION,
    UnsupportedKubernetesVersion,
    bundled_versions,
    check_kubernetes_version,
)
from compiler.validate.run import ValidationResult, validate_paths
from compiler.validate.schemas import SchemaRegistry


def run(
    project: Project,
    envs: Sequence[str],
    all_envs: bool,
    paths: Sequence[Path],
    kubernetes_version: str | None,
) -> list[tuple[str, ValidationResult]]:
    """Validate what the options name with one schema registry for the whole run."""
    from compiler.cli.main import selected_envs
    from compiler.pipeline.render import validate_environment

    version = kubernetes_version or DEFAULT_KUBERNETES_VERSION
    try:
        check_kubernetes_version(version)
    except UnsupportedKubernetesVersion as exc:
        known = ", ".join(f"{major}.{minor}" for major, minor in bundled_versions())
        problem = Diagnostic(Location("<command line>"), "usage", f"{exc} (known: {known})")
        raise UsageError([problem]) from None
    registry = SchemaRegistry.load(project.schema_dirs, version)
    if paths:
        result = validate_paths(paths, registry=registry, display=project.relative)
        return [("manifests", result)]
    results = []
    for env in selected_envs(project, envs, all_envs):
        try:
            results.append((env, validate_environment(project, env, registry, kubernetes_version)))
        except CompilerError as exc:  # an inventory or lock problem: report, go on
            if isinstance(exc, UsageError):
                raise
            results.append((env, ValidationResult(tuple(exc.diagnostics), 0, 0)))
    return results
