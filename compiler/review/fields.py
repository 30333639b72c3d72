"""The only importer of deepdiff: field-level changes between two plain data trees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from deepdiff import DeepDiff

FieldKind = Literal["added", "removed", "changed"]
PathPart = str | int

# deepdiff report types, mapped to what a reviewer calls them.
_KINDS: dict[str, FieldKind] = {
    "dictionary_item_added": "added",
    "iterable_item_added": "added",
    "dictionary_item_removed": "removed",
    "iterable_item_removed": "removed",
    "values_changed": "changed",
    "type_changes": "changed",
}


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


class ItemKey(str):
    """A mapping key that stands for a list item picked by its name (`models[chat]`)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One added, removed or changed value at a path inside a document."""

    path: tuple[PathPart, ...]
    kind: FieldKind
    old: Any = None
    new: Any = None


def diff_values(old: Any, new: Any) -> list[FieldChange]:
    """Every change from `old` to `new`, sorted by path; lists keep their order."""
    # threshold_to_diff_deeper=0: always descend, never report a whole mapping as one
    # change because few keys are shared (deepdiff >= 8 does that by default).
    tree = DeepDiff(old, new, view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    changes = [
        _change(report, level)
        for report, levels in tree.items()
        if report in _KINDS
        for level in levels
    ]
    return sorted(changes, key=lambda c: _sort_key(c.path))


def _change(report: str, level: Any) -> FieldChange:
    kind = _KINDS[report]
    path = tuple(level.path(output_format="list"))
    old = None if kind == "added" else level.t1
    new = None if kind == "removed" else level.t2
    return FieldChange(path, kind, old, new)


def _sort_key(path: tuple[PathPart, ...]) -> tuple[tuple[int, str, int], ...]:
    return tuple((1, "", p) if isinstance(p, int) else (0, p, 0) for p in path)


def changed_leaves(changes: list[FieldChange]) -> int:
    """How many leaves the changes touch (an added subtree counts every leaf in it)."""
    return sum(max(count_leaves(c.old), count_leaves(c.new)) for c in changes)


def count_leaves(data: Any) -> int:
    """How many scalar leaves a data tree holds (an empty collection counts as one)."""
    return sum(1 for _ in _leaves(data))


def _leaves(data: Any) -> Iterator[None]:
    if isinstance(data, dict) and data:
        for value in data.values():
            yield from _leaves(value)
    elif isinstance(data, list) and data:
        for value in data:
            yield from _leaves(value)
    else:
        yield None


def format_path(path: tuple[PathPart, ...]) -> str:
    """`('spec', 'models', 2)` -> `spec.models[2]`; item keys print as `[name]`."""
    text = ""
    for part in path:
        if isinstance(part, int | ItemKey):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):
            text += f'["{part}"]'
        else:
            text += f".{part}" if text else str(part)
    return text
