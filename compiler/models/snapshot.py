"""The snapshot file format: what discovery saw for one provider, normalized.

`environments/<env>/snapshots/<provider>.json` is written by `modelplane discover`
and read by the offline lock. Only `models` and `aliases` are content; `source`
(URL and fetch time) is kept apart, so an unchanged provider keeps its digest.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from compiler.digests import sha256_json

SNAPSHOT_FORMAT = 1

STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

DetailValue = str | int | float | bool | None


class SnapshotSource(BaseModel):
    """Where and when the list was fetched; not part of the content digest."""

    model_config = STRICT

    url: str = Field(description="The list endpoint that was asked, without credentials.")
    fetched_at: str | None = Field(
        default=None, alias="fetchedAt", description="RFC 3339 time of the fetch."
    )


class SnapshotModel(BaseModel):
    """One upstream model id as the provider reports it."""

    model_config = STRICT

    id: str = Field(min_length=1, description="The id a client sends upstream.")
    created: str | None = Field(
        default=None, description="Release or creation date, ISO 8601 (YYYY-MM-DD)."
    )
    context_window: int | None = Field(default=None, alias="contextWindow", ge=1)
    max_output_tokens: int | None = Field(default=None, alias="maxOutputTokens", ge=1)
    capabilities: tuple[str, ...] = Field(
        default=(), description="Sorted capability names, e.g. chat, embeddings, vision, tools."
    )
    input_modalities: tuple[str, ...] = Field(default=(), alias="inputModalities")
    output_modalities: tuple[str, ...] = Field(default=(), alias="outputModalities")
    deprecated_at: str | None = Field(default=None, alias="deprecatedAt")
    retires_at: str | None = Field(default=None, alias="retiresAt")
    details: dict[str, DetailValue] = Field(
        default_factory=dict,
        description="Provider-specific facts (vLLM root, Azure deployment model/version, ...).",
    )


class Snapshot(BaseModel):
    """The normalized model list of one provider."""

    model_config = STRICT

    format: int = Field(default=SNAPSHOT_FORMAT, description="Snapshot format version.")
    provider: str = Field(description="Inventory name of the provider.")
    source: SnapshotSource | None = None
    models: tuple[SnapshotModel, ...] = Field(
        default=(), description="Sorted by id, no duplicates."
    )
    aliases: dict[str, str] = Field(
        default_factory=dict,
        description="Alias -> concrete id, where the provider's API says so explicitly.",
    )

    def content(self) -> dict[str, Any]:
        """The part of the snapshot that the digest covers."""
        return {
            "aliases": dict(sorted(self.aliases.items())),
            "models": [m.model_dump(mode="json", by_alias=True) for m in self.models],
        }

    def digest(self) -> str:
        """Digest of the content, independent of fetch time and source URL."""
        return sha256_json(self.content())

    def ids(self) -> frozenset[str]:
        """Every model id in the snapshot."""
        return frozenset(m.id for m in self.models)


def normalize_snapshot(snapshot: Snapshot) -> Snapshot:
    """Sort and de-duplicate models (first occurrence wins) and capability lists."""
    seen: dict[str, SnapshotModel] = {}
    for model in snapshot.models:
        seen.setdefault(model.id, model)
    models = tuple(
        m.model_copy(
            update={
                "capabilities": tuple(sorted(set(m.capabilities))),
                "input_modalities": tuple(sorted(set(m.input_modalities))),
                "output_modalities": tuple(sorted(set(m.output_modalities))),
                "details": dict(sorted(m.details.items())),
            }
        )
        for _, m in sorted(seen.items())
    )
    return snapshot.model_copy(
        update={"models": models, "aliases": dict(sorted(snapshot.aliases.items()))}
    )


def snapshot_to_json(snapshot: Snapshot) -> str:
    """Serialize a snapshot deterministically (sorted, 2-space indent, trailing newline)."""
    normalized = normalize_snapshot(snapshot)
    data = normalized.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["models"] = [{k: v for k, v in m.items() if v not in ((), [], {})} for m in data["models"]]
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
