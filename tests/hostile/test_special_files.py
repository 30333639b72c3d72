"""Inputs that are not plain files in the repository: located exit 1, never a hang or a leak.

Each case runs the real CLI in a subprocess with a timeout, so a FIFO that blocked the
reader would fail the test instead of hanging it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import cli_env, copy_example, run_cli, tree_digest

SECRET = "sk-proj-environsecret0123456789abcdefgh"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "repo")


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _outside(tmp: Path, path: Path) -> None:
    target = tmp / "outside" / path.name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(path, target)
    path.unlink()
    path.symlink_to(target)


Setup = Callable[[Path], None]
CASES: dict[str, tuple[Setup, str, str]] = {
    "inventory-fifo": (
        lambda r: _fifo(r / "inventory" / "extra.yaml"),
        "inventory/extra.yaml",
        "not a regular file (a FIFO, socket or device)",
    ),
    "inventory-folder": (
        lambda r: (r / "inventory" / "extra.yaml").mkdir(),
        "inventory/extra.yaml",
        "a folder, not a file",
    ),
    "inventory-dangling-link": (
        lambda r: (r / "inventory" / "extra.yaml").symlink_to(r / "nowhere.yaml"),
        "inventory/extra.yaml",
        "a broken symbolic link",
    ),
    "inventory-link-outside": (
        lambda r: _outside(r.parent, r / "inventory" / "models.yaml"),
        "inventory/models.yaml",
        "leads through a symbolic link outside the repository",
    ),
    "environment-link-outside": (
        lambda r: _outside(r.parent, r / "environments" / "prod" / "environment.yaml"),
        "environments/prod/environment.yaml",
        "leads through a symbolic link outside the repository",
    ),
    "lock-fifo": (
        lambda r: _fifo(r / "environments" / "prod" / "models.lock"),
        "environments/prod/models.lock",
        "not a regular file",
    ),
    "snapshot-fifo": (
        lambda r: _fifo(r / "environments" / "prod" / "snapshots" / "openai.json"),
        "environments/prod/snapshots/openai.json",
        "not a regular file",
    ),
    "template-link-to-environ": (
        lambda r: (
            (r / "templates" / "kaos" / "modelapi.yaml.j2").unlink()
            or (r / "templates" / "kaos" / "modelapi.yaml.j2").symlink_to("/proc/self/environ")
        ),
        "templates/kaos/modelapi.yaml.j2",
        "leads through a symbolic link outside the repository",
    ),
    "template-fifo": (
        lambda r: _fifo(r / "templates" / "kaos" / "modelapi.yaml.j2"),
        "templates/kaos/modelapi.yaml.j2",
        "not a regular file",
    ),
    "schema-link-outside": (
        lambda r: _outside(r.parent, r / "schemas" / "kaos.tools" / "v1alpha1" / "ModelAPI.json"),
        "schemas/kaos.tools/v1alpha1/ModelAPI.json",
        "leads through a symbolic link outside the repository",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_special_input_is_a_located_error(repo: Path, name: str) -> None:
    setup, where, message = CASES[name]
    setup(repo)
    before = tree_digest(repo / "environments")
    for command in (("render", "--env", "prod"), ("validate", "--env", "prod")):
        result = run_cli(*command, cwd=repo, env=cli_env(SECRET_FOR_TEST=SECRET), timeout=60)
        assert result.returncode == 1, (command, result.stderr)
        assert f"{where}: error[unreadable-input]: {message}" in result.stderr
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stdout + result.stderr
    assert tree_digest(repo / "environments") == before


def test_links_inside_the_repository_are_followed(repo: Path) -> None:
    models = repo / "inventory" / "models.yaml"
    shared = repo / "shared" / "models.yaml"
    shared.parent.mkdir()
    models.rename(shared)
    models.symlink_to(Path("..") / "shared" / "models.yaml")
    result = run_cli("render", "--check", "--env", "prod", cwd=repo)
    assert result.returncode == 0, result.stderr


def test_links_outside_are_followed_when_the_user_opts_in(repo: Path) -> None:
    _outside(repo.parent, repo / "inventory" / "models.yaml")
    env = cli_env(MODELPLANE_FOLLOW_SYMLINKS="1")
    result = run_cli("render", "--check", "--env", "prod", cwd=repo, env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_inventory_file_is_located(repo: Path) -> None:
    path = repo / "inventory" / "models.yaml"
    path.chmod(0)
    result = run_cli("render", "--env", "prod", cwd=repo)
    assert result.returncode == 1
    assert "inventory/models.yaml: error[unreadable-input]: cannot be read: permission denied" in (
        result.stderr
    )
