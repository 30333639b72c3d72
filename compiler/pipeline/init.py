"""`init` and `env add`: write a new repository or environment, then lock and render it.

Locking and rendering right away proves the scaffold works and leaves the repository
the way CI expects it (lock and manifests current), so the first commit is green.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from compiler.errors import CompilerError, Diagnostic, Location, UsageError
from compiler.fsio import atomic_write_bytes
from compiler.lock.resolve import LockOptions
from compiler.pipeline.lock import LockOutcome, lock_environments
from compiler.pipeline.render import RenderOutcome, RenderSettings, render_environments
from compiler.project import ROOT_MARKERS, Project
from compiler.scaffold import (
    KEPT_IF_PRESENT,
    copied_environment,
    editor_schema_files,
    environment_files,
    repository_files,
)

# A DNS-1123 label that still fits once the namespace prefix `llm-` is added.
_ENV_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,57}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class ScaffoldOutcome:
    """What `init` or `env add` wrote, kept, locked and rendered."""

    root: Path
    env: str
    written: tuple[str, ...]
    kept: tuple[str, ...]
    lock: LockOutcome | None = None
    render: RenderOutcome | None = None
    # Lock or render problems: the written files stay (they are inputs to fix), the
    # command reports these and fails.
    failure: CompilerError | None = None


def init_repository(root: Path, env: str, requirement: str) -> ScaffoldOutcome:
    """Scaffold a repository in `root` (created if missing); refuse to overwrite anything."""
    _check_env_name(env)
    project = Project(root.resolve())
    existing = [f"{m}/" for m in ROOT_MARKERS if (project.root / m).exists()]
    if existing:
        raise _refused(
            project,
            [project.root],
            f"is already a modelplane repository (it has {' and '.join(existing)})",
            "add an environment with `modelplane env add NAME`",
        )
    files = repository_files(env, requirement)
    kept = tuple(p for p in files if p in KEPT_IF_PRESENT and (project.root / p).exists())
    written = _write_new(project, {p: b for p, b in files.items() if p not in kept})
    return _finish(project, env, written, kept)


def add_environment(
    project: Project, env: str, source: str | None, namespace: str | None
) -> ScaffoldOutcome:
    """Create environment `env` (a copy of `source` if given), then lock and render it."""
    _check_env_name(env)
    namespace = namespace or f"llm-{env}"
    if env in project.environment_names() or project.environment_dir(env).exists():
        raise _refused(
            project,
            [project.environment_dir(env)],
            "already exists",
            "choose another name; env add never overwrites an environment",
        )
    files = _copied_files(project, env, source, namespace) if source else environment_files(env)
    if not source and namespace != f"llm-{env}":
        files = {p: copied_environment(b.decode(), namespace) for p, b in files.items()}
    written = _write_new(project, files)
    return _finish(project, env, written, ())


def editor_schemas(project: Project, *, check: bool) -> list[str]:
    """Bring `schemas/*.schema.json` up to this release; the stale (or written) paths.

    They are what editors complete against: after upgrading modelplane, they describe
    the inventory language of the new release only once rewritten.
    """
    stale = [
        path
        for path, data in editor_schema_files().items()
        if not (project.root / path).is_file() or (project.root / path).read_bytes() != data
    ]
    if not check:
        for path in stale:
            atomic_write_bytes(project.root / path, editor_schema_files()[path])
    return stale


def _copied_files(project: Project, env: str, source: str, namespace: str) -> dict[str, bytes]:
    """The source's environment file (new namespace), lock and snapshots, by path.

    The lock comes along so the new environment starts on the same pins (lock keeps
    existing pins), and the snapshots so it locks offline against what discovery saw.
    """
    if source not in project.environment_names():
        known = ", ".join(project.environment_names()) or "none"
        raise UsageError(
            [
                Diagnostic(
                    Location("<command line>"),
                    "usage",
                    f"--from names unknown environment {source!r}",
                    hint=f"known environments: {known}",
                )
            ]
        )
    target = project.relative(project.environment_dir(env))
    text = project.environment_file(source).read_text(encoding="utf-8")
    # A path into the source's own folder (gitops.path) must name the new one.
    text = text.replace(f"environments/{source}/", f"environments/{env}/")
    files = {
        f"{target}/{project.environment_file(source).name}": copied_environment(text, namespace)
    }
    extras = [project.lock_file(source), *sorted(project.snapshots_dir(source).glob("*.json"))]
    source_dir = project.environment_dir(source)
    for path in extras:
        if path.is_file():
            files[f"{target}/{path.relative_to(source_dir).as_posix()}"] = path.read_bytes()
    return files


def _finish(
    project: Project, env: str, written: tuple[str, ...], kept: tuple[str, ...]
) -> ScaffoldOutcome:
    try:
        lock = lock_environments(project, [env], LockOptions())[0]
        render = render_environments(project, [env], settings=RenderSettings())[0]
    except CompilerError as exc:
        return ScaffoldOutcome(project.root, env, written, kept, failure=exc)
    return ScaffoldOutcome(project.root, env, written, kept, lock, render)


def _write_new(project: Project, files: Mapping[str, bytes]) -> tuple[str, ...]:
    """Write every file, or none when any of them exists already."""
    clashes = [project.root / p for p in files if (project.root / p).exists()]
    if clashes:
        raise _refused(project, clashes, "exists", "move it away first: nothing was written")
    try:
        for path, data in files.items():
            atomic_write_bytes(project.root / path, data)
    except OSError:
        _remove_partial(project, files)
        raise
    return tuple(files)


def _remove_partial(project: Project, files: Mapping[str, bytes]) -> None:
    """Undo a write that failed half-way (disk full): the files were all new."""
    for path in files:
        (project.root / path).unlink(missing_ok=True)
    for folder in sorted({(project.root / p).parent for p in files}, reverse=True):
        if folder != project.root and folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)


def _check_env_name(env: str) -> None:
    if not _ENV_NAME.fullmatch(env):
        raise UsageError(
            [
                Diagnostic(
                    Location("<command line>"),
                    "usage",
                    f"environment name {env!r} is not a DNS label",
                    hint="lowercase letters, digits and '-', at most 59 characters "
                    "(it also names the namespace llm-<env>)",
                )
            ]
        )


def _refused(project: Project, paths: list[Path], what: str, hint: str) -> UsageError:
    return UsageError(
        [
            Diagnostic(
                Location(project.relative(path)),
                "refused-overwrite",
                f"{project.relative(path)} {what}",
                hint=hint,
            )
            for path in paths
        ]
    )
