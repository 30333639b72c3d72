"""Rendered manifests parsed back fast (Rust yaml_rs), and strict JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml_rs

from compiler.yamlio.source import PathKey


def load_json(text: str) -> Any:
    """Plain data from strict JSON text, exactly as `load_yaml` would build it.

    Much faster than composing with positions; for machine-written files whose
    positions only matter when they are invalid. Raises ValueError on anything where
    the two could differ: invalid JSON, duplicate keys, NaN or Infinity.
    """
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def parse_manifest(text: str) -> Any:
    """Parse one rendered YAML document (fast path, no positions)."""
    return yaml_rs.loads(text, parse_datetime=False)


class ManifestParseError(ValueError):
    """A rendered document is not valid YAML."""


def parse_manifest_checked(text: str) -> Any:
    """Parse a rendered document, turning parser errors into ManifestParseError."""
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception as exc:  # yaml_rs raises its own error types; keep them behind this seam
        raise ManifestParseError(str(exc)) from None


def iter_paths(data: Any, prefix: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every (path, scalar) leaf of plain data, depth first, in document order."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from iter_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_paths(value, (*prefix, index))
    else:
        yield prefix, data


_DOCUMENT_START = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)


def parse_documents(text: str) -> list[Any]:
    """Parse a multi-document YAML stream (CRD files, manifests on disk); drop empty ones."""
    chunks = _DOCUMENT_START.split(text)
    parsed = (parse_manifest_checked(chunk) for chunk in chunks if chunk.strip())
    return [doc for doc in parsed if doc is not None]
