"""SIGKILL at exact system calls of a render never loses or mixes an environment.

`strace -e inject` kills the real CLI on entering the N-th rename (the journal's write,
each folder moved aside, each new folder moved in) and at other chosen calls. Right
after the kill prod's manifests and gitops are entirely old, entirely new, or a journal
records the commit; the next render finishes it: entirely new, foreign files kept,
nothing left in the scratch folder and nothing new in `git status`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.reliability.support import (
    RENAMES,
    STRACE,
    count_syscalls,
    env_digest,
    git_repo,
    killed_render,
    scratch_leftovers,
    touch_templates,
    untracked,
)

pytestmark = [
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace)"),
    pytest.mark.integration,
]


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str], int]:
    """prod's files before and after the template change, and how many renames it takes."""
    base = tmp_path_factory.mktemp("states")
    root = git_repo(base / "repo")
    old = env_digest(root)
    touch_templates(root)
    probe = Path(shutil.copytree(root, base / "probe", symlinks=True))
    renames = count_syscalls(probe, RENAMES, "--env", "prod")
    return old, env_digest(probe), renames


def _journals(root: Path) -> list[Path]:
    return list((root / ".modelplane-tmp").glob("tx-*/journal.json"))


def _assert_recovers(root: Path, new: dict[str, str]) -> None:
    assert untracked(root) == []
    result = run_cli("render", "--env", "prod", cwd=root)
    assert result.returncode == 0, result.stderr
    assert env_digest(root) == new
    assert scratch_leftovers(root) == []
    assert untracked(root) == []


@pytest.mark.parametrize("when", [1, 2, 3, 4, 5])
def test_kill_at_each_rename_of_the_commit(
    tmp_path: Path, states: tuple[dict[str, str], dict[str, str], int], when: int
) -> None:
    old, new, renames = states
    assert renames == 5  # journal, manifests aside and in, gitops aside and in
    root = git_repo(tmp_path / "repo")
    touch_templates(root)
    assert killed_render(root, RENAMES, when, "--env", "prod") == -9
    state = env_digest(root)
    assert state == old if when == 1 else (state == new or _journals(root))
    _assert_recovers(root, new)


@pytest.mark.parametrize(
    ("syscalls", "when"),
    [("unlink,unlinkat", 1), ("openat", 40), ("openat", 400), ("mkdir,mkdirat", 3), ("linkat", 5)],
)
def test_kill_at_other_calls(
    tmp_path: Path,
    states: tuple[dict[str, str], dict[str, str], int],
    syscalls: str,
    when: int,
) -> None:
    old, new, _ = states
    root = git_repo(tmp_path / "repo")
    touch_templates(root)
    killed_render(root, syscalls, when, "--env", "prod")
    assert env_digest(root) in (old, new) or _journals(root)
    _assert_recovers(root, new)
