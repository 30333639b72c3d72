"""Mistral: `GET /v1/models`, Bearer key; model cards with capabilities, aliases, deprecation."""

from __future__ import annotations

import re

from pydantic import Field

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.dates import day_from_iso
from compiler.discovery.openai_list import OpenAIModel, basic_model, fetch_openai_list
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "bearer"
request_headers = no_headers
_DATED = re.compile(r"-\d{4}$")
_CAPABILITIES = {
    "completion_chat": "chat",
    "completion_fim": "fim",
    "function_calling": "tools",
    "fine_tuning": "fine-tuning",
    "vision": "vision",
    "classification": "classification",
}


class MistralModel(OpenAIModel):
    """A Mistral base or fine-tuned model card."""

    capabilities: dict[str, bool | None] = Field(default_factory=dict)
    max_context_length: int | None = None
    aliases: tuple[str, ...] = ()
    deprecation: str | None = None
    deprecation_replacement_model: str | None = None
    type: str | None = None


def discover(ctx: AdapterContext) -> Discovered:
    """List models; a dated id's `aliases` become alias -> dated id."""
    url = ctx.url("models")
    cards = fetch_openai_list(ctx.fetcher, url, MistralModel)
    return Discovered(url, [_to_snapshot(c) for c in cards], _aliases(cards))


def _to_snapshot(card: MistralModel) -> SnapshotModel:
    details: dict[str, DetailValue] = dict(basic_model(card).details)
    if card.deprecation_replacement_model:
        details["replacement"] = card.deprecation_replacement_model
    if card.type:
        details["type"] = card.type
    return SnapshotModel(
        id=card.id,
        created=basic_model(card).created,
        context_window=card.max_context_length or None,
        capabilities=tuple(_CAPABILITIES.get(k, k) for k, on in card.capabilities.items() if on),
        retires_at=day_from_iso(card.deprecation),
        details=details,
    )


def _aliases(cards: list[MistralModel]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for card in sorted(cards, key=lambda c: c.id):
        if _DATED.search(card.id):
            for alias in card.aliases:
                if not _DATED.search(alias):
                    aliases.setdefault(alias, card.id)
    return aliases
