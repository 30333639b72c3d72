"""Permissions, refused output folders, full and read-only file systems, leftovers.

Runs the real CLI on copies of the example repository. The full and read-only file
systems are small tmpfs mounts, made only where the test may mount (root); elsewhere
those tests skip and say why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import cli_env, run_cli
from tests.reliability.support import (
    env_digest,
    git_repo,
    scratch_leftovers,
    touch_templates,
    untracked,
)

pytestmark = pytest.mark.integration  # real processes, kills, mounts


def _render_with_umask(root: Path, umask: int, *args: str) -> subprocess.CompletedProcess[str]:
    def child() -> None:
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "compiler", *args],
        cwd=root,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=child,
    )


def _modes(root: Path) -> set[tuple[str, int]]:
    return {
        ("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode))
        for p in root.rglob("*")
        if not p.is_symlink()
    }


@pytest.mark.parametrize(
    ("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_written_files_and_folders_follow_the_umask(
    tmp_path: Path, umask: int, file_mode: int, dir_mode: int
) -> None:
    root = git_repo(tmp_path / "repo")
    env = root / "environments" / "prod"
    for folder in ("manifests", "gitops"):
        shutil.rmtree(env / folder)
    (env / "models.lock").unlink()
    shutil.rmtree(root / ".modelplane-tmp")
    assert _render_with_umask(root, umask, "lock", "--env", "prod").returncode == 0
    result = _render_with_umask(root, umask, "render", "--env", "prod")
    assert result.returncode == 0, result.stderr
    written = _modes(env / "manifests") | _modes(env / "gitops")
    written |= {("dir", stat.S_IMODE((env / "manifests").stat().st_mode))}
    written |= {("file", stat.S_IMODE((env / "models.lock").stat().st_mode))}
    written |= {("file", stat.S_IMODE((root / ".modelplane-tmp" / "lock").stat().st_mode))}
    assert written == {("file", file_mode), ("dir", dir_mode)}


def test_a_read_only_output_folder_is_refused(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    touch_templates(root)
    manifests = root / "environments" / "prod" / "manifests"
    before = env_digest(root)
    manifests.chmod(0o555)
    try:
        result = run_cli("render", "--env", "prod", cwd=root)
    finally:
        manifests.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "environments/prod/manifests: error[output-refused]: output folder is read-only" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert env_digest(root) == before
    assert scratch_leftovers(root) == []


def test_a_symlinked_output_folder_is_refused_not_replaced(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    touch_templates(root)
    env = root / "environments" / "prod"
    elsewhere = tmp_path / "elsewhere"
    (env / "manifests").rename(elsewhere)
    (env / "manifests").symlink_to(elsewhere)
    result = run_cli("render", "--env", "prod", cwd=root)
    assert result.returncode == 1
    assert (
        "environments/prod/manifests: error[output-refused]: output folder is a symbolic link"
        in (result.stderr)
    )
    assert (env / "manifests").is_symlink()


def _can_mount() -> str:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "mounting a small tmpfs needs root on Linux"
    if shutil.which("mount") is None:
        return "no mount command"
    return ""


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill_up(filler: Path) -> None:
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


@pytest.mark.skipif(bool(_can_mount()), reason=_can_mount() or "n/a")
def test_a_full_disk_changes_no_environment(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "8m") as disk:
        root = git_repo(disk / "repo")
        assert run_cli("render", "--env", "dev", cwd=root).returncode == 0  # makes the lock
        touch_templates(root)
        before = {env: env_digest(root, env) for env in ("dev", "prod", "staging")}
        filler = disk / "filler"
        _fill_up(filler)
        result = run_cli("render", "--all", cwd=root)
        assert result.returncode == 1, result.stderr
        assert ".modelplane-tmp/tx-" in result.stderr  # the staged file that did not fit
        assert "error[write-failed]: cannot write: No space left on device" in result.stderr
        assert "no environment was changed" in result.stderr
        assert "Traceback" not in result.stderr
        assert {env: env_digest(root, env) for env in before} == before
        filler.unlink()
        assert scratch_leftovers(root) == []
        assert run_cli("render", "--all", cwd=root).returncode == 0
        assert untracked(root) == []


@pytest.mark.skipif(bool(_can_mount()), reason=_can_mount() or "n/a")
def test_a_read_only_file_system_is_a_located_error(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "16m") as disk:
        root = git_repo(disk / "repo")
        touch_templates(root)
        run_cli("render", "--env", "dev", cwd=root)  # creates the scratch folder and lock
        before = env_digest(root)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        try:
            result = run_cli("render", "--env", "prod", cwd=root)
            check = run_cli("render", "--check", "--env", "dev", cwd=root)
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert result.returncode == 1, result.stderr
        assert "Read-only file system" in result.stderr
        assert "Traceback" not in result.stderr
        assert env_digest(root) == before
        assert check.returncode == 0, check.stderr
