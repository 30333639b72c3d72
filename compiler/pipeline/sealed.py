"""Read an environment's committed SealedSecrets for render (the only disk access they need)."""

from __future__ import annotations

from compiler.errors import Diagnostic
from compiler.models.resolved import ResolvedEnvironment
from compiler.project import Project
from compiler.secrets.sealed_files import SealedFile, SealedSecrets, parse_sealed_file


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
