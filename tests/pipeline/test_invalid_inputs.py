"""Golden corpus of broken inputs: each case overlays the example repo and fails cleanly.

A case is a folder under tests/cases/invalid-inputs/<name>/ holding files that replace
(or add to) the shipped example, an optional `args.txt` (default: `render --env prod`),
an optional `exit_code.txt` (default 1), an optional `delete.txt` (paths to remove), and
`expected.txt`: the exact diagnostics printed. Adding a case means adding files.
Run `pytest --update-goldens` to rewrite expected.txt from the current output.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.goldens import case_dirs, check_golden, overlay
from tests.helpers import copy_example, tree_digest

META = {"args.txt", "exit_code.txt", "expected.txt", "delete.txt"}


def _overlay(case: Path, repo: Path) -> None:
    overlay(case, repo, skip=META)
    delete = case / "delete.txt"
    for line in delete.read_text().splitlines() if delete.exists() else []:
        (repo / line.strip()).unlink()


@pytest.mark.parametrize("case", case_dirs("invalid-inputs"), ids=lambda p: p.name)
def test_invalid_input(case, tmp_path, monkeypatch, update_goldens):
    repo = copy_example(tmp_path / "repo")
    _overlay(case, repo)
    args_file = case / "args.txt"
    args = shlex.split(args_file.read_text()) if args_file.exists() else ["render", "--env", "prod"]
    exit_file = case / "exit_code.txt"
    expected_code = int(exit_file.read_text()) if exit_file.exists() else 1
    before = tree_digest(repo)
    monkeypatch.setenv("MODELPLANE_ROOT", str(repo))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    result = CliRunner().invoke(cli, ["--format", "text", *args])

    output = result.stderr
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    check_golden(case / "expected.txt", output, update_goldens)
    assert result.exit_code == expected_code, output
    assert tree_digest(repo) == before, "a failing command changed files"
