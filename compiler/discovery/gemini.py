"""Gemini API: `GET /v1beta/models` with `pageToken`, key in `x-goog-api-key` (never `?key=`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.paging import paginate
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "x-goog-api-key"
request_headers = no_headers
PAGE_SIZE = "1000"
# Google APIs answer in lowerCamelCase.
GOOGLE_RESPONSE = ConfigDict(extra="ignore", frozen=True, alias_generator=to_camel)
_METHODS = {
    "generateContent": "chat",
    "embedContent": "embeddings",
    "batchEmbedContents": "embeddings",
    "createCachedContent": "caching",
    "batchGenerateContent": "batch",
    "bidiGenerateContent": "live",
}


class GeminiModel(BaseModel):
    """One Generative Language API model."""

    model_config = GOOGLE_RESPONSE

    name: str
    base_model_id: str | None = None
    version: str | None = None
    display_name: str | None = None
    input_token_limit: int | None = None
    output_token_limit: int | None = None
    supported_generation_methods: list[str] = []
    thinking: bool | None = None


class GeminiPage(BaseModel):
    """One page of the list."""

    model_config = GOOGLE_RESPONSE

    models: list[dict[str, Any]] = []
    next_page_token: str | None = None


def discover(ctx: AdapterContext) -> Discovered:
    """List every page of models."""
    url = ctx.url("v1beta/models")
    fetcher = ctx.fetcher

    def page(cursor: str | None) -> tuple[list[GeminiModel], str | None]:
        params = {"pageSize": PAGE_SIZE} | ({"pageToken": cursor} if cursor else {})
        body = fetcher.parse(GeminiPage, fetcher.get_json(url, params), url)
        models = [fetcher.parse(GeminiModel, m, url) for m in body.models]
        return models, body.next_page_token

    return Discovered(url, [_to_snapshot(m) for m in paginate(fetcher, page)])


def _to_snapshot(model: GeminiModel) -> SnapshotModel:
    methods = model.supported_generation_methods
    capabilities = {_METHODS.get(m, m) for m in methods if m != "countTokens"}
    if model.thinking:
        capabilities.add("thinking")
    details: dict[str, DetailValue] = {
        "version": model.version,
        "displayName": model.display_name,
        "baseModelId": model.base_model_id,
    }
    return SnapshotModel(
        id=model.name.removeprefix("models/"),
        context_window=model.input_token_limit or None,
        max_output_tokens=model.output_token_limit or None,
        capabilities=tuple(capabilities),
        details={k: v for k, v in details.items() if v is not None},
    )
