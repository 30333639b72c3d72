"""Turn what an account answered into one provider's snapshot (its include/exclude applied)."""

from __future__ import annotations

import fnmatch
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from compiler.discovery.base import Discovered
from compiler.discovery.spec import ProviderSpec
from compiler.models.capabilities import normalize_all
from compiler.models.snapshot import Snapshot, SnapshotSource, normalize_snapshot


def snapshot_for(provider: ProviderSpec, found: Discovered, now: datetime) -> Snapshot:
    """The normalized snapshot of `provider`; aliases to filtered-out ids are dropped."""
    models = [
        m.model_copy(update={"capabilities": normalize_all(m.capabilities)})
        for m in found.models
        if _selected(m.id, provider)
    ]
    ids = {m.id for m in models}
    aliases = {a: t for a, t in found.aliases.items() if t in ids}
    fetched = now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    source = SnapshotSource(url=_without_userinfo(found.url), fetched_at=fetched)
    return normalize_snapshot(
        Snapshot(provider=provider.name, source=source, models=tuple(models), aliases=aliases)
    )


def _selected(model_id: str, provider: ProviderSpec) -> bool:
    include, exclude = provider.discovery.include, provider.discovery.exclude
    if include and not any(fnmatch.fnmatchcase(model_id, g) for g in include):
        return False
    return not any(fnmatch.fnmatchcase(model_id, g) for g in exclude)


def _without_userinfo(url: str) -> str:
    # A password in a URL is a credential: it is never written to a snapshot.
    if "@" not in urlsplit(url).netloc:
        return url
    return str(httpx.URL(url).copy_with(userinfo=b""))
