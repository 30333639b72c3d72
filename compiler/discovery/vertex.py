"""Vertex AI: `GET /v1beta1/publishers/google/models` with `pageToken`, OAuth2 from Google ADC."""

from __future__ import annotations

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
    """List Google's publisher models available in the location."""
    url = ctx.url(f"v1beta1/publishers/{PUBLISHER}/models")
    fetcher = ctx.fetcher

    def page(cursor: str | None) -> tuple[list[PublisherModel], str | None]:
        params = {"pageSize": PAGE_SIZE} | ({"pageToken": cursor} if cursor else {})
        body = fetcher.parse(PublisherPage, fetcher.get_json(url, params), url)
        models = [fetcher.parse(PublisherModel, m, url) for m in body.publisher_models]
        return models, body.next_page_token

    return Discovered(url, [_to_snapshot(m) for m in paginate(fetcher, page)])


def _to_snapshot(model: PublisherModel) -> SnapshotModel:
    details: dict[str, DetailValue] = {
        "versionId": model.version_id,
        "launchStage": model.launch_stage,
        "versionState": model.version_state,
    }
    return SnapshotModel(
        id=model.name.rsplit("/", 1)[-1],
        details={k: v for k, v in details.items() if v is not None},
    )
