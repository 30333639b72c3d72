"""Two runs at once, and forked workers whose parent is killed.

A render slowed down inside its commit (strace delays its first rename) holds the
repository lock; a second render waits for it, says so, and then finds nothing left to
do. Forked workers die with their parent under SIGKILL, SIGTERM and Ctrl-C, and never
keep a pipe on the parent's output open.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli_env, run_cli
from tests.reliability.support import (
    RENAMES,
    STRACE,
    env_digest,
    git_repo,
    scratch_leftovers,
    strace_render,
    touch_templates,
    untracked,
)

pytestmark = pytest.mark.integration  # real processes, kills, mounts


def _slow_render(root: Path) -> subprocess.Popen[bytes]:
    """A render whose commit pauses 10 s on its first rename (the journal's)."""
    command = strace_render(RENAMES, "delay_enter=10000000:when=1", "--all")
    return subprocess.Popen(
        command, cwd=root, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _racing(tmp_path: Path, **env: str) -> tuple[Path, subprocess.Popen[bytes], Any]:
    """A repository, a first render paused inside its commit, and a second render's result."""
    root = git_repo(tmp_path / "repo")
    touch_templates(root)
    first = _slow_render(root)
    _wait_for_staging(root)
    second = run_cli("render", "--all", cwd=root, env=cli_env(**env))
    first.communicate(timeout=60)
    return root, first, second


def _wait_for_staging(root: Path) -> None:
    deadline = time.monotonic() + 60
    while not list((root / ".modelplane-tmp").glob("tx-*/.journal.json.*.tmp")):
        assert time.monotonic() < deadline, "the first render never reached its commit"
        time.sleep(0.05)


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace)")
def test_a_second_render_waits_for_the_first(tmp_path: Path) -> None:
    root, first, second = _racing(tmp_path)
    assert first.returncode == 0
    assert second.returncode == 0, second.stderr
    assert "waiting for another modelplane run in this repository" in second.stderr
    assert "prod: manifests up to date" in second.stdout  # the first one wrote everything
    assert "Traceback" not in second.stderr
    probe = git_repo(tmp_path / "probe")
    touch_templates(probe)
    assert run_cli("render", "--all", cwd=probe).returncode == 0
    assert env_digest(root) == env_digest(probe)
    assert scratch_leftovers(root) == []
    assert untracked(root) == []


def test_a_run_gives_up_clearly_after_the_timeout(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    touch_templates(root)
    before = env_digest(root)
    fd = os.open(root / ".modelplane-tmp" / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run holds the repository
        result = run_cli("render", "--all", cwd=root, env=cli_env(MODELPLANE_LOCK_TIMEOUT="0.3"))
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert ".modelplane-tmp/lock: error[repository-busy]: another modelplane run" in result.stderr
    assert env_digest(root) == before


_WORKERS = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from compiler.pipeline import parallel

    def work(task, folder):
        (Path(folder) / f"{os.getpid()}.pid").write_text(task)
        time.sleep(120)
        return task

    print("started", flush=True)
    parallel.run_forked(work, ["a", "b"], 2, sys.argv[1])
    """
)


def _pids(folder: Path) -> list[int]:
    return [int(p.stem) for p in folder.glob("*.pid")]


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and prctl")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_workers_die_with_their_parent_and_release_the_output(
    tmp_path: Path, sig: signal.Signals
) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _WORKERS, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    assert parent.stdout is not None
    assert parent.stdout.readline() == b"started\n"
    deadline = time.monotonic() + 30
    while len(_pids(tmp_path)) < 2:
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    parent.send_signal(sig)
    # A worker holding the pipe would keep this read from ever ending.
    _out, _ = parent.communicate(timeout=20)
    assert parent.returncode != 0
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in _pids(tmp_path)):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.05)
