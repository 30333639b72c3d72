"""Replace several folders and files of a repository as one step that survives a crash.

Everything new is first built in the scratch folder (`.modelplane-tmp/`, invisible to git
and kustomize); nothing the user sees has changed yet. The commit point is one atomic
write of a journal listing the moves (staged -> target, old target -> backup). Then the
moves run; after the last one the journal is deleted and the backups with it.

A crash before the journal exists leaves everything old: the next run deletes the staged
copies. A crash after it leaves a journal: the next run (`recover`) finishes the moves,
which are idempotent, so everything is new. Foreign files were carried into the staged
folders, so they are in the new folders either way; no file is ever lost.
An I/O error while moving (in-process) undoes the moves done so far, so a failed commit
leaves everything old.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from compiler.fsio import SCRATCH_DIR, atomic_write_bytes, make_dir, scratch_dir

JOURNAL = "journal.json"
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Move:
    """One step of a commit; paths are relative to the repository root.

    `staged` None removes `target`. `backup` receives the old target (renamed for a
    folder, hard-linked for a file, so a file is never missing in between).
    """

    target: str
    staged: str | None
    backup: str
    is_dir: bool


@dataclass(slots=True)
class Transaction:
    """A set of folder and file replacements committed together."""

    root: Path
    folder: Path = field(init=False)
    moves: list[Move] = field(default_factory=list)
    extra: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.folder = scratch_dir(self.root) / f"tx-{secrets.token_hex(6)}"
        make_dir(self.folder)

    def stage_dir(self, target: Path) -> Path:
        """An empty folder to build the new `target` in."""
        staged = self._slot(target)
        make_dir(staged)
        self.moves.append(self._move(target, staged, is_dir=True))
        return staged

    def stage_file(self, target: Path, data: bytes) -> None:
        """Stage new bytes for the file `target`."""
        staged = self._slot(target)
        atomic_write_bytes(staged, data)
        self.moves.append(self._move(target, staged, is_dir=False))

    def remove_dir(self, target: Path) -> None:
        """Remove the folder `target` on commit (moved into the backups, then deleted)."""
        self.moves.append(self._move(target, None, is_dir=True))

    def commit(self) -> None:
        """Make every staged change visible, all of them or (on an I/O error) none."""
        if not self.moves:
            return
        journal = self.folder / JOURNAL
        atomic_write_bytes(journal, _journal(self.moves))
        done: list[Move] = []
        try:
            for move in self.moves:
                done.append(move)
                _apply(self.root, move)
        except OSError:
            if _undo(self.root, done):
                journal.unlink()
            raise
        journal.unlink()
        self.discard()

    @property
    def pending(self) -> bool:
        """Whether a commit stopped half way and could not be undone."""
        return (self.folder / JOURNAL).exists()

    def discard(self) -> None:
        """Delete what was staged (nothing visible changes).

        A journal still present means a commit was neither finished nor undone: its
        staged trees and backups are what the next run needs to finish it, so they stay.
        """
        if self.pending:
            return
        for folder in (self.folder, *self.extra):
            shutil.rmtree(folder, ignore_errors=True)

    def _slot(self, target: Path) -> Path:
        # A rename only works within one file system: stage next to a target that is not
        # on the repository's (a mounted environments/ folder, say).
        folder = self.folder
        if _device(target.parent) != _device(self.folder):
            folder = scratch_dir(target.parent) / self.folder.name
            self.extra.add(folder)
        return folder / str(len(self.moves))

    def _move(self, target: Path, staged: Path | None, *, is_dir: bool) -> Move:
        slot = self._slot(target) if staged is None else staged
        return Move(
            _rel(self.root, target),
            None if staged is None else _rel(self.root, staged),
            _rel(self.root, slot.with_name(slot.name + ".old")),
            is_dir,
        )


def recover(root: Path) -> list[str]:
    """Finish a commit a crash interrupted, delete leftovers; the targets it completed."""
    remove_legacy_leftovers(root)
    finished: list[str] = []
    for scratch in _scratch_folders(root):
        for entry in sorted(scratch.iterdir()):
            journal = entry / JOURNAL
            if journal.is_file():
                moves = _read_journal(journal)
                for move in moves:
                    _apply(root, move)
                finished.extend(m.target for m in moves)
                journal.unlink()
            if entry.name.startswith("tx-") and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    entry.unlink()
    return finished


def remove_legacy_leftovers(root: Path) -> None:
    """What earlier modelplane versions could leave next to the outputs when killed.

    They swapped `manifests/` through hidden siblings (`.manifests.new-*` staged,
    `.manifests.old-*` the previous tree) and wrote `.<name>.*.tmp` files beside locks and
    snapshots. A previous tree whose folder is missing is put back; the rest is deleted.
    """
    for env_dir in sorted((root / "environments").glob("*/")):
        for entry in sorted([*env_dir.glob(".*"), *env_dir.glob("snapshots/.*")]):
            name = entry.name
            if entry.is_symlink():
                continue
            old = name.startswith((".manifests.old-", ".gitops.old-")) and entry.is_dir()
            target = env_dir / name[1:].split(".old-")[0]
            if old and not target.exists():
                entry.rename(target)
            elif old or (name.startswith((".manifests.new-", ".gitops.new-")) and entry.is_dir()):
                shutil.rmtree(entry, ignore_errors=True)
            elif name.endswith(".tmp") and entry.is_file():
                entry.unlink()


def _scratch_folders(root: Path) -> list[Path]:
    candidates = [root / SCRATCH_DIR, *sorted((root / "environments").glob(f"*/{SCRATCH_DIR}"))]
    return [c for c in candidates if c.is_dir() and not c.is_symlink()]


def _apply(root: Path, move: Move) -> None:
    """One move, idempotent: running it again after a crash anywhere inside completes it."""
    target, backup = root / move.target, root / move.backup
    staged = None if move.staged is None else root / move.staged
    if staged is None:
        if os.path.lexists(target) and not os.path.lexists(backup):
            target.rename(backup)
        return
    if not os.path.lexists(staged):
        return  # already moved in
    if os.path.lexists(target) and not os.path.lexists(backup):
        if move.is_dir:
            target.rename(backup)
        else:
            os.link(target, backup)
    elif move.is_dir and os.path.lexists(target):
        raise OSError(errno.ENOTEMPTY, "both the old and the backup folder exist", str(target))
    staged.replace(target)


def _undo(root: Path, done: list[Move]) -> bool:
    """Put back the old targets of the moves done so far; False if that failed too."""
    try:
        for move in reversed(done):
            target, backup = root / move.target, root / move.backup
            staged = None if move.staged is None else root / move.staged
            if staged is not None and not os.path.lexists(staged) and os.path.lexists(target):
                if move.is_dir:
                    target.rename(staged)
                elif not os.path.lexists(backup):
                    target.unlink()  # the file did not exist before
            if os.path.lexists(backup):
                backup.replace(target)
    except OSError:
        return False
    return True


def _journal(moves: list[Move]) -> bytes:
    data = {
        "format": _FORMAT,
        "moves": [
            {"target": m.target, "staged": m.staged, "backup": m.backup, "dir": m.is_dir}
            for m in moves
        ],
    }
    return (json.dumps(data, indent=1) + "\n").encode("utf-8")


def _read_journal(path: Path) -> list[Move]:
    try:
        data = json.loads(path.read_text("utf-8"))
        moves = [
            Move(str(m["target"]), m["staged"], str(m["backup"]), bool(m["dir"]))
            for m in data["moves"]
        ]
    except (ValueError, KeyError, TypeError):
        moves = []
    paths = [p for m in moves for p in (m.target, m.staged, m.backup) if p is not None]
    if not moves or not all(_inside(p) for p in paths):
        raise OSError(errno.EINVAL, "not a journal modelplane wrote", str(path))
    return moves


def _inside(path: object) -> bool:
    """A relative path that stays inside the repository (a journal is data, not orders)."""
    if not isinstance(path, str) or not path:
        return False
    parts = PurePosixPath(path).parts
    return not PurePosixPath(path).is_absolute() and ".." not in parts


def _device(path: Path) -> int:
    while not path.exists():
        path = path.parent
    return path.stat().st_dev


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
