"""What a discovery run changed: ids added and removed per provider, against the files on disk.

Computed before the snapshots are written, so the run can end by naming what appeared and
what vanished rather than with counts alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pydantic

from compiler.models.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class SnapshotChange:
    """One provider's change: new ids, vanished ids, and whether it had no snapshot before."""

    provider: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    first: bool = False

    @property
    def changed(self) -> bool:
        """Whether any id appeared or vanished."""
        return bool(self.added or self.removed)


def snapshot_changes(
    snapshots: Mapping[str, Snapshot], snapshots_dir: Path
) -> dict[str, SnapshotChange]:
    """Per provider, the ids that differ from its snapshot file (all ids if there is none)."""
    changes: dict[str, SnapshotChange] = {}
    for name, snapshot in snapshots.items():
        old = _stored_ids(snapshots_dir / f"{name}.json")
        new = snapshot.ids()
        changes[name] = SnapshotChange(
            name,
            tuple(sorted(new - (old or frozenset()))),
            tuple(sorted((old or frozenset()) - new)),
            first=old is None,
        )
    return changes


def _stored_ids(path: Path) -> frozenset[str] | None:
    try:
        return Snapshot.model_validate(json.loads(path.read_bytes())).ids()
    except (OSError, ValueError, pydantic.ValidationError):
        return None
