"""Inventory items built in memory for target mapping tests."""

from __future__ import annotations

from typing import Any

from compiler.models.inventory import Model
from compiler.models.providers import Provider

KEY = {"secretRef": {"name": "llm-key", "key": "api-key"}}
PROVIDERS: dict[str, dict[str, Any]] = {
    "openai": {"type": "openai", "credentials": KEY},
    "openai-compatible": {
        "type": "openai-compatible",
        "endpoint": "https://vllm.example.com/v1",
        "credentials": KEY,
    },
    "openrouter": {"type": "openrouter", "credentials": KEY},
    "mistral": {"type": "mistral", "credentials": KEY},
    "groq": {"type": "groq", "credentials": KEY},
    "together": {"type": "together", "credentials": KEY},
    "deepseek": {"type": "deepseek", "credentials": KEY},
    "anthropic": {"type": "anthropic", "credentials": KEY},
    "azure-openai": {
        "type": "azure-openai",
        "endpoint": "https://contoso.openai.azure.com",
        "credentials": KEY,
        "config": {"azure": {"apiVersion": "2024-10-21"}},
    },
    "gemini": {"type": "gemini", "credentials": KEY},
    "vertex-ai": {
        "type": "vertex-ai",
        "credentials": {"workloadIdentity": True},
        "config": {"vertex": {"project": "proj", "location": "europe-west4"}},
    },
    "bedrock": {
        "type": "bedrock",
        "credentials": {"workloadIdentity": True},
        "config": {"bedrock": {"region": "us-east-1"}},
    },
    "ollama": {"type": "ollama", "endpoint": "http://ollama.llm.svc:11434"},
}
PINNED = {
    "azure-openai": "chat-deployment",
    "vertex-ai": "gemini-2.5-pro",
    "bedrock": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic": "claude-sonnet-4-5-20250929",
    "gemini": "gemini-2.5-flash",
    "ollama": "llama3.2:3b",
}


def provider(kind: str, **changes: Any) -> Provider:
    data = {"name": f"p-{kind}", **PROVIDERS[kind], **changes}
    return Provider.model_validate(data)


def model(provider_name: str, **changes: Any) -> Model:
    data = {"name": "chat", "provider": provider_name, "model": "x", **changes}
    return Model.model_validate(data)


def pinned(kind: str) -> str:
    return PINNED.get(kind, "gpt-4o-2024-11-20")
