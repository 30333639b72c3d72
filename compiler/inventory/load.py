"""Stage 1: read inventory and environment files into a resolved, validated environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from compiler.errors import (
    Diagnostic,
    InventoryError,
    Location,
    UsageError,
    has_errors,
    known_hint,
)
from compiler.fsio import InputFileError, read_input_text
from compiler.inventory.credentials import literal_credentials
from compiler.inventory.enablement import without_typo_cascade
from compiler.inventory.merge import MergeKeys, merge_override, strategic_merge
from compiler.inventory.policies import Scope, check_environment
from compiler.inventory.pydantic_errors import pydantic_diagnostics
from compiler.inventory.rules import check_items
from compiler.models.environment import Environment
from compiler.models.inventory import InventoryFile, Model, ModelApi
from compiler.models.providers import Provider
from compiler.models.resolved import (
    Inventory,
    InventoryFiles,
    ItemSource,
    RawItem,
    ResolvedEnvironment,
)
from compiler.project import Project
from compiler.yamlio.source import LoadedYaml, PathKey, SourceMap, YamlLoadError, load_yaml

KINDS: dict[str, type[BaseModel]] = {"providers": Provider, "models": Model, "modelApis": ModelApi}
POD_SPEC = "podSpec"
_ItemT = TypeVar("_ItemT", bound=BaseModel)


def read_inventory(project: Project) -> InventoryFiles:
    """Read and check every inventory file (not yet merged with any environment)."""
    problems: list[Diagnostic] = []
    items, readable = _load_inventory(project, problems)
    return InventoryFiles(items, tuple(problems), readable)


def load_environment(
    project: Project,
    env: str,
    pod_spec_keys: MergeKeys | None = None,
    *,
    inventory: InventoryFiles | None = None,
    scope: Scope = "all",
) -> ResolvedEnvironment:
    """Load, merge and check one environment; raise InventoryError with every problem.

    `pod_spec_keys` are the list-map keys of the ModelAPI podSpec schema; overrides of a
    model API's podSpec are strategic-merged with them (plain override rule if None).
    `inventory` is what `read_inventory` returned, when several environments share it.
    `scope="models"` skips render-only rules and policies (for discover and lock).
    """
    env_file = _environment_file(project, env)
    base = inventory if inventory is not None else read_inventory(project)
    problems = list(base.problems)
    items = base.fresh_items()
    loaded_env = _load_file(project, env_file, problems)
    if loaded_env is None or not base.readable:
        # Unreadable files hide their items; checking references now would only cascade.
        raise InventoryError(problems)
    environment = _validate(
        Environment, loaded_env.data, ItemSource(((loaded_env.source, ()),)), problems
    )
    problems.extend(literal_credentials(loaded_env.data, loaded_env.source))
    if environment is None:
        raise InventoryError(problems)
    _apply_overrides(items, loaded_env, problems, pod_spec_keys)
    resolved = _build(env, environment, items, loaded_env.source, problems)
    checks = [*check_items(resolved), *check_environment(resolved, scope)]
    problems.extend(without_typo_cascade(resolved, checks))
    if has_errors(problems):
        raise InventoryError(problems)
    return dataclasses.replace(resolved, warnings=tuple(problems))


_NO_ENVIRONMENTS = "create one with `modelplane init` or `modelplane env add NAME`"


def _environment_file(project: Project, env: str) -> Path:
    env_file = project.environment_file(env)
    if not os.path.lexists(env_file):
        known = project.environment_names()
        hint = known_hint(env, known, "known environments") if known else _NO_ENVIRONMENTS
        at = Location(project.relative(env_file))
        raise UsageError([Diagnostic(at, "unknown-environment", f"no environment {env!r}", hint)])
    return env_file


def _load_file(project: Project, path: Path, problems: list[Diagnostic]) -> LoadedYaml | None:
    display = project.relative(path)
    try:
        text = read_input_text(path, project.input_roots, display)
    except InputFileError as exc:
        problems.extend(exc.diagnostics)
        return None
    try:
        loaded = load_yaml(text, display)
    except YamlLoadError as exc:
        problems.extend(exc.diagnostics)
        return None
    if not isinstance(loaded.data, dict):
        problems.append(
            Diagnostic(
                loaded.source.locate(()), "yaml-type", "expected a mapping at the top of the file"
            )
        )
        return None
    return loaded


def _load_inventory(
    project: Project, problems: list[Diagnostic]
) -> tuple[dict[str, dict[str, RawItem]], bool]:
    """Every raw item by kind and name, and whether every file could be read."""
    items: dict[str, dict[str, RawItem]] = {kind: {} for kind in KINDS}
    readable = True
    files = sorted(project.inventory_dir.glob("*.yaml")) + sorted(
        project.inventory_dir.glob("*.yml")
    )
    for path in sorted(files):
        loaded = _load_file(project, path, problems)
        if loaded is None:
            readable = False
            continue
        problems.extend(literal_credentials(loaded.data, loaded.source))
        file_source = ItemSource(((loaded.source, ()),))
        if _validate(InventoryFile, loaded.data, file_source, problems) is None:
            readable = False
            continue
        for kind in KINDS:
            for index, data in enumerate(loaded.data.get(kind) or ()):
                _add_item(
                    items[kind], kind, data, ItemSource(((loaded.source, (kind, index)),)), problems
                )
    return items, readable


def _add_item(
    table: dict[str, RawItem],
    kind: str,
    data: Any,
    source: ItemSource,
    problems: list[Diagnostic],
) -> None:
    name = data.get("name")
    if not isinstance(name, str):
        # Validated later so the user sees the missing or malformed name.
        table[f"\0{len(table)}"] = RawItem(kind, "", data, source)
        return
    if name in table:
        first = table[name].source.locate(("name",))
        problems.append(
            Diagnostic(
                source.locate(("name",)),
                "duplicate-name",
                f"{_singular(kind)} {name!r} is defined twice (first at {first})",
                hint="names must be unique across all inventory files",
            )
        )
        return
    table[name] = RawItem(kind, name, data, source)


def _singular(kind: str) -> str:
    return {"providers": "provider", "models": "model", "modelApis": "model API"}[kind]


def _apply_overrides(
    items: dict[str, dict[str, RawItem]],
    loaded_env: LoadedYaml,
    problems: list[Diagnostic],
    pod_spec_keys: MergeKeys | None,
) -> None:
    raw_overrides = loaded_env.data.get("overrides") or {}
    for kind in KINDS:
        for index, patch in enumerate(raw_overrides.get(kind) or ()):
            at: PathKey = ("overrides", kind, index)
            name = patch.get("name")
            target = items[kind].get(name) if isinstance(name, str) else None
            if target is None:
                problems.append(
                    Diagnostic(
                        loaded_env.source.locate((*at, "name")),
                        "unknown-override",
                        f"override names unknown {_singular(kind)} {name!r}",
                        hint="define it in inventory/ first; "
                        + known_hint(str(name), _names(items)[kind]),
                    )
                )
                continue
            target.data = _merge_item(target.data, patch, pod_spec_keys)
            target.source = ItemSource((*target.source.layers, (loaded_env.source, at)))


def _merge_item(
    base: dict[str, Any], patch: dict[str, Any], pod_spec_keys: MergeKeys | None
) -> dict[str, Any]:
    if pod_spec_keys is None or not isinstance(patch.get(POD_SPEC), dict):
        return dict(merge_override(base, patch))
    rest = {k: v for k, v in patch.items() if k != POD_SPEC}
    merged = dict(merge_override(base, rest))
    merged[POD_SPEC] = strategic_merge(base.get(POD_SPEC) or {}, patch[POD_SPEC], pod_spec_keys)
    return merged


def _build(
    env: str,
    environment: Environment,
    items: dict[str, dict[str, RawItem]],
    env_source: SourceMap,
    problems: list[Diagnostic],
) -> ResolvedEnvironment:
    enabled = {
        "providers": environment.enable.providers,
        "models": environment.enable.models,
        "modelApis": environment.enable.model_apis,
    }
    built: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    everything: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    sources: dict[tuple[str, str], ItemSource] = {}
    for kind, model_type in KINDS.items():
        wanted = enabled[kind]
        _check_enabled(kind, wanted, items[kind], env_source, problems)
        for key, raw in sorted(items[kind].items()):
            # Every item is validated, enabled here or not: it is broken for all environments.
            value = _validate(model_type, raw.data, raw.source, problems)
            if value is None:
                continue
            everything[kind].append(value)
            sources[(kind, raw.name)] = raw.source
            if wanted is None or key in wanted:
                built[kind].append(value)
    return ResolvedEnvironment(
        name=env,
        environment=environment,
        providers=tuple(built["providers"]),
        models=tuple(built["models"]),
        model_apis=tuple(built["modelApis"]),
        sources=sources,
        names=_names(items),
        defined=Inventory(*(tuple(everything[kind]) for kind in KINDS)),
        environment_source=env_source,
    )


def _names(items: Mapping[str, Mapping[str, RawItem]]) -> dict[str, frozenset[str]]:
    # Keys starting with NUL stand for items that could not be named (see _add_item).
    return {
        kind: frozenset(n for n in table if not n.startswith("\0")) for kind, table in items.items()
    }


def _check_enabled(
    kind: str,
    wanted: Sequence[str] | None,
    table: Mapping[str, RawItem],
    env_source: SourceMap,
    problems: list[Diagnostic],
) -> None:
    for index, name in enumerate(wanted or ()):
        if name not in table:
            problems.append(
                Diagnostic(
                    env_source.locate(("enable", kind, index)),
                    "unknown-reference",
                    f"enable.{kind} names unknown {_singular(kind)} {name!r}",
                    hint=known_hint(name, (n for n in table if not n.startswith("\0"))),
                )
            )


def _validate(
    model_type: type[_ItemT], data: Any, source: ItemSource, problems: list[Diagnostic]
) -> _ItemT | None:
    try:
        return model_type.model_validate(data)
    except ValidationError as exc:
        problems.extend(
            pydantic_diagnostics(
                exc, lambda loc, key: source.locate(loc, key=key), "inventory", model_type
            )
        )
        return None
