"""Scan rendered output for secret-looking values; a hit blocks the write.

Every string in every document is checked for known key shapes (`compiler.secrets.patterns`);
environment variable values are also checked for long random-looking tokens, since a
literal key pasted there is the usual leak. The finding names the kind and the place,
never the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.models.findings import Finding
from compiler.secrets.patterns import find_secret


def scan_for_secrets(documents: Sequence[RenderedDocument]) -> Iterator[Finding]:
    """One finding per string value that looks like a secret (or per document text)."""
    for doc in documents:
        found = False
        for path, value in _strings(doc.data, ()):
            kind = find_secret(value, high_entropy=_is_env_value(path))
            if kind is not None:
                found = True
                yield _finding(
                    doc, path, f"rendered output contains a secret-looking value ({kind}"
                )
        kind = None if found else find_secret(doc.text)
        if kind is not None:
            yield _finding(
                doc,
                (),
                f"rendered text outside any value, such as a comment, looks like a secret ({kind}",
            )


def _finding(doc: RenderedDocument, path: JsonPath, what: str) -> Finding:
    return Finding(
        doc,
        path,
        "secret-in-output",
        f"{what}; value not shown)",
        hint="keep secrets out of the inventory: reference a Secret "
        "(credentials.secretRef) and let the cluster inject it",
    )


def _strings(value: object, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    """Every string leaf long enough to hold a secret, with its path."""
    if isinstance(value, str):
        if len(value) >= _SHORTEST:
            yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, (*path, index))


_SHORTEST = 20


def _is_env_value(path: JsonPath) -> bool:
    return len(path) >= 3 and path[-1] == "value" and path[-3] == "env"
