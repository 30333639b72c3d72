"""An environment resolved from the inventory: items with overrides applied, and their origins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from compiler.errors import Diagnostic, Location
from compiler.models.environment import Environment
from compiler.models.inventory import Model, ModelApi
from compiler.models.providers import Provider
from compiler.yamlio.source import PathKey, SourceMap


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
class RawItem:
    """One inventory item as read: its data before validation, and where it came from."""

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

    items: Mapping[str, Mapping[str, RawItem]]
    problems: tuple[Diagnostic, ...]
    readable: bool

    @property
    def size(self) -> int:
        """How many items the inventory defines."""
        return sum(len(table) for table in self.items.values())

    def fresh_items(self) -> dict[str, dict[str, RawItem]]:
        """Copies of the raw items that one environment's overrides may replace."""
        return {
            kind: {key: replace(raw) for key, raw in table.items()}
            for kind, table in self.items.items()
        }
