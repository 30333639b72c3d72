"""The digest of everything a lock was computed from, so a stale lock is found offline."""

from __future__ import annotations

from collections.abc import Mapping

from compiler.digests import sha256_json
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot


def lock_inputs_digest(env: ResolvedEnvironment, snapshots: Mapping[str, Snapshot]) -> str:
    """Digest of exactly what the lock depends on: selectors, providers and snapshot content."""
    models = {
        m.name: {
            "provider": m.provider,
            "model": m.model,
            "match": m.match,
            "allowUndiscovered": m.allow_undiscovered,
            "requires": m.requires.model_dump(mode="json", by_alias=True),
        }
        for m in env.models
    }
    used = {m.provider for m in env.models}
    providers = {
        p.name: {
            "type": p.type,
            "snapshot": snapshots[p.name].digest() if p.name in snapshots else None,
        }
        for p in env.providers
        if p.name in used
    }
    return sha256_json({"models": models, "providers": providers})
