"""Groq: `GET /openai/v1/models`, Bearer key; adds context window and max completion tokens."""

from __future__ import annotations

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.openai_list import OpenAIModel, basic_model, fetch_openai_list
from compiler.models.snapshot import SnapshotModel

AUTH: AuthStyle = "bearer"
request_headers = no_headers


class GroqModel(OpenAIModel):
    """Groq's extension of the OpenAI entry."""

    active: bool | None = None
    context_window: int | None = None
    max_completion_tokens: int | None = None


def discover(ctx: AdapterContext) -> Discovered:
    """List Groq's models with their limits."""
    url = ctx.url("models")
    entries = fetch_openai_list(ctx.fetcher, url, GroqModel)
    return Discovered(url, [_to_snapshot(e) for e in entries])


def _to_snapshot(entry: GroqModel) -> SnapshotModel:
    base = basic_model(entry)
    details = dict(base.details)
    if entry.active is not None:
        details["active"] = entry.active
    return base.model_copy(
        update={
            "context_window": entry.context_window or None,
            "max_output_tokens": entry.max_completion_tokens or None,
            "details": details,
        }
    )
