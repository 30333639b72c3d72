"""Build real git repositories from the shipped example for diff tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.helpers import copy_example

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "modelplane tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "modelplane tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity and dates; return stdout."""
    env = {**os.environ, **_GIT_ENV, "HOME": str(repo.parent)}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(repo: Path, message: str) -> str:
    """Stage everything and commit; return the commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def init_example_repo(target: Path) -> Path:
    """A git repository on `main` holding the example, with one base commit."""
    copy_example(target)
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "base")
    git(target, "checkout", "-q", "-b", "change")
    return target
