"""File system doors: atomic writes that honour the umask, and guarded reads of inputs.

Writes: a temporary file is created in the repository's scratch folder (`.modelplane-tmp/`,
ignored by git through its own `.gitignore`, never seen by kustomize) and renamed over the
target, so a reader sees the old bytes or the new ones and a crash leaves nothing visible.
Files are created with mode 0666 and folders 0777 minus the umask, like any other tool,
so a CI step or the GitOps agent running as another user can read them.

Reads: every input (inventory, environments, locks, snapshots, templates, schemas) goes
through `read_input`, which refuses what would leak or hang: a symbolic link leading
outside the repository (unless MODELPLANE_FOLLOW_SYMLINKS=1), a FIFO, a device, a folder,
a broken link or an unreadable file, each as a located error rather than a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from compiler.errors import CompilerError, Diagnostic, Location

SCRATCH_DIR = ".modelplane-tmp"
FOLLOW_SYMLINKS_ENV = "MODELPLANE_FOLLOW_SYMLINKS"
_FILE_MODE = 0o666  # the umask takes away what the user wants taken away
_DIR_MODE = 0o777


class InputFileError(CompilerError):
    """An input file cannot be read safely."""


class WriteFailedError(CompilerError):
    """Writing failed (no space left, read-only file system, permissions)."""


def write_failed(exc: OSError, root: Path, outcome: str) -> WriteFailedError:
    """A located error for a failed write, saying what was (not) changed."""
    where = "."
    if exc.filename:
        path = Path(exc.filename).absolute()
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return WriteFailedError(
        [
            Diagnostic(
                Location(where),
                "write-failed",
                f"cannot write: {exc.strerror or exc}; {outcome}",
                hint="free some space or fix the permissions, then run the command again",
            )
        ]
    )


def scratch_dir(root: Path) -> Path:
    """The repository's scratch folder, created (with its `.gitignore`) on first use."""
    scratch = root / SCRATCH_DIR
    if scratch.is_symlink():  # never write through a link someone planted
        raise OSError(errno.ENOTDIR, "a symbolic link, not a folder modelplane made", str(scratch))
    if not (scratch / ".gitignore").is_file():
        with contextlib.suppress(FileExistsError):
            scratch.mkdir(_DIR_MODE)
        if not scratch.is_dir():
            raise OSError(errno.ENOTDIR, "not a folder modelplane made", str(scratch))
        _write_via(scratch, scratch / ".gitignore", b"*\n")  # never a half-written one
    return scratch


def temp_name(folder: Path, stem: str) -> Path:
    """A fresh, unused name in `folder` (nothing is created)."""
    return folder / f".{stem}.{secrets.token_hex(6)}.tmp"


def atomic_write_bytes(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Write `data` to `path` through a temporary file, then rename it into place.

    With `root` (the repository), the temporary file lives in its scratch folder; where a
    rename from there cannot work (another file system), next to `path` under a hidden name.
    """
    make_dir(path.parent)
    if root is not None:
        with contextlib.suppress(OSError):
            _write_via(scratch_dir(root), path, data)
            return
    _write_via(path.parent, path, data)


def _write_via(folder: Path, path: Path, data: bytes) -> None:
    tmp = temp_name(folder, path.name)
    try:
        write_new_file(tmp, data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` (it must not exist) holding `data`, with the umask's permissions."""
    # Plain os calls: Path.write_bytes adds an fstat, an ioctl and an lseek per file,
    # which add up over tens of thousands of new files in a fresh staging folder.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None  # say which file
    finally:
        os.close(fd)


def make_dir(path: Path) -> None:
    """Create a folder (and its parents) with the umask's permissions."""
    path.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)


def follow_symlinks() -> bool:
    """Whether the user opted in to reading inputs through links that leave the repository."""
    return os.environ.get(FOLLOW_SYMLINKS_ENV, "") not in ("", "0")


def outside(path: Path, roots: tuple[Path, ...]) -> Path | None:
    """Where `path` really leads, if that is outside every one of `roots` (None if inside)."""
    real = Path(os.path.realpath(path))
    for root in roots:
        if real.is_relative_to(os.path.realpath(root)):
            return None
    return real


def read_input(path: Path, roots: tuple[Path, ...], display: str) -> bytes:
    """The bytes of an input file below one of `roots`; a located error if unsafe to read."""
    problem = input_problem(path, roots)
    if problem is None:
        try:
            return read_regular(path)
        except OSError as exc:
            problem = _os_problem(exc)
    message, hint = problem
    raise InputFileError([Diagnostic(Location(display), "unreadable-input", message, hint=hint)])


def read_input_text(path: Path, roots: tuple[Path, ...], display: str) -> str:
    """`read_input`, decoded as UTF-8; a located error if it is not UTF-8."""
    raw = read_input(path, roots, display)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8 text (byte {exc.start})"
        at = Location(display, line, column)
        raise InputFileError([Diagnostic(at, "encoding", message)]) from None


def input_problem(path: Path, roots: tuple[Path, ...]) -> tuple[str, str] | None:
    """Why `path` must not be read (message, hint), or None if it may be."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return "a broken symbolic link", "point it at an existing file or delete it"
        return "no such file", ""
    except OSError as exc:
        return _os_problem(exc)
    if stat.S_ISDIR(info.st_mode):
        return "a folder, not a file", "rename it so its name does not end in a file suffix"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a FIFO, socket or device)", "replace it with a plain file"
    real = outside(path, roots)
    if real is not None and not follow_symlinks():
        return (
            f"leads through a symbolic link outside the repository (to {real})",
            f"copy the file into the repository, or set {FOLLOW_SYMLINKS_ENV}=1 to read it",
        )
    return None


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; OSError for anything else, without ever blocking."""
    # O_NONBLOCK: should the file have been swapped for a FIFO since the check, opening it
    # returns at once instead of waiting for a writer; fstat then refuses it.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read()


def _os_problem(exc: OSError) -> tuple[str, str]:
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied", "make it readable by this user"
    return f"cannot be read: {exc.strerror or exc}", ""
