"""Read Kubernetes manifests from disk as RenderedDocuments that know their own lines.

For `modelplane validate FILE...`: each document's `origin` is the manifest itself and
every value's position comes from the YAML loader, so diagnostics point at the exact
line in the file being validated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from compiler.errors import Diagnostic, Location
from compiler.fsio import read_regular
from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.yamlio.source import YamlLoadError, load_yaml

_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)
_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class LoadedManifests:
    """Documents read from disk, and the files that could not be read."""

    documents: tuple[RenderedDocument, ...]
    diagnostics: tuple[Diagnostic, ...]


def manifest_files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into the YAML files below them, sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def load_manifests(paths: Sequence[Path], display: Callable[[Path], str]) -> LoadedManifests:
    """Load every document of every file; unreadable or invalid YAML becomes a diagnostic."""
    documents: list[RenderedDocument] = []
    diagnostics: list[Diagnostic] = []
    for path in manifest_files(paths):
        shown = display(path)
        try:
            text = read_regular(path).decode("utf-8")  # a FIFO is refused, never waited on
        except (OSError, UnicodeDecodeError) as exc:
            diagnostics.append(Diagnostic(Location(shown), "manifest-read", str(exc)))
            continue
        for chunk, offset in _chunks(text):
            _load_chunk(chunk, offset, shown, documents, diagnostics)
    return LoadedManifests(tuple(documents), tuple(diagnostics))


def _chunks(text: str) -> Iterator[tuple[str, int]]:
    """Each document's text and the number of lines before it."""
    start, line = 0, 0
    for match in _SEPARATOR.finditer(text):
        yield text[start : match.start()], line
        line += text.count("\n", start, match.end()) + 1
        start = match.end() + 1
    yield text[start:], line


def _load_chunk(
    chunk: str,
    offset: int,
    shown: str,
    documents: list[RenderedDocument],
    diagnostics: list[Diagnostic],
) -> None:
    try:
        loaded = load_yaml(chunk, shown)
    except YamlLoadError as exc:
        diagnostics += [replace(d, location=_shift(d.location, offset)) for d in exc.diagnostics]
        return
    if loaded.data is None:
        return
    origins = {path: _shift(loc, offset) for path, loc in loaded.source.values.items()}
    origin = origins.get((), Location(shown, offset + 1, 1))
    if not isinstance(loaded.data, Mapping):
        diagnostics.append(
            Diagnostic(origin, "manifest-not-object", "a manifest document must be a mapping")
        )
        return
    field_origins: dict[JsonPath, Location] = {p: loc for p, loc in origins.items() if p}
    documents.append(RenderedDocument(shown, chunk, loaded.data, origin, field_origins))


def _shift(location: Location, lines: int) -> Location:
    return replace(location, line=location.line + lines) if location.line else location
