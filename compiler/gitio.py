"""The only module that runs git: resolve a base ref and read files as they were at it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compiler.errors import Diagnostic, Location, UsageError

DEFAULT_BRANCH_CANDIDATES = ("origin/HEAD", "main", "master")


@dataclass(frozen=True, slots=True)
class GitTree:
    """A read-only view of one commit of the repository at `root`."""

    root: Path
    commit: str

    def list_files(self, prefix: str) -> list[str]:
        """Every file path under `prefix` at this commit, sorted, repo-relative."""
        out = _git(
            self.root, "ls-tree", "-r", "--name-only", "-z", self.commit, "--", prefix or "."
        )
        return sorted(p for p in out.split("\0") if p)

    def read(self, path: str) -> bytes | None:
        """The file's bytes at this commit, or None when it did not exist."""
        return self.read_many([path]).get(path)

    def read_many(self, paths: Sequence[str]) -> dict[str, bytes]:
        """Many files at once (one `git cat-file --batch`); missing ones are left out."""
        if not paths:
            return {}
        request = "".join(f"{self.commit}:{p}\n" for p in paths).encode("utf-8")
        raw = _run(self.root, ["cat-file", "--batch"], request)
        return _parse_batch(raw, paths)


def _parse_batch(raw: bytes, paths: Sequence[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    pos = 0
    for path in paths:
        end = raw.index(b"\n", pos)
        header = raw[pos:end].split(b" ")
        pos = end + 1
        if header[-1] == b"missing" or len(header) != 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        found[path] = raw[pos : pos + size]
        pos += size + 1
    return found


def open_base(root: Path, ref: str | None) -> GitTree:
    """The commit to compare against: `ref`, or the merge base with the default branch."""
    _git(root, "rev-parse", "--show-toplevel")
    if ref is not None:
        return GitTree(_toplevel(root), _resolve(root, ref))
    for candidate in DEFAULT_BRANCH_CANDIDATES:
        if _exists(root, candidate):
            base = _git(root, "merge-base", "HEAD", candidate).strip()
            return GitTree(_toplevel(root), base)
    raise _usage(
        "no default branch to compare with (tried origin/HEAD, main, master)",
        "pass --base GIT_REF",
    )


def _toplevel(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--show-toplevel").strip())


def _resolve(root: Path, ref: str) -> str:
    if not _exists(root, ref):
        raise _usage(f"unknown git ref {ref!r}", "pass a branch, tag or commit that exists")
    return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()


def _exists(root: Path, ref: str) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except UsageError:
        return False
    return True


def _git(root: Path, *args: str) -> str:
    return _run(root, list(args), b"").decode("utf-8")


def _run(root: Path, args: list[str], stdin: bytes) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False, env=env
        )
    except FileNotFoundError:
        raise _usage("git is not installed", "install git to compare with a base") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _usage(f"git {args[0]} failed: {message[0] if message else 'no output'}", "")
    return done.stdout


def _usage(message: str, hint: str) -> UsageError:
    return UsageError([Diagnostic(Location("<git>"), "git", message, hint=hint)])
