"""OpenAI: `GET /v1/models`, Bearer key, optional organization and project headers."""

from __future__ import annotations

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered
from compiler.discovery.openai_list import discover_basic
from compiler.discovery.spec import ProviderSpec

AUTH: AuthStyle = "bearer"


def request_headers(provider: ProviderSpec) -> dict[str, str]:
    """OpenAI-Organization / OpenAI-Project from the provider config."""
    config = provider.config.openai
    headers: dict[str, str] = {}
    if config is not None and config.organization:
        headers["OpenAI-Organization"] = config.organization
    if config is not None and config.project:
        headers["OpenAI-Project"] = config.project
    return headers


def discover(ctx: AdapterContext) -> Discovered:
    """List the models the key can see; the API does not map aliases to snapshots."""
    return discover_basic(ctx)
