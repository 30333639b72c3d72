"""Shared value types of the inventory language: names, durations, scalars, provider types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints
from typing_extensions import TypeAliasType

STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Name = Annotated[
    str,
    StringConstraints(max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
    Field(description="A DNS-1123 label: lower-case letters, digits and '-', at most 63."),
]


EnvVarName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


Duration = Annotated[
    str,
    # Gateway API's duration format (GEP-2257), which KAOS' own pattern also accepts.
    StringConstraints(pattern=r"^([0-9]{1,5}(h|m|s|ms)){1,4}$"),
    Field(description="A Go-style duration such as 90s, 2m or 1h30m."),
]


HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]


# Finite floats first: for a bad number, their error is the one worth reading.
Scalar = Annotated[float, Field(allow_inf_nan=False)] | int | bool | str


# Call parameters nest (Anthropic's `thinking: {type: enabled, budget_tokens: 8192}`,
# Gemini's `safety_settings: [...]`); null stays out: in overrides it means "remove".
ParamValue = TypeAliasType("ParamValue", "Scalar | list[ParamValue] | dict[str, ParamValue]")
Params = dict[str, ParamValue]


ProviderType = Literal[
    "openai",
    "anthropic",
    "azure-openai",
    "gemini",
    "vertex-ai",
    "bedrock",
    "ollama",
    "openai-compatible",
    "openrouter",
    "mistral",
    "groq",
    "together",
    "deepseek",
]


DEFAULT_ENDPOINTS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "openrouter": "https://openrouter.ai/api/v1",
    "mistral": "https://api.mistral.ai/v1",
    "groq": "https://api.groq.com/openai/v1",
    "together": "https://api.together.xyz/v1",
    "deepseek": "https://api.deepseek.com",
    "ollama": "http://localhost:11434",
}
