"""What the example's SaaS and in-cluster providers answer, in each API's documented shape.

Ids, dates and limits are illustrative (they match the example inventory's selectors);
the field names and nesting follow each provider's list API. Used by example_snapshots.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def unix(day: str) -> int:
    """Midday UTC of `day` as a Unix timestamp (a date survives any time zone)."""
    return int(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC).timestamp())


OPENAI_MODELS = {
    "object": "list",
    "data": [
        {"id": model, "object": "model", "created": unix(day), "owned_by": owner}
        for model, day, owner in (
            ("gpt-4o", "2024-05-10", "system"),
            ("gpt-4o-2024-05-13", "2024-05-10", "system"),
            ("gpt-4o-2024-08-06", "2024-08-04", "system"),
            ("gpt-4o-2024-11-20", "2024-11-18", "system"),
            ("gpt-4o-mini", "2024-07-16", "system"),
            ("gpt-4o-mini-2024-07-18", "2024-07-16", "system"),
            ("o3-mini", "2025-01-17", "system"),
            ("o3-mini-2025-01-31", "2025-01-17", "system"),
            ("text-embedding-3-large", "2024-01-22", "system"),
            ("text-embedding-3-small", "2024-01-22", "system"),
        )
    ],
}

_FULL = ("batch", "citations", "pdf_input", "structured_outputs", "thinking", "image_input")


def _claude(
    model: str, name: str, day: str, output: int, supported: tuple[str, ...], **life: str
) -> dict[str, Any]:
    every = (*_FULL, "code_execution")
    return {
        "type": "model",
        "id": model,
        "display_name": name,
        "created_at": f"{day}T00:00:00Z",
        "max_input_tokens": 200000,
        "max_tokens": output,
        "capabilities": {c: {"supported": c in supported} for c in every},
        **life,
    }


ANTHROPIC_MODELS = {
    "data": [
        _claude("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17", 64000, _FULL),
        _claude("claude-opus-4-6", "Claude Opus 4.6", "2026-02-05", 32000, _FULL),
        _claude("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15", 64000, _FULL),
        _claude("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29", 64000, _FULL),
        _claude("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05", 32000, _FULL),
        _claude(
            "claude-3-haiku-20240307",
            "Claude Haiku 3",
            "2024-03-07",
            4096,
            ("batch", "image_input"),
            deprecated_at="2025-10-01T00:00:00Z",
            retires_at="2026-03-01T00:00:00Z",
        ),
    ],
    "has_more": False,
    "first_id": "claude-sonnet-4-6",
    "last_id": "claude-3-haiku-20240307",
}
# GET /v1/models/{alias}: the API resolves an alias to the dated model it points at.
ANTHROPIC_ALIASES = {
    "claude-haiku-4-5": "claude-haiku-4-5-20251001",
    "claude-opus-4-1": "claude-opus-4-1-20250805",
    "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
}


def anthropic_model(model_id: str) -> dict[str, Any]:
    """The ModelInfo the API returns for a dated id."""
    return next(m for m in ANTHROPIC_MODELS["data"] if m["id"] == model_id)


_CHAT = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]


def _gemini(model: str, name: str, version: str, output: int, thinking: bool) -> dict[str, Any]:
    return {
        "name": f"models/{model}",
        "version": version,
        "displayName": name,
        "inputTokenLimit": 1048576,
        "outputTokenLimit": output,
        "supportedGenerationMethods": _CHAT,
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
        **({"thinking": True} if thinking else {}),
    }


GEMINI_MODELS = {
    "models": [
        _gemini("gemini-2.0-flash", "Gemini 2.0 Flash", "2.0", 8192, False),
        _gemini("gemini-2.0-flash-001", "Gemini 2.0 Flash 001", "2.0", 8192, False),
        _gemini("gemini-2.5-flash", "Gemini 2.5 Flash", "001", 65536, True),
        _gemini("gemini-2.5-pro", "Gemini 2.5 Pro", "2.5", 65536, True),
        _gemini("gemini-flash-latest", "Gemini Flash Latest", "Gemini Flash Latest", 65536, False),
        {
            "name": "models/gemini-embedding-001",
            "version": "001",
            "displayName": "Gemini Embedding 001",
            "inputTokenLimit": 2048,
            "outputTokenLimit": 1,
            "supportedGenerationMethods": ["embedContent", "countTextTokens", "countTokens"],
        },
    ]
}

VLLM_MODELS = {
    "object": "list",
    "data": [
        {
            "id": "llama-3.1-8b-instruct",
            "object": "model",
            "created": 1763629200,
            "owned_by": "vllm",
            "root": "meta-llama/Llama-3.1-8B-Instruct",
            "parent": None,
            "max_model_len": 32768,
            "permission": [{"id": "modelperm-0", "object": "model_permission"}],
        },
        {
            "id": "sql-lora",
            "object": "model",
            "created": 1763629200,
            "owned_by": "vllm",
            "root": "/adapters/sql-lora",
            "parent": "llama-3.1-8b-instruct",
            "max_model_len": 32768,
            "permission": [{"id": "modelperm-1", "object": "model_permission"}],
        },
    ],
}

OPENROUTER_MODELS = {
    "data": [
        {
            "id": "anthropic/claude-sonnet-4.5",
            "canonical_slug": "anthropic/claude-4.5-sonnet-20250929",
            "name": "Anthropic: Claude Sonnet 4.5",
            "created": unix("2025-09-29"),
            "context_length": 1000000,
            "architecture": {
                "modality": "text+image+file->text",
                "input_modalities": ["text", "image", "file"],
                "output_modalities": ["text"],
                "tokenizer": "Claude",
            },
            "pricing": {"prompt": "0.000003", "completion": "0.000015"},
            "top_provider": {"context_length": 1000000, "max_completion_tokens": 64000},
            "supported_parameters": ["max_tokens", "reasoning", "structured_outputs", "tools"],
        },
        {
            "id": "meta-llama/llama-3.1-8b-instruct",
            "canonical_slug": "meta-llama/llama-3.1-8b-instruct",
            "name": "Meta: Llama 3.1 8B Instruct",
            "created": unix("2024-07-23"),
            "context_length": 131072,
            "architecture": {
                "modality": "text->text",
                "input_modalities": ["text"],
                "output_modalities": ["text"],
                "tokenizer": "Llama3",
            },
            "pricing": {"prompt": "0.00000002", "completion": "0.00000003"},
            "top_provider": {"context_length": 131072, "max_completion_tokens": 16384},
            "supported_parameters": ["max_tokens", "temperature", "tools"],
        },
    ]
}

# An OpenAI-compatible company gateway (not LiteLLM: /model/info answers 404).
CORP_GATEWAY_MODELS = {
    "object": "list",
    "data": [
        {"id": model, "object": "model", "created": 1763629200, "owned_by": "platform"}
        for model in ("gpt-4o-2024-08-06", "gpt-4o-2024-11-20", "text-embedding-3-large")
    ],
}

VERTEX_GOOGLE_MODELS = {
    "publisherModels": [
        {
            "name": f"publishers/google/models/{model}",
            "versionId": version,
            "openSourceCategory": "PROPRIETARY",
            "launchStage": "GA",
            "publisherModelTemplate": (
                f"projects/{{project}}/locations/{{location}}/publishers/google/models/{model}"
            ),
        }
        for model, version in (
            ("gemini-2.0-flash-001", "001"),
            ("gemini-2.5-flash", "default"),
            ("gemini-2.5-pro", "default"),
        )
    ]
}
