"""A local, disposable record of the last render, so an unchanged re-render does no work.

It lives in `.modelplane-cache/` (git-ignored by a `.gitignore` it writes itself) and
holds, per environment, a digest of every input and the size and mtime of every file
written. Deleting it only costs one full render; MODELPLANE_NO_CACHE=1 bypasses it
(the CLI reads the variable; `RenderSettings.use_cache` carries it here).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from compiler import __version__
from compiler.fsio import atomic_write_bytes, read_regular
from compiler.models.artifacts import OutputTree
from compiler.project import Project

if TYPE_CHECKING:
    from compiler.models.artifacts import OutputTree

CACHE_DIR = ".modelplane-cache"


def _files_under(root: Path) -> list[Path]:
    """Every file below `root`, in a stable order (os.walk: no Path object per entry)."""
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        found.extend(folder + os.sep + name for name in names)
    return [Path(p) for p in sorted(found)]


def _digest_files(project: Project, paths: Iterable[Path]) -> bytes:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(project.relative(path).encode() + b"\0")
        # Never read_bytes: a FIFO (or a link to one) named like an input would block;
        # the render itself then reports it.
        with contextlib.suppress(OSError):
            digest.update(hashlib.sha256(read_regular(path)).digest())
    return digest.digest()


def _shared_digest(project: Project) -> bytes:
    """The inputs every environment shares: inventory, templates, schemas."""
    roots = [project.inventory_dir, *project.template_dirs, *project.schema_dirs]
    return _digest_files(project, (path for root in roots for path in _files_under(root)))


def inputs_keys(project: Project, envs: Sequence[str]) -> dict[str, str]:
    """Per environment, a digest of modelplane's version and every file its render reads.

    The shared inputs are digested once for all environments, not once per environment.
    """
    shared = _shared_digest(project)
    keys = {}
    for env in envs:
        digest = hashlib.sha256(f"modelplane {__version__}\n".encode())
        digest.update(shared)
        own = [project.environment_file(env), project.lock_file(env)]
        own += _files_under(project.snapshots_dir(env))
        own += _files_under(project.sealed_secrets_dir(env))  # committed SealedSecrets
        digest.update(_digest_files(project, own))
        keys[env] = digest.hexdigest()
    return keys


def fresh_keys(project: Project, envs: Sequence[str]) -> dict[str, str] | None:
    """Every environment's inputs key if all their last renders are current, else None.

    Cheap on purpose (no pipeline import): an unchanged re-render stops here.
    """
    keys = inputs_keys(project, envs)
    return keys if all(is_fresh(project, env, keys[env]) for env in envs) else None


def _cache_file(project: Project, env: str) -> Path:
    return project.root / CACHE_DIR / f"render-{env}.json"


def is_fresh(project: Project, env: str, key: str) -> bool:
    """Whether the last render of `env` used the same inputs and its files are untouched."""
    try:
        record = json.loads(_cache_file(project, env).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("inputs") != key:
        return False
    root = project.environment_dir(env)
    files = record.get("files", {})
    return bool(files) and all(_stat(root / path) == stamp for path, stamp in files.items())


def remember(project: Project, env: str, key: str, trees: Sequence[OutputTree]) -> None:
    """Record the inputs and the written files' stamps after a successful render."""
    root = project.environment_dir(env)
    files = {
        f"{tree.folder}/{path}": _stat(root / tree.folder / path)
        for tree in trees
        for path in tree.files
    }
    cache_dir = project.root / CACHE_DIR
    with contextlib.suppress(OSError):
        if not (cache_dir / ".gitignore").exists():
            atomic_write_bytes(cache_dir / ".gitignore", b"*\n")
        atomic_write_bytes(
            _cache_file(project, env), json.dumps({"inputs": key, "files": files}).encode("utf-8")
        )


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]
