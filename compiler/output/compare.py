"""How the manifests on disk differ from a fresh render: unified diffs for `render --check`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from compiler.models.artifacts import OutputTree
from compiler.project import Project

# Enough to see what changed; a whole missing tree would bury the report.
MAX_DIFF_LINES = 80


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One drifted file: its repository path, what happened, and a unified diff."""

    path: str
    change: str  # changed | missing | orphaned
    diff: str


def tree_diffs(project: Project, tree: OutputTree, drifted: Iterable[str]) -> list[FileDiff]:
    """Unified diffs (disk -> fresh render) of the drifted files of `tree`, by repo path."""
    root = project.output_dir(tree.env, tree.folder)
    prefix = project.relative(root) + "/"
    found = []
    for shown in drifted:
        if not shown.startswith(prefix):
            continue
        path = shown.removeprefix(prefix)
        on_disk = root / path
        old = on_disk.read_bytes() if on_disk.is_file() else None
        new = tree.files.get(path)
        change = "missing" if old is None else "orphaned" if new is None else "changed"
        found.append(FileDiff(shown, change, _unified(shown, old, new)))
    return found


def _unified(path: str, old: bytes | None, new: bytes | None) -> str:
    before = _lines(old)
    after = _lines(new)
    lines = list(
        difflib.unified_diff(
            before,
            after,
            fromfile=f"a/{path}" if old is not None else "/dev/null",
            tofile=f"b/{path}" if new is not None else "/dev/null",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        hidden = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"... {hidden} more diff line(s)\n"]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return ["<binary file>\n"]
