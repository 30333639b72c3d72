"""What render's targets read: the environment, its lock and its committed SealedSecrets."""

from __future__ import annotations

from compiler.errors import Diagnostic
from compiler.models.lock import Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.pipeline.environments import pod_spec_keys
from compiler.project import Project
from compiler.render.targets.base import PlanInput
from compiler.secrets.sealed_files import SealedFile, SealedSecrets, parse_sealed_file
from compiler.validate.schemas import SchemaRegistry


def read_sealed_secrets(project: Project, resolved: ResolvedEnvironment) -> SealedSecrets:
    """Every `sealed-secrets/<name>.yaml` of the environment, checked, by Secret name."""
    if resolved.environment.secrets.backend != "sealed-secrets":
        return SealedSecrets()
    folder = project.sealed_secrets_dir(resolved.name)
    files: dict[str, SealedFile] = {}
    problems: list[Diagnostic] = []
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        sealed, found = parse_sealed_file(
            text, project.relative(path), path.stem, resolved.environment.namespace
        )
        problems.extend(found)
        if sealed is not None:
            files[sealed.name] = sealed
    return SealedSecrets(files, tuple(problems))


def plan_input(
    project: Project, resolved: ResolvedEnvironment, lockfile: Lockfile, registry: SchemaRegistry
) -> PlanInput:
    """What the render targets read: the environment, its lock and committed SealedSecrets."""
    manifests = project.relative(project.manifests_dir(resolved.name))
    sealed = read_sealed_secrets(project, resolved)
    return PlanInput(resolved, lockfile, pod_spec_keys(registry), manifests, sealed=sealed)
