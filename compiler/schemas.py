"""The schema registry: JSON Schemas by apiVersion and kind, each compiled once per run.

Schemas live in `schemas/<group>/<version>/<Kind>.json` (the core group is spelled
`core`); each describes the whole object and keeps the Kubernetes structural extensions
(see `compiler.crds`). Kinds with no file here fall back to the core-kind adapter
(`compiler.corekinds`); a kind found in neither is an error for the validator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from compiler import corekinds

KindKey = tuple[str, str]
"""(apiVersion, kind)."""


class SchemaLoadError(ValueError):
    """A schema file is not valid JSON or not a valid JSON Schema."""


@dataclass(slots=True)
class SchemaRegistry:
    """Schemas by (apiVersion, kind); validators are compiled on first use and kept."""

    schemas: Mapping[KindKey, Mapping[str, Any]]
    kubernetes_version: str = corekinds.DEFAULT_KUBERNETES_VERSION
    _validators: dict[KindKey, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls, schemas_dir: Path, kubernetes_version: str = corekinds.DEFAULT_KUBERNETES_VERSION
    ) -> SchemaRegistry:
        """Read every `<group>/<version>/<Kind>.json` under `schemas_dir`."""
        found = dict(_read_schema_files(schemas_dir)) if schemas_dir.is_dir() else {}
        return cls(found, kubernetes_version)

    def schema_for(self, api_version: str, kind: str) -> Mapping[str, Any] | None:
        """The project's schema for a kind, or a core kind's bundled schema, or None."""
        own = self.schemas.get((api_version, kind))
        if own is not None:
            return own
        return corekinds.core_schema(api_version, kind, self.kubernetes_version)

    def is_custom(self, api_version: str, kind: str) -> bool:
        """Tell whether the project (not kubernetes-validate) provides this kind's schema."""
        return (api_version, kind) in self.schemas

    def validator_for(self, api_version: str, kind: str) -> Any | None:
        """The compiled jsonschema-rs validator for a kind, built once; None if unknown."""
        key = (api_version, kind)
        if key not in self._validators:
            schema = self.schema_for(api_version, kind)
            self._validators[key] = None if schema is None else compile_schema(schema)
        return self._validators[key]

    def kinds(self) -> list[KindKey]:
        """Every project-provided kind, sorted."""
        return sorted(self.schemas)


def compile_schema(schema: Mapping[str, Any]) -> Any:
    """Compile a schema with jsonschema-rs; never fetch remote references."""
    try:
        return jsonschema_rs.validator_for(dict(schema))
    except (ValueError, jsonschema_rs.ReferencingError) as exc:
        raise SchemaLoadError(f"invalid JSON Schema: {exc}") from None


def _read_schema_files(schemas_dir: Path) -> Iterator[tuple[KindKey, Mapping[str, Any]]]:
    for path in sorted(schemas_dir.glob("*/*/*.json")):
        group, version, kind = path.parent.parent.name, path.parent.name, path.stem
        api_version = version if group == "core" else f"{group}/{version}"
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SchemaLoadError(f"{path}: {exc}") from None
        if not isinstance(schema, dict):
            raise SchemaLoadError(f"{path}: a schema must be a JSON object")
        yield (api_version, kind), schema


def schema_path(schemas_dir: Path, api_version: str, kind: str) -> Path:
    """Where the schema of a kind is stored under `schemas_dir`."""
    group, _, version = api_version.rpartition("/")
    return schemas_dir / (group or "core") / version / f"{kind}.json"


def dump_schema(schema: Mapping[str, Any]) -> str:
    """Serialize a schema the way `schemas/` stores it: two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
