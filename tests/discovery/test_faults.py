"""Faults over real HTTP: rate limits, 5xx bursts, timeouts, broken bodies, endless paging."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from compiler.discovery.base import DiscoveryFailure
from compiler.discovery.network import Timeouts
from compiler.discovery.run import discover_providers
from tests.discovery.conftest import make_provider
from tests.discovery.server import FakeProvider, Reply, file_reply, json_reply

KEY = "sk-fault-0123456789"
OK_LIST = {"object": "list", "data": [{"id": "m1", "created": 1700000000}]}


def _run(server: FakeProvider, client: Any, options: Any, type_: str = "openai", base: str = "/v1"):
    p = make_provider("prov", type_, server.url + base, env="OPENAI_API_KEY")
    return discover_providers([p], client=client, environ={"OPENAI_API_KEY": KEY}, options=options)


def _failure(outcome: Any) -> DiscoveryFailure:
    assert outcome.snapshots == {}
    return outcome.failures["prov"]


def test_429_with_retry_after_then_success(server, client, options, sleeps):
    limited = file_reply("openai", "error_429_rate_limit.json", 429, **{"retry-after": "7"})
    server.add("/v1/models", limited, json_reply(OK_LIST))
    outcome = _run(server, client, options)
    assert outcome.snapshots["prov"].ids() == {"m1"}
    assert sleeps.calls == [7.0]


def test_retry_after_ms_wins_over_retry_after(server, client, options, sleeps):
    limited = json_reply({}, 429, **{"retry-after": "9", "retry-after-ms": "1500"})
    server.add("/v1/models", limited, json_reply(OK_LIST))
    assert _run(server, client, options).ok
    assert sleeps.calls == [1.5]


def test_gemini_retry_info_delay_is_honoured(server, client, options, sleeps):
    server.add(
        "/v1beta/models", file_reply("gemini", "error_429.json", 429), json_reply({"models": []})
    )
    assert _run(server, client, options, "gemini", "").ok
    assert sleeps.calls == [21.0]


def test_5xx_burst_backs_off_exponentially_then_succeeds(server, client, options, sleeps):
    burst = [json_reply({}, 500), json_reply({}, 502), json_reply({}, 503)]
    server.add("/v1/models", *burst, json_reply(OK_LIST))
    assert _run(server, client, options).ok
    # base 0.5 s doubling, jitter fixed at the middle (random() = 0.5 -> factor 0.75)
    assert sleeps.calls == [0.375, 0.75, 1.5]


def test_anthropic_529_is_retried(server, client, options, sleeps):
    server.add(
        "/v1/models", file_reply("anthropic", "error_529.json", 529), json_reply({"data": []})
    )
    assert _run(server, client, options, "anthropic", "").ok
    assert len(sleeps.calls) == 1


def test_persistent_5xx_gives_up_after_bounded_attempts(server, client, options, sleeps):
    server.add("/v1/models", file_reply("openai", "error_500.json", 500))
    failure = _failure(_run(server, client, options))
    assert failure.status == 500
    assert len(server.seen) == 4
    assert len(sleeps.calls) == 3


def test_retry_after_beyond_the_cap_is_not_waited_for(server, client, options, sleeps):
    server.add("/v1/models", json_reply({}, 429, **{"retry-after": "3600"}))
    assert _failure(_run(server, client, options)).status == 429
    assert sleeps.calls == []


def test_401_is_not_retried_and_hint_names_the_env_var(server, client, options, sleeps):
    server.add("/v1/models", file_reply("openai", "error_401_invalid_key.json", 401))
    failure = _failure(_run(server, client, options))
    assert (failure.status, failure.hint) == (401, "check OPENAI_API_KEY")
    assert failure.url == server.url + "/v1/models"
    assert str(failure).startswith("401 from prov")
    assert len(server.seen) == 1 and sleeps.calls == []


def test_insufficient_quota_429_is_not_retried(server, client, options, sleeps):
    server.add("/v1/models", file_reply("openai", "error_429_insufficient_quota.json", 429))
    failure = _failure(_run(server, client, options))
    assert "billing" in failure.hint
    assert len(server.seen) == 1


def test_gemini_api_key_invalid_400_is_not_retried(server, client, options):
    server.add("/v1beta/models", file_reply("gemini", "error_400_api_key_invalid.json", 400))
    failure = _failure(_run(server, client, options, "gemini", ""))
    assert failure.hint == "check OPENAI_API_KEY"
    assert len(server.seen) == 1


def test_x_should_retry_false_is_obeyed(server, client, options):
    server.add("/v1/models", json_reply({}, 503, **{"x-should-retry": "false"}))
    assert _failure(_run(server, client, options)).status == 503
    assert len(server.seen) == 1


def test_response_slower_than_the_read_timeout(server, client, options, sleeps):
    options = dataclasses.replace(options, timeouts=Timeouts(connect=1.0, request=0.2))
    server.add("/v1/models", Reply(200, json.dumps(OK_LIST).encode(), delay=0.4))
    failure = _failure(_run(server, client, options))
    assert failure.status is None
    assert "timed out" in failure.message
    assert len(sleeps.calls) == 3


def test_slow_first_response_then_fast_one_succeeds(server, client, options):
    slow = Reply(200, json.dumps(OK_LIST).encode(), delay=0.8)
    server.add("/v1/models", slow, json_reply(OK_LIST))
    assert _run(server, client, options).ok


def test_truncated_body(server, client, options):
    server.add("/v1/models", Reply(200, json.dumps(OK_LIST).encode(), truncate=True))
    failure = _failure(_run(server, client, options))
    assert "truncated" in failure.message


def test_invalid_json_is_not_retried(server, client, options):
    server.add("/v1/models", Reply(200, b'{"data": [', {"content-type": "application/json"}))
    failure = _failure(_run(server, client, options))
    assert failure.message == "response body is not valid JSON"
    assert len(server.seen) == 1


def test_unexpected_shape_names_the_place(server, client, options):
    server.add("/v1/models", json_reply({"data": [{"object": "model"}]}))
    failure = _failure(_run(server, client, options))
    assert failure.message.startswith("unexpected response shape at id")


@pytest.mark.parametrize("declared", [True, False])
def test_oversized_body_is_refused(server, client, options, declared):
    huge = json_reply({"data": [{"id": "x" * 1000} for _ in range(100)]})
    if not declared:  # no content-length: the cap applies while streaming
        huge.headers["transfer-encoding"] = "chunked"
    server.add("/v1/models", huge)
    small = dataclasses.replace(options, max_body=10_000)
    failure = _failure(_run(server, client, small))
    assert failure.message == "response body larger than 10000 bytes"


def test_repeating_cursor_is_detected(server, client, options):
    server.add("/v1beta/models", json_reply({"models": [], "nextPageToken": "A"}))
    failure = _failure(_run(server, client, options, "gemini", ""))
    assert "repeated page cursor" in failure.message
    assert len(server.seen) == 2


def test_three_pages_and_more(server, client, options):
    for n in range(1, 5):
        page: dict[str, Any] = {"models": [{"name": f"models/m{n}"}]}
        if n < 4:
            page["nextPageToken"] = f"t{n + 1}"
        server.add(
            "/v1beta/models", json_reply(page), query={"pageToken": f"t{n}"} if n > 1 else None
        )
    outcome = _run(server, client, options, "gemini", "")
    assert outcome.snapshots["prov"].ids() == {"m1", "m2", "m3", "m4"}


def test_page_cap_stops_endless_paging(server, client, options):
    from compiler.discovery.base import MAX_PAGES

    pages = [json_reply({"models": [], "nextPageToken": f"t{i}"}) for i in range(MAX_PAGES + 5)]
    server.add("/v1beta/models", *pages)
    failure = _failure(_run(server, client, options, "gemini", ""))
    assert f"more than {MAX_PAGES} pages" in failure.message
    assert len(server.seen) == MAX_PAGES + 1


def test_connection_refused_is_a_failure_not_a_crash(client, options):
    p = make_provider("prov", "openai", "http://127.0.0.1:9/v1", env="OPENAI_API_KEY")
    outcome = discover_providers(
        [p], client=client, environ={"OPENAI_API_KEY": KEY}, options=options
    )
    assert outcome.failures["prov"].message == "could not connect"


def test_missing_env_var_fails_without_a_request(server, client, options):
    p = make_provider("prov", "openai", server.url + "/v1", env="OPENAI_API_KEY")
    outcome = discover_providers([p], client=client, environ={}, options=options)
    failure = outcome.failures["prov"]
    assert (failure.message, failure.hint) == ("OPENAI_API_KEY is not set", "export OPENAI_API_KEY")
    assert server.seen == []
