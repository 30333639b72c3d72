"""Walking structural schemas: `$ref` resolution, child schemas, and API-server defaulting."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

Schema = Mapping[str, Any]
JsonPath = tuple[str | int, ...]
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


class Node:
    """A schema node compiled once: children resolved, and what lies at or below it.

    Walking documents is the validator's hot loop; resolving `$ref`s, looking up
    properties and asking "is there any default / keyed list / CEL rule below here?"
    once per schema node instead of once per value is what keeps it fast.
    """

    __slots__ = (
        "defaults",
        "extra",
        "has_defaults",
        "has_lists",
        "has_rules",
        "items",
        "list_type",
        "map_keys",
        "props",
        "rules",
        "schema",
    )

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.props: dict[str, Node] = {}
        self.extra: Node | None = None
        self.items: Node | None = None
        # Properties declaring a default: (name, default), in declaration order.
        self.defaults: tuple[tuple[str, Any], ...] = ()
        rules = schema.get("x-kubernetes-validations")
        self.rules: list[Any] | None = rules if isinstance(rules, list) and rules else None
        self.list_type = schema.get("x-kubernetes-list-type")
        self.map_keys: tuple[Any, ...] = tuple(schema.get("x-kubernetes-list-map-keys") or ())
        self.has_defaults = self.has_lists = self.has_rules = False

    def child(self, key: str) -> Node | None:
        """The node of `key` in an object: a declared property or the map's values."""
        found = self.props.get(key)
        return found if found is not None else self.extra

    def children(self) -> list[Node]:
        """Property, item and map-value nodes (the order `child_schemas` gives)."""
        extra = [n for n in (self.items, self.extra) if n is not None]
        return [*self.props.values(), *extra]


class CompiledSchemas:
    """Compiled nodes of every schema root seen, built on first use and kept for the run."""

    def __init__(self) -> None:
        self._roots: dict[int, tuple[Schema, Node]] = {}

    def root(self, root: Schema) -> Node:
        """The compiled node of a schema root (kept alive here, so its id stays unique)."""
        entry = self._roots.get(id(root))
        if entry is None:
            entry = (root, _compile(root))
            self._roots[id(root)] = entry
        return entry[1]


def _compile(root: Schema) -> Node:
    nodes: dict[int, Node] = {}

    def build(raw: Any) -> Node:
        schema = deref(root, raw)
        node = nodes.get(id(schema))
        if node is not None:
            return node
        node = nodes[id(schema)] = Node(schema)
        props = schema.get("properties")
        props = props if isinstance(props, Mapping) else {}
        node.props = {key: build(child) for key, child in props.items()}
        node.defaults = tuple(
            (key, child.schema["default"])
            for key, child in node.props.items()
            if "default" in child.schema
        )
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), Mapping):
                setattr(node, "items" if key == "items" else "extra", build(schema[key]))
        return node

    top = build(root)
    for node in nodes.values():
        node.has_defaults = _reaches(node, lambda n: bool(n.defaults))
        node.has_lists = _reaches(node, lambda n: n.list_type in ("map", "set"))
        node.has_rules = _reaches(node, lambda n: n.rules is not None)
    return top


def _reaches(start: Node, test: Callable[[Node], bool]) -> bool:
    """Whether `test` holds at `start` or any node below it (cycles visited once)."""
    seen: set[int] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if test(node):
            return True
        seen.add(id(node))
        todo.extend(n for n in node.children() if id(n) not in seen)
    return False


_SCALARS = frozenset({str, int, float, bool, type(None), list})


def is_map(value: Any) -> bool:
    """isinstance(value, Mapping), fast for the plain dicts and scalars parsing yields."""
    kind = type(value)
    return kind is dict or (kind not in _SCALARS and isinstance(value, Mapping))


def _copy(value: Any) -> Any:
    return (
        value if type(value) in (str, int, float, bool) or value is None else copy.deepcopy(value)
    )


def apply_defaults(root: Schema, value: Any, compiled: CompiledSchemas | None = None) -> Any:
    """Return `value` with schema defaults filled in, as the API server does.

    Structural defaulting: a missing property that declares `default` gets a deep copy of
    it, and defaulting continues inside the defaulted value; lists and maps default each
    item. Subtrees whose schema declares no default are shared, not copied; the input is
    never mutated. `compiled` lets a caller reuse compiled schemas across documents.
    """
    return default_node((compiled or CompiledSchemas()).root(root), value)


def default_node(node: Node, value: Any) -> Any:
    """`apply_defaults` below a compiled node."""
    if not node.has_defaults:
        return value
    if is_map(value):
        result = dict(value)
        for key, default in node.defaults:
            if key not in result:
                result[key] = _copy(default)
        for key, child_value in result.items():
            child = node.child(key)
            if child is not None and child.has_defaults:
                result[key] = default_node(child, child_value)
        return result
    if type(value) is list or isinstance(value, list):
        items = node.items
        return [default_node(items, v) for v in value] if items is not None else value
    return value


def child_schemas(root: Schema, node: Schema) -> list[Schema]:
    """The schemas of a node's properties, items and map values."""
    children = [deref(root, raw) for raw in (node.get("properties") or {}).values()]
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), Mapping):
            children.append(deref(root, node[key]))
    return [child for child in children if child]


def duplicate_list_items(
    root: Schema, value: Any, compiled: CompiledSchemas | None = None
) -> list[tuple[tuple[str | int, ...], str]]:
    """Items the API server rejects as duplicates in `x-kubernetes-list-type` map/set lists.

    Returns (path of the repeated item, message). `value` should already be defaulted:
    map keys such as a port's `protocol` have defaults.
    """
    found: list[tuple[tuple[str | int, ...], str]] = []
    _walk_lists((compiled or CompiledSchemas()).root(root), value, (), found)
    return found


def _walk_lists(
    node: Node, value: Any, path: tuple[str | int, ...], found: list[tuple[JsonPath, str]]
) -> None:
    if not node.has_lists:
        return
    if is_map(value):
        for key, child_value in value.items():
            child = node.child(key)
            if child is not None and child.has_lists:
                _walk_lists(child, child_value, (*path, key), found)
    elif isinstance(value, list):
        _check_list(node, value, path, found)
        items = node.items
        if items is not None and items.has_lists:
            for index, child_value in enumerate(value):
                _walk_lists(items, child_value, (*path, index), found)


def _check_list(
    node: Node, value: list[Any], path: tuple[str | int, ...], found: list[tuple[JsonPath, str]]
) -> None:
    list_type, keys = node.list_type, node.map_keys
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
            found.append(((*path, index), f"duplicate entry ({shown}) in a {list_type} list"))
        seen.add(identity)
