"""A commit that can neither finish nor be undone keeps what the next run needs."""

from __future__ import annotations

import pytest

from compiler.fsio import WriteFailedError
from compiler.output import commit, transaction
from compiler.output.transaction import recover
from compiler.project import Project


def test_a_half_applied_commit_keeps_its_journal_and_says_so(tmp_path, monkeypatch):
    targets = {"a.txt": b"new a\n", "b.txt": b"new b\n"}
    for name in targets:
        (tmp_path / name).write_bytes(b"old\n")
    real_apply = transaction._apply
    calls = []

    def failing_apply(root, move):
        calls.append(move)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_apply(root, move)

    monkeypatch.setattr(transaction, "_apply", failing_apply)
    monkeypatch.setattr(transaction, "_undo", lambda root, done: False)
    with pytest.raises(WriteFailedError) as err:
        commit.write_files(Project(tmp_path), targets, "file")
    [problem] = err.value.diagnostics
    assert "half applied; the next run completes it" in problem.message
    monkeypatch.undo()
    # The staged files and the journal survived, so recovery finishes the commit.
    recover(tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in targets} == targets
