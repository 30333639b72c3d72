"""Walking structural schemas: `$ref` resolution, child schemas, and API-server defaulting."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]
_EMPTY: Schema = {}


def deref(root: Schema, node: Any) -> Schema:
    """Follow local `#/$defs/Name` references; anything else resolves to an empty schema."""
    if type(node) is dict and "$ref" not in node:  # the hot path: schemas are JSON dicts
        return node
    seen = 0
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 32:
        name = str(node["$ref"]).removeprefix("#/$defs/")
        node = root.get("$defs", {}).get(name, _EMPTY)
        seen += 1
    if not isinstance(node, Mapping) or "$ref" in node:  # not a mapping, or a cycle
        return _EMPTY
    return node


def property_schema(root: Schema, node: Schema, key: str) -> Schema | None:
    """The schema of `key` inside an object node: a declared property or the map's values."""
    props = node.get("properties")
    if props and key in props:
        return deref(root, props[key])
    extra = node.get("additionalProperties")
    return deref(root, extra) if isinstance(extra, Mapping) else None


def item_schema(root: Schema, node: Schema) -> Schema | None:
    """The schema of a list node's items."""
    items = node.get("items")
    return deref(root, items) if isinstance(items, Mapping) else None


def apply_defaults(root: Schema, value: Any, memo: dict[int, bool] | None = None) -> Any:
    """Return `value` with schema defaults filled in, as the API server does.

    Structural defaulting: a missing property that declares `default` gets a deep copy of
    it, and defaulting continues inside the defaulted value; lists and maps default each
    item. Subtrees whose schema declares no default are shared, not copied; the input is
    never mutated. `memo` (keyed by schema node id) lets a caller reuse that knowledge
    across documents of the same schema.
    """
    return _Defaulter(root, {} if memo is None else memo).default(deref(root, root), value)


class _Defaulter:
    def __init__(self, root: Schema, memo: dict[int, bool]) -> None:
        self.root = root
        self.memo = memo

    def default(self, node: Schema, value: Any) -> Any:
        if not self.has_defaults(node):
            return value
        if isinstance(value, Mapping):
            return self._object(node, value)
        if isinstance(value, list):
            items = item_schema(self.root, node)
            return [self.default(items, v) for v in value] if items else value
        return value

    def _object(self, node: Schema, value: Mapping[str, Any]) -> dict[str, Any]:
        result = dict(value)
        props = node.get("properties")
        if isinstance(props, Mapping):
            for key, raw in props.items():
                child = deref(self.root, raw)
                if key not in result and "default" in child:
                    result[key] = copy.deepcopy(child["default"])
        for key, child_value in result.items():
            schema = property_schema(self.root, node, key)
            if schema is not None:
                result[key] = self.default(schema, child_value)
        return result

    def has_defaults(self, node: Schema) -> bool:
        """Whether any schema at or below `node` declares a default."""
        key = id(node)
        if key not in self.memo:
            self.memo[key] = False  # breaks cycles through $ref
            self.memo[key] = any(
                "default" in child or self.has_defaults(child)
                for child in child_schemas(self.root, node)
            )
        return self.memo[key]


def child_schemas(root: Schema, node: Schema) -> list[Schema]:
    """The schemas of a node's properties, items and map values."""
    children = [deref(root, raw) for raw in (node.get("properties") or {}).values()]
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), Mapping):
            children.append(deref(root, node[key]))
    return [child for child in children if child]


def duplicate_list_items(
    root: Schema, value: Any, memo: dict[int, bool] | None = None
) -> list[tuple[tuple[str | int, ...], str]]:
    """Items the API server rejects as duplicates in `x-kubernetes-list-type` map/set lists.

    Returns (path of the repeated item, message). `value` should already be defaulted:
    map keys such as a port's `protocol` have defaults.
    """
    found: list[tuple[tuple[str | int, ...], str]] = []
    _Lists(root, {} if memo is None else memo, found).walk(deref(root, root), value, ())
    return found


class _Lists:
    def __init__(
        self, root: Schema, memo: dict[int, bool], found: list[tuple[tuple[str | int, ...], str]]
    ) -> None:
        self.root, self.memo, self.found = root, memo, found

    def walk(self, node: Schema, value: Any, path: tuple[str | int, ...]) -> None:
        if not self.has_lists(node):
            return
        if isinstance(value, Mapping):
            for key, child in value.items():
                schema = property_schema(self.root, node, key)
                if schema is not None:
                    self.walk(schema, child, (*path, key))
        elif isinstance(value, list):
            self._check(node, value, path)
            items = item_schema(self.root, node)
            if items is not None:
                for index, child in enumerate(value):
                    self.walk(items, child, (*path, index))

    def _check(self, node: Schema, value: list[Any], path: tuple[str | int, ...]) -> None:
        list_type = node.get("x-kubernetes-list-type")
        keys = node.get("x-kubernetes-list-map-keys") or ()
        seen: set[str] = set()
        for index, item in enumerate(value):
            if list_type == "map" and isinstance(item, Mapping):
                identity = repr(tuple(item.get(k) for k in keys))
                shown = ", ".join(f"{k}={item.get(k)!r}" for k in keys)
            elif list_type == "set":
                identity = shown = repr(item)
            else:
                return
            if identity in seen:
                self.found.append(
                    ((*path, index), f"duplicate entry ({shown}) in a {list_type} list")
                )
            seen.add(identity)

    def has_lists(self, node: Schema) -> bool:
        key = id(node)
        if key not in self.memo:
            self.memo[key] = False  # breaks cycles through $ref
            self.memo[key] = node.get("x-kubernetes-list-type") in ("map", "set") or any(
                self.has_lists(child) for child in child_schemas(self.root, node)
            )
        return self.memo[key]
