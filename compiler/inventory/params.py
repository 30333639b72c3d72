"""Call parameters a provider type takes: warn about keys nothing will understand.

`params` (models) and `defaults` (providers) go to LiteLLM as `litellm_params`, which
forwards what the provider's API takes and, with `drop_params: true`, silently drops the
rest. A misspelt key (`temprature`) would vanish without a word; these are the keys
LiteLLM 1.82.6 maps for each provider type, plus its router's own. Unknown keys are a
warning, not an error: providers add parameters faster than any list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from compiler.errors import Diagnostic, Location, Severity

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment

_OPENAI_STYLE = frozenset(
    {
        "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "n",
        "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs",
        "user", "response_format", "tools", "tool_choice", "parallel_tool_calls",
        "reasoning_effort", "service_tier", "stream_options", "modalities", "audio",
        "prediction", "metadata", "web_search_options", "verbosity", "extra_body",
        "thinking", "top_k", "dimensions", "encoding_format",
    }
)  # fmt: skip
_ROUTER = frozenset(
    {
        "rpm", "tpm", "num_retries", "max_retries", "stream_timeout", "weight", "order",
        "max_parallel_requests", "input_cost_per_token", "output_cost_per_token",
        "mock_response",
    }
)  # fmt: skip
_BY_TYPE: dict[str, frozenset[str]] = {
    "anthropic": frozenset({"effort", "disable_parallel_tool_use"}),
    "gemini": frozenset({"safety_settings", "response_schema", "candidate_count",
                         "cached_content", "labels"}),
    "vertex-ai": frozenset({"safety_settings", "response_schema", "candidate_count",
                            "cached_content", "labels", "effort"}),
    "bedrock": frozenset({"guardrailConfig", "performanceConfig", "requestMetadata",
                          "additionalModelRequestFields"}),
    "ollama": frozenset({"num_ctx", "num_predict", "keep_alive", "format", "repeat_penalty",
                         "repeat_last_n", "mirostat", "mirostat_eta", "mirostat_tau",
                         "num_gpu", "num_thread", "tfs_z", "min_p"}),
    "openai-compatible": frozenset({"min_p", "repetition_penalty", "guided_json",
                                    "guided_regex", "guided_choice", "guided_grammar",
                                    "chat_template_kwargs", "best_of", "length_penalty",
                                    "min_tokens", "ignore_eos", "skip_special_tokens",
                                    "include_stop_str_in_output"}),
    "openrouter": frozenset({"transforms", "models", "route", "provider", "usage"}),
    "mistral": frozenset({"safe_prompt", "random_seed"}),
}  # fmt: skip


def known_params(provider_type: str) -> frozenset[str]:
    """Every call parameter modelplane knows LiteLLM handles for `provider_type`."""
    return _OPENAI_STYLE | _ROUTER | _BY_TYPE.get(provider_type, frozenset())


def check_params(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    """Warn at every enabled model's or provider's call parameter nobody knows."""
    providers = {p.name: p for p in env.providers}
    for provider in env.providers:
        for key in sorted(set(provider.defaults) - known_params(provider.type)):
            at = env.locate("providers", provider.name, ("defaults", key))
            yield _unknown(at, f"defaults.{key}", provider.type)
    for model in env.models:
        provider_type = providers[model.provider].type if model.provider in providers else None
        if provider_type is None:
            continue
        for key in sorted(set(model.params) - known_params(provider_type)):
            at = env.locate("models", model.name, ("params", key))
            yield _unknown(at, f"params.{key}", provider_type)


def _unknown(at: Location, where: str, provider_type: str) -> Diagnostic:
    return Diagnostic(
        at,
        "unknown-param",
        f"{where} is not a call parameter modelplane knows for {provider_type} providers; "
        "LiteLLM drops what the provider does not take (drop_params)",
        hint="check the spelling against the provider's API reference",
        severity=Severity.WARNING,
    )
