from __future__ import annotations

import pytest

from compiler.lock.pinning import Pin, PinFailure, classify, pin_model, split_version
from compiler.models.inventory import Model
from compiler.models.snapshot import Snapshot, SnapshotModel


def snap(*ids, aliases=None, created=None):
    created = created or {}
    return Snapshot(
        provider="p",
        models=tuple(SnapshotModel(id=i, created=created.get(i)) for i in ids),
        aliases=aliases or {},
    )


def model(selector, **kw):
    return Model(name="m", provider="p", model=selector, **kw)


OPENAI = snap(
    "gpt-4o",
    "gpt-4o-2024-05-13",
    "gpt-4o-2024-11-20",
    "gpt-4o-2024-08-06",
    "gpt-4o-mini",
    "gpt-4o-mini-2024-07-18",
    "gpt-4-0613",
    "gpt-4-0314",
)


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("gpt-4o-2024-08-06", ("gpt-4o", "2024-08-06", 0)),
        ("claude-3-5-sonnet-20241022", ("claude-3-5-sonnet", "2024-10-22", 0)),
        ("gemini-2.0-flash-001", ("gemini-2.0-flash", "", 1)),
        ("mistral-large-2411", ("mistral-large", "", 2411)),
        ("claude-haiku-4-5@20251001", ("claude-haiku-4-5", "2025-10-01", 0)),
        (
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            ("anthropic.claude-sonnet-4-5", "2025-09-29", 0),
        ),
        ("claude-sonnet-4-6", None),
        ("llama3.2:latest", None),
    ],
)
def test_split_version(model_id, expected):
    assert split_version(model_id) == expected


def test_alias_pins_newest_dated_version_not_a_longer_family():
    assert pin_model(model("gpt-4o"), OPENAI) == Pin("alias", "gpt-4o-2024-11-20", "dated-suffix")
    assert pin_model(model("gpt-4o-mini"), OPENAI) == Pin(
        "alias", "gpt-4o-mini-2024-07-18", "dated-suffix"
    )
    assert pin_model(model("gpt-4"), OPENAI) == Pin("alias", "gpt-4-0613", "dated-suffix")


def test_explicit_alias_map_wins_over_naming():
    s = snap("c-1-20240101", "c-1-20250101", aliases={"c-1": "c-1-20240101"})
    assert pin_model(model("c-1"), s) == Pin("alias", "c-1-20240101", "alias-map")


def test_exact_ids_must_be_listed():
    assert pin_model(model("gpt-4o-2024-08-06"), OPENAI) == Pin(
        "exact", "gpt-4o-2024-08-06", "listed"
    )
    failure = pin_model(model("gpt-4o-2099-01-01"), OPENAI)
    assert isinstance(failure, PinFailure) and "matches no model" in failure.message
    assert "gpt-4o-20" in failure.hint


def test_dateless_canonical_id_is_exact():
    s = snap("claude-sonnet-4-6", "claude-sonnet-4-5-20250929")
    assert classify(model("claude-sonnet-4-6"), s) == "exact"
    assert pin_model(model("claude-sonnet-4-6"), s) == Pin("exact", "claude-sonnet-4-6", "listed")


def test_glob_pins_newest_match_by_date_then_created():
    assert pin_model(model("gpt-4o-20*"), OPENAI) == Pin(
        "glob", "gpt-4o-2024-11-20", "newest-match"
    )
    s = snap("a-x", "a-y", created={"a-x": "2025-01-01", "a-y": "2024-01-01"})
    assert pin_model(model("a-*"), s) == Pin("glob", "a-x", "newest-match")


def test_forced_match_kind():
    assert pin_model(model("gpt-4o", match="exact"), OPENAI) == Pin("exact", "gpt-4o", "listed")


def test_undiscovered_ids_need_permission_and_globs_never_pass():
    assert isinstance(pin_model(model("custom-1"), OPENAI), PinFailure)
    assert pin_model(model("custom-1", allowUndiscovered=True), OPENAI) == Pin(
        "exact", "custom-1", "undiscovered"
    )
    assert pin_model(model("custom-1", allowUndiscovered=True), None) == Pin(
        "exact", "custom-1", "undiscovered"
    )
    assert isinstance(pin_model(model("x-*", allowUndiscovered=True), None), PinFailure)


def test_missing_snapshot_says_how_to_get_one():
    failure = pin_model(model("gpt-4o"), None)
    assert isinstance(failure, PinFailure) and "modelplane discover" in failure.hint
