"""Pure functions: retry policy, error classification, dates, parsers."""

from __future__ import annotations

import email.utils
import json
import time

import pytest

from compiler.discovery import ADAPTERS, anthropic, gemini, mistral, together
from compiler.discovery.dates import day_from_iso, day_from_unix
from compiler.discovery.policy import RetryPolicy, classify_response, retry_delay
from tests.discovery.server import fixture

POLICY = RetryPolicy(attempts=5, base_delay=1.0, max_delay=4.0, random=lambda: 1.0)


def test_backoff_doubles_up_to_the_cap():
    delays = [retry_delay(POLICY, n, {}, b"") for n in range(1, 6)]
    assert delays == [1.0, 2.0, 4.0, 4.0, None]


def test_jitter_spreads_between_half_and_full():
    low = RetryPolicy(base_delay=2.0, random=lambda: 0.0)
    assert retry_delay(low, 1, None, b"") == 1.0


def test_retry_after_as_http_date():
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    delay = retry_delay(POLICY, 1, {"retry-after": when}, b"")
    assert delay is not None and 25 <= delay <= 30


def test_unparsable_retry_after_falls_back_to_backoff():
    assert retry_delay(POLICY, 1, {"retry-after": "soon"}, b"") == 1.0
    assert retry_delay(POLICY, 1, {"retry-after-ms": "x"}, b"") == 1.0


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (429, fixture("openai", "error_429_rate_limit.json"), True),
        (429, fixture("openai", "error_429_insufficient_quota.json"), False),
        (400, fixture("gemini", "error_400_api_key_invalid.json"), False),
        (403, fixture("bedrock", "error_403_unrecognized_client.json"), False),
        (529, fixture("anthropic", "error_529.json"), True),
        (503, fixture("gemini", "error_503.json"), True),
        (402, b"{}", False),
        (404, fixture("vllm", "error_404_model_legacy.json"), False),
        (400, fixture("openrouter", "error_400.json"), False),
    ],
)
def test_classification(status, body, retryable):
    assert classify_response(status, body, {}, "check K").retryable is retryable


@pytest.mark.parametrize(
    ("provider", "name", "message"),
    [
        ("mistral", "error_401.json", "Unauthorized"),
        ("mistral", "error_429.json", "Requests rate limit exceeded"),
        ("vllm", "error_401.json", "Unauthorized"),
        (
            "bedrock",
            "error_429_throttling.json",
            "Too many requests, please wait before trying again.",
        ),
        ("anthropic", "error_401.json", "invalid x-api-key"),
    ],
)
def test_error_messages_from_every_shape(provider, name, message):
    assert classify_response(401, fixture(provider, name), {}, "").message == message


def test_dates():
    assert day_from_unix(0) is None
    assert day_from_unix(1723075200) == "2024-08-08"
    assert day_from_iso("1970-01-01T00:00:00Z") is None
    assert day_from_iso("2025-05-10T08:06:48.639712-07:00") == "2025-05-10"
    assert day_from_iso("not a date") is None


def test_registry_covers_every_inventory_type():
    assert set(ADAPTERS) == {
        "openai", "anthropic", "azure-openai", "gemini", "vertex-ai", "bedrock", "ollama",
        "openai-compatible", "openrouter", "mistral", "groq", "together", "deepseek",
    }  # fmt: skip


def test_anthropic_lifecycle_fields():
    raw = json.loads(fixture("anthropic", "model_claude-3-haiku-20240307_lifecycle.json"))
    model = anthropic._to_snapshot(anthropic.AnthropicModel.model_validate(raw))
    assert model.details["lifecycle"] == "deprecated"
    assert model.deprecated_at is not None and model.retires_at is not None


def test_anthropic_alias_candidates_skip_listed_ids():
    ids = {"claude-sonnet-4-5-20250929", "claude-sonnet-4-6"}
    wanted = ["claude-sonnet-4-6", "x", "claude-*", "a/b"]
    assert anthropic._candidates(ids, wanted) == ["claude-sonnet-4-5", "x"]


def test_gemini_strips_models_prefix_and_maps_methods():
    raw = {"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]}
    model = gemini._to_snapshot(gemini.GeminiModel.model_validate(raw))
    assert (model.id, model.capabilities) == ("text-embedding-004", ("embeddings",))


def test_mistral_alias_only_from_dated_cards():
    cards = [
        mistral.MistralModel(id="m-latest", aliases=("m-2501",)),
        mistral.MistralModel(id="m-2501", aliases=("m-latest",)),
    ]
    assert mistral._aliases(cards) == {"m-latest": "m-2501"}


def test_together_types_map_to_capabilities():
    raw = json.loads(fixture("together", "models.json"))
    models = [together._to_snapshot(together.TogetherModel.model_validate(m)) for m in raw]
    assert {m.capabilities for m in models} >= {("chat",), ("embeddings",)}


def test_litellm_unknown_key_without_db_is_a_credential_problem():
    verdict = classify_response(
        400, fixture("litellm", "error_400_unknown_key_no_db.json"), {}, "check K"
    )
    assert (verdict.retryable, verdict.hint) == (False, "check K")


def test_string_error_bodies_do_not_break_the_policy():
    body = fixture("ollama", "error_404_show.json")
    assert retry_delay(POLICY, 1, {}, body) == 1.0
    assert classify_response(404, body, {}, "").message == "model 'llama9' not found"


def test_access_repr_hides_the_key():
    from compiler.discovery.auth import Access

    access = Access({"Authorization": "Bearer sk-hidden"}, None, ("sk-hidden",), "check K")
    assert "sk-hidden" not in repr(access)


def test_cli_discovery_defaults_match_the_library():
    from compiler.cli import discovery_flags as flags
    from compiler.discovery import limits

    assert flags.DEFAULT_TIMEOUT == limits.DEFAULT_TIMEOUT
    assert flags.DEFAULT_DEADLINE == limits.DEFAULT_DEADLINE
    assert flags.DEFAULT_CONCURRENCY == limits.DEFAULT_CONCURRENCY
    assert flags.DEFAULT_ATTEMPTS == limits.DEFAULT_ATTEMPTS
