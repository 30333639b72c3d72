"""OpenAI-compatible servers: vLLM (`max_model_len`, `root`, `parent`) and LiteLLM (`/model/info`).

`created` is dropped for both: vLLM stamps it per request and LiteLLM sends a constant.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, ProviderFailed, no_headers
from compiler.discovery.openai_list import RESPONSE, OpenAIModel, basic_model, fetch_openai_list
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "optional-bearer"
request_headers = no_headers
_LITELLM_FLAGS = {
    "supports_vision": "vision",
    "supports_function_calling": "tools",
    "supports_reasoning": "thinking",
    "supports_response_schema": "structured-outputs",
}
_MODES = {"chat": "chat", "completion": "completion", "embedding": "embeddings"}


class ServedModel(OpenAIModel):
    """A model card; vLLM adds root, parent and max_model_len."""

    root: str | None = None
    parent: str | None = None
    max_model_len: int | None = None


class Deployment(BaseModel):
    """One LiteLLM deployment from `/model/info` (secrets are removed by the proxy)."""

    model_config = RESPONSE

    model_name: str
    litellm_params: dict[str, Any] = {}
    model_info: dict[str, Any] = {}


class DeploymentList(BaseModel):
    """The `/model/info` envelope."""

    model_config = RESPONSE

    data: list[dict[str, Any]] = []


def discover(ctx: AdapterContext) -> Discovered:
    """List served models; enrich from LiteLLM's `/model/info` when the server is LiteLLM."""
    url = ctx.url("models")
    cards = fetch_openai_list(ctx.fetcher, url, ServedModel)
    flavor = ctx.provider.discovery.flavor
    if flavor == "vllm" or (flavor == "auto" and _looks_like_vllm(cards)):
        return Discovered(url, [_vllm(c) for c in cards])
    info = _model_info(ctx, required=flavor == "litellm")
    if info is None:
        return Discovered(url, [basic_model(c, keep_created=False) for c in cards])
    return Discovered(url, [_litellm(c, info.get(c.id, [])) for c in cards])


def _looks_like_vllm(cards: list[ServedModel]) -> bool:
    return any(c.owned_by == "vllm" or c.max_model_len is not None for c in cards)


def _vllm(card: ServedModel) -> SnapshotModel:
    details: dict[str, DetailValue] = {"root": card.root, "parent": card.parent}
    return SnapshotModel(
        id=card.id,
        context_window=card.max_model_len or None,
        details={k: v for k, v in details.items() if v is not None},
    )


def _model_info(ctx: AdapterContext, *, required: bool) -> dict[str, list[Deployment]] | None:
    url = ctx.url("model/info")
    try:
        body = ctx.fetcher.get_json(url)
    except ProviderFailed as exc:
        if not required and exc.failure.status in (400, 404, 405):
            return None
        raise
    groups: dict[str, list[Deployment]] = {}
    for raw in ctx.fetcher.parse(DeploymentList, body, url).data:
        deployment = ctx.fetcher.parse(Deployment, raw, url)
        groups.setdefault(deployment.model_name, []).append(deployment)
    return groups


def _litellm(card: ServedModel, deployments: list[Deployment]) -> SnapshotModel:
    if not deployments:
        return basic_model(card, keep_created=False).model_copy(update={"details": {}})
    info = deployments[0].model_info
    upstream = sorted({str(d.litellm_params.get("model")) for d in deployments})
    capabilities = [flag for key, flag in _LITELLM_FLAGS.items() if info.get(key) is True]
    mode = _MODES.get(str(info.get("mode")))
    details: dict[str, DetailValue] = {
        "upstream": ",".join(upstream),
        "litellmProvider": info.get("litellm_provider"),
        "deployments": len(deployments),
    }
    return SnapshotModel(
        id=card.id,
        context_window=_positive(info.get("max_input_tokens")),
        max_output_tokens=_positive(info.get("max_output_tokens")),
        capabilities=(*capabilities, *([mode] if mode else [])),
        details={k: v for k, v in details.items() if v is not None},
    )


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None
