"""The OpenAI list shape (`{"object": "list", "data": [...]}`), shared by many providers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from compiler.discovery.base import AdapterContext, Discovered, Fetcher
from compiler.discovery.dates import day_from_unix
from compiler.models.snapshot import SnapshotModel

RESPONSE = ConfigDict(extra="ignore", frozen=True)
M = TypeVar("M", bound="OpenAIModel")


class OpenAIModel(BaseModel):
    """One entry of an OpenAI-style model list; subclasses add provider fields."""

    model_config = RESPONSE

    id: str
    created: int | None = None
    owned_by: str | None = None


class OpenAIList(BaseModel):
    """The list envelope."""

    model_config = RESPONSE

    data: list[dict[str, Any]]


def fetch_openai_list(fetcher: Fetcher, url: str, item: type[M]) -> list[M]:
    """GET an OpenAI-style list and parse its entries as `item`."""
    body = fetcher.get_json(url)
    envelope = fetcher.parse(OpenAIList, body, url)
    items = [fetcher.parse(item, raw, url) for raw in envelope.data]
    fetcher.count_page(len(items))
    return items


def basic_model(entry: OpenAIModel, *, keep_created: bool = True) -> SnapshotModel:
    """The facts every OpenAI-style entry carries."""
    details = {"ownedBy": entry.owned_by} if entry.owned_by else {}
    created = day_from_unix(entry.created) if keep_created else None
    return SnapshotModel(id=entry.id, created=created, details=details)


def discover_basic(ctx: AdapterContext, path: str = "models") -> Discovered:
    """Discover a provider whose list carries only id, created and owner."""
    url = ctx.url(path)
    entries: Sequence[OpenAIModel] = fetch_openai_list(ctx.fetcher, url, OpenAIModel)
    return Discovered(url, [basic_model(e) for e in entries])
