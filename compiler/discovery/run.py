"""Run discovery for many providers concurrently and write the snapshots that changed.

Threads, not asyncio: adapters are plain blocking functions over shared `httpx.Client`s
(thread-safe, pooled), which keeps them easy to read and test; a `ThreadPoolExecutor`
with `concurrency` workers is the bound on parallel providers. One overall deadline
bounds the whole run, so a hung or trickling provider cannot hold it.

Accounts are asked once: providers of several environments that share type, endpoint,
credential and settings (`discover --all`) become one request sequence whose result is
filtered per environment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pydantic

from compiler.discovery.accounts import Account, Job, group_accounts
from compiler.discovery.base import (
    Discovered,
    DiscoveryFailure,
    ProgressSink,
)
from compiler.discovery.network import ClientPool, build_client
from compiler.discovery.options import DiscoveryOptions
from compiler.discovery.runone import AccountRun, run_account
from compiler.discovery.select import snapshot_for
from compiler.discovery.spec import ProviderSpec
from compiler.discovery.wire import Deadline
from compiler.fsio import atomic_write_bytes
from compiler.models.snapshot import Snapshot, snapshot_to_json

__all__ = ["DiscoveryOptions", "DiscoveryOutcome", "build_client", "discover_providers"]


@dataclass(frozen=True, slots=True)
class DiscoveryOutcome:
    """Per provider name, its new snapshot or why it failed."""

    snapshots: Mapping[str, Snapshot]
    failures: Mapping[str, DiscoveryFailure]

    @property
    def ok(self) -> bool:
        """Whether every provider answered."""
        return not self.failures


def discover_providers(
    providers: Sequence[ProviderSpec],
    *,
    client: httpx.Client | None = None,
    environ: Mapping[str, str],
    progress: ProgressSink | None = None,
    concurrency: int | None = None,
    options: DiscoveryOptions | None = None,
) -> DiscoveryOutcome:
    """Ask every enabled provider of one environment for its models."""
    jobs = [
        Job("", p, tuple((options or DiscoveryOptions()).wanted.get(p.name, ()))) for p in providers
    ]
    return discover_jobs(
        jobs,
        client=client,
        environ=environ,
        progress=progress,
        concurrency=concurrency,
        options=options,
    ).get("", DiscoveryOutcome({}, {}))


def discover_jobs(
    jobs: Sequence[Job],
    *,
    client: httpx.Client | None = None,
    environ: Mapping[str, str],
    progress: ProgressSink | None = None,
    concurrency: int | None = None,
    options: DiscoveryOptions | None = None,
) -> dict[str, DiscoveryOutcome]:
    """Discover providers of several environments, each distinct account once."""
    opts = options or DiscoveryOptions()
    width = max(1, concurrency or opts.concurrency)
    accounts = group_accounts([j for j in jobs if j.provider.discovery.enabled], environ)
    deadline = Deadline.after(opts.deadline)
    pool = ClientPool(opts.network, timeouts=opts.timeouts, concurrency=width, default=client)
    run = AccountRun(pool, environ, progress, opts, deadline)
    try:
        with ThreadPoolExecutor(max_workers=width) as workers:
            results = list(workers.map(lambda a: run_account(a, run), accounts))
    finally:
        pool.close()
    return _per_environment(jobs, accounts, results, opts.now())


def _per_environment(
    jobs: Sequence[Job],
    accounts: Sequence[Account],
    results: Sequence[Discovered | DiscoveryFailure],
    now: datetime,
) -> dict[str, DiscoveryOutcome]:
    snapshots: dict[str, dict[str, Snapshot]] = {j.env: {} for j in jobs}
    failures: dict[str, dict[str, DiscoveryFailure]] = {j.env: {} for j in jobs}
    for account, result in zip(accounts, results, strict=True):
        for job in account.jobs:
            name = job.provider.name
            if isinstance(result, DiscoveryFailure):
                failures[job.env][name] = DiscoveryFailure(
                    name, result.url, result.status, result.message, result.hint
                )
            else:
                snapshots[job.env][name] = snapshot_for(job.provider, result, now)
    return {
        env: DiscoveryOutcome(
            dict(sorted(snapshots[env].items())), dict(sorted(failures[env].items()))
        )
        for env in snapshots
    }


def write_snapshots(
    outcome: DiscoveryOutcome, snapshots_dir: Path, *, root: Path | None = None
) -> list[Path]:
    """Write changed snapshots atomically; an unchanged one keeps its old file byte for byte."""
    written: list[Path] = []
    for name, snapshot in outcome.snapshots.items():
        path = snapshots_dir / f"{name}.json"
        if _stored_digest(path) == snapshot.digest():
            continue
        atomic_write_bytes(path, snapshot_to_json(snapshot).encode("utf-8"), root=root)
        written.append(path)
    return written


def _stored_digest(path: Path) -> str | None:
    try:
        return Snapshot.model_validate(json.loads(path.read_bytes())).digest()
    except (OSError, ValueError, pydantic.ValidationError):
        return None
