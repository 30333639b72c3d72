"""Hostile input the YAML parser would mishandle: located errors instead of crashes.

Forbidden characters (a NUL byte) are reported on their own line rather than at the
start of the stream; nesting deep enough to exhaust the parser's recursion and numbers
too long to convert become located findings, not internal errors.
"""

from __future__ import annotations

import re

from compiler.errors import Diagnostic, Location


class YamlLoadError(Exception):
    """A file could not be loaded; carries located diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(d.message for d in diagnostics))


# Characters YAML forbids (C0 controls but tab and newlines, DEL, C1 but NEL, surrogates,
# non-characters). ruamel reports them at the start of the stream; this finds the line.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def check_characters(text: str, path: str) -> None:
    """Raise YamlLoadError at the first character YAML forbids."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    char = f"U+{ord(found.group()):04X}"
    message = f"invalid YAML: control character {char} is not allowed"
    hint = "remove it (a NUL byte often means a binary or UTF-16 file)"
    raise YamlLoadError(
        [Diagnostic(Location(path, line, column), "yaml-syntax", message, hint=hint)]
    )


def too_deep(text: str, path: str) -> Diagnostic:
    """Nesting beyond what the parser can follow, at the deepest line we can find."""
    lines = text.splitlines() or [""]
    depth, deepest, where = 0, -1, 1
    for number, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip(" -"))
        opened = line.count("[") + line.count("{")
        if depth + indent + opened > deepest:
            deepest, where = depth + indent + opened, number
        depth += opened - line.count("]") - line.count("}")
    return Diagnostic(
        Location(path, where, 1),
        "yaml-too-deep",
        "the document is nested too deeply to read",
        hint="no inventory needs more than a few levels; flatten this value",
    )


def bad_number(value: str, at: Location) -> Diagnostic:
    """A number Python will not convert (over 4,300 digits)."""
    return Diagnostic(
        at,
        "yaml-number",
        f"number with {len(value):,} characters is too large to read",
        hint="quote it if it is meant as text",
    )
