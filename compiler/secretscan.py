"""Scan rendered output for secret-looking values; a hit blocks the write.

Every string in every document is checked for known key shapes (`compiler.secrets`);
environment variable values are also checked for long random-looking tokens, since a
literal key pasted there is the usual leak. The finding names the kind and the place,
never the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from compiler.findings import Finding
from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.secrets import find_secret
from compiler.yamlio import iter_paths


def scan_for_secrets(documents: Sequence[RenderedDocument]) -> Iterator[Finding]:
    """One finding per string value that looks like a secret."""
    for doc in documents:
        for path, value in iter_paths(doc.data):
            if not isinstance(value, str):
                continue
            kind = find_secret(value, high_entropy=_is_env_value(path))
            if kind is not None:
                yield Finding(
                    doc,
                    path,
                    "secret-in-output",
                    f"rendered output contains a secret-looking value ({kind}; value not shown)",
                    hint="keep secrets out of the inventory: reference a Secret "
                    "(credentials.secretRef) and let the cluster inject it",
                )


def _is_env_value(path: JsonPath) -> bool:
    return len(path) >= 3 and path[-1] == "value" and path[-3] == "env"
