"""Shared pieces of the reliability tests: repositories under git, digests, strace kills."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import cli_env, copy_example

FOREIGN = {
    "manifests/NOTES.md": b"hand-written, not modelplane's\n",
    "manifests/modelapis/local.yaml": b"a: 1\n",
    "gitops/extra.yaml": b"b: 2\n",
}
RENAMES = "rename,renameat,renameat2"
STRACE = shutil.which("strace")
_RENDER = (sys.executable, "-m", "compiler", "render")


def git_repo(dest: Path) -> Path:
    """The example repository with foreign files in prod, committed to a fresh git repo,
    rendered once (so the scratch folder exists)."""
    root = copy_example(dest)
    for rel, data in FOREIGN.items():
        (root / "environments" / "prod" / rel).write_bytes(data)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    # A first run makes the scratch folder and its lock, as any earlier run would have.
    subprocess.run(
        [*_RENDER, "--env", "dev"], cwd=root, env=cli_env(), capture_output=True, check=True
    )
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def untracked(root: Path) -> list[str]:
    """Files git would show as new (temporary files must never be among them)."""
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in status.splitlines() if line.startswith("??")]


def touch_templates(root: Path) -> None:
    """A template change that rewrites files in both prod/manifests and prod/gitops."""
    for rel in ("kaos/modelapi.yaml.j2", "argo-cd/application.yaml.j2"):
        path = root / "templates" / rel
        path.write_text(path.read_text("utf-8") + "# touched\n", encoding="utf-8")


def env_digest(root: Path, env: str = "prod") -> dict[str, str]:
    """Every file of the environment's output folders (manifests and gitops)."""
    base = root / "environments" / env
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("manifests", "gitops")
        for p in sorted((base / folder).rglob("*"))
        if p.is_file()
    }


def scratch_leftovers(root: Path) -> list[str]:
    """What is in the scratch folders besides the lock and the `.gitignore`."""
    folders = [root / ".modelplane-tmp", *(root / "environments").glob("*/.modelplane-tmp")]
    return sorted(
        p.relative_to(root).as_posix()
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name not in ("lock", ".gitignore")
    )


def strace_render(syscalls: str, inject: str, *args: str) -> list[str]:
    """`modelplane render ARGS` under strace, with `inject` applied to `syscalls`."""
    assert STRACE is not None
    trace = ("-e", f"trace={syscalls}", "-e", f"inject={syscalls}:{inject}")
    return [STRACE, "-f", "-qq", "-o", "/dev/null", *trace, *_RENDER, *args]


def killed_render(root: Path, syscalls: str, when: int, *args: str) -> int:
    """Run `render` under strace, SIGKILLed on entering the `when`-th of `syscalls`."""
    command = strace_render(syscalls, f"signal=KILL:when={when}", *args)
    result = subprocess.run(command, cwd=root, env=cli_env(), capture_output=True, timeout=120)
    return result.returncode


def count_syscalls(root: Path, syscalls: str, *args: str) -> int:
    """How many of `syscalls` a render makes (it is then undone by `git stash`)."""
    assert STRACE is not None
    out = root / ".count.strace"
    subprocess.run(
        [STRACE, "-f", "-qq", "-o", str(out), "-e", f"trace={syscalls}", *_RENDER, *args],
        cwd=root,
        env=cli_env(),
        capture_output=True,
        timeout=120,
        check=True,
    )
    count = sum(1 for line in out.read_text().splitlines() if "(" in line)
    out.unlink()
    return count
