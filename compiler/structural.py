"""Walking structural schemas: `$ref` resolution, child schemas, and API-server defaulting."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]
_EMPTY: Schema = {}


def deref(root: Schema, node: Any) -> Schema:
    """Follow local `#/$defs/Name` references; anything else resolves to an empty schema."""
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
    if isinstance(props, Mapping) and key in props:
        return deref(root, props[key])
    extra = node.get("additionalProperties")
    return deref(root, extra) if isinstance(extra, Mapping) else None


def item_schema(root: Schema, node: Schema) -> Schema | None:
    """The schema of a list node's items."""
    items = node.get("items")
    return deref(root, items) if isinstance(items, Mapping) else None


def apply_defaults(root: Schema, value: Any) -> Any:
    """Return a copy of `value` with schema defaults filled in, as the API server does.

    Structural defaulting: a missing property that declares `default` gets a deep copy of
    it, and defaulting continues inside the defaulted value; lists and maps default each
    item. The input is never mutated.
    """
    return _default(root, deref(root, root), value)


def _default(root: Schema, node: Schema, value: Any) -> Any:
    if isinstance(value, Mapping):
        return _default_object(root, node, value)
    if isinstance(value, list):
        items = item_schema(root, node)
        return [_default(root, items, v) for v in value] if items else list(value)
    return value


def _default_object(root: Schema, node: Schema, value: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(value)
    props = node.get("properties")
    if isinstance(props, Mapping):
        for key, raw in props.items():
            child = deref(root, raw)
            if key not in result and "default" in child:
                result[key] = copy.deepcopy(child["default"])
    for key, child_value in result.items():
        schema = property_schema(root, node, key)
        if schema is not None:
            result[key] = _default(root, schema, child_value)
    return result
