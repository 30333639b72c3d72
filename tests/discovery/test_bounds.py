"""Time bounds, one request per account, and the discovery endpoint, on loopback."""

from __future__ import annotations

import dataclasses
import io
import time

from compiler.discovery.accounts import Job
from compiler.discovery.network import Timeouts
from compiler.discovery.policy import RetryPolicy
from compiler.discovery.progress import LineProgress
from compiler.discovery.run import discover_jobs, discover_providers
from tests.discovery.conftest import DiscoverySettings, make_provider
from tests.discovery.server import FakeProvider, Reply, file_reply, json_reply

LIST = b'{"data": [{"id": "m"}]}'


def test_hung_provider_cannot_hold_the_run_past_the_deadline(server, options):
    server.add("/hung/v1/models", Reply(200, LIST, delay=6.0))
    server.add("/ok/v1/models", Reply(200, LIST))
    hung = make_provider("hung", "openai-compatible", server.url + "/hung/v1")
    ok = make_provider("ok", "openai-compatible", server.url + "/ok/v1")
    real_sleep = RetryPolicy(attempts=4, base_delay=0.1)
    opts = dataclasses.replace(
        options, policy=real_sleep, timeouts=Timeouts(connect=1.0, request=10.0), deadline=1.5
    )
    started = time.monotonic()
    outcome = discover_providers([hung, ok], environ={}, options=opts)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert list(outcome.snapshots) == ["ok"]
    assert "timed out" in outcome.failures["hung"].message


def test_trickling_body_is_cut_at_the_request_timeout(server, options):
    server.add("/v1/models", Reply(200, LIST * 10, trickle=0.05))
    p = make_provider("slow", "openai-compatible", server.url + "/v1")
    opts = dataclasses.replace(
        options, policy=RetryPolicy(attempts=1), timeouts=Timeouts(connect=1.0, request=0.6)
    )
    started = time.monotonic()
    failure = discover_providers([p], environ={}, options=opts).failures["slow"]
    assert time.monotonic() - started < 1.5
    assert "trickling" in failure.message


def test_retries_stop_at_the_deadline(server, options):
    server.add("/v1/models", json_reply({}, 503, **{"retry-after": "5"}))
    p = make_provider("busy", "openai-compatible", server.url + "/v1")
    opts = dataclasses.replace(options, deadline=2.0)
    failure = discover_providers([p], environ={}, options=opts).failures["busy"]
    assert failure.message.startswith("overall deadline of 2s reached (last: HTTP 503)")
    assert len(server.seen) == 1


def test_provider_queued_past_the_deadline_is_not_asked(options):
    with FakeProvider() as fake:
        fake.add("/a/v1/models", Reply(200, LIST, delay=1.2))
        fake.add("/b/v1/models", Reply(200, LIST))
        a = make_provider("a", "openai-compatible", fake.url + "/a/v1")
        b = make_provider("b", "openai-compatible", fake.url + "/b/v1")
        opts = dataclasses.replace(options, deadline=1.0, timeouts=Timeouts(1.0, 5.0))
        outcome = discover_providers([a, b], environ={}, options=opts, concurrency=1)
        assert fake.requests_to("/b/v1/models") == []
    assert "before it was asked" in outcome.failures["b"].message


def test_same_account_in_three_environments_is_asked_once(server, options):
    server.add("/v1/models", file_reply("openai", "models.json"))
    stream = io.StringIO()
    jobs = [
        Job(env, make_provider("openai", "openai", server.url + "/v1", env="OPENAI_API_KEY"))
        for env in ("dev", "staging", "prod")
    ]
    narrow = make_provider(
        "openai",
        "openai",
        server.url + "/v1",
        env="OPENAI_API_KEY",
        discovery=DiscoverySettings(include=("gpt-4o*",)),
    )
    jobs[2] = Job("prod", narrow)
    outcomes = discover_jobs(
        jobs, environ={"OPENAI_API_KEY": "k"}, options=options, progress=LineProgress(stream)
    )
    assert len(server.seen) == 1
    assert set(outcomes) == {"dev", "staging", "prod"}
    dev, prod = outcomes["dev"].snapshots["openai"], outcomes["prod"].snapshots["openai"]
    assert prod.ids() < dev.ids() and all(i.startswith("gpt-4o") for i in prod.ids())
    assert stream.getvalue().splitlines()[0] == "discover openai [dev, staging, prod]: started"


def test_different_keys_are_different_accounts(server, options):
    server.add("/v1/models", file_reply("openai", "models.json"))
    jobs = [
        Job("dev", make_provider("openai", "openai", server.url + "/v1", env="DEV_KEY")),
        Job("prod", make_provider("openai", "openai", server.url + "/v1", env="PROD_KEY")),
    ]
    outcomes = discover_jobs(jobs, environ={"DEV_KEY": "a", "PROD_KEY": "b"}, options=options)
    assert len(server.seen) == 2
    assert sorted(s.headers["authorization"] for s in server.seen) == ["Bearer a", "Bearer b"]
    assert outcomes["dev"].ok and outcomes["prod"].ok


def test_progress_names_the_environment(server, options):
    server.add("/v1/models", json_reply({"data": []}))
    stream = io.StringIO()
    p = make_provider("vllm", "openai-compatible", server.url + "/v1")
    discover_jobs([Job("prod", p)], environ={}, options=options, progress=LineProgress(stream))
    assert stream.getvalue().splitlines() == [
        "discover prod/vllm: started",
        "discover prod/vllm: 0 models",
    ]


def test_discovery_endpoint_and_its_own_key(server, options):
    server.add(
        "/v1/models", json_reply({"data": [{"id": "m"}]}), expect={"authorization": "Bearer ci"}
    )
    settings = DiscoverySettings(endpoint=server.url + "/v1", credentials_env="CI_KEY")
    p = make_provider(
        "vllm",
        "openai-compatible",
        "http://vllm.models.svc.cluster.local:8000/v1",
        env="CLUSTER_KEY",
        discovery=settings,
    )
    outcome = discover_providers([p], environ={"CI_KEY": "ci"}, options=options)
    assert outcome.ok and server.violations == []
    assert outcome.snapshots["vllm"].source.url == server.url + "/v1/models"


def test_anthropic_alias_lookups_run_concurrently(server, options):
    dated = [f"claude-m{i}-2026010{i}" for i in range(1, 9)]
    page = {"data": [{"id": i, "type": "model"} for i in dated], "has_more": False}
    server.add("/v1/models", json_reply(page))
    for model in dated:
        alias = model.rsplit("-", 1)[0]
        server.add(f"/v1/models/{alias}", Reply(200, f'{{"id": "{model}"}}'.encode(), delay=0.3))
    p = make_provider("anthropic", "anthropic", server.url, env="K")
    started = time.monotonic()
    snapshot = discover_providers([p], environ={"K": "k"}, options=options).snapshots["anthropic"]
    elapsed = time.monotonic() - started
    assert len(snapshot.aliases) == 8
    assert elapsed < 1.2  # eight lookups of 0.3 s each, one after another, would take 2.4 s
