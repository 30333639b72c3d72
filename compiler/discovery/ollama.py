"""Ollama: `GET /api/tags` (local models, no auth); the digest pins a floating tag.

A name without a tag means `:latest` to Ollama, so the snapshot's aliases say so
(`phi4-mini` -> `phi4-mini:latest`) and such a selector pins like any alias.

Servers before May 2026 list no context length or capabilities in the tags; for those
models one `POST /api/show` each fills them in.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, ProviderFailed, no_headers
from compiler.discovery.openai_list import RESPONSE
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "optional-bearer"
request_headers = no_headers


class TagDetails(BaseModel):
    """Model details from the tags list."""

    model_config = RESPONSE

    family: str | None = None
    parameter_size: str | None = None
    quantization_level: str | None = None
    format: str | None = None
    context_length: int | None = None


class Tag(BaseModel):
    """A local model; `modified_at` is local state and dropped."""

    model_config = RESPONSE

    name: str
    digest: str | None = None
    size: int | None = None
    details: TagDetails = TagDetails()
    capabilities: list[str] = []
    remote_model: str | None = None


class Show(BaseModel):
    """The parts of `/api/show` discovery uses."""

    model_config = RESPONSE

    model_info: dict[str, Any] = Field(default_factory=dict)
    capabilities: list[str] = []


class TagList(BaseModel):
    """The tags envelope."""

    model_config = RESPONSE

    models: list[dict[str, Any]] = []


def discover(ctx: AdapterContext) -> Discovered:
    """List the models pulled on the server."""
    url = ctx.url("api/tags")
    body = ctx.fetcher.parse(TagList, ctx.fetcher.get_json(url), url)
    tags = [ctx.fetcher.parse(Tag, t, url) for t in body.models]
    ctx.fetcher.count_page(len(tags))
    models = [_to_snapshot(_with_show(ctx, t)) for t in tags]
    return Discovered(url, models, _implicit_latest({m.id for m in models}))


def _implicit_latest(ids: set[str]) -> dict[str, str]:
    """`phi4-mini` -> `phi4-mini:latest`: Ollama reads a name without a tag as `:latest`."""
    return {i.removesuffix(":latest"): i for i in ids if i.endswith(":latest")}


def _with_show(ctx: AdapterContext, tag: Tag) -> Tag:
    if tag.details.context_length or tag.capabilities or tag.remote_model:
        return tag
    url = ctx.url("api/show")
    try:
        raw = ctx.fetcher.request_json("POST", url, body={"model": tag.name})
    except ProviderFailed as exc:
        if exc.failure.status in (400, 404):
            return tag
        raise
    show = ctx.fetcher.parse(Show, raw, url)
    arch = show.model_info.get("general.architecture")
    length = show.model_info.get(f"{arch}.context_length")
    details = tag.details.model_copy(
        update={"context_length": length if isinstance(length, int) else None}
    )
    return tag.model_copy(update={"details": details, "capabilities": show.capabilities})


def _to_snapshot(tag: Tag) -> SnapshotModel:
    details: dict[str, DetailValue] = {
        "digest": tag.digest,
        "family": tag.details.family,
        "parameterSize": tag.details.parameter_size,
        "quantization": tag.details.quantization_level,
        "remoteModel": tag.remote_model,
    }
    capabilities = ["chat" if c == "completion" else c for c in tag.capabilities]
    return SnapshotModel(
        id=tag.name,
        context_window=tag.details.context_length or None,
        capabilities=tuple(capabilities),
        details={k: v for k, v in details.items() if v is not None},
    )
