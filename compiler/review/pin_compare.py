"""Where environments' pins differ, as text, markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

Difference = tuple[str, str, str, str | None, str | None]


def format_differences(rows: Sequence[Difference], fmt: str) -> str:
    """The comparison in `fmt` (text, markdown or json)."""
    if fmt == "json":
        items = [
            {"environment": e, "against": o, "model": m, "pinned": a, "againstPinned": b}
            for e, o, m, a, b in rows
        ]
        return json.dumps({"pinsDiffer": items}, indent=2) + "\n"
    if not rows:
        return "the environments pin the same ids\n" if fmt == "text" else "Same pins.\n"
    if fmt == "markdown":
        lines = ["| model | environment | pinned | compared with | pinned there |"]
        lines.append("| --- | --- | --- | --- | --- |")
        lines += [f"| {m} | {e} | `{a or '-'}` | {o} | `{b or '-'}` |" for e, o, m, a, b in rows]
        return "\n".join(lines) + "\n"
    return "".join(
        f"{m}: {e} {a or '(not pinned)'}, {o} {b or '(not pinned)'}\n" for e, o, m, a, b in rows
    )
