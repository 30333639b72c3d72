"""One capability vocabulary for every provider, applied to every snapshot.

Providers name the same thing differently (Gemini `embedContent`, Ollama `embedding`,
Azure `chat_completion`, OpenRouter `structured_outputs`). Every name an adapter reports
passes through `normalize`: kebab-cased, mapped to the vocabulary, and dropped when it is
an API method rather than a capability (`countTokens`). A name outside the vocabulary is
kept kebab-cased, so nothing the provider said is lost; `requires.capabilities` in the
inventory is checked against these names (docs/discovery.md lists them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

VOCABULARY: frozenset[str] = frozenset(
    {
        "audio-input",
        "audio-output",
        "batch",
        "caching",
        "chat",
        "citations",
        "classification",
        "code-execution",
        "completion",
        "embeddings",
        "fim",
        "fine-tuning",
        "image-generation",
        "live",
        "moderation",
        "pdf",
        "rerank",
        "speech",
        "streaming",
        "structured-outputs",
        "thinking",
        "tools",
        "transcription",
        "video-generation",
        "vision",
        "web-search",
    }
)

_SYNONYMS: dict[str, str | None] = {
    "embedding": "embeddings",
    "embed-content": "embeddings",
    "batch-embed-contents": "embeddings",
    "chat-completion": "chat",
    "completion-chat": "chat",
    "generate-content": "chat",
    "completion-fim": "fim",
    "insert": "fim",
    "function-calling": "tools",
    "tool-use": "tools",
    "reasoning": "thinking",
    "structured-output": "structured-outputs",
    "response-schema": "structured-outputs",
    "fine-tune": "fine-tuning",
    "create-tuned-model": "fine-tuning",
    "image-input": "vision",
    "pdf-input": "pdf",
    "create-cached-content": "caching",
    "batch-generate-content": "batch",
    "bidi-generate-content": "live",
    # API methods and flags that say nothing about what a model can do.
    "count-tokens": None,
    "count-text-tokens": None,
    "count-message-tokens": None,
    "inference": None,
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normalize(name: str) -> str | None:
    """The vocabulary name for a provider's capability name, None for non-capabilities."""
    kebab = _CAMEL.sub("-", name.strip()).replace("_", "-").replace(" ", "-").lower()
    if kebab in _SYNONYMS:
        return _SYNONYMS[kebab]
    return kebab or None


def normalize_all(names: Iterable[str]) -> tuple[str, ...]:
    """Normalize, drop non-capabilities, sort and de-duplicate."""
    return tuple(sorted({n for n in map(normalize, names) if n}))
