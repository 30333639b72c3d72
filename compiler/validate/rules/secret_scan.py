"""Scan rendered output for secret-looking values; a hit blocks the write.

Every string in every document is checked for known key shapes (`compiler.secrets.patterns`);
environment variable values are also checked for long random-looking tokens, since a
literal key pasted there is the usual leak. The finding names the kind and the place,
never the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.models.findings import Finding, as_mapping
from compiler.secrets.patterns import find_secret


def scan_for_secrets(documents: Sequence[RenderedDocument]) -> Iterator[Finding]:
    """One finding per string value that looks like a secret (or per document text)."""
    for doc in documents:
        found = False
        sealed = _ciphertexts(doc)
        for path, value in _strings(doc.data, ()):
            if path[:2] == ("spec", "encryptedData") and value in sealed:
                continue
            kind = find_secret(value, high_entropy=_is_env_value(path))
            if kind is not None:
                found = True
                yield _finding(
                    doc, path, f"rendered output contains a secret-looking value ({kind}"
                )
        kind = None if found else find_secret(_without(doc.text, sealed))
        if kind is not None:
            yield _finding(
                doc,
                (),
                f"rendered text outside any value, such as a comment, looks like a secret ({kind}",
            )


def _ciphertexts(doc: RenderedDocument) -> frozenset[str]:
    """A SealedSecret's values: random-looking by design, and safe to commit."""
    if doc.kind != "SealedSecret" or not doc.api_version.startswith("bitnami.com/"):
        return frozenset()
    data = as_mapping(as_mapping(doc.data.get("spec")).get("encryptedData"))
    return frozenset(v for v in data.values() if isinstance(v, str))


def _without(text: str, values: frozenset[str]) -> str:
    for value in values:
        text = text.replace(value, "")
    return text


def _finding(doc: RenderedDocument, path: JsonPath, what: str) -> Finding:
    return Finding(
        doc,
        path,
        "secret-in-output",
        f"{what}; value not shown)",
        hint="keep secrets out of the inventory: reference a Secret "
        "(credentials.secretRef) and let the cluster inject it",
    )


def _strings(value: object, path: JsonPath) -> list[tuple[JsonPath, str]]:
    """Every string leaf long enough to hold a secret, with its path.

    A list-and-stack walk: paths are built only for the strings returned, not for every
    node (this runs over every value of every rendered document).
    """
    found: list[tuple[JsonPath, str]] = []
    trail = list(path)

    def walk(node: object) -> None:
        if type(node) is dict or (type(node) not in _LEAVES and isinstance(node, dict)):
            children: Iterable[tuple[str | int, object]] = node.items()
        elif type(node) is list or (type(node) not in _LEAVES and isinstance(node, list)):
            children = enumerate(node)
        else:
            if isinstance(node, str) and len(node) >= _SHORTEST:
                found.append((tuple(trail), node))
            return
        for key, child in children:
            kind = type(child)
            if kind is str:  # most values: handled here rather than by a call each
                if len(child) >= _SHORTEST:  # type: ignore[arg-type]
                    found.append(((*trail, key), child))  # type: ignore[arg-type]
            elif kind not in _SCALARS:
                trail.append(key)
                walk(child)
                trail.pop()

    walk(value)
    return found


_SCALARS = frozenset({int, float, bool, type(None)})
_LEAVES = frozenset({str, int, float, bool, type(None)})
_SHORTEST = 20


def _is_env_value(path: JsonPath) -> bool:
    return len(path) >= 3 and path[-1] == "value" and path[-3] == "env"
