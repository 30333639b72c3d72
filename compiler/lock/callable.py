"""From a pinned id to what a client must call, and what identifies its exact version.

Bedrock: a foundation model without on-demand throughput can only be called through an
inference profile (calling the foundation id fails with "on-demand throughput isn't
supported"); discovery records the profile callable from the provider's region, and the
lock pins that profile, keeping the foundation id beside it. Ollama digests and
OpenRouter canonical slugs are recorded as the pin's revision, so a re-pulled `:latest`
or a silently updated slug shows up as a lock change.
"""

from __future__ import annotations

from compiler.models.lock import LockedModel
from compiler.models.snapshot import Snapshot, SnapshotModel

_REVISION_KEYS = ("digest", "canonicalSlug")


def facts_of(snapshot: Snapshot | None, model_id: str) -> SnapshotModel | None:
    """The snapshot entry for `model_id`, if listed."""
    if snapshot is None:
        return None
    return next((m for m in snapshot.models if m.id == model_id), None)


def make_callable(locked: LockedModel, snapshot: Snapshot | None) -> LockedModel:
    """Swap a profile-only Bedrock foundation id for its profile; record the revision."""
    facts = facts_of(snapshot, locked.pinned)
    if facts is None:
        return locked
    profile = facts.details.get("inferenceProfile")
    if isinstance(profile, str) and profile and snapshot is not None and profile in snapshot.ids():
        locked = locked.model_copy(update={"pinned": profile, "foundation_model": locked.pinned})
        facts = facts_of(snapshot, profile) or facts
    revision = next(
        (v for k in _REVISION_KEYS if isinstance(v := facts.details.get(k), str) and v), None
    )
    return locked.model_copy(update={"revision": revision}) if revision else locked
