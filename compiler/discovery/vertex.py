"""Vertex AI: `GET /v1beta1/publishers/{publisher}/models` with `pageToken`, OAuth2 from ADC."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered
from compiler.discovery.gemini import GOOGLE_RESPONSE
from compiler.discovery.paging import paginate
from compiler.discovery.spec import ProviderSpec
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "google"
PUBLISHER = "google"
PAGE_SIZE = "1000"
_DATE = re.compile(r"^\d{8}$")


class PublisherModel(BaseModel):
    """One publisher model; Vertex reports no context window."""

    model_config = GOOGLE_RESPONSE

    name: str
    version_id: str | None = None
    launch_stage: str | None = None
    version_state: str | None = None
    open_source_category: str | None = None


class PublisherPage(BaseModel):
    """One page of publisher models."""

    model_config = GOOGLE_RESPONSE

    publisher_models: list[dict[str, Any]] = []
    next_page_token: str | None = None


def request_headers(provider: ProviderSpec) -> dict[str, str]:
    """Bill the listing to the configured project."""
    vertex = provider.config.vertex
    return {"x-goog-user-project": vertex.project} if vertex and vertex.project else {}


def discover(ctx: AdapterContext) -> Discovered:
    """List the models of every configured publisher (default: Google's own)."""
    vertex = ctx.provider.config.vertex
    publishers = tuple(vertex.publishers) if vertex and vertex.publishers else (PUBLISHER,)
    models = [m for p in publishers for m in _publisher(ctx, p)]
    return Discovered(ctx.url(f"v1beta1/publishers/{publishers[0]}/models"), models)


def _publisher(ctx: AdapterContext, publisher: str) -> list[SnapshotModel]:
    url = ctx.url(f"v1beta1/publishers/{publisher}/models")
    fetcher = ctx.fetcher
    # Partner models are called by `name@version` (claude-sonnet-4-5@20250929), so every
    # version is listed; Google's own are called by name.
    extra = {} if publisher == PUBLISHER else {"listAllVersions": "true"}

    def page(cursor: str | None) -> tuple[list[PublisherModel], str | None]:
        params = {"pageSize": PAGE_SIZE, **extra} | ({"pageToken": cursor} if cursor else {})
        body = fetcher.parse(PublisherPage, fetcher.get_json(url, params), url)
        models = [fetcher.parse(PublisherModel, m, url) for m in body.publisher_models]
        return models, body.next_page_token

    # Undated partner versions share the plain name; the newest version id is the one
    # kept (snapshots keep the first of an id), whatever order the API pages in.
    listed = sorted(paginate(fetcher, page), key=lambda m: m.version_id or "", reverse=True)
    return [_to_snapshot(m, publisher) for m in listed]


def _to_snapshot(model: PublisherModel, publisher: str) -> SnapshotModel:
    details: dict[str, DetailValue] = {
        "publisher": publisher,
        "versionId": model.version_id,
        "launchStage": model.launch_stage,
        "versionState": model.version_state,
    }
    name = model.name.rsplit("/", 1)[-1]
    dated = publisher != PUBLISHER and _DATE.match(model.version_id or "")
    return SnapshotModel(
        id=f"{name}@{model.version_id}" if dated else name,
        details={k: v for k, v in details.items() if v is not None},
    )
