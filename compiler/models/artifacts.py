"""Frozen values produced inside the pipeline: rendered documents and output trees."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from compiler.errors import Location

JsonPath: TypeAlias = tuple[str | int, ...]
JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"


def format_json_path(path: JsonPath) -> str:
    """`('spec', 'models', 0)` -> `$.spec.models[0]`; `('data', 'a.b')` -> `$.data['a.b']`."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            parts.append(f".{part}")
        else:
            parts.append("['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(parts)


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """One Kubernetes object as rendered text, its parsed form and where it came from.

    `path` is relative to the environment's manifests folder. `origin` is the inventory
    item that produced the object; `field_origins` refines it for values copied from the
    inventory (JSON path prefix -> inventory location), longest prefix wins.
    """

    path: str
    text: str
    data: Mapping[str, object]
    origin: Location
    field_origins: Mapping[JsonPath, Location] = field(default_factory=dict)
    field_locators: Mapping[JsonPath, Callable[[JsonPath], Location]] = field(default_factory=dict)

    @property
    def api_version(self) -> str:
        """The object's apiVersion."""
        return str(self.data.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        """The object's kind."""
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        """metadata.name."""
        metadata = self.data.get("metadata")
        return str(metadata.get("name", "")) if isinstance(metadata, Mapping) else ""

    @property
    def namespace(self) -> str:
        """metadata.namespace, empty for cluster-scoped objects."""
        metadata = self.data.get("metadata")
        return str(metadata.get("namespace", "") or "") if isinstance(metadata, Mapping) else ""

    def locate(self, path: JsonPath) -> Location:
        """The inventory location that produced the value at `path`."""
        probe = tuple(path)
        while probe:
            if probe in self.field_locators:
                return self.field_locators[probe](tuple(path[len(probe) :]))
            if probe in self.field_origins:
                return self.field_origins[probe]
            probe = probe[:-1]
        return self.origin


@dataclass(frozen=True, slots=True)
class OutputTree:
    """Every file modelplane owns in one output folder of an environment, as bytes."""

    env: str
    files: Mapping[str, bytes]
    folder: str = "manifests"


@dataclass(frozen=True, slots=True)
class PlannedDocument:
    """One object to render: template, output path, context and inventory origin."""

    template: str
    path: str
    context: Mapping[str, Any]
    origin: Location
    field_origins: Mapping[JsonPath, Location] = field(default_factory=dict)
    # Values copied verbatim from the inventory (podSpec) are located path by path.
    field_locators: Mapping[JsonPath, Callable[[JsonPath], Location]] = field(default_factory=dict)
