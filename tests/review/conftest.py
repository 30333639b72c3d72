"""The review tests' example repository: a git repo on `main` with a `change` branch."""

from __future__ import annotations

import pytest

from tests.review.gitrepo import init_example_repo


@pytest.fixture
def repo(tmp_path, monkeypatch):
    path = init_example_repo(tmp_path / "repo")
    monkeypatch.chdir(path)
    monkeypatch.delenv("MODELPLANE_ROOT", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return path
