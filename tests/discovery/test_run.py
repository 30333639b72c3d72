"""The runner: concurrency, failure isolation, unchanged snapshots, and no leaked secrets."""

from __future__ import annotations

import io
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from compiler.discovery.progress import LineProgress, LiveProgress
from compiler.discovery.run import DiscoveryOptions, discover_providers, write_snapshots
from tests.discovery.conftest import make_provider
from tests.discovery.server import FakeProvider, Reply, file_reply, json_reply

SECRET = "sk-RECOGNIZABLE-fake-key-4f1c9a0e6b2d"


def _options(options: DiscoveryOptions, when: str) -> DiscoveryOptions:
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return DiscoveryOptions(policy=options.policy, cloud=options.cloud, now=lambda: stamp)


def test_one_failure_does_not_stop_the_others(server, client, options, tmp_path):
    server.add("/good/v1/models", file_reply("openai", "models.json"))
    server.add("/bad/v1/models", file_reply("openai", "error_401_invalid_key.json", 401))
    good = make_provider("good", "openai", server.url + "/good/v1", env="K")
    bad = make_provider("bad", "openai", server.url + "/bad/v1", env="K")
    stale = tmp_path / "bad.json"
    stale.write_text("last good snapshot\n")
    outcome = discover_providers([good, bad], client=client, environ={"K": SECRET}, options=options)
    assert not outcome.ok
    assert list(outcome.snapshots) == ["good"]
    assert str(outcome.failures["bad"]) == (
        f"401 from bad ({server.url}/bad/v1/models): Incorrect API key provided: "
        "sk-proj-****************************wxyz. You can find your API key at "
        "https://platform.openai.com/account/api-keys.: check K"
    )
    assert write_snapshots(outcome, tmp_path) == [tmp_path / "good.json"]
    assert stale.read_text() == "last good snapshot\n"


def test_unchanged_provider_keeps_the_file_byte_for_byte(server, client, options, tmp_path):
    server.add("/v1/models", file_reply("vllm", "models.json"))
    p = make_provider("vllm", "openai-compatible", server.url + "/v1")
    first = discover_providers(
        [p], client=client, environ={}, options=_options(options, "2026-01-01T00:00:00")
    )
    assert write_snapshots(first, tmp_path) == [tmp_path / "vllm.json"]
    before = (tmp_path / "vllm.json").read_bytes()
    assert json.loads(before)["source"]["fetchedAt"] == "2026-01-01T00:00:00Z"
    again = discover_providers(
        [p], client=client, environ={}, options=_options(options, "2026-02-02T00:00:00")
    )
    assert write_snapshots(again, tmp_path) == []
    assert (tmp_path / "vllm.json").read_bytes() == before


def test_changed_content_rewrites_the_file(server, client, options, tmp_path):
    route = server.add("/v1/models", file_reply("deepseek", "models.json"))
    p = make_provider("ds", "deepseek", server.url + "/v1", env="K")
    write_snapshots(
        discover_providers([p], client=client, environ={"K": "x"}, options=options), tmp_path
    )
    route.replies = [json_reply({"data": [{"id": "deepseek-chat"}]})]
    route.served = 0
    outcome = discover_providers([p], client=client, environ={"K": "x"}, options=options)
    assert write_snapshots(outcome, tmp_path) == [tmp_path / "ds.json"]
    assert [m["id"] for m in json.loads((tmp_path / "ds.json").read_text())["models"]] == [
        "deepseek-chat"
    ]


def test_snapshot_is_sorted_and_deduplicated(server, client, options):
    data = {"data": [{"id": "b"}, {"id": "a"}, {"id": "b"}]}
    server.add("/v1/models", json_reply(data))
    p = make_provider("x", "openai-compatible", server.url + "/v1")
    snap = discover_providers([p], client=client, environ={}, options=options).snapshots["x"]
    assert [m.id for m in snap.models] == ["a", "b"]


