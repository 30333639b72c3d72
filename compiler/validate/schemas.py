"""The schema registry: JSON Schemas by apiVersion and kind, each compiled once per run.

Schemas live in `schemas/<group>/<version>/<Kind>.json` (the core group is spelled
`core`); each describes the whole object and keeps the Kubernetes structural extensions
(see `compiler.validate.crds`). Kinds with no file here fall back to the core-kind adapter
(`compiler.validate.corekinds`); a kind found in neither is an error for the validator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from compiler.errors import Diagnostic
from compiler.fsio import atomic_write_bytes
from compiler.project import SCHEMAS_DIR, builtin_dir
from compiler.validate import corekinds
from compiler.validate.cel.rules import CelEngine
from compiler.validate.crds import KindSchema, convert_crd, is_crd
from compiler.validate.schemafiles import SchemaFileError, read_schema_file
from compiler.yamlio.manifests import ManifestParseError, parse_documents

KindKey = tuple[str, str]
"""(apiVersion, kind)."""


class SchemaLoadError(ValueError):
    """A schema file is not valid JSON or not a valid JSON Schema."""


@dataclass(slots=True)
class SchemaRegistry:
    """Schemas by (apiVersion, kind); validators are compiled on first use and kept.

    One registry serves a whole run (every environment), so each kind's validator and
    each CEL rule is compiled once. Built-in kinds are looked up per Kubernetes version.
    """

    schemas: Mapping[KindKey, Mapping[str, Any]]
    kubernetes_version: str = corekinds.DEFAULT_KUBERNETES_VERSION
    cel: CelEngine = field(default_factory=CelEngine)
    _core: dict[tuple[str, str, str], Mapping[str, Any] | None] = field(default_factory=dict)
    _validators: dict[tuple[str, str, str], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        schemas_dir: Path | Sequence[Path],
        kubernetes_version: str = corekinds.DEFAULT_KUBERNETES_VERSION,
    ) -> SchemaRegistry:
        """Read every `<group>/<version>/<Kind>.json` under `schemas_dir`.

        Given several folders, a later one's schema of a kind replaces an earlier one's.
        """
        folders = [schemas_dir] if isinstance(schemas_dir, Path) else list(schemas_dir)
        found: dict[KindKey, Mapping[str, Any]] = {}
        for folder in folders:
            if folder.is_dir():
                found.update(_read_schema_files(folder))
        return cls(found, kubernetes_version)

    def schema_for(
        self, api_version: str, kind: str, kubernetes_version: str | None = None
    ) -> Mapping[str, Any] | None:
        """The project's schema for a kind, or a built-in kind's bundled schema, or None."""
        own = self.schemas.get((api_version, kind))
        if own is not None:
            return own
        key = (api_version, kind, kubernetes_version or self.kubernetes_version)
        if key not in self._core:
            self._core[key] = corekinds.core_schema(*key)
        return self._core[key]

    def is_custom(self, api_version: str, kind: str) -> bool:
        """Tell whether the project (not kubernetes-validate) provides this kind's schema."""
        return (api_version, kind) in self.schemas

    def validator_for(
        self, api_version: str, kind: str, kubernetes_version: str | None = None
    ) -> Any | None:
        """The compiled jsonschema-rs validator for a kind, built once; None if unknown."""
        key = (api_version, kind, kubernetes_version or self.kubernetes_version)
        if key not in self._validators:
            schema = self.schema_for(*key)
            self._validators[key] = None if schema is None else compile_schema(schema)
        return self._validators[key]

    def kinds(self) -> list[KindKey]:
        """Every project-provided kind, sorted."""
        return sorted(self.schemas)


def compile_schema(schema: Mapping[str, Any]) -> Any:
    """Compile a schema with jsonschema-rs; never fetch a reference (network or file)."""
    try:
        return jsonschema_rs.validator_for(dict(schema), retriever=_refuse)
    except (ValueError, jsonschema_rs.ReferencingError) as exc:
        raise SchemaLoadError(f"invalid JSON Schema: {exc}") from None


def _refuse(uri: str) -> Any:
    raise ValueError(f"{uri} is not fetched: schemas are offline and self-contained")


def _read_schema_files(schemas_dir: Path) -> Iterator[tuple[KindKey, Mapping[str, Any]]]:
    # The repository (or the installation); a link to this installation's schemas is fine.
    builtin = builtin_dir(SCHEMAS_DIR)
    roots = (schemas_dir.parent, *([builtin] if builtin is not None else []))
    problems: list[Diagnostic] = []
    for path in sorted(schemas_dir.glob("*/*/*.json")):
        group, version, kind = path.parent.parent.name, path.parent.name, path.stem
        api_version = version if group == "core" else f"{group}/{version}"
        schema = read_schema_file(path, roots, "/".join(path.parts[-4:]), problems)
        if schema is not None:
            yield (api_version, kind), schema
    if problems:
        raise SchemaFileError(problems)


def schema_path(schemas_dir: Path, api_version: str, kind: str) -> Path:
    """Where the schema of a kind is stored under `schemas_dir`."""
    group, _, version = api_version.rpartition("/")
    return schemas_dir / (group or "core") / version / f"{kind}.json"


def dump_schema(schema: Mapping[str, Any]) -> str:
    """Serialize a schema the way `schemas/` stores it: two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def import_crds(sources: Sequence[Path], target: Path) -> list[Path]:
    """Convert every CRD in `sources` (files or folders) into `target`; return written files.

    Non-CRD documents are ignored; a source with no CRD at all is an error.
    """
    written: list[Path] = []
    for source in sources:
        files = sorted(source.rglob("*.y*ml")) if source.is_dir() else [source]
        converted = [kind for file in files for kind in _kinds_in(file)]
        if not converted:
            raise SchemaLoadError(f"{source}: no CustomResourceDefinition found")
        for kind in converted:
            path = target / kind.relative_path
            atomic_write_bytes(path, dump_schema(kind.schema).encode("utf-8"))
            written.append(path)
    return written


def _kinds_in(file: Path) -> list[KindSchema]:
    try:
        documents = parse_documents(file.read_text(encoding="utf-8"))
    except (OSError, ManifestParseError) as exc:
        raise SchemaLoadError(f"{file}: {exc}") from None
    return [kind for doc in documents if is_crd(doc) for kind in convert_crd(doc)]
