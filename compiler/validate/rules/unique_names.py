"""Rendered objects of one kind with one namespace and name: the second would overwrite."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from compiler.models.artifacts import RenderedDocument
from compiler.models.findings import Finding


def check_unique_names(documents: Sequence[RenderedDocument]) -> Iterator[Finding]:
    """Two objects of one kind with the same namespace and name: the second is flagged."""
    seen: dict[tuple[str, str, str, str], RenderedDocument] = {}
    for doc in documents:
        key = (doc.api_version.split("/")[0], doc.kind, doc.namespace, doc.name)
        if not doc.name:
            continue
        if key in seen:
            yield Finding(
                doc,
                ("metadata", "name"),
                "duplicate-name",
                f"{doc.kind} {doc.name!r} is rendered twice in namespace {doc.namespace!r} "
                f"(also in {seen[key].path})",
                hint="names must be unique per kind and namespace; rename one of them",
            )
        else:
            seen[key] = doc
