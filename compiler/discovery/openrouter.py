"""OpenRouter: `GET /api/v1/models`, public (Bearer sent if configured); follows `links.next`."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.dates import day_from_iso, day_from_unix
from compiler.discovery.openai_list import RESPONSE
from compiler.discovery.paging import paginate
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "optional-bearer"
request_headers = no_headers
ALL_MODALITIES = {"output_modalities": "all"}
# Output modalities as capabilities; a text-output model is a chat model.
_OUTPUTS = {
    "text": "chat",
    "image": "image-generation",
    "audio": "audio-output",
    "video": "video-generation",
}
_PARAMS = {
    "tools": "tools",
    "reasoning": "thinking",
    "structured_outputs": "structured-outputs",
    "web_search_options": "web-search",
}


class Architecture(BaseModel):
    """Modalities of a model."""

    model_config = RESPONSE

    input_modalities: list[str] = []
    output_modalities: list[str] = []


class TopProvider(BaseModel):
    """Limits of the best upstream."""

    model_config = RESPONSE

    max_completion_tokens: int | None = None


class RouterModel(BaseModel):
    """One OpenRouter model."""

    model_config = RESPONSE

    id: str
    canonical_slug: str | None = None
    created: int | None = None
    context_length: int | None = None
    architecture: Architecture = Architecture()
    top_provider: TopProvider = TopProvider()
    supported_parameters: list[str] = []
    pricing: dict[str, str | None] = {}
    expiration_date: str | None = None


class RouterList(BaseModel):
    """The list envelope; newer responses add `links.next`."""

    model_config = RESPONSE

    data: list[dict[str, Any]]
    links: dict[str, str | None] = {}


def discover(ctx: AdapterContext) -> Discovered:
    """List OpenRouter's models, page by page when the API pages."""
    url = ctx.url("models")
    fetcher = ctx.fetcher

    def page(cursor: str | None) -> tuple[list[RouterModel], str | None]:
        target = _absolute(url, cursor) if cursor else url
        # Without output_modalities the API lists text-output models only; `all` lists
        # image, audio, speech, transcription, embeddings and rerank models too.
        params = None if cursor else ALL_MODALITIES
        body = fetcher.parse(RouterList, fetcher.get_json(target, params), target)
        models = [fetcher.parse(RouterModel, item, target) for item in body.data]
        return models, body.links.get("next")

    models = list(paginate(fetcher, page))
    # The canonical slug is the permanent, dated name of what an id serves today: a
    # selector written as a slug pins the id requests use, and the lock records the slug
    # as the pin's revision, so OpenRouter moving an id to a new version is a lock change.
    # Several ids may share a slug (`x`, `x:free`): the smallest id wins, whatever the
    # API's order, so an unchanged catalogue gives an unchanged snapshot.
    slugs = {
        m.canonical_slug: m.id
        for m in sorted(models, key=lambda m: m.id, reverse=True)
        if m.canonical_slug and m.canonical_slug != m.id
    }
    return Discovered(url, [_to_snapshot(m) for m in models], slugs)


def _to_snapshot(model: RouterModel) -> SnapshotModel:
    details: dict[str, DetailValue] = {"canonicalSlug": model.canonical_slug}
    for name in ("prompt", "completion"):
        details[f"price.{name}"] = model.pricing.get(name)
    params = set(model.supported_parameters)
    capabilities = {_PARAMS[p] for p in params if p in _PARAMS}
    outputs = model.architecture.output_modalities
    capabilities |= {_OUTPUTS.get(m, m) for m in outputs}
    if "image" in model.architecture.input_modalities:
        capabilities.add("vision")
    if "audio" in model.architecture.input_modalities:
        capabilities.add("audio-input")
    return SnapshotModel(
        id=model.id,
        created=day_from_unix(model.created),
        context_window=model.context_length or None,
        max_output_tokens=model.top_provider.max_completion_tokens or None,
        capabilities=tuple(capabilities),
        input_modalities=tuple(model.architecture.input_modalities),
        output_modalities=tuple(model.architecture.output_modalities),
        retires_at=day_from_iso(model.expiration_date),
        details={k: v for k, v in details.items() if v is not None},
    )


def _absolute(base: str, link: str) -> str:
    # links.next is documented as a path (`/api/v1/models?offset=500&limit=500`).
    return str(httpx.URL(base).join(link))
