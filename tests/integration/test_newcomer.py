"""The newcomer's path, for real: a fresh virtualenv, `pip install` of the project, an
empty git repository, then init, render, validate, lock --check, a change, and the
pull-request report; and the README's two commands from a fresh clone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.integration


def _sh(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MODELPLANE_", "GIT_"))}
    env.pop("GITHUB_ACTIONS", None)
    env.update(HOME=str(home), GIT_AUTHOR_NAME="n", GIT_AUTHOR_EMAIL="n@example.com")
    env.update(GIT_COMMITTER_NAME="n", GIT_COMMITTER_EMAIL="n@example.com")
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of this repository (what is committed, as a newcomer gets it)."""
    target = tmp_path_factory.mktemp("clone") / "modelplane"
    _sh("git", "clone", "-q", REPO_ROOT, target, cwd=target.parent)
    return target


def test_from_an_empty_directory_to_a_reviewed_change(clone, tmp_path):
    env = _clean_env(tmp_path)
    venv = tmp_path / "venv"
    _sh(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _sh(venv / "bin/pip", "install", "-q", clone, cwd=tmp_path, env=env)
    modelplane = venv / "bin/modelplane"
    repo = tmp_path / "llm-platform"
    repo.mkdir()
    _sh("git", "init", "-q", "-b", "main", cwd=repo, env=env)
    created = _sh(modelplane, "init", cwd=repo, env=env)
    assert "+ .github/workflows/modelplane.yml" in created
    _sh("git", "add", "-A", cwd=repo, env=env)
    _sh("git", "commit", "-q", "-m", "modelplane init", cwd=repo, env=env)
    _sh("git", "checkout", "-q", "-b", "change", cwd=repo, env=env)
    # Exactly what the generated workflow runs, and what a newcomer types.
    for args in (
        ["render", "--env", "dev"],
        ["validate", "--all"],
        ["lock", "--all", "--check"],
        ["render", "--all", "--check"],
        ["validate", "--all", "--format", "github"],
    ):
        _sh(modelplane, *args, cwd=repo, env=env)
    models = repo / "inventory/models.yaml"
    models.write_text(models.read_text().replace("temperature: 0.2", "temperature: 0.5"))
    _sh(modelplane, "lock", "--env", "dev", cwd=repo, env=env)
    _sh(modelplane, "render", "--env", "dev", cwd=repo, env=env)
    report = _sh(modelplane, "diff", "--all", "--format", "markdown", cwd=repo, env=env)
    assert "ModelAPI/chat" in report and "<code>0.2</code>" in report
    _sh(modelplane, "render", "--all", "--check", cwd=repo, env=env)
    # The editor schemas are where the modelines point, in the user's repository.
    assert (repo / "schemas/inventory.schema.json").is_file()


def test_the_readme_quick_start_from_a_fresh_clone(clone, tmp_path):
    env = _clean_env(tmp_path)
    command = "python3 -m venv .venv && .venv/bin/pip install -q -e . && "
    command += ".venv/bin/modelplane render --env prod"
    readme = (clone / "README.md").read_text(encoding="utf-8")
    assert command.replace(" -q", "") in readme
    out = subprocess.run(
        ["sh", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=900
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("prod: ")
    status = _sh("git", "status", "--porcelain", cwd=clone, env=env)
    assert [line for line in status.splitlines() if not line.endswith(".venv/")] == []
