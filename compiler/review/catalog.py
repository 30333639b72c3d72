"""What each provider offers, what the lock pins and what model APIs use, side by side."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from compiler.lock.outdated import outdated_pins
from compiler.models.lock import Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot, SnapshotModel

_HEADERS = ("PROVIDER", "MODEL ID", "DISCOVERED", "CONTEXT", "PINNED AS", "USED BY", "STATUS")


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One upstream model id of one provider in one environment."""

    provider: str
    id: str
    discovered: bool
    context_window: int | None = None
    pinned_as: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()
    status: str = ""


def catalog_rows(
    env: ResolvedEnvironment,
    lockfile: Lockfile | None,
    snapshots: Mapping[str, Snapshot],
    provider: str | None = None,
) -> list[CatalogRow]:
    """Every discovered or pinned id of the environment's providers, sorted."""
    pins = lockfile.models if lockfile else {}
    users = _users(env)
    newer = {
        (p.model, p.pinned): p.newer
        for p in outdated_pins(env, lockfile, snapshots)
        if p.newer and not p.vanished
    }
    rows: list[CatalogRow] = []
    for name in sorted(p.name for p in env.providers if provider in (None, p.name)):
        snapshot = snapshots.get(name)
        listed = {m.id: m for m in snapshot.models} if snapshot else {}
        pinned = {m: pin.pinned for m, pin in pins.items() if pin.provider == name}
        for model_id in sorted(set(listed) | set(pinned.values())):
            logical = tuple(sorted(m for m, pid in pinned.items() if pid == model_id))
            used = tuple(sorted({api for m in logical for api in users.get(m, ())}))
            row = _row(name, model_id, listed.get(model_id), logical, used)
            rows.append(_with_newer(row, newer))
        rows += _unpinned(env, name, pins)
    return rows


def _row(
    provider: str,
    model_id: str,
    facts: SnapshotModel | None,
    logical: tuple[str, ...],
    used: tuple[str, ...],
) -> CatalogRow:
    if facts is None:
        return CatalogRow(provider, model_id, False, None, logical, used, "not discovered")
    return CatalogRow(provider, model_id, True, facts.context_window, logical, used, _status(facts))


def _with_newer(row: CatalogRow, newer: Mapping[tuple[str, str], str | None]) -> CatalogRow:
    """Say when a pinned selector now matches a newer id (what `outdated` lists)."""
    found = sorted({n for m in row.pinned_as if (n := newer.get((m, row.id)))})
    if not found:
        return row
    note = "newer: " + ", ".join(found)
    return dataclasses.replace(row, status=f"{row.status}, {note}" if row.status else note)


def _status(facts: SnapshotModel) -> str:
    states = []
    if facts.deprecated_at:
        states.append(f"deprecated {facts.deprecated_at}")
    if facts.retires_at:
        states.append(f"retires {facts.retires_at}")
    return ", ".join(states)


def _unpinned(
    env: ResolvedEnvironment, provider: str, pins: Mapping[str, object]
) -> list[CatalogRow]:
    missing = sorted(m.name for m in env.models if m.provider == provider and m.name not in pins)
    users = _users(env)
    return [
        CatalogRow(provider, "", False, None, (m,), users.get(m, ()), "not pinned: run lock")
        for m in missing
    ]


def _users(env: ResolvedEnvironment) -> dict[str, tuple[str, ...]]:
    users: dict[str, list[str]] = {}
    for api in env.model_apis:
        served = api.models + ((api.hosted.model,) if api.hosted else ())
        for model in served:
            users.setdefault(model, []).append(api.name)
    return {m: tuple(sorted(a)) for m, a in users.items()}


def format_table(rows: Sequence[CatalogRow]) -> str:
    """Rows as an aligned plain-text table with a header."""
    cells = [_HEADERS] + [
        (
            r.provider,
            r.id or "—",
            "yes" if r.discovered else "no",
            f"{r.context_window:,}" if r.context_window else "",
            ", ".join(r.pinned_as),
            ", ".join(r.used_by),
            r.status,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_HEADERS))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"


def format_json(env: str, rows: Sequence[CatalogRow]) -> str:
    """Rows as JSON for tools."""
    data = {"environment": env, "models": [_json_row(r) for r in rows]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _json_row(row: CatalogRow) -> dict[str, object]:
    raw = asdict(row)
    return {
        "provider": raw["provider"],
        "id": raw["id"] or None,
        "discovered": raw["discovered"],
        "contextWindow": raw["context_window"],
        "pinnedAs": list(raw["pinned_as"]),
        "usedBy": list(raw["used_by"]),
        "status": raw["status"] or None,
    }
