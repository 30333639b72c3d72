"""Stage 1: read inventory and environment files into a resolved, validated environment."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from compiler.inventory.credentials import literal_credentials
from compiler.inventory.merge import MergeKeys, merge_override, strategic_merge
from compiler.inventory.policies import check_environment
from compiler.inventory.pydantic_errors import pydantic_diagnostics
from compiler.inventory.rules import check_items
from compiler.models.inventory import (
    Environment,
    InventoryFile,
    Model,
    ModelApi,
    Provider,
)
from compiler.project import Project
from compiler.yamlio import LoadedYaml, PathKey, SourceMap, YamlLoadError, load_yaml

KINDS: dict[str, type[BaseModel]] = {"providers": Provider, "models": Model, "modelApis": ModelApi}
POD_SPEC = "podSpec"
_ItemT = TypeVar("_ItemT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class ItemSource:
    """Where each part of one (possibly overridden) inventory item was written."""

    layers: tuple[tuple[SourceMap, PathKey], ...]

    def locate(self, path: PathKey = (), *, key: bool = False) -> Location:
        """The position of `path` inside the item; overrides win over the base."""
        for depth in range(len(path), -1, -1):
            probe = tuple(path[:depth])
            want_key = key and depth == len(path)
            # The item itself is best shown where it is defined, not where it is patched.
            layers = self.layers if depth == 0 else tuple(reversed(self.layers))
            for source, prefix in layers:
                full = (*prefix, *probe)
                found = (source.keys.get(full) if want_key else None) or source.values.get(full)
                if found is not None:
                    return found
        source, prefix = self.layers[0]
        return source.locate(prefix)


@dataclass(slots=True)
class _RawItem:
    kind: str
    name: str
    data: dict[str, Any]
    source: ItemSource


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every valid item of the inventory, after the environment's overrides."""

    providers: tuple[Provider, ...] = ()
    models: tuple[Model, ...] = ()
    model_apis: tuple[ModelApi, ...] = ()


@dataclass(frozen=True, slots=True)
class ResolvedEnvironment:
    """An environment with the base inventory, its overrides applied and validated."""

    name: str
    environment: Environment
    providers: tuple[Provider, ...]
    models: tuple[Model, ...]
    model_apis: tuple[ModelApi, ...]
    sources: Mapping[tuple[str, str], ItemSource]
    environment_source: SourceMap
    defined: Inventory = field(default_factory=Inventory)
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    warnings: tuple[Diagnostic, ...] = ()

    def provider(self, name: str) -> Provider:
        """The enabled provider called `name`."""
        return next(p for p in self.providers if p.name == name)

    def model(self, name: str) -> Model:
        """The enabled model called `name`."""
        return next(m for m in self.models if m.name == name)

    def locate(self, kind: str, name: str, path: PathKey = ()) -> Location:
        """Where a value of an inventory item was written."""
        return self.sources[(kind, name)].locate(path)

    def locate_env(self, path: PathKey = ()) -> Location:
        """Where a value of environment.yaml was written."""
        return self.environment_source.locate(path)


@dataclass(frozen=True, slots=True)
class InventoryFiles:
    """The inventory files read once: raw items, their problems, whether all were readable.

    Every environment starts from the same files; composing them with source positions
    is the slowest part of loading, so commands over several environments read them once.
    """

    items: Mapping[str, Mapping[str, _RawItem]]
    problems: tuple[Diagnostic, ...]
    readable: bool

    @property
    def size(self) -> int:
        """How many items the inventory defines."""
        return sum(len(table) for table in self.items.values())

    def fresh_items(self) -> dict[str, dict[str, _RawItem]]:
        """Copies of the raw items that one environment's overrides may replace."""
        return {
            kind: {key: replace(raw) for key, raw in table.items()}
            for kind, table in self.items.items()
        }


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
) -> ResolvedEnvironment:
    """Load, merge and check one environment; raise InventoryError with every problem.

    `pod_spec_keys` are the list-map keys of the ModelAPI podSpec schema; overrides of a
    model API's podSpec are strategic-merged with them (plain override rule if None).
    `inventory` is what `read_inventory` returned, when several environments share it.
    """
    env_file = project.environment_file(env)
    if not env_file.is_file():
        hint = known_hint(env, project.environment_names(), "known environments")
        if not project.environment_names():
            hint = "create one with `modelplane init` or `modelplane env add NAME`"
        raise UsageError(
            [
                Diagnostic(
                    Location(project.relative(env_file)),
                    "unknown-environment",
                    f"no environment {env!r}",
                    hint=hint,
                )
            ]
        )
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
    # A misspelt name in `enable` also leaves the item meant disabled, and every use of
    # that item would be reported as not enabled: report the misspelling alone.
    meant = _meant_by_typos(resolved)
    problems.extend(
        d
        for d in (*check_items(resolved), *check_environment(resolved))
        if not (d.code == "not-enabled" and any(f"'{name}'" in d.message for name in meant))
    )
    if has_errors(problems):
        raise InventoryError(problems)
    return dataclasses.replace(resolved, warnings=tuple(problems))


def _load_file(project: Project, path: Path, problems: list[Diagnostic]) -> LoadedYaml | None:
    display = project.relative(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(
            Diagnostic(Location(display, 1, 1), "encoding", f"not UTF-8 text (byte {exc.start})")
        )
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
) -> tuple[dict[str, dict[str, _RawItem]], bool]:
    """Every raw item by kind and name, and whether every file could be read."""
    items: dict[str, dict[str, _RawItem]] = {kind: {} for kind in KINDS}
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
    table: dict[str, _RawItem],
    kind: str,
    data: Any,
    source: ItemSource,
    problems: list[Diagnostic],
) -> None:
    name = data.get("name")
    if not isinstance(name, str):
        # Validated later so the user sees the missing or malformed name.
        table[f"\0{len(table)}"] = _RawItem(kind, "", data, source)
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
    table[name] = _RawItem(kind, name, data, source)


def _singular(kind: str) -> str:
    return {"providers": "provider", "models": "model", "modelApis": "model API"}[kind]


def _apply_overrides(
    items: dict[str, dict[str, _RawItem]],
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
                        + known_hint(str(name), _names(items[kind])),
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


def _names(table: Mapping[str, _RawItem]) -> list[str]:
    return sorted(n for n in table if not n.startswith("\0"))


def _known(table: Mapping[str, _RawItem]) -> str:
    names = sorted(n for n in table if not n.startswith("\0"))
    return ", ".join(names) if names else "none"


def _build(
    env: str,
    environment: Environment,
    items: dict[str, dict[str, _RawItem]],
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
        names={
            kind: frozenset(n for n in table if not n.startswith("\0"))
            for kind, table in items.items()
        },
        defined=Inventory(
            tuple(everything["providers"]),
            tuple(everything["models"]),
            tuple(everything["modelApis"]),
        ),
        environment_source=env_source,
    )


def _meant_by_typos(resolved: ResolvedEnvironment) -> set[str]:
    """The defined names that unknown names in `enable` most likely meant."""
    enable = resolved.environment.enable
    lists = {"providers": enable.providers, "models": enable.models, "modelApis": enable.model_apis}
    meant = set()
    for kind, names in lists.items():
        for name in set(names or ()) - resolved.names[kind]:
            close = difflib.get_close_matches(name, sorted(resolved.names[kind]), n=1)
            meant.update(close)
    return meant


def _check_enabled(
    kind: str,
    wanted: Sequence[str] | None,
    table: Mapping[str, _RawItem],
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
                    hint=known_hint(name, _names(table)),
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
