"""The one harness of the golden corpora under tests/cases/<corpus>/<case>/.

Each corpus (`invalid-inputs`, `invalid-manifests`, `diff`) is a folder of case folders
holding input files and the exact expected output beside them. `pytest
--update-goldens` rewrites the expected files from the current output.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tests.helpers import REPO_ROOT

CASES = REPO_ROOT / "tests" / "cases"


def case_dirs(corpus: str, marker: str | None = None) -> list[Path]:
    """Every case folder of `corpus`, sorted; only those holding `marker` when given."""
    root = CASES / corpus
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.is_dir() and (marker is None or (p / marker).exists())
    )


def overlay(source: Path, target: Path, skip: Iterable[str] = ()) -> None:
    """Copy every file under `source` over `target`, keeping relative paths."""
    skipped = set(skip)
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and rel.as_posix() not in skipped:
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())


def check_golden(expected: Path, actual: str, update: bool) -> None:
    """Compare `actual` with the golden file (or rewrite it under --update-goldens)."""
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"missing golden {expected}; run pytest --update-goldens"
    assert actual == expected.read_text(encoding="utf-8")
