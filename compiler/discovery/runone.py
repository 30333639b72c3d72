"""Discover one account: pick its adapter, credentials, client and deadline; run it."""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from compiler.discovery import ADAPTERS
from compiler.discovery.accounts import Account, discovery_url
from compiler.discovery.auth import MissingCredential, build_access
from compiler.discovery.base import (
    AdapterContext,
    Discovered,
    DiscoveryFailure,
    Fetcher,
    ProgressSink,
    ProviderFailed,
)
from compiler.discovery.network import ClientPool
from compiler.discovery.options import DiscoveryOptions
from compiler.discovery.spec import ProviderSpec
from compiler.discovery.wire import Deadline, origin_of


@dataclass(frozen=True, slots=True)
class AccountRun:
    """What every account of one run shares."""

    clients: ClientPool
    environ: Mapping[str, str]
    progress: ProgressSink | None
    options: DiscoveryOptions
    deadline: Deadline


def run_account(account: Account, run: AccountRun) -> Discovered | DiscoveryFailure:
    """Discover one account, reporting progress under its label."""
    label = account.label
    if run.progress is not None:
        run.progress.started(label)
    result = _run_adapter(account, label, run)
    if run.progress is not None:
        failure = result if isinstance(result, DiscoveryFailure) else None
        count = len(result.models) if isinstance(result, Discovered) else 0
        run.progress.finished(label, count, failure)
    return result


def _run_adapter(account: Account, label: str, run: AccountRun) -> Discovered | DiscoveryFailure:
    provider, opts = account.provider, run.options
    adapter = ADAPTERS.get(provider.type)
    base_url = discovery_url(provider)
    if adapter is None:
        return DiscoveryFailure(label, base_url, None, f"no adapter for {provider.type!r}")
    if not base_url:
        hint = "set `endpoint` (or the type's config block) in the inventory"
        return DiscoveryFailure(label, "", None, "no endpoint to ask", hint)
    if run.deadline.remaining() <= 0:
        msg = f"overall deadline of {run.deadline.seconds:g}s reached before it was asked"
        return DiscoveryFailure(label, base_url, None, msg, "raise --deadline or --concurrency")
    try:
        access = build_access(provider, adapter.AUTH, run.environ, opts.cloud)
        client = run.clients.get(_ca_file(provider.discovery.ca_file, opts.base_dir))
    except MissingCredential as exc:
        return DiscoveryFailure(label, base_url, None, str(exc), exc.hint)
    except (OSError, ssl.SSLError) as exc:
        return DiscoveryFailure(label, base_url, None, *_ca_problem(provider, opts, exc))
    access = dataclasses.replace(access, origin=origin_of(base_url))
    headers = {**provider.headers, **adapter.request_headers(provider)}
    fetcher = Fetcher(
        client,
        label,
        access,
        headers,
        opts.policy,
        run.progress,
        opts.max_body,
        opts.max_pages,
        run.deadline,
        opts.timeouts,
    )
    ctx = AdapterContext(provider, fetcher, opts.cloud, account.wanted, opts.arm_endpoint, base_url)
    try:
        return adapter.discover(ctx)
    except ProviderFailed as exc:
        return exc.failure


def _ca_file(name: str | None, base: Path) -> Path | None:
    return None if not name else (base / name)


def _ca_problem(provider: ProviderSpec, opts: DiscoveryOptions, exc: Exception) -> tuple[str, str]:
    if provider.discovery.ca_file:
        what = f"discovery.caFile {provider.discovery.ca_file!r}"
    else:
        what = f"{opts.network.ca_bundle_source} ({opts.network.ca_bundle})"
    return f"cannot use {what}: {_reason(exc)}", "point it at a readable PEM file of CAs"


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return type(exc).__name__
