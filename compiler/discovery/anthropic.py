"""Anthropic: `GET /v1/models` with `after_id` cursors; `GET /v1/models/{alias}` pins aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, ProviderFailed
from compiler.discovery.dates import day_from_iso
from compiler.discovery.openai_list import RESPONSE
from compiler.discovery.paging import paginate
from compiler.discovery.spec import ProviderSpec
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "x-api-key"
API_VERSION = "2023-06-01"
PAGE_SIZE = "1000"
ALIAS_CONCURRENCY = 8
_DATED = re.compile(r"^(?P<alias>.+)-\d{8}$")
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CAPABILITIES = {
    "image_input": "vision",
    "pdf_input": "pdf",
    "thinking": "thinking",
    "citations": "citations",
    "code_execution": "code-execution",
    "structured_outputs": "structured-outputs",
    "batch": "batch",
}


class AnthropicModel(BaseModel):
    """One ModelInfo; every field after 2024 is optional."""

    model_config = RESPONSE

    id: str
    display_name: str | None = None
    created_at: str | None = None
    max_input_tokens: int | None = None
    max_tokens: int | None = None
    capabilities: dict[str, Any] | None = None
    lifecycle: str | None = None
    deprecated_at: str | None = None
    retires_at: str | None = None


class AnthropicPage(BaseModel):
    """One page of the cursor list."""

    model_config = RESPONSE

    data: list[dict[str, Any]]
    has_more: bool = False
    last_id: str | None = None


def request_headers(provider: ProviderSpec) -> dict[str, str]:
    """The API version header the API requires."""
    return {"anthropic-version": API_VERSION}


def discover(ctx: AdapterContext) -> Discovered:
    """List every page, then resolve aliases (derived from dated ids, plus wanted ones)."""
    url = ctx.url("v1/models")
    fetcher = ctx.fetcher

    def page(cursor: str | None) -> tuple[list[AnthropicModel], str | None]:
        params = {"limit": PAGE_SIZE} | ({"after_id": cursor} if cursor else {})
        body = fetcher.parse(AnthropicPage, fetcher.get_json(url, params), url)
        models = [fetcher.parse(AnthropicModel, item, url) for item in body.data]
        return models, body.last_id if body.has_more else None

    models = list(paginate(fetcher, page))
    ids = {m.id for m in models}
    aliases = _resolve(ctx, url, _candidates(ids, ctx.wanted), ids)
    return Discovered(url, [_to_snapshot(m) for m in models], aliases)


def _candidates(ids: set[str], wanted: Iterable[str]) -> list[str]:
    derived = {m.group("alias") for i in ids if (m := _DATED.match(i))}
    # Globs and odd names are not aliases the API could resolve.
    plain = {w for w in wanted if _PLAIN.match(w)}
    return sorted((derived | plain) - ids)


def _resolve(ctx: AdapterContext, url: str, names: list[str], ids: set[str]) -> dict[str, str]:
    # One GET per alias candidate: asked concurrently, so 27 aliases cost one round trip
    # time, not 27 (the run's deadline still bounds each request).
    with ThreadPoolExecutor(max_workers=ALIAS_CONCURRENCY) as pool:
        found = list(pool.map(lambda name: _lookup(ctx, f"{url}/{name}"), names))
    return {
        name: target
        for name, target in zip(names, found, strict=True)
        if target is not None and target != name and target in ids
    }


def _lookup(ctx: AdapterContext, target: str) -> str | None:
    try:
        return ctx.fetcher.parse(AnthropicModel, ctx.fetcher.get_json(target), target).id
    except ProviderFailed as exc:
        if exc.failure.status == 404:
            return None
        raise


def _to_snapshot(model: AnthropicModel) -> SnapshotModel:
    details: dict[str, DetailValue] = {"displayName": model.display_name}
    if model.lifecycle:
        details["lifecycle"] = model.lifecycle
    return SnapshotModel(
        id=model.id,
        created=day_from_iso(model.created_at),
        context_window=model.max_input_tokens or None,
        max_output_tokens=model.max_tokens or None,
        capabilities=("chat", *_supported(model.capabilities or {})),
        deprecated_at=day_from_iso(model.deprecated_at),
        retires_at=day_from_iso(model.retires_at),
        details={k: v for k, v in details.items() if v is not None},
    )


def _supported(capabilities: dict[str, Any]) -> Iterable[str]:
    for key, value in capabilities.items():
        if isinstance(value, dict) and value.get("supported") is True:
            yield _CAPABILITIES.get(key, key.replace("_", "-"))
