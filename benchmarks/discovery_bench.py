"""Discover 50 providers that each answer 3 pages with 200 ms latency; compare with the sum.

Run: .venv/bin/python benchmarks/discovery_bench.py [--providers 50] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compiler.discovery.base import DiscoveryFailure
from compiler.discovery.run import build_client, discover_providers
from tests.discovery.conftest import make_provider
from tests.discovery.server import FakeProvider, Reply, json_reply

LATENCY = 0.2
PAGES = 3


class Timer:
    """A progress sink that records how long each provider took."""

    def __init__(self) -> None:
        self.began: dict[str, float] = {}
        self.took: dict[str, float] = {}
        self.lock = threading.Lock()

    def started(self, provider: str) -> None:
        with self.lock:
            self.began[provider] = time.monotonic()

    def page(self, provider: str, pages: int, models: int) -> None:
        pass

    def retry(self, provider: str, attempt: int, status: int | None, delay: float) -> None:
        pass

    def finished(self, provider: str, models: int, failure: DiscoveryFailure | None) -> None:
        with self.lock:
            self.took[provider] = time.monotonic() - self.began[provider]


def _serve(server: FakeProvider, index: int) -> None:
    path = f"/p{index}/v1beta/models"
    for page in range(1, PAGES + 1):
        body: dict[str, object] = {
            "models": [{"name": f"models/m{index}-{page}-{n}"} for n in range(20)]
        }
        if page < PAGES:
            body["nextPageToken"] = f"t{page + 1}"
        reply = json_reply(body)
        slow = Reply(reply.status, reply.body, reply.headers, delay=LATENCY)
        server.add(path, slow, query={"pageToken": f"t{page}"} if page > 1 else None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with FakeProvider() as server:
        for i in range(args.providers):
            _serve(server, i)
        providers = [
            make_provider(f"p{i}", "gemini", f"{server.url}/p{i}", env="KEY")
            for i in range(args.providers)
        ]
        timer = Timer()
        with build_client(concurrency=args.concurrency) as client:
            started = time.monotonic()
            outcome = discover_providers(
                providers,
                client=client,
                environ={"KEY": "bench"},
                progress=timer,
                concurrency=args.concurrency,
            )
            wall = time.monotonic() - started
    assert outcome.ok, outcome.failures
    models = sum(len(s.models) for s in outcome.snapshots.values())
    print(f"providers            {args.providers} x {PAGES} pages x {LATENCY * 1000:.0f} ms")
    print(f"models               {models}")
    print(f"concurrency          {args.concurrency}")
    print(f"wall time            {wall:.2f} s")
    print(f"sequential sum       {sum(timer.took.values()):.2f} s")
    print(f"slowest provider     {max(timer.took.values()):.2f} s")


if __name__ == "__main__":
    main()
