"""Render a Review as terminal text (optionally colored) or JSON (pure str functions)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from compiler.review.fields import FieldChange, format_path
from compiler.review.lockdiff import Lifecycle, LockSummary, PinChange
from compiler.review.model import EnvDiff, Review, group_identical
from compiler.review.resources import ResourceChange

Style = Callable[[str, str], str]
MARKS = {
    "added": "+",
    "removed": "-",
    "changed": "~",
    "renamed": ">",
    "repinned": "~",
    "facts": "~",
}
_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "~": "\x1b[33m", ">": "\x1b[36m", "!": "\x1b[35m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
JSON_FORMAT_VERSION = 1
# An added object is shown whole up to here (a ModelAPI with its LiteLLM config is ~60).
MAX_CONTENT_LINES = 80


def format_value(value: Any) -> str:
    """A changed value as one line: strings bare, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _plain(_mark: str, text: str) -> str:
    return text


def _ansi(mark: str, text: str) -> str:
    return f"{_COLORS.get(mark, _BOLD)}{text}{_RESET}"


def short(commit: str) -> str:
    """The abbreviated commit id shown to people."""
    return commit[:12]


def counts(changes: tuple[ResourceChange, ...]) -> dict[str, int]:
    """How many resources were added, changed, removed and renamed."""
    keys = ("added", "changed", "removed", "renamed")
    return {k: sum(c.status == k for c in changes) for k in keys}


def format_text(review: Review, *, color: bool = False) -> str:
    """The whole review for a terminal, ending with a Terraform-style plan line."""
    style: Style = _ansi if color else _plain
    lines = [f"modelplane diff against {short(review.base)}", ""]
    if review.lock_only:
        for env in review.envs:
            lines += [*_notes(env), *_lock_lines(env.lock, style)]
    else:
        lines += _destructive_lines(review, style)
        for env in review.envs:
            lines += _notes(env)
        for env, names in group_identical(review.envs, whole=False):
            lines += _env_lines(env, ", ".join(names), style)
    lines.append(_plan_line(review))
    return "\n".join(lines) + "\n"


def _destructive_lines(review: Review, style: Style) -> list[str]:
    """What the GitOps engine deletes when it syncs this change, first of all."""
    gone = review.destructive
    if not gone:
        return []
    head = f"! {len(gone)} resource(s) will be deleted when Argo CD / Flux prunes:"
    lines = [style("!", head)]
    for env, change in gone:
        name = change.old_name if change.status == "renamed" else change.name
        why = " (renamed: deleted, then created as " + change.name + ")" if change.old_name else ""
        lines.append("  " + style("-", f"- {env}: {change.kind}/{name}") + why)
    return [*lines, ""]


def _notes(env: EnvDiff) -> Iterator[str]:
    for note in env.notes:
        yield f"{env.env}: note: {note}"


def _env_lines(env: EnvDiff, names: str, style: Style) -> Iterator[str]:
    if not env.changes:
        yield f"{names}: no changes"
        return
    tally = ", ".join(f"{n} {k}" for k, n in counts(env.changes).items() if n)
    yield style("", f"{names}: {tally}")
    for change in env.changes:
        mark = MARKS[change.status]
        yield "  " + style(mark, f"{mark} {change.title}") + f"  ({change.path})"
        yield from ("      " + _field_line(f, style) for f in change.fields)
        yield from ("      " + style(mark, line) for line in content_lines(change))


