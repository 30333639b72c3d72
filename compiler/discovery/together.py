"""Together AI: `GET /v1/models`, Bearer key; the body is a bare JSON array, not a list envelope."""

from __future__ import annotations

from typing import Any

from pydantic import Field, RootModel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.openai_list import OpenAIModel, basic_model
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "bearer"
request_headers = no_headers
_TYPES = {"chat": "chat", "language": "completion", "code": "completion", "embedding": "embeddings"}


class TogetherModel(OpenAIModel):
    """One Together model entry."""

    type: str | None = None
    display_name: str | None = None
    organization: str | None = None
    context_length: int | None = None
    pricing: dict[str, float | int | str | None] = Field(default_factory=dict)


class TogetherList(RootModel[list[dict[str, Any]]]):
    """The bare array."""


def discover(ctx: AdapterContext) -> Discovered:
    """List Together's models."""
    url = ctx.url("models")
    fetcher = ctx.fetcher
    raw = fetcher.parse(TogetherList, fetcher.get_json(url), url).root
    entries = [fetcher.parse(TogetherModel, item, url) for item in raw]
    fetcher.count_page(len(entries))
    return Discovered(url, [_to_snapshot(e) for e in entries])


def _to_snapshot(entry: TogetherModel) -> SnapshotModel:
    details: dict[str, DetailValue] = {"type": entry.type, "organization": entry.organization}
    for name in ("input", "output"):
        price = entry.pricing.get(name)
        if price is not None:
            details[f"price.{name}"] = str(price)
    capability = _TYPES.get(entry.type or "", entry.type)
    return SnapshotModel(
        id=entry.id,
        created=basic_model(entry).created,
        context_window=entry.context_length or None,
        capabilities=(capability,) if capability else (),
        details={k: v for k, v in details.items() if v is not None},
    )
