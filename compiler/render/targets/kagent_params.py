"""kagent's own types for call parameters (pure).

kagent-adk passes sampling parameters to the OpenAI client only (as strings in the
CRD, parsed back to floats by the translator), `maxOutputTokens` to Gemini, and Ollama
`options` as strings; every other provider's client is built without them.
"""

from __future__ import annotations

from typing import Any

from compiler.models.inventory import Model
from compiler.models.providers import Provider
from compiler.render.targets.issues import Issue, call_params, decimal_string, ignored, sorted_map

_OPENAI_DECIMALS = {
    "temperature": "temperature",
    "top_p": "topP",
    "frequency_penalty": "frequencyPenalty",
    "presence_penalty": "presencePenalty",
}
_OPENAI_INTEGERS = {
    "max_tokens": "maxTokens",
    "max_completion_tokens": "maxCompletionTokens",
    "n": "n",
    "seed": "seed",
}
_REASONING_EFFORTS = frozenset({"none", "minimal", "low", "medium", "high", "xhigh", "max"})


def kagent_params(
    kind: str, model: Model, provider: Provider, issues: list[Issue]
) -> dict[str, Any]:
    """The provider block's parameter fields; what kagent would not use becomes a warning."""
    out: dict[str, Any] = {}
    for key, value, at in call_params(model, provider):
        field, converted = _param(kind, key, value)
        if field is None:
            issues.append(
                ignored(
                    at,
                    "kagent-ignored",
                    f"kagent's {kind} provider has no use for call parameter {key!r}",
                    "kagent passes only the parameters its CRD types and its runtime reads",
                )
            )
        elif field == "options":
            out.setdefault("options", {})[_OLLAMA_NAMES.get(key, key)] = converted
        else:
            out[field] = converted
    if "options" in out:
        out["options"] = sorted_map(out["options"])
    if "maxTokens" in out and "maxCompletionTokens" in out:
        issues.append(
            Issue(
                "models",
                model.name,
                ("params",),
                "kagent-unsupported",
                "kagent accepts max_tokens or max_completion_tokens, not both",
            )
        )
    return out


_OLLAMA_NAMES = {"max_tokens": "num_predict"}


def _param(kind: str, key: str, value: Any) -> tuple[str | None, Any]:
    if kind == "OpenAI":
        if key in _OPENAI_DECIMALS and decimal_string(value) is not None:
            return _OPENAI_DECIMALS[key], decimal_string(value)
        if key in _OPENAI_INTEGERS and _positive_int(value):
            return _OPENAI_INTEGERS[key], value
        if key == "reasoning_effort" and value in _REASONING_EFFORTS:
            return "reasoningEffort", value
    elif kind in ("Gemini", "GeminiVertexAI"):
        if key in ("max_tokens", "max_output_tokens") and _positive_int(value):
            return "maxOutputTokens", value
    elif kind == "Ollama" and isinstance(value, str | int | float) and not isinstance(value, bool):
        return "options", str(value) if not isinstance(value, float) else decimal_string(value)
    return None, None


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