def content_lines(change: ResourceChange, limit: int = MAX_CONTENT_LINES) -> list[str]:
    """An added or removed object, line by line, marked like a diff (+ added, - removed)."""
    if not change.content:
        return []
    mark = MARKS[change.status]
    lines = change.content.splitlines()
    shown = [f"{mark} {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"  ... {len(lines) - limit} more line(s)")
    return shown


def _field_line(change: FieldChange, style: Style) -> str:
    mark = MARKS[change.kind]
    path = format_path(change.path)
    if change.kind == "added":
        return style(mark, f"+ {path}: {format_value(change.new)}")
    if change.kind == "removed":
        return style(mark, f"- {path}: {format_value(change.old)}")
    return style(mark, f"~ {path}: {format_value(change.old)} → {format_value(change.new)}")


def _lock_lines(summary: LockSummary | None, style: Style) -> Iterator[str]:
    if summary is None or not summary.changed:
        yield f"{summary.env if summary else '?'}: models.lock unchanged"
        return
    yield style("", f"{summary.env}: models.lock")
    for provider in summary.providers():
        yield f"  {provider}"
        for change in (c for c in summary.changes if c.provider == provider):
            yield from _pin_lines(change, style)
        for warning in (w for w in summary.lifecycle if w.provider == provider):
            used = (
                affects_text(warning.model_apis, warning.routes, warning.resources)
                or "no model API"
            )
            yield "    " + style("!", f"! {warning.model}: {lifecycle_text(warning)}")
            yield f"        still in use by {used}"


def _pin_lines(change: PinChange, style: Style) -> Iterator[str]:
    mark = MARKS[change.kind]
    yield "    " + style(mark, f"{mark} {pin_text(change)}")
    if change.facts:
        yield "        " + "; ".join(change.facts)
    if change.model_apis or change.routes or change.resources:
        yield "        affects " + affects_text(change.model_apis, change.routes, change.resources)


def pin_text(change: PinChange) -> str:
    """`chat-default: gpt-4o-2024-08-06 → gpt-4o-2024-11-20 (selector gpt-4o)`."""
    what = {
        "added": f"pinned {change.new_id}",
        "removed": f"was {change.old_id}",
        "repinned": f"{change.old_id} → {change.new_id}",
        "facts": f"{change.new_id} (pin unchanged)",
    }[change.kind]
    return f"{change.model}: {what} (selector {change.selector})"


def lifecycle_text(warning: Lifecycle) -> str:
    """`claude-…-20250929 deprecated 2026-10-01, retires 2027-01-15`."""
    states = []
    if warning.deprecated_at:
        states.append(f"deprecated {warning.deprecated_at}")
    if warning.retires_at:
        states.append(f"retires {warning.retires_at}")
    return f"{warning.pinned} {', '.join(states)}"


def affects_text(
    apis: tuple[str, ...], routes: tuple[str, ...], resources: tuple[str, ...] = ()
) -> str:
    """`ModelAPI/chat, HTTPRoute/chat, ModelConfig/chat-default`."""
    named = [f"ModelAPI/{a}" for a in apis] + [f"HTTPRoute/{r}" for r in routes]
    return ", ".join(named + list(resources))


def _plan_line(review: Review) -> str:
    if review.lock_only:
        moved = sum(len(e.lock.changes) for e in review.envs if e.lock)
        warned = sum(len(e.lock.lifecycle) for e in review.envs if e.lock)
        return f"Lock: {moved} model change(s), {warned} lifecycle warning(s)."
    total = counts(tuple(c for e in review.envs for c in e.changes))
    return (
        f"Plan: {total['added']} to add, {total['changed']} to change, "
        f"{total['removed']} to remove, {total['renamed']} to rename."
    )


def format_json(review: Review) -> str:
    """The whole review as JSON for tools (stable key order, trailing newline)."""
    data = {
        "formatVersion": JSON_FORMAT_VERSION,
        "base": review.base,
        "changed": review.changed,
        "destructive": [
            {"environment": env, "kind": c.kind, "name": c.old_name or c.name, "status": c.status}
            for env, c in review.destructive
        ],
        "environments": [_env_json(env, review.lock_only) for env in review.envs],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _env_json(env: EnvDiff, lock_only: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"name": env.env, "notes": list(env.notes)}
    if not lock_only:
        data["resources"] = [_resource_json(c) for c in env.changes]
    data["lock"] = _lock_json(env.lock) if env.lock else None
    return data


def _resource_json(change: ResourceChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "name": change.name,
        "namespace": change.namespace,
        "status": change.status,
        "oldName": change.old_name or None,
        "path": change.path,
        "content": change.content or None,
        "fields": [
            {"path": format_path(f.path), "change": f.kind, "old": f.old, "new": f.new}
            for f in change.fields
        ],
    }


def _lock_json(summary: LockSummary) -> dict[str, Any]:
    return {
        "changes": [
            {
                "model": c.model,
                "provider": c.provider,
                "change": c.kind,
                "selector": c.selector,
                "old": c.old_id or None,
                "new": c.new_id or None,
                "facts": list(c.facts),
                "modelApis": list(c.model_apis),
                "httpRoutes": list(c.routes),
                "resources": list(c.resources),
            }
            for c in summary.changes
        ],
        "lifecycle": [
            {
                "model": w.model,
                "provider": w.provider,
                "pinned": w.pinned,
                "deprecatedAt": w.deprecated_at,
                "retiresAt": w.retires_at,
                "modelApis": list(w.model_apis),
                "httpRoutes": list(w.routes),
                "resources": list(w.resources),
            }
            for w in summary.lifecycle
        ],
    }
