"""Split a large environment's manifests into shards that GitOps engines apply separately.

`kubectl kustomize` (what Argo CD and Flux run on every sync) grows super-linearly with
the resources one build gathers (kubernetes-sigs/kustomize#5084), so one folder of
10,000 resources does not build in useful time. Above `sharding.maxResources`, an
environment's manifests are laid out as independent units instead:

    manifests/base/       what the rest refers to (providers, secrets, namespace)
    manifests/shard-NN/   everything of a model API (ModelAPI, HTTPRoute, ...) by name

each with its own flat kustomization.yaml and no kustomization above them. A model API
goes to a shard by a jump consistent hash of its name: adding or removing model APIs
never moves the others, and when the shard count grows, only about 1/n of them move.
Small environments keep the simple layout (no shards at all).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

BASE = "base"
SHARD_PREFIX = "shard-"
DEFAULT_MAX_RESOURCES = 1000
DEFAULT_RESOURCES_PER_SHARD = 500
_MASK = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """Where each manifest goes: shard folder by document path; empty when not sharded."""

    folders: dict[str, str]
    units: tuple[str, ...]

    @property
    def sharded(self) -> bool:
        """Whether the environment is split at all."""
        return bool(self.units)

    def path_of(self, path: str) -> str:
        """The document's path inside the manifests folder, shard folder first."""
        folder = self.folders.get(path)
        return f"{folder}/{path}" if folder else path


UNSHARDED = ShardPlan({}, ())


def plan_shards(
    paths: Sequence[str],
    model_apis: Iterable[str],
    *,
    max_resources: int = DEFAULT_MAX_RESOURCES,
    per_shard: int = DEFAULT_RESOURCES_PER_SHARD,
) -> ShardPlan:
    """Assign manifest paths (`<kind folder>/<name>.yaml`) to shard folders.

    A document whose file is named after a model API goes with that model API; the rest
    (providers, secrets, ...) goes to `base`. `max_resources` 0 never shards.
    """
    if max_resources <= 0 or len(paths) <= max_resources:
        return UNSHARDED
    apis = frozenset(model_apis)
    sharded = [p for p in paths if PurePosixPath(p).stem in apis]
    count = max(1, math.ceil(len(sharded) / max(1, per_shard)))
    width = max(2, len(str(count - 1)))
    folders = {path: BASE for path in paths}
    for path in sharded:
        index = jump_hash(_key(PurePosixPath(path).stem), count)
        folders[path] = f"{SHARD_PREFIX}{index:0{width}d}"
    units = sorted(set(folders.values()))
    return ShardPlan(folders, tuple(units))


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def jump_hash(key: int, buckets: int) -> int:
    """Lamping and Veach's jump consistent hash: a bucket in [0, buckets) for `key`.

    Growing `buckets` by one moves only 1/buckets of the keys, all into the new bucket.
    """
    bucket, candidate = -1, 0
    while candidate < buckets:
        bucket = candidate
        key = (key * 2862933555777941757 + 1) & _MASK
        candidate = int((bucket + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return bucket
