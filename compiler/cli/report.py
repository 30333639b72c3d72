"""Turn diagnostics into text for people, GitHub annotations, or JSON for tools (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import click

from compiler.errors import Diagnostic, Severity

OutputFormat = Literal["text", "json", "github"]
_LEVEL_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def format_diagnostics(
    diagnostics: Sequence[Diagnostic],
    fmt: Literal["text", "github"],
    *,
    color: bool = False,
    run_envs: Sequence[str] = (),
) -> str:
    """All diagnostics in one format, newline-terminated (empty string when none).

    An environment-scoped finding names its environments when the run covers several
    and the finding is not shared by all of them (then it is the inventory's).
    """
    if fmt == "github":
        return "".join(_github(d, _scope(d, run_envs)) + "\n" for d in diagnostics)
    return "".join(_text(d, _scope(d, run_envs), color) + "\n" for d in diagnostics)


def _scope(d: Diagnostic, run_envs: Sequence[str]) -> str:
    if len(run_envs) < 2 or not d.environment or set(d.environments) >= set(run_envs):
        return ""
    return d.environment


def _text(d: Diagnostic, scope: str, color: bool) -> str:
    def style(text: str, fg: str | None = None, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold or None) if color else text

    where = f" in {scope}" if scope else ""
    level = style(f"{d.severity.value}[{d.code}]", _LEVEL_COLOR[d.severity], bold=True)
    lines = [f"{style(str(d.location), bold=True)}: {level}{where}: {d.message}"]
    if d.detail:
        lines.append(f"  {style('-->', 'blue')} {d.detail}")
    if d.hint:
        lines.append(f"  {style('= hint:', 'cyan')} {d.hint}")
    return "\n".join(lines)


def _github(d: Diagnostic, scope: str) -> str:
    level = "error" if d.severity is Severity.ERROR else "warning"
    props = [f"file={_escape_property(d.location.path)}"]
    if d.location.line:
        props += [f"line={d.location.line}", f"col={d.location.column}"]
    title = f"{d.code} ({scope})" if scope else d.code
    props.append(f"title={_escape_property(title)}")
    message = (
        d.message + (f" ({d.detail})" if d.detail else "") + (f"\nhint: {d.hint}" if d.hint else "")
    )
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def diagnostic_json(d: Diagnostic) -> dict[str, object]:
    """One diagnostic as the `problems` items of the JSON result document."""
    return {
        "path": d.location.path,
        "line": d.location.line,
        "column": d.location.column,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "detail": d.detail,
        "hint": d.hint,
        "environments": list(d.environments),
    }


def summarize(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    """`2 errors, 1 warning` style count."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    text = ", ".join(parts)
    if not color:
        return text
    return click.style(text, fg="red" if errors else "yellow", bold=bool(errors))
