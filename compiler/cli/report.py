"""Turn diagnostics into text for people, GitHub annotations, or JSON for tools (pure)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from compiler.errors import Diagnostic, Severity

OutputFormat = Literal["text", "json", "github"]


def format_diagnostics(diagnostics: Sequence[Diagnostic], fmt: OutputFormat) -> str:
    """All diagnostics in one format, newline-terminated (empty string when none)."""
    if fmt == "json":
        return json.dumps([_as_json(d) for d in diagnostics], indent=2) + "\n"
    render = _github if fmt == "github" else _text
    return "".join(render(d) + "\n" for d in diagnostics)


def _text(d: Diagnostic) -> str:
    lines = [f"{d.location}: {d.severity.value}[{d.code}]: {d.message}"]
    if d.detail:
        lines.append(f"  --> {d.detail}")
    if d.hint:
        lines.append(f"  = hint: {d.hint}")
    return "\n".join(lines)


def _github(d: Diagnostic) -> str:
    level = "error" if d.severity is Severity.ERROR else "warning"
    props = [f"file={_escape_property(d.location.path)}"]
    if d.location.line:
        props += [f"line={d.location.line}", f"col={d.location.column}"]
    props.append(f"title={_escape_property(d.code)}")
    message = (
        d.message + (f" ({d.detail})" if d.detail else "") + (f"\nhint: {d.hint}" if d.hint else "")
    )
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _as_json(d: Diagnostic) -> dict[str, object]:
    return {
        "path": d.location.path,
        "line": d.location.line,
        "column": d.location.column,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "detail": d.detail,
        "hint": d.hint,
    }


def summarize(diagnostics: Sequence[Diagnostic]) -> str:
    """`2 errors, 1 warning` style count."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)
