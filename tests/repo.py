"""Helpers that build small repositories for tests."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PARTS = ("inventory", "environments", "templates", "schemas")


def copy_example(target: Path) -> Path:
    """Copy the shipped example repository (no caches) into `target`."""
    for part in EXAMPLE_PARTS:
        shutil.copytree(ROOT / part, target / part)
    return target


def write_files(root: Path, files: dict[str, str]) -> None:
    """Create files (and folders) below `root` from a {relative path: text} map."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file below `root`, for before/after comparisons."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".modelplane-cache" not in p.parts
    }