def test_secret_never_leaks(server, client, options, tmp_path, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"Incorrect API key provided: {SECRET}"}}
    server.add("/ok/v1/models", file_reply("openai", "models.json"))
    server.add("/echo/v1/models", json_reply(echo, 401))
    server.add("/flaky/v1/models", json_reply(echo, 503), Reply(200, b"{", truncate=True))
    providers = [
        make_provider(name, "openai", f"{server.url}/{name}/v1", env="OPENAI_API_KEY")
        for name in ("ok", "echo", "flaky")
    ]
    stream = io.StringIO()
    outcome = discover_providers(
        providers,
        client=client,
        environ={"OPENAI_API_KEY": SECRET},
        options=options,
        progress=LineProgress(stream),
    )
    write_snapshots(outcome, tmp_path)
    assert sorted(outcome.failures) == ["echo", "flaky"]
    texts = [stream.getvalue(), *map(str, outcome.failures.values()), repr(outcome)]
    texts += [p.read_text() for p in tmp_path.iterdir()]
    captured = capsys.readouterr()
    texts += [captured.out, captured.err, caplog.text]
    assert all(SECRET not in text for text in texts)
    # ... while it was really sent, to the provider's endpoint only.
    assert all(s.headers["authorization"] == f"Bearer {SECRET}" for s in server.seen)


def test_concurrency_is_bounded_and_parallel(client, options):
    with FakeProvider() as server:
        for i in range(6):
            server.add(f"/p{i}/v1/models", Reply(200, b'{"data": []}', delay=0.3))
        providers = [
            make_provider(f"p{i}", "openai-compatible", f"{server.url}/p{i}/v1") for i in range(6)
        ]
        started = time.monotonic()
        outcome = discover_providers(
            providers, client=client, environ={}, options=options, concurrency=3
        )
        elapsed = time.monotonic() - started
    assert outcome.ok
    # two waves of three: well under the sequential 1.8 s, at least two delays long
    assert 0.6 <= elapsed < 1.5


def test_live_progress_draws_a_row_per_provider(server, client, options):
    server.add("/v1/models", json_reply({}, 429, **{"retry-after": "0"}), json_reply({"data": []}))
    stream = io.StringIO()
    p = make_provider("p", "openai-compatible", server.url + "/v1")
    discover_providers(
        [p], client=client, environ={}, options=options, progress=LiveProgress(stream)
    )
    last = stream.getvalue().rsplit("\x1b[2K", 1)[-1]
    assert last == "p  pages   1  models     0  retries 1  done\n"


def test_line_progress_is_plain(server, client, options):
    server.add("/v1/models", json_reply({}, 500), json_reply({"data": [{"id": "m"}]}))
    stream = io.StringIO()
    p = make_provider("p", "openai-compatible", server.url + "/v1")
    discover_providers(
        [p], client=client, environ={}, options=options, progress=LineProgress(stream)
    )
    assert stream.getvalue().splitlines() == [
        "discover p: started",
        "discover p: HTTP 500, retry 1 in 0.4s",
        "discover p: 1 models",
    ]


@pytest.mark.parametrize("content", ["", "{", '{"provider": 1}'])
def test_unreadable_old_snapshot_is_replaced(server, client, options, tmp_path: Path, content):
    server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    (tmp_path / "p.json").write_text(content)
    p = make_provider("p", "openai-compatible", server.url + "/v1")
    outcome = discover_providers([p], client=client, environ={}, options=options)
    assert write_snapshots(outcome, tmp_path) == [tmp_path / "p.json"]


def test_changes_name_added_and_removed_ids(server, client, options, tmp_path: Path):
    from compiler.discovery.changes import snapshot_changes

    route = server.add("/v1/models", json_reply({"data": [{"id": "a"}, {"id": "b"}]}))
    p = make_provider("p", "openai-compatible", server.url + "/v1")
    first = discover_providers([p], client=client, environ={}, options=options)
    assert snapshot_changes(first.snapshots, tmp_path)["p"].first
    write_snapshots(first, tmp_path)
    route.replies = [json_reply({"data": [{"id": "b"}, {"id": "c"}]})]
    route.served = 0
    second = discover_providers([p], client=client, environ={}, options=options)
    change = snapshot_changes(second.snapshots, tmp_path)["p"]
    assert (change.added, change.removed, change.first) == (("c",), ("a",), False)
