"""DeepSeek: `GET /models` (no /v1), Bearer key; ids only, no dates or limits."""

from __future__ import annotations

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.openai_list import discover_basic

AUTH: AuthStyle = "bearer"
request_headers = no_headers


def discover(ctx: AdapterContext) -> Discovered:
    """List DeepSeek's (floating) model names."""
    return discover_basic(ctx)
