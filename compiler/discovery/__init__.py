"""Discovery adapters, one module per wire API, keyed by inventory provider type."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from compiler.discovery import (
    anthropic,
    azure,
    bedrock,
    deepseek,
    gemini,
    groq,
    mistral,
    ollama,
    openai,
    openai_compatible,
    openrouter,
    together,
    vertex,
)
from compiler.discovery.base import Discoverer

ADAPTERS: Mapping[str, Discoverer] = MappingProxyType(
    {
        "openai": openai,
        "anthropic": anthropic,
        "azure-openai": azure,
        "gemini": gemini,
        "vertex-ai": vertex,
        "bedrock": bedrock,
        "ollama": ollama,
        "openai-compatible": openai_compatible,
        "openrouter": openrouter,
        "mistral": mistral,
        "groq": groq,
        "together": together,
        "deepseek": deepseek,
    }
)
