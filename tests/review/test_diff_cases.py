"""Golden diff cases: a real git repo from the example, a base commit, a change, exact output.

Each `tests/cases/diff/<case>/` holds `case.yaml` (`base_edits` / `edits`: changes to
the example before / after the base commit, see `tests/review/edits.py`; `delete`:
paths the change removes; `before`: CLI runs after the change, e.g. a re-lock; `runs`:
output file name -> diff arguments and exit code; `never`: strings no output may
contain), optional `base/` and `change/` folders of files written before / after the
base commit, and `expected/` with one file per run.
`{split}` in arguments is a temporary folder whose comment files are compared with
`expected/<run>.split/`. Regenerate with `pytest --update-goldens`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.goldens import case_dirs, check_golden, overlay
from tests.helpers import copy_example
from tests.review.edits import apply_edits
from tests.review.gitrepo import commit_all, git

CASES = case_dirs("diff", marker="case.yaml")


def _prepare(case: Path, spec: dict, repo: Path) -> str:
    copy_example(repo)
    if (case / "base").is_dir():
        overlay(case / "base", repo)
    apply_edits(repo, spec.get("base_edits", []))
    git(repo, "init", "-q", "-b", "main")
    base = commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "change")
    if (case / "change").is_dir():
        overlay(case / "change", repo)
    apply_edits(repo, spec.get("edits", []))
    return base


def _apply(spec: dict, repo: Path, runner: CliRunner) -> None:
    for path in spec.get("delete", []):
        target = repo / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for args in spec.get("before", []):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_diff_case(case, tmp_path, monkeypatch, update_goldens):
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    repo = tmp_path / "repo"
    base = _prepare(case, spec, repo)
    monkeypatch.chdir(repo)
    monkeypatch.delenv("MODELPLANE_ROOT", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    runner = CliRunner()
    _apply(spec, repo, runner)
    for run_name, run in spec["runs"].items():
        split = tmp_path / f"split-{run_name}"
        args = [a.replace("{split}", str(split)) for a in run["args"]]
        # --exit-code: a change exits 1, so each case also checks that it saw one.
        result = runner.invoke(cli, ["diff", "--exit-code", *args], catch_exceptions=False)
        output = result.stdout.replace(base, "<base>").replace(base[:12], "<base>")
        assert output, result.output
        assert not [s for s in spec.get("never", []) if s in result.output]
        check_golden(case / "expected" / run_name, output, update_goldens)
        assert result.exit_code == run.get("exit", 1), result.output
        assert result.stderr == "", result.stderr
        for part in sorted(split.glob("*.md")) if split.is_dir() else []:
            text = part.read_text(encoding="utf-8").replace(base[:12], "<base>")
            check_golden(case / "expected" / f"{run_name}.split" / part.name, text, update_goldens)
