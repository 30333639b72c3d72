"""Read one schema file of `schemas/` as hostile input: located errors, nothing fetched.

A schema override is a file anyone with commit access can change. It is read through
`read_input` (no links out of the repository, no FIFOs); invalid JSON is reported at its
line and column; a `$ref` that is not inside the file itself (`#/...`) is refused here,
before any validator could try to fetch it over the network or from the disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs

from compiler.errors import CompilerError, Diagnostic, Location
from compiler.fsio import InputFileError, read_input_text


class SchemaFileError(CompilerError):
    """A schema file cannot be used."""


def read_schema_file(
    path: Path, roots: tuple[Path, ...], display: str, problems: list[Diagnostic]
) -> dict[str, Any] | None:
    """The schema in `path`, or None with the reasons added to `problems`."""
    try:
        text = read_input_text(path, roots, display)
    except InputFileError as exc:
        problems.extend(exc.diagnostics)
        return None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        at = Location(display, exc.lineno, exc.colno)
        problems.append(Diagnostic(at, "schema-json", f"invalid JSON: {exc.msg}"))
        return None
    except RecursionError:
        problems.append(Diagnostic(Location(display, 1, 1), "schema-json", "nested too deeply"))
        return None
    if not isinstance(schema, dict):
        problems.append(
            Diagnostic(Location(display, 1, 1), "schema-json", "a schema must be a JSON object")
        )
        return None
    outside = [ref for ref in _refs(schema) if not ref.startswith("#")]
    problems.extend(_refused(ref, text, display) for ref in outside)
    if outside:
        return None
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "not a JSON Schema"
        problems.append(
            Diagnostic(Location(display, 1, 1), "schema-invalid", f"invalid JSON Schema: {message}")
        )
        return None
    except (ValueError, jsonschema_rs.ReferencingError):
        pass  # a draft the meta-schemas do not cover: compiled (and checked) when first used
    return schema


def _refs(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:  # iterative: a deep schema must not exhaust the recursion limit
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _refused(ref: str, text: str, display: str) -> Diagnostic:
    offset = text.find(json.dumps(ref))
    line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1 if offset >= 0 else 1
    return Diagnostic(
        Location(display, line, column),
        "schema-ref",
        f"$ref {ref!r} points outside the schema file; it is never fetched",
        hint="inline the referenced definition under $defs and point at it with #/$defs/...",
    )
