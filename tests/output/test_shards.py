"""Sharding a large environment: stable, balanced, and only above the threshold."""

from __future__ import annotations

from collections import Counter

from compiler.output.shards import BASE, jump_hash, plan_shards


def _paths(apis: int, providers: int = 10) -> tuple[list[str], list[str]]:
    names = [f"api-{i:04d}" for i in range(apis)]
    paths = [f"{kind}/{name}.yaml" for name in names for kind in ("modelapis", "httproutes")]
    paths += [f"providers/p{i}.yaml" for i in range(providers)]
    return paths, names


def test_small_environments_are_not_sharded():
    paths, names = _paths(400)
    plan = plan_shards(paths, names, max_resources=1000)
    assert not plan.sharded and plan.path_of("modelapis/api-0001.yaml") == "modelapis/api-0001.yaml"
    assert not plan_shards(*_paths(5000), max_resources=0).sharded


def test_a_model_api_keeps_its_documents_together_and_the_rest_goes_to_base():
    paths, names = _paths(2000)
    plan = plan_shards(paths, names, max_resources=1000, per_shard=500)
    assert plan.units == (BASE, *(f"shard-{i:02d}" for i in range(8)))
    for name in names:
        assert plan.folders[f"modelapis/{name}.yaml"] == plan.folders[f"httproutes/{name}.yaml"]
    assert plan.path_of("providers/p3.yaml") == "base/providers/p3.yaml"
    sizes = Counter(plan.folders.values())
    assert sizes[BASE] == 10
    assert max(v for k, v in sizes.items() if k != BASE) < 650  # about 500 each


def test_adding_model_apis_never_moves_the_others():
    paths, names = _paths(2000)
    before = plan_shards(paths, names, max_resources=1000, per_shard=500)
    more_paths, more_names = _paths(2100)
    after = plan_shards(more_paths, more_names, max_resources=1000, per_shard=500)
    moved = [p for p in paths if before.folders[p] != after.folders[p]]
    # 8 -> 9 shards: only documents moving into the new shard, about one in nine.
    assert moved and all(after.folders[p] == "shard-08" for p in moved)
    assert len(moved) < len(paths) / 6


def test_jump_hash_spreads_and_is_stable():
    counts = Counter(jump_hash(key * 2654435761, 10) for key in range(10_000))
    assert set(counts) == set(range(10)) and min(counts.values()) > 850
    assert jump_hash(123456789, 1) == 0
    assert [jump_hash(k, 7) for k in (1, 2, 3)] == [jump_hash(k, 7) for k in (1, 2, 3)]
