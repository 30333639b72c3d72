"""What a killed run (of this version or an earlier one) leaves behind, the next run clears."""

from __future__ import annotations

import shutil
from pathlib import Path

from compiler.output.transaction import Transaction
from compiler.pipeline import render as pipeline
from compiler.project import Project
from tests.helpers import copy_example, tree_digest
from tests.reliability.support import scratch_leftovers


def test_leftovers_of_earlier_versions_are_cleared_and_a_lost_tree_restored(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    env = root / "environments" / "prod"
    (env / "manifests" / "NOTES.md").write_text("foreign\n")
    before = tree_digest(env / "manifests")
    # Killed between its two renames: the old tree only survives under a hidden name.
    (env / "manifests").rename(env / ".manifests.old-4242")
    shutil.copytree(env / "gitops", env / ".gitops.new-abc")
    (env / ".models.lock.x1y2.tmp").write_text("half")
    (env / "snapshots" / ".openai.json.z9.tmp").write_text("half")

    pipeline.render_environments(Project(root), ["prod"])

    assert tree_digest(env / "manifests") == before  # foreign file included
    assert sorted(p.name for p in env.rglob(".*") if p.name != ".modelplane-index.json") == []


def test_an_uncommitted_transaction_is_discarded(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    before = tree_digest(root / "environments")
    transaction = Transaction(root)
    staged = transaction.stage_dir(root / "environments" / "prod" / "manifests")
    (staged / "x.yaml").write_text("a: 1\n")
    transaction.stage_file(root / "environments" / "prod" / "models.lock", b"junk\n")
    # The process dies here: no journal was written, so nothing may change.
    pipeline.render_environments(Project(root), ["prod"])
    assert tree_digest(root / "environments") == before
    assert scratch_leftovers(root) == []
