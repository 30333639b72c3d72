"""Convert CustomResourceDefinitions into modelplane's whole-object JSON Schemas.

Every served version's `openAPIV3Schema` becomes `schemas/<group>/<version>/<Kind>.json`:
a draft 2020-12 schema of the whole object that keeps the Kubernetes structural
extensions (list types and map keys, CEL rules, int-or-string, preserve-unknown-fields,
embedded resources, defaults) so the validator can default and run CEL like the API
server. Conversion choices, each mirroring what the API server enforces:
- `nullable: true` adds `null` to the type;
- objects that declare `properties` and neither `additionalProperties` nor
  `x-kubernetes-preserve-unknown-fields` reject unknown fields (kubectl's default
  `--validate=strict` makes the API server refuse them);
- `metadata` at the top is the ObjectMeta the API server checks (a DNS name, string
  labels and annotations), shared from `$defs`;
- descriptions are dropped and large repeated subschemas (Container, EnvVar, ...) are
  shared from `$defs`, which keeps files small and compilation fast.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DROPPED = frozenset({"description", "nullable", "example", "externalDocs"})
_SHARE_MIN_CHARS = 600
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
# The resource.Quantity pattern that kubebuilder writes into every CRD.
QUANTITY = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?"
    r"(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)


@dataclass(frozen=True, slots=True)
class KindSchema:
    """One served version of one kind, as a whole-object JSON Schema."""

    group: str
    version: str
    kind: str
    schema: Mapping[str, Any]

    @property
    def api_version(self) -> str:
        """`group/version`, or just the version for the core group."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def relative_path(self) -> str:
        """Where the schema lives under `schemas/`."""
        return f"{self.group or 'core'}/{self.version}/{self.kind}.json"


class NotACrdError(ValueError):
    """A document is not a CustomResourceDefinition with usable schemas."""


def is_crd(document: object) -> bool:
    """Tell whether a parsed YAML document is a CustomResourceDefinition."""
    return isinstance(document, Mapping) and document.get("kind") == "CustomResourceDefinition"


def convert_crd(crd: Mapping[str, Any]) -> list[KindSchema]:
    """Convert every served version of a CRD; raise NotACrdError when there is none."""
    spec = crd.get("spec")
    if not is_crd(crd) or not isinstance(spec, Mapping):
        raise NotACrdError("not a CustomResourceDefinition")
    group, kind = str(spec.get("group", "")), str(spec.get("names", {}).get("kind", ""))
    result = [
        KindSchema(group, str(version["name"]), kind, _whole_object(group, version, kind))
        for version in _served_versions(spec)
    ]
    if not result:
        raise NotACrdError(f"CRD for {kind or '?'} serves no version with an openAPIV3Schema")
    return result


def _served_versions(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    shared = spec.get("validation", {}).get("openAPIV3Schema")  # apiextensions v1beta1
    for version in spec.get("versions") or ():
        schema = (version.get("schema") or {}).get("openAPIV3Schema") or shared
        if version.get("served", True) and isinstance(schema, Mapping):
            yield {**version, "schema": {"openAPIV3Schema": schema}}


def _whole_object(group: str, version: Mapping[str, Any], kind: str) -> dict[str, Any]:
    name = str(version["name"])
    converted = convert_structural(version["schema"]["openAPIV3Schema"])
    api_version = f"{group}/{name}" if group else name
    properties = dict(converted.get("properties", {}))
    properties["apiVersion"] = {"const": api_version}
    properties["kind"] = {"const": kind}
    properties["metadata"] = {"$ref": "#/$defs/ObjectMeta"}
    required = sorted({*converted.get("required", ()), "apiVersion", "kind", "metadata"})
    body = {**converted, "type": "object", "properties": properties, "required": required}
    shared, defs = share_subschemas(body)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"{kind} ({api_version})",
        **shared,
        "$defs": {"ObjectMeta": OBJECT_META, **defs},
    }


