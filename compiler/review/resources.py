"""Semantic diff of two manifest trees: per resource, by kind and name, with renames."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from compiler.review.fields import FieldChange, ItemKey, changed_leaves, count_leaves, diff_values
from compiler.secrets.redact import redact_value
from compiler.yamlio.emit import dump_document
from compiler.yamlio.manifests import ManifestParseError, parse_documents, parse_manifest_checked

ResourceStatus = Literal["added", "removed", "changed", "renamed"]
ResourceKey = tuple[str, str, str]
RENAME_SIMILARITY = 0.6
# Beyond this many removed x added pairs of one kind, report adds and removes as such.
MAX_RENAME_CANDIDATES = 2_500
# Keys that name the items of a list, so items are compared by name, not by position.
_ITEM_NAME_KEYS = ("name", "model_name")
# YAML documents embedded as strings that reviewers want to see field by field.
_EMBEDDED_YAML = (("spec", "proxyConfig", "configYaml", "fromString"),)
_SECRET_KINDS = frozenset({"Secret"})
_SECRET_KEYS = frozenset({"data", "stringData"})


@dataclass(frozen=True, slots=True)
class Resource:
    """One parsed Kubernetes object from a manifests tree, normalized for comparison."""

    kind: str
    name: str
    namespace: str
    path: str
    data: dict[str, Any]
    text: str = ""  # the document as committed or rendered, for showing it whole


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """What happened to one resource between the base and the new tree."""

    kind: str
    name: str
    status: ResourceStatus
    path: str
    namespace: str = ""
    old_name: str = ""
    fields: tuple[FieldChange, ...] = field(default=())
    content: str = ""  # added or removed: the whole object as YAML, secrets redacted

    @property
    def title(self) -> str:
        """`ModelAPI/chat`, or `ModelAPI/old → new` for a rename."""
        if self.status == "renamed":
            return f"{self.kind}/{self.old_name} → {self.name}"
        return f"{self.kind}/{self.name}"


def load_resources(files: Mapping[str, bytes]) -> dict[ResourceKey, Resource]:
    """Parse every owned YAML file into resources keyed by (kind, namespace, name)."""
    found: dict[ResourceKey, Resource] = {}
    for path in sorted(files):
        for resource in _resources_in(path, files[path]):
            found[(resource.kind, resource.namespace, resource.name)] = resource
    return found


def _resources_in(path: str, raw: bytes) -> Iterable[Resource]:
    # kustomization.yaml only lists the other files; its changes follow from theirs.
    name = PurePosixPath(path).name
    if not name.endswith((".yaml", ".yml")) or name == "kustomization.yaml":
        return []
    try:
        text = raw.decode("utf-8")
        documents = [doc for doc in parse_documents(text) if isinstance(doc, dict)]
    except (ManifestParseError, UnicodeDecodeError):
        return [Resource("File", path, "", path, {"unparsable": True})]
    # One object per file is what render writes; a file of several shows none whole.
    whole = text if len(documents) == 1 else ""
    return [_resource(path, doc, whole) for doc in documents]


def _resource(path: str, doc: dict[str, Any], text: str) -> Resource:
    metadata = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    kind = str(doc.get("kind") or "Unknown")
    name = str(metadata.get("name") or path)
    namespace = str(metadata.get("namespace") or "")
    return Resource(kind, name, namespace, path, _normalize(_expand_embedded(doc)), text)


def _expand_embedded(doc: dict[str, Any]) -> dict[str, Any]:
    for where in _EMBEDDED_YAML:
        parent = _walk(doc, where[:-1])
        text = parent.get(where[-1]) if parent is not None else None
        if parent is not None and isinstance(text, str):
            try:
                parent[where[-1]] = parse_manifest_checked(text)
            except ManifestParseError:
                continue
    return doc


def _walk(data: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data if isinstance(data, dict) else None


def _normalize(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _normalize(value) for key, value in data.items()}
    if isinstance(data, list):
        keyed = _by_item_name(data)
        if keyed is not None:
            return {key: _normalize(value) for key, value in keyed.items()}
        return [_normalize(value) for value in data]
    return data


def _by_item_name(items: list[Any]) -> dict[ItemKey, Any] | None:
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in _ITEM_NAME_KEYS:
        names = [item.get(key) for item in items]
        if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            return {ItemKey(str(n)): item for n, item in zip(names, items, strict=True)}
    return None


def diff_resources(
    old: Mapping[ResourceKey, Resource], new: Mapping[ResourceKey, Resource]
) -> list[ResourceChange]:
    """Every added, removed, changed or renamed resource, sorted by kind and name."""
    # Equal data needs no deepdiff: this keeps a no-op diff of a large tree fast.
    changes = [
        _changed(old[k], new[k]) for k in old.keys() & new.keys() if old[k].data != new[k].data
    ]
    removed = [old[k] for k in sorted(old.keys() - new.keys())]
    added = [new[k] for k in sorted(new.keys() - old.keys())]
    renames = _pair_renames(removed, added)
    changes += [_renamed(a, b) for a, b in renames]
    paired_old = {id(a) for a, _ in renames}
    paired_new = {id(b) for _, b in renames}
    changes += [_whole(r, "removed") for r in removed if id(r) not in paired_old]
    changes += [_whole(r, "added") for r in added if id(r) not in paired_new]
    kept = [c for c in changes if c.status != "changed" or c.fields]
    return sorted(kept, key=lambda c: (c.kind, c.name, c.namespace, c.old_name))


def _changed(old: Resource, new: Resource) -> ResourceChange:
    fields = _redacted(new.kind, diff_values(old.data, new.data))
    return ResourceChange(new.kind, new.name, "changed", new.path, new.namespace, fields=fields)


def _renamed(old: Resource, new: Resource) -> ResourceChange:
    fields = _redacted(new.kind, diff_values(old.data, new.data))
    return ResourceChange(
        new.kind, new.name, "renamed", new.path, new.namespace, old.name, fields=fields
    )


def _whole(resource: Resource, status: ResourceStatus) -> ResourceChange:
    return ResourceChange(
        resource.kind,
        resource.name,
        status,
        resource.path,
        resource.namespace,
        content=_content(resource),
    )


def _content(resource: Resource) -> str:
    """The object as YAML with every secret value replaced (all of a Secret's data)."""
    try:
        doc = parse_manifest_checked(resource.text) if resource.text else None
    except ManifestParseError:
        return ""
    if not isinstance(doc, dict):
        return ""
    shown = {
        key: redact_value(value, resource.kind in _SECRET_KINDS and key in _SECRET_KEYS)
        for key, value in doc.items()
    }
    return dump_document(shown)


def _pair_renames(
    removed: list[Resource], added: list[Resource]
) -> list[tuple[Resource, Resource]]:
    kinds = _pairable_kinds(removed, added)
    candidates = sorted(
        (-_similarity(old, new), i, j)
        for i, old in enumerate(removed)
        for j, new in enumerate(added)
        if old.kind == new.kind and old.kind in kinds
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[Resource, Resource]] = []
    for score, i, j in candidates:
        if -score >= RENAME_SIMILARITY and i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((removed[i], added[j]))
    return pairs


def _pairable_kinds(removed: list[Resource], added: list[Resource]) -> set[str]:
    """Kinds with few enough candidates for rename detection (it is quadratic)."""
    gone = Counter(r.kind for r in removed)
    new = Counter(a.kind for a in added)
    return {kind for kind in gone & new if gone[kind] * new[kind] <= MAX_RENAME_CANDIDATES}


def _similarity(old: Resource, new: Resource) -> float:
    """Share of leaves that survive, ignoring the name itself and strings that embed it."""
    left, right = _without_name(old), _without_name(new)
    size = max(count_leaves(left), count_leaves(right), 1)
    return 1.0 - min(changed_leaves(diff_values(left, right)), size) / size


def _without_name(resource: Resource) -> Any:
    def scrub(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: scrub(v) for k, v in data.items()}
        if isinstance(data, list):
            return [scrub(v) for v in data]
        if isinstance(data, str) and resource.name in data:
            return data.replace(resource.name, "<name>")
        return data

    body = {k: v for k, v in resource.data.items() if k != "metadata"}
    metadata = dict(resource.data.get("metadata") or {})
    metadata.pop("name", None)
    return scrub({**body, "metadata": metadata})


def _redacted(kind: str, fields: list[FieldChange]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(
            f.path,
            f.kind,
            redact_value(f.old, _secret_path(kind, f)),
            redact_value(f.new, _secret_path(kind, f)),
        )
        for f in fields
    )


def _secret_path(kind: str, change: FieldChange) -> bool:
    return kind in _SECRET_KINDS and bool(change.path) and change.path[0] in ("data", "stringData")
