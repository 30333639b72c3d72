"""A models.lock edited by hand: its digest covers the inputs, not the pins, so the pins are
checked against the snapshots by `render` too (and dropped by `lock`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_example, run_cli

ORIGINAL = "    pinned: gpt-4o-2024-11-20\n"  # chat-default: openai, selector gpt-4o (alias)


def _edit_pin(root: Path, pinned: str) -> None:
    lock = root / "environments" / "prod" / "models.lock"
    text = lock.read_text()
    assert ORIGINAL in text
    lock.write_text(text.replace(ORIGINAL, f"    pinned: {pinned}\n", 1))  # chat-default


@pytest.mark.parametrize("pinned", ["o3-mini", "gpt-5-not-listed"])
def test_a_pin_that_does_not_fit_its_selector_is_refused(tmp_path: Path, pinned: str) -> None:
    root = copy_example(tmp_path / "repo")
    _edit_pin(root, pinned)
    render = run_cli("render", "--env", "prod", cwd=root)
    assert render.returncode == 1
    assert "environments/prod/models.lock:" in render.stderr
    assert f"error[lock-edited]: pin {pinned!r} of 'chat-default'" in render.stderr
    check = run_cli("lock", "--check", "--env", "prod", cwd=root)
    assert check.returncode == 1


def test_lock_drops_a_listed_pin_that_does_not_fit_and_pins_afresh(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    _edit_pin(root, "o3-mini")  # listed by the snapshot, but not a version of gpt-4o
    assert run_cli("lock", "--env", "prod", cwd=root).returncode == 0
    assert ORIGINAL in (root / "environments" / "prod" / "models.lock").read_text()


def test_an_older_dated_version_of_the_alias_is_a_valid_pin(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    _edit_pin(root, "gpt-4o-2024-08-06")
    result = run_cli("render", "--env", "prod", cwd=root)
    assert result.returncode == 0, result.stderr
