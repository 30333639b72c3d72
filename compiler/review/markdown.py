"""Render a Review as a reviewer-first markdown report, split under GitHub's comment limit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.review.fields import FieldChange, format_path
from compiler.review.lockdiff import LockSummary
from compiler.review.mermaid import mermaid
from compiler.review.model import EnvDiff, Review, group_identical
from compiler.review.resources import ResourceChange
from compiler.review.text import (
    MARKS,
    affects_text,
    content_lines,
    counts,
    format_value,
    lifecycle_text,
    pin_text,
    short,
)
from compiler.secrets.redact import scrub

GITHUB_COMMENT_LIMIT = 65_536
MARKER = "<!-- modelplane-report -->"
_CELL_LIMIT = 300
# Room kept in every part for its "part i of n" header.
_HEADER_ROOM = 200


@dataclass(frozen=True, slots=True)
class Block:
    """An indivisible piece of the report; `env` names the section it continues."""

    text: str
    env: str = ""


def format_markdown(review: Review) -> str:
    """The whole report as one markdown document (for the job summary)."""
    return MARKER + "\n" + "".join(b.text for b in markdown_blocks(review))


def split_markdown(review: Review, limit: int = GITHUB_COMMENT_LIMIT) -> list[str]:
    """The report as comments, each under `limit` characters, split between blocks."""
    parts: list[list[Block]] = [[]]
    size = 0
    for block in _fitted(markdown_blocks(review), limit - _HEADER_ROOM):
        if parts[-1] and size + len(block.text) > limit - _HEADER_ROOM:
            parts.append(
                [Block(f"\n### {block.env} (continued)\n\n", block.env)] if block.env else []
            )
            size = sum(len(b.text) for b in parts[-1])
        parts[-1].append(block)
        size += len(block.text)
    total = len(parts)
    return [
        _part_header(i, total) + "".join(b.text for b in part) for i, part in enumerate(parts, 1)
    ]


def _part_header(index: int, total: int) -> str:
    marker = f"<!-- modelplane-report part {index} -->\n"
    return marker if total == 1 else marker + f"_modelplane report, part {index} of {total}_\n\n"


def _fitted(blocks: list[Block], room: int) -> Iterator[Block]:
    note = "\n\n_… cut: this block alone exceeds the comment size; see the job summary._\n\n"
    for block in blocks:
        if len(block.text) <= room:
            yield block
        else:
            yield Block(block.text[: room - len(note) - 200] + note, block.env)


def markdown_blocks(review: Review) -> list[Block]:
    """Summary and deletions first, then one section per change (shared by environments)."""
    blocks = [Block(_summary(review) + _destructive(review))]
    changed = [e for e in review.envs if _env_changed(e, review.lock_only)]
    for env, names in group_identical(changed, whole=True):
        blocks += list(_env_blocks(env, names, review.lock_only))
    return blocks


def _destructive(review: Review) -> str:
    gone = review.destructive
    if not gone:
        return ""
    lines = [
        "",
        "> [!WARNING]",
        f"> **{len(gone)} resource(s) will be deleted** when Argo CD / Flux prunes this change:",
    ]
    for env, change in gone:
        name = change.old_name or change.name
        renamed = f" (renamed to `{change.name}`)" if change.old_name else ""
        lines.append(f"> - {env}: `{change.kind}/{name}`{renamed}")
    return "\n".join(lines) + "\n"


def _env_changed(env: EnvDiff, lock_only: bool) -> bool:
    lock_changed = env.lock is not None and env.lock.changed
    return bool(lock_changed or env.notes or (not lock_only and env.changes))


def anchor(*parts: str) -> str:
    """A stable HTML anchor id from names (`mp-prod-modelapi-chat`)."""
    return "mp-" + "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts)


def _summary(review: Review) -> str:
    changed = [e for e in review.envs if _env_changed(e, review.lock_only)]
    lines = [
        "## modelplane: what this change does",
        "",
        f"Base `{short(review.base)}` · {len(review.envs)} environment(s) · "
        f"{len(changed)} with changes",
        "",
        "| environment | added | changed | removed | renamed | model pins |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [_summary_row(env, env in changed) for env in review.envs]
    return "\n".join(lines) + "\n"


def _summary_row(env: EnvDiff, changed: bool) -> str:
    tally = counts(env.changes)
    name = f"[{env.env}](#{anchor(env.env)})" if changed else env.env
    cells = [str(tally[k]) if tally[k] else "·" for k in ("added", "changed", "removed", "renamed")]
    return f"| {name} | {' | '.join(cells)} | {_pin_tally(env.lock)} |"


def _pin_tally(summary: LockSummary | None) -> str:
    if summary is None or not summary.changed:
        return "·"
    kinds: list[str] = [c.kind for c in summary.changes]
    parts = [
        f"{kinds.count(k)} {label}"
        for k, label in (("repinned", "re-pinned"), ("added", "added"), ("removed", "removed"))
        if kinds.count(k)
    ]
    if kinds.count("facts"):
        parts.append(f"{kinds.count('facts')} with new facts")
    if summary.lifecycle:
        parts.append(f"⚠ {len(summary.lifecycle)} deprecated/retiring")
    return ", ".join(parts)


def _env_blocks(env: EnvDiff, names: tuple[str, ...], lock_only: bool) -> Iterator[Block]:
    anchors = "".join(f'<a id="{anchor(name)}"></a>' for name in names)
    shared = f"\n_The same change in {len(names)} environments._\n" if len(names) > 1 else ""
    head = [f"\n{anchors}\n\n### {', '.join(names)}\n{shared}"]
    head += [f"\n> **note:** {_inline(n)}\n" for n in env.notes]
    yield Block("".join(head), env.env)
    if env.lock is not None and env.lock.changed:
        yield Block(_lock_table(env.lock), env.env)
    diagram = mermaid(env)
    if diagram:
        yield Block(diagram, env.env)
    if not lock_only:
        for change in env.changes:
            yield Block(_resource_details(env.env, change), env.env)


def _lock_table(summary: LockSummary) -> str:
    lines = [
        "\n**Model pins**\n",
        "| provider | model | change | affects |",
        "| --- | --- | --- | --- |",
    ]
    for c in summary.changes:
        facts = ("<br>" + _inline("; ".join(c.facts))) if c.facts else ""
        affects = _inline(affects_text(c.model_apis, c.routes, c.resources)) or "·"
        change = _inline(pin_text(c).split(": ", 1)[1])
        lines.append(
            f"| {c.provider} | `{c.model}` | {MARKS[c.kind]} {change}{facts} | {affects} |"
        )
    for w in summary.lifecycle:
        affects = _inline(affects_text(w.model_apis, w.routes, w.resources)) or "·"
        lines.append(f"| {w.provider} | `{w.model}` | ⚠ {_inline(lifecycle_text(w))} | {affects} |")
    return "\n".join(lines) + "\n"


def _resource_details(env: str, change: ResourceChange) -> str:
    mark = MARKS[change.status]
    count = f" · {len(change.fields)} field(s)" if change.fields else ""
    summary = f"<code>{html.escape(f'{mark} {change.title}')}</code> · {change.status}{count}"
    body = _field_table(change.fields) if change.fields else f"_{change.status}: `{change.path}`_\n"
    if change.content:
        shown = "\n".join(content_lines(change, limit=10_000))
        body += f"\n```diff\n{shown}\n```\n"
    ident = anchor(env, change.kind, change.name)
    return f'\n<a id="{ident}"></a>\n<details><summary>{summary}</summary>\n\n{body}\n</details>\n'


def _field_table(fields: tuple[FieldChange, ...]) -> str:
    lines = ["| field | before | after |", "| --- | --- | --- |"]
    for f in fields:
        old = _cell(f.old) if f.kind != "added" else "·"
        new = _cell(f.new) if f.kind != "removed" else "·"
        lines.append(f"| {_code(format_path(f.path))} | {old} | {new} |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return _code(scrub(format_value(value), limit=_CELL_LIMIT))  # scrubbed, then shortened


def _code(text: str) -> str:
    escaped = html.escape(text, quote=False).replace("|", "&#124;").replace("\n", "↵")
    return f"<code>{escaped}</code>"


def _inline(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "&#124;").replace("\n", " ")
