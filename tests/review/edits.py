"""Edits a golden case applies to the example repo, written as data in `case.yaml`.

Cases describe *changes* (append a model to a snapshot, replace a line in the
inventory) rather than copies of whole files, so they keep working as the shipped
example evolves. Each edit names a `path` and any of:
- `replace`: [[old, new], ...] text replacements; `old` must occur;
- `append`: {list key: item} appends to a top-level JSON list (kept sorted by `id`);
- `set`: {key: value} sets top-level JSON keys, `a.b` for one level down;
- `update`: {list key: {match: {...}, set: {...}}} updates the matching JSON list items.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def apply_edits(repo: Path, edits: list[dict[str, Any]]) -> None:
    """Apply every edit in order; fail loudly when one does not apply."""
    for edit in edits:
        path = repo / edit["path"]
        if "replace" in edit:
            path.write_text(_replace(path.read_text(encoding="utf-8"), edit["replace"]))
        if {"append", "set", "update"} & set(edit):
            data = json.loads(path.read_text(encoding="utf-8"))
            _edit_json(data, edit)
            path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _replace(text: str, pairs: list[list[str]]) -> str:
    for old, new in pairs:
        assert old in text, f"edit does not apply, {old!r} not found"
        text = text.replace(old, new)
    return text


def _edit_json(data: dict[str, Any], edit: dict[str, Any]) -> None:
    for key, item in edit.get("append", {}).items():
        data[key] = sorted([*data[key], item], key=lambda m: str(m.get("id", "")))
    for dotted, value in edit.get("set", {}).items():
        head, _, tail = dotted.partition(".")
        if tail:
            data[head][tail] = value
        else:
            data[head] = value
    for key, spec in edit.get("update", {}).items():
        hits = [m for m in data[key] if spec["match"].items() <= m.items()]
        assert hits, f"edit does not apply, no {key} item matches {spec['match']}"
        for item in hits:
            item.update(spec["set"])
