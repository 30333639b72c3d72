"""`outdated` as text, markdown (a pull request body) or a JSON result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from compiler.lock.outdated import OutdatedPin, by_provider

_HEADER = "| environment | model | pinned | what |"


def _what(pin: OutdatedPin) -> str:
    parts = []
    if pin.newer:
        parts.append(f"newer: {pin.newer}")
    if pin.vanished:
        parts.append("vanished from the provider's list")
    if pin.deprecated_at:
        parts.append(f"deprecated {pin.deprecated_at}")
    if pin.retires_at:
        parts.append(f"retires {pin.retires_at}")
    return "; ".join(parts)


def format_text(pins: Sequence[OutdatedPin]) -> str:
    """One line per pin, grouped by environment."""
    if not pins:
        return "all pins are current\n"
    lines = []
    for env in sorted({p.env for p in pins}):
        lines.append(f"{env}:")
        lines += [
            f"  {p.model} ({p.provider}) {p.pinned}: {_what(p)}" for p in pins if p.env == env
        ]
    return "\n".join(lines) + "\n"


def format_markdown(pins: Sequence[OutdatedPin]) -> str:
    """A table per provider, for an upgrade pull request body."""
    if not pins:
        return "All pins are current.\n"
    out = ["## Outdated model pins", ""]
    for provider, group in by_provider(list(pins)):
        out += [
            f"### {provider}",
            "",
            "| environment | model | pinned | what |",
            "| --- | --- | --- | --- |",
        ]
        out += [f"| {p.env} | {p.model} | `{p.pinned}` | {_what(p)} |" for p in group]
        out.append("")
    return "\n".join(out)


def as_json(pins: Sequence[OutdatedPin]) -> dict[str, Any]:
    """The `result` object of the JSON document."""
    return {
        "pins": [
            {
                "environment": p.env,
                "model": p.model,
                "provider": p.provider,
                "pinned": p.pinned,
                "kinds": list(p.kinds),
                "newer": p.newer,
                "deprecatedAt": p.deprecated_at,
                "retiresAt": p.retires_at,
            }
            for p in pins
        ],
        "providersWithUpgrades": sorted({p.provider for p in pins if p.newer or p.vanished}),
    }
