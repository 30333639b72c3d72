"""Lockfile change summaries on in-memory locks and snapshots."""

from __future__ import annotations

from compiler.models.lock import LockedModel, Lockfile
from compiler.models.snapshot import Snapshot, SnapshotModel
from compiler.review.lockdiff import LockSide, Usage, summarize_lock


def _lock(**pins: str) -> Lockfile:
    models = {
        name: LockedModel(provider="p", selector=name, match="exact", pinned=pin, via="listed")
        for name, pin in pins.items()
    }
    return Lockfile(inputsDigest="sha256:x", models=models)


def _snap(*models: SnapshotModel) -> dict[str, Snapshot]:
    return {"p": Snapshot(provider="p", models=models)}


USAGE = Usage({"a": ("api",)}, {"a": ("route",)})


def test_added_removed_and_fact_changes():
    old = LockSide(
        _lock(a="m1", gone="m9"),
        _snap(
            SnapshotModel(
                id="m1", contextWindow=8000, maxOutputTokens=100, capabilities=("x", "y")
            ),
            SnapshotModel(id="m9"),
        ),
    )
    new = LockSide(
        _lock(a="m1", fresh="m2"),
        _snap(
            SnapshotModel(
                id="m1", contextWindow=16000, maxOutputTokens=200, capabilities=("y", "z")
            ),
            SnapshotModel(id="m2", contextWindow=4096, capabilities=("chat",)),
        ),
    )
    summary = summarize_lock("e", old, new, USAGE)
    by_model = {c.model: c for c in summary.changes}
    assert by_model["a"].kind == "facts"
    assert by_model["a"].facts == (
        "context window 8,000 → 16,000",
        "max output tokens 100 → 200",
        "capabilities +z, -x",
    )
    assert (by_model["a"].model_apis, by_model["a"].routes) == (("api",), ("route",))
    assert by_model["fresh"].kind == "added"
    assert by_model["fresh"].facts == ("context window 4,096", "capabilities chat")
    assert (by_model["gone"].kind, by_model["gone"].old_id) == ("removed", "m9")
    assert summary.providers() == ["p"]


def test_lifecycle_is_news_only_when_it_changed():
    flagged = SnapshotModel(id="m1", deprecatedAt="2026-01-01")
    same = summarize_lock(
        "e", LockSide(_lock(a="m1"), _snap(flagged)), LockSide(_lock(a="m1"), _snap(flagged)), USAGE
    )
    assert not same.changed
    fresh = summarize_lock(
        "e",
        LockSide(_lock(a="m1"), _snap(SnapshotModel(id="m1"))),
        LockSide(_lock(a="m1"), _snap(flagged)),
        USAGE,
    )
    (warning,) = fresh.lifecycle
    assert (warning.model, warning.deprecated_at, warning.model_apis) == (
        "a",
        "2026-01-01",
        ("api",),
    )


def test_no_lockfile_on_either_side():
    summary = summarize_lock("e", LockSide(None), LockSide(None), Usage())
    assert not summary.changed and summary.providers() == []
