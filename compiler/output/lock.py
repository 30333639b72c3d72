"""One writer at a time: an advisory lock on the repository's scratch folder.

Commands that write (render, lock, discover) hold it exclusively; a second run waits for
the first (saying so once) up to MODELPLANE_LOCK_TIMEOUT seconds (default 600), then
fails with a clear message. Commands that only read take it shared when they can, so they
never see an environment halfway through its swap; on a read-only checkout (CI) where the
lock file cannot be created, readers go ahead without it.
The kernel releases the lock when its holder dies, however it dies: no stale lock files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from compiler.errors import CompilerError, Diagnostic, Location
from compiler.fsio import SCRATCH_DIR, scratch_dir, write_failed

LOCK_FILE = "lock"
TIMEOUT_ENV = "MODELPLANE_LOCK_TIMEOUT"
_DEFAULT_TIMEOUT = 600.0
_POLL = 0.1


class LockBusyError(CompilerError):
    """Another modelplane run held the repository for too long."""


@contextlib.contextmanager
def repository_lock(
    root: Path, *, shared: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the repository's lock (exclusive unless `shared`) for the `with` block."""
    try:
        fd = _open(root, shared=shared)
    except OSError as exc:
        if not shared:
            raise write_failed(exc, root, "nothing was changed") from None
        yield  # a reader in a read-only checkout: nobody can be writing here either
        return
    try:
        _acquire(fd, shared=shared, on_wait=on_wait)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open(root: Path, *, shared: bool) -> int:
    path = (root / SCRATCH_DIR / LOCK_FILE) if shared else scratch_dir(root) / LOCK_FILE
    flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW | (0 if shared else os.O_CREAT)
    return os.open(path, flags, 0o666)


def _acquire(fd: int, *, shared: bool, on_wait: Callable[[str], None] | None) -> None:
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    deadline = time.monotonic() + _timeout()
    told = False
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise LockBusyError([_busy()])
        if not told and on_wait is not None:
            on_wait("waiting for another modelplane run in this repository to finish")
            told = True
        time.sleep(_POLL)


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV, _DEFAULT_TIMEOUT)))
    except ValueError:
        return _DEFAULT_TIMEOUT


def _busy() -> Diagnostic:
    return Diagnostic(
        Location(f"{SCRATCH_DIR}/{LOCK_FILE}"),
        "repository-busy",
        f"another modelplane run kept this repository locked for over {_timeout():g} s",
        hint=f"wait for it to finish, or raise {TIMEOUT_ENV} (seconds)",
    )
