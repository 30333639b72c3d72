"""Stage 5: lay rendered documents out as files, then swap them into place atomically.

An output folder of an environment is replaced as a whole: the new tree is built in the
scratch folder (unchanged files hard-linked), files that modelplane does not own are
carried over, and a `Transaction` swaps every folder of every environment together.
Files modelplane owns are listed in an index, so stale ones are pruned and foreign ones
are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from compiler.errors import Diagnostic, Location, RenderError
from compiler.fsio import make_dir, write_new_file
from compiler.models.artifacts import OutputTree, RenderedDocument
from compiler.output.transaction import Transaction
from compiler.project import INDEX_FILE, MANIFESTS_DIR, Project
from compiler.yamlio.emit import dump_document

KUSTOMIZATION = "kustomization.yaml"
INDEX_FORMAT = 1


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What a write changed on disk."""

    written: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether anything on disk changed."""
        return bool(self.written or self.removed)


def build_tree(
    env: str,
    documents: Sequence[RenderedDocument],
    folder: str = MANIFESTS_DIR,
    units: Sequence[str] = (),
) -> OutputTree:
    """Files for every document, one kustomization per folder, and the ownership index.

    With `units` (a sharded environment, see output/shards.py), each unit folder gets one
    flat kustomization listing all of its files, and there is none above them: every
    unit is built and applied on its own.
    """
    files: dict[str, bytes] = {doc.path: doc.text.encode("utf-8") for doc in documents}
    if not files and folder != MANIFESTS_DIR:
        return OutputTree(env, {}, folder)  # nothing to own: prune what an earlier run wrote
    if units:
        return _unit_tree(env, files, folder, units)
    subfolders: dict[str, list[str]] = {}
    for path in files:
        parent = PurePosixPath(path).parent.as_posix()
        subfolders.setdefault(parent, []).append(PurePosixPath(path).name)
    for sub, names in subfolders.items():
        if sub != ".":
            files[f"{sub}/{KUSTOMIZATION}"] = _kustomization(sorted(names))
    top = sorted([f"{sub}/" for sub in subfolders if sub != "."] + subfolders.get(".", []))
    files[KUSTOMIZATION] = _kustomization([name.rstrip("/") for name in top])
    files[INDEX_FILE] = _index(sorted([*files, INDEX_FILE]))
    return OutputTree(env, dict(sorted(files.items())), folder)


def _unit_tree(env: str, files: dict[str, bytes], folder: str, units: Sequence[str]) -> OutputTree:
    members: dict[str, list[str]] = {unit: [] for unit in units}
    for path in files:
        unit, _, rest = path.partition("/")
        members[unit].append(rest)
    for unit, paths in members.items():
        files[f"{unit}/{KUSTOMIZATION}"] = _kustomization(sorted(paths))
    files[INDEX_FILE] = _index(sorted([*files, INDEX_FILE]))
    return OutputTree(env, dict(sorted(files.items())), folder)


def _kustomization(resources: list[str]) -> bytes:
    return dump_document(
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": resources,
        }
    ).encode("utf-8")


def _index(paths: list[str]) -> bytes:
    data = {"format": INDEX_FORMAT, "generator": "modelplane", "files": paths}
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def read_owned(manifests: Path) -> frozenset[str]:
    """Files the last write recorded as modelplane's own (empty if unknown)."""
    try:
        data = json.loads((manifests / INDEX_FILE).read_text("utf-8"))
        return frozenset(str(p) for p in data.get("files", []))
    except (OSError, ValueError, AttributeError):
        return frozenset()


def _disk_files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def check_tree(project: Project, tree: OutputTree) -> list[Diagnostic]:
    """Every difference between the tree and the manifests on disk (empty: up to date)."""
    root = project.output_dir(tree.env, tree.folder)
    disk = _disk_files(root)
    display = project.relative(root)
    hint = f"run `modelplane render --env {tree.env}` and commit the result"
    problems = []
    for path, data in tree.files.items():
        if path not in disk:
            problems.append(
                Diagnostic(
                    Location(f"{display}/{path}"),
                    "manifest-missing",
                    "missing: render would create this file",
                    hint=hint,
                )
            )
        elif disk[path].read_bytes() != data:
            problems.append(
                Diagnostic(
                    Location(f"{display}/{path}"),
                    "manifest-changed",
                    "changed: differs from what render produces",
                    hint=hint,
                )
            )
    for path in sorted(read_owned(root) - set(tree.files)):
        if path in disk:
            problems.append(
                Diagnostic(
                    Location(f"{display}/{path}"),
                    "manifest-orphaned",
                    "orphaned: render no longer produces this file",
                    hint=hint,
                )
            )
    return problems


