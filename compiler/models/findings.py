"""A finding about one rendered document, before it is located and reported."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compiler.errors import Diagnostic, Severity
from compiler.models.artifacts import JsonPath, RenderedDocument, format_json_path
from compiler.secrets.redact import redact_message


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem at `path` inside `document`."""

    document: RenderedDocument
    path: JsonPath
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def to_diagnostic(self, manifests_display_dir: str) -> Diagnostic:
        """Locate the finding twice: the input that produced it, and the manifest place."""
        prefix = f"{manifests_display_dir.rstrip('/')}/" if manifests_display_dir else ""
        return Diagnostic(
            location=self.document.locate(self.path),
            code=self.code,
            message=redact_message(self.message),
            hint=self.hint,
            severity=self.severity,
            detail=f"{prefix}{self.document.path}::{format_json_path(self.path)}",
        )


def as_mapping(value: object) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one: rendered data is checked, not trusted."""
    return value if isinstance(value, Mapping) else {}
