"""The example's snapshots are what the adapters really produce (never written by hand)."""

from __future__ import annotations

from pathlib import Path

from compiler.project import Project
from tests.discovery.example_snapshots import generate

ROOT = Path(__file__).resolve().parents[2]


def test_example_snapshots_are_adapter_output():
    for path, text in generate(Project(ROOT)):
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(ROOT)} differs: run `python -m tests.discovery.example_snapshots`"
        )


def test_example_prod_lock_pins_the_bedrock_profile():
    lock = (ROOT / "environments" / "prod" / "models.lock").read_text()
    assert 'pinned: "us.anthropic.claude-sonnet-4-5-20250929-v1:0"' in lock
    assert 'foundationModel: "anthropic.claude-sonnet-4-5-20250929-v1:0"' in lock