def write_tree(project: Project, tree: OutputTree) -> WriteReport:
    """Replace one output folder with `tree` in one committed swap; keep foreign files."""
    transaction = Transaction(project.root)
    try:
        report = stage_tree(project, tree, transaction)
        transaction.commit()
    finally:
        transaction.discard()
    return report


def stage_tree(project: Project, tree: OutputTree, transaction: Transaction) -> WriteReport:
    """Stage the folder's new contents (foreign files carried over) into `transaction`."""
    root = project.output_dir(tree.env, tree.folder)
    refuse_unsafe_output(project, root)
    disk = _disk_files(root)
    owned = read_owned(root)
    foreign = {p: f for p, f in disk.items() if p not in owned and p not in tree.files}
    clashes = foreign_collisions(project, tree)
    if clashes:
        raise RenderError(clashes)
    written = tuple(p for p, data in tree.files.items() if not _same(disk.get(p), data))
    removed = tuple(sorted(p for p in owned if p in disk and p not in tree.files))
    if not written and not removed:
        return WriteReport((), ())
    if not tree.files and not foreign:
        transaction.remove_dir(root)
        return WriteReport((), removed)
    staging = transaction.stage_dir(root)
    _fill(staging, tree.files, disk)
    _carry_over(staging, foreign)
    return WriteReport(written, removed)


def refuse_unsafe_output(project: Project, root: Path) -> None:
    """A symlinked, non-folder or read-only output folder is the user's, never replaced."""
    problem = ""
    if root.is_symlink():
        problem = "is a symbolic link; modelplane does not replace or follow it"
    elif root.exists() and not root.is_dir():
        problem = "is not a folder"
    elif root.exists() and not _writable(root):
        problem = "is read-only; modelplane will not replace it behind your back"
    elif not os.access(_existing(root.parent), os.W_OK):
        problem = "cannot be replaced: its parent folder is read-only"
    if problem:
        raise RenderError(
            [
                Diagnostic(
                    Location(project.relative(root.parent) + "/" + root.name),
                    "output-refused",
                    f"output folder {problem}",
                    hint="make it a plain, writable folder (or delete it) and render again",
                )
            ]
        )


def _writable(folder: Path) -> bool:
    # The mode bits too: root may write anywhere, but a folder made read-only on purpose
    # (chmod a-w) says "do not touch" to root as well.
    return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & stat.S_IWUSR)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def foreign_collisions(project: Project, tree: OutputTree) -> list[Diagnostic]:
    """Files in the way of the tree that modelplane did not write (it never overwrites them)."""
    root = project.output_dir(tree.env, tree.folder)
    disk = _disk_files(root)
    owned = read_owned(root)
    return [
        Diagnostic(
            Location(f"{project.relative(root)}/{p}"),
            "foreign-file",
            "a file modelplane did not write is in the way",
            hint="move or delete it; modelplane never overwrites files it does not own",
        )
        for p in sorted(tree.files)
        if p in disk
        and p not in owned
        and p != INDEX_FILE
        and disk[p].read_bytes() != tree.files[p]
    ]


def _same(path: Path | None, data: bytes) -> bool:
    if path is None:
        return False
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _fill(staging: Path, files: Mapping[str, bytes], disk: Mapping[str, Path]) -> None:
    made: set[Path] = set()
    for path, data in files.items():
        target = staging / path
        if target.parent not in made:
            make_dir(target.parent)
            made.add(target.parent)
        old = disk.get(path)
        if old is not None and _same(old, data) and _link(old, target):
            continue
        write_new_file(target, data)


def _carry_over(staging: Path, foreign: Mapping[str, Path]) -> None:
    for path, source in foreign.items():
        target = staging / path
        make_dir(target.parent)
        if not _link(source, target):
            shutil.copy2(source, target)


def _link(source: Path, target: Path) -> bool:
    with contextlib.suppress(OSError):
        os.link(source, target)
        return True
    return False