def convert_structural(node: Any) -> Any:
    """Turn a structural OpenAPI v3 schema node into JSON Schema (see module docstring)."""
    if isinstance(node, list):
        return [convert_structural(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {k: _convert_child(k, v) for k, v in node.items() if k not in _DROPPED}
    if node.get("nullable") is True:
        _allow_null(out)
    if node.get("x-kubernetes-int-or-string") is True and "anyOf" not in out and "type" not in out:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("x-kubernetes-embedded-resource") is True:
        out["properties"] = {**_EMBEDDED_FIELDS, **out.get("properties", {})}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and out.get("x-kubernetes-preserve-unknown-fields") is not True
    ):
        out["additionalProperties"] = False
    return out


def _convert_child(key: str, value: Any) -> Any:
    if key == "properties" and isinstance(value, Mapping):
        return {name: convert_structural(child) for name, child in value.items()}
    if key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
        return convert_structural(value)
    return value


def _allow_null(out: dict[str, Any]) -> None:
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]


_EMBEDDED_FIELDS: Mapping[str, Any] = {
    "apiVersion": {"type": "string"},
    "kind": {"type": "string"},
    "metadata": {"type": "object"},
}

OBJECT_META: Mapping[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "maxLength": 253, "pattern": DNS_SUBDOMAIN},
        "namespace": {"type": "string", "maxLength": 63, "pattern": DNS_LABEL},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "generateName": {"type": "string"},
        "finalizers": {"type": "array", "items": {"type": "string"}},
        "ownerReferences": {"type": "array", "items": {"type": "object"}},
        "uid": {"type": "string"},
        "resourceVersion": {"type": "string"},
        "generation": {"type": "integer"},
        "creationTimestamp": {"type": ["string", "null"]},
        "deletionTimestamp": {"type": ["string", "null"]},
        "deletionGracePeriodSeconds": {"type": "integer"},
        "managedFields": {"type": "array", "items": {"type": "object"}},
        "selfLink": {"type": "string"},
    },
}


def share_subschemas(schema: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Move large subschemas that occur more than once into `$defs`; return (root, defs)."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    _count(schema, "Root", counts, names)
    chosen = {
        text: names[text] for text, n in counts.items() if n > 1 and len(text) >= _SHARE_MIN_CHARS
    }
    defs: dict[str, Any] = {}
    unique = _unique_names(chosen)
    root = _replace(schema, unique, defs, top=True)
    return root, dict(sorted(defs.items()))


def _count(node: Any, name: str, counts: Counter[str], names: dict[str, str]) -> None:
    if not isinstance(node, Mapping):
        return
    text = json.dumps(node, sort_keys=True)
    counts[text] += 1
    names.setdefault(text, name)
    for child_name, child in _children(node, name):
        _count(child, child_name, counts, names)


def _children(node: Mapping[str, Any], name: str) -> Iterator[tuple[str, Any]]:
    yield from (node.get("properties") or {}).items()
    items = node.get("items")
    if isinstance(items, Mapping):
        yield (name[:-1] if name.endswith("s") else f"{name}Item"), items
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping):
        yield f"{name}Value", extra


def _unique_names(chosen: Mapping[str, str]) -> dict[str, str]:
    taken: Counter[str] = Counter()
    result = {}
    for text, raw in sorted(chosen.items(), key=lambda kv: (kv[1], kv[0])):
        base = raw[:1].upper() + raw[1:]
        taken[base] += 1
        result[text] = base if taken[base] == 1 else f"{base}{taken[base]}"
    return result


def _replace(node: Any, chosen: Mapping[str, str], defs: dict[str, Any], *, top: bool) -> Any:
    if not isinstance(node, Mapping):
        return node
    text = json.dumps(node, sort_keys=True) if not top else ""
    if text in chosen:
        name = chosen[text]
        if name not in defs:
            defs[name] = {}
            defs[name] = _replace(node, chosen, defs, top=True)
        return {"$ref": f"#/$defs/{name}"}
    out = dict(node)
    if isinstance(node.get("properties"), Mapping):
        out["properties"] = {
            k: _replace(v, chosen, defs, top=False) for k, v in node["properties"].items()
        }
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), Mapping):
            out[key] = _replace(node[key], chosen, defs, top=False)
    return out
