"""How `discover` reports: per environment one line, then the ids that appeared or vanished.

With 50 providers the counts alone say nothing; the summary names every id added or
removed, per provider, which is what a reviewer of the snapshot change wants to read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from compiler.pipeline.discover import DiscoverOutcome

MAX_IDS_SHOWN = 20


def summary_lines(outcomes: Sequence[DiscoverOutcome]) -> Iterator[str]:
    """The human summary: a line per environment, indented lines per changed provider."""
    for outcome in outcomes:
        found = outcome.outcome.snapshots
        written = f"{len(outcome.written)} snapshot(s) written" if outcome.written else "unchanged"
        failed = f", {len(outcome.failures)} provider(s) failed" if outcome.failures else ""
        total = sum(len(s.models) for s in found.values())
        yield f"{outcome.env}: {written}{failed} ({len(found)} provider(s), {total} models)"
        for change in outcome.changes:
            yield from _change_lines(change.provider, "+", change.added, change.first)
            yield from _change_lines(change.provider, "-", change.removed, False)


def _change_lines(provider: str, sign: str, ids: Sequence[str], first: bool) -> Iterator[str]:
    if not ids:
        return
    if first:
        yield f"  {provider}: first snapshot, {len(ids)} models"
        return
    shown = ", ".join(ids[:MAX_IDS_SHOWN])
    more = f" (+{len(ids) - MAX_IDS_SHOWN} more)" if len(ids) > MAX_IDS_SHOWN else ""
    word = "added" if sign == "+" else "removed"
    yield f"  {sign} {provider}: {word} {shown}{more}"


def environments_json(outcomes: Sequence[DiscoverOutcome]) -> list[dict[str, Any]]:
    """Per environment, what discovery found: the `result` of the JSON result document."""
    return [_environment(o) for o in outcomes]


def _environment(outcome: DiscoverOutcome) -> dict[str, Any]:
    changes = {c.provider: c for c in outcome.changes}
    providers: list[dict[str, Any]] = []
    for name, snapshot in outcome.outcome.snapshots.items():
        change = changes.get(name)
        providers.append(
            {
                "name": name,
                "ok": True,
                "models": len(snapshot.models),
                "added": list(change.added) if change else [],
                "removed": list(change.removed) if change else [],
            }
        )
    for name, failure in outcome.outcome.failures.items():
        providers.append({"name": name, "ok": False, "error": str(failure), "hint": failure.hint})
    return {
        "name": outcome.env,
        "snapshotsWritten": list(outcome.written),
        "providers": sorted(providers, key=lambda p: str(p["name"])),
    }
