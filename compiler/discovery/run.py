"""Run discovery for many providers concurrently and write the snapshots that changed.

Threads, not asyncio: adapters are plain blocking functions over one shared
`httpx.Client` (thread-safe, pooled), which keeps them easy to read and test; a
`ThreadPoolExecutor` with `concurrency` workers is the bound on parallel providers.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pydantic

from compiler import __version__
from compiler.discovery import ADAPTERS
from compiler.discovery.auth import CloudAuth, DefaultCloudAuth, MissingCredential, build_access
from compiler.discovery.base import (
    MAX_BODY_BYTES,
    MAX_PAGES,
    AdapterContext,
    Discovered,
    DiscoveryFailure,
    Fetcher,
    ProgressSink,
    ProviderFailed,
)
from compiler.discovery.policy import RetryPolicy
from compiler.discovery.spec import ProviderSpec
from compiler.fsio import atomic_write_bytes
from compiler.models.snapshot import Snapshot, SnapshotSource, normalize_snapshot, snapshot_to_json

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    """Knobs of a discovery run; defaults suit production, tests shrink them."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    cloud: CloudAuth = field(default_factory=DefaultCloudAuth)
    wanted: Mapping[str, Sequence[str]] = field(default_factory=dict)
    arm_endpoint: str = "https://management.azure.com"
    max_body: int = MAX_BODY_BYTES
    max_pages: int = MAX_PAGES
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class DiscoveryOutcome:
    """Per provider name, its new snapshot or why it failed."""

    snapshots: Mapping[str, Snapshot]
    failures: Mapping[str, DiscoveryFailure]

    @property
    def ok(self) -> bool:
        """Whether every provider answered."""
        return not self.failures


def build_client(
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    concurrency: int = 8,
) -> httpx.Client:
    """The one HTTP client for a discovery run: explicit timeouts, pool sized to the bound."""
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency)
    return httpx.Client(
        timeout=timeout,
        limits=limits,
        headers={"User-Agent": f"modelplane/{__version__}"},
        # A redirect could carry a key to another host, so none are followed. Ambient
        # configuration (proxy variables, .netrc) is ignored: explicit beats implicit.
        follow_redirects=False,
        trust_env=False,
    )


def discover_providers(
    providers: Sequence[ProviderSpec],
    *,
    client: httpx.Client,
    environ: Mapping[str, str],
    progress: ProgressSink | None = None,
    concurrency: int = 8,
    options: DiscoveryOptions | None = None,
) -> DiscoveryOutcome:
    """Ask every enabled provider for its models, at most `concurrency` at a time."""
    opts = options or DiscoveryOptions()
    enabled = [p for p in providers if p.discovery.enabled]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(
            pool.map(lambda p: _discover_one(p, client, environ, progress, opts), enabled)
        )
    snapshots = {
        p.name: r for p, r in zip(enabled, results, strict=True) if isinstance(r, Snapshot)
    }
    failures = {
        p.name: r for p, r in zip(enabled, results, strict=True) if isinstance(r, DiscoveryFailure)
    }
    return DiscoveryOutcome(dict(sorted(snapshots.items())), dict(sorted(failures.items())))


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


def _discover_one(
    provider: ProviderSpec,
    client: httpx.Client,
    environ: Mapping[str, str],
    progress: ProgressSink | None,
    opts: DiscoveryOptions,
) -> Snapshot | DiscoveryFailure:
    if progress is not None:
        progress.started(provider.name)
    result = _run_adapter(provider, client, environ, progress, opts)
    if progress is not None:
        failure = result if isinstance(result, DiscoveryFailure) else None
        count = len(result.models) if isinstance(result, Snapshot) else 0
        progress.finished(provider.name, count, failure)
    return result


def _run_adapter(
    provider: ProviderSpec,
    client: httpx.Client,
    environ: Mapping[str, str],
    progress: ProgressSink | None,
    opts: DiscoveryOptions,
) -> Snapshot | DiscoveryFailure:
    adapter = ADAPTERS.get(provider.type)
    base_url = provider.base_url or ""
    if adapter is None:
        return DiscoveryFailure(provider.name, base_url, None, f"no adapter for {provider.type!r}")
    if not base_url:
        hint = "set `endpoint` (or the type's config block) in the inventory"
        return DiscoveryFailure(provider.name, "", None, "no endpoint to ask", hint)
    try:
        access = build_access(provider, adapter.AUTH, environ, opts.cloud)
    except MissingCredential as exc:
        return DiscoveryFailure(provider.name, base_url, None, str(exc), exc.hint)
    headers = {**provider.headers, **adapter.request_headers(provider)}
    fetcher = Fetcher(
        client, provider.name, access, headers, opts.policy, progress, opts.max_body, opts.max_pages
    )
    ctx = AdapterContext(
        provider, fetcher, opts.cloud, opts.wanted.get(provider.name, ()), opts.arm_endpoint
    )
    try:
        found = adapter.discover(ctx)
    except ProviderFailed as exc:
        return exc.failure
    return _snapshot(provider, found, opts.now())


def _snapshot(provider: ProviderSpec, found: Discovered, now: datetime) -> Snapshot:
    models = [m for m in found.models if _selected(m.id, provider)]
    ids = {m.id for m in models}
    aliases = {a: t for a, t in found.aliases.items() if t in ids}
    fetched = now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    source = SnapshotSource(url=_without_userinfo(found.url), fetched_at=fetched)
    return normalize_snapshot(
        Snapshot(provider=provider.name, source=source, models=tuple(models), aliases=aliases)
    )


def _without_userinfo(url: str) -> str:
    # A password in a URL is a credential: it is never written to a snapshot.
    if "@" not in urlsplit(url).netloc:
        return url
    return str(httpx.URL(url).copy_with(userinfo=b""))


def _selected(model_id: str, provider: ProviderSpec) -> bool:
    include, exclude = provider.discovery.include, provider.discovery.exclude
    if include and not any(fnmatch.fnmatchcase(model_id, g) for g in include):
        return False
    return not any(fnmatch.fnmatchcase(model_id, g) for g in exclude)


def _stored_digest(path: Path) -> str | None:
    try:
        return Snapshot.model_validate(json.loads(path.read_bytes())).digest()
    except (OSError, ValueError, pydantic.ValidationError):
        return None
