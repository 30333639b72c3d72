"""The two merge rules: environment overrides, and strategic-merge patches of pod specs.

Override rule (documented in the README): maps merge deeply, lists whose items all carry
a `name` merge by name (an item with `$patch: delete` removes that name), other lists
replace, and `null` removes a key.

Strategic merge follows Kubernetes: a list merges by the keys the target schema declares
(`x-kubernetes-list-map-keys`, e.g. containers by name, volumeMounts by mountPath);
lists without keys replace. kustomize falls back to JSON merge patch on custom resources
and so replaces `containers` wholesale; this does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

DELETE_DIRECTIVE = "$patch"

MergeKeys = Callable[[tuple[str, ...]], tuple[str, ...] | None]


def merge_override(base: Any, override: Any) -> Any:
    """Apply an environment override to inventory data (see module docstring)."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge_override(merged[key], value)
            else:
                merged[key] = _strip_directives(value)
        return merged
    if _is_named_list(base) and _is_named_list(override):
        return _merge_lists_by(base, override, ("name",), merge_override)
    return _strip_directives(override)


def _is_named_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and isinstance(item.get("name"), str) for item in value
    )


def _strip_directives(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip_directives(v) for k, v in value.items() if k != DELETE_DIRECTIVE}
    if isinstance(value, list):
        return [
            _strip_directives(v)
            for v in value
            if not (isinstance(v, Mapping) and v.get(DELETE_DIRECTIVE) == "delete")
        ]
    return value


def _merge_lists_by(
    base: list[Any],
    patch: list[Any],
    keys: tuple[str, ...],
    merge_item: Callable[[Any, Any], Any],
) -> list[Any]:
    def identity(item: Any) -> tuple[Any, ...]:
        return tuple(item.get(k) for k in keys)

    result = list(base)
    index = {identity(item): i for i, item in enumerate(result)}
    deleted: set[tuple[Any, ...]] = set()
    for item in patch:
        ident = identity(item)
        if item.get(DELETE_DIRECTIVE) == "delete":
            deleted.add(ident)
        elif ident in index:
            result[index[ident]] = merge_item(result[index[ident]], item)
        else:
            index[ident] = len(result)
            result.append(_strip_directives(item))
    return [item for item in result if identity(item) not in deleted]


def strategic_merge(
    base: Any, patch: Any, merge_keys: MergeKeys, path: tuple[str, ...] = ()
) -> Any:
    """Merge `patch` into `base` the way the API server merges a strategic-merge patch.

    `merge_keys(path)` returns the list-map keys the schema declares for the list at
    `path` (a tuple of field names, list indexes omitted), or None where lists replace.
    """
    if isinstance(base, Mapping) and isinstance(patch, Mapping):
        merged = dict(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value, merge_keys, (*path, key))
            else:
                merged[key] = _strip_directives(value)
        return merged
    keys = merge_keys(path) if isinstance(patch, list) else None
    if keys and isinstance(base, list):
        present = _shared_keys([*base, *patch], keys)
        if present:

            def merge_item(left: Any, right: Any) -> Any:
                return strategic_merge(left, right, merge_keys, path)

            return _merge_lists_by(base, patch, present, merge_item)
    return _strip_directives(patch)


def _shared_keys(items: list[Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    """The merge keys every item carries; empty unless the first (primary) key is among them.

    Secondary keys with schema defaults (a port's `protocol`) are often omitted; the
    controller's Go strategic merge then matches on the primary key alone, and so do we.
    """
    if not all(isinstance(i, Mapping) for i in items):
        return ()
    present = tuple(k for k in keys if all(k in i for i in items))
    return present if present[:1] == keys[:1] else ()


def schema_merge_keys(
    schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> MergeKeys:
    """Read list-map keys from a JSON Schema with Kubernetes structural extensions.

    Local `$ref`s (`#/$defs/...`) are followed against `root` (default: `schema`).
    """
    document = root if root is not None else schema

    def deref(node: Any) -> Any:
        seen = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 32:
            node = _pointer(document, node["$ref"])
            seen += 1
        return node

    def lookup(path: tuple[str, ...]) -> tuple[str, ...] | None:
        node: Any = deref(schema)
        for name in path:
            while isinstance(node, Mapping) and node.get("type") == "array":
                node = deref(node.get("items", {}))
            props = node.get("properties") if isinstance(node, Mapping) else None
            if not isinstance(props, Mapping) or name not in props:
                return None
            node = deref(props[name])
        if not isinstance(node, Mapping) or node.get("x-kubernetes-list-type") != "map":
            return None
        keys = node.get("x-kubernetes-list-map-keys")
        return tuple(keys) if isinstance(keys, list) and keys else None

    return lookup


def _pointer(document: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        return {}
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    return node
