"""Adapter around kubernetes-validate: its bundled schemas for built-in kinds.

kubernetes-validate's own `validate()` re-reads the schema and rebuilds its validator
on every call (~15 ms per object) and stops at the first error. We only borrow its
bundled JSON Schemas (strict variant: unknown fields are errors) and compile each one
once with jsonschema-rs. This is the one module that knows its file layout.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from compiler.errors import Diagnostic
from compiler.models.resolved import ResolvedEnvironment

DEFAULT_KUBERNETES_VERSION = "1.33"
_PACKAGE = "kubernetes_validate"
_SCHEMAS = "kubernetes-json-schema"
_DEFS_FILE = "_definitions.json"
_REMOTE_DEFS = "/api/_definitions.json#"
_REF = re.compile(r'"\$ref": "#/\$defs/([^"]+)"')
_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.\d+-local-strict$")


class UnsupportedKubernetesVersion(ValueError):
    """No bundled schemas for the requested Kubernetes version."""


def bundled_versions() -> list[tuple[int, int]]:
    """Every Kubernetes minor version kubernetes-validate bundles, oldest first."""
    found = (_VERSION_DIR.match(p.name) for p in _root().iterdir())
    return sorted((int(m[1]), int(m[2])) for m in found if m)


def _root() -> Path:
    return Path(str(resources.files(_PACKAGE))) / _SCHEMAS


def check_kubernetes_version(kubernetes_version: str) -> None:
    """Raise UnsupportedKubernetesVersion unless bundled schemas cover this version."""
    _version_dir(kubernetes_version)


def _version_dir(kubernetes_version: str) -> Path:
    """The newest bundled version not newer than the requested one (compared as numbers)."""
    match = re.match(r"^v?(\d+)\.(\d+)", kubernetes_version)
    if not match:
        raise UnsupportedKubernetesVersion(f"not a Kubernetes version: {kubernetes_version!r}")
    wanted = (int(match[1]), int(match[2]))
    usable = [v for v in bundled_versions() if v <= wanted]
    if not usable or wanted > bundled_versions()[-1]:
        raise UnsupportedKubernetesVersion(
            f"kubernetes-validate bundles no schemas for Kubernetes {kubernetes_version}"
        )
    major, minor = usable[-1]
    return _root() / f"v{major}.{minor}.0-local-strict"


def core_schema(api_version: str, kind: str, kubernetes_version: str) -> Mapping[str, Any] | None:
    """The self-contained schema of a built-in kind, or None if it is not a built-in kind."""
    folder = _version_dir(kubernetes_version)
    # kubernetes-validate names files `<kind>-<group prefix>-<version>.json`.
    suffix = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = folder / f"{kind.lower()}-{suffix}.json"
    if not kind or not api_version or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").replace(_REMOTE_DEFS, "#")
    schema: dict[str, Any] = json.loads(text)
    definitions = json.loads((folder / _DEFS_FILE).read_text(encoding="utf-8"))["$defs"]
    schema["$defs"] = _referenced(text, definitions)
    return schema


def _referenced(text: str, definitions: Mapping[str, Any]) -> dict[str, Any]:
    """The definitions `text` refers to, transitively."""
    needed: dict[str, Any] = {}
    pending = set(_REF.findall(text))
    while pending:
        name = pending.pop()
        if name in needed or name not in definitions:
            continue
        needed[name] = definitions[name]
        pending |= set(_REF.findall(json.dumps(definitions[name]).replace(_REMOTE_DEFS, "#")))
    return {name: _local_refs(value) for name, value in sorted(needed.items())}


def _local_refs(value: Any) -> Any:
    return json.loads(json.dumps(value).replace(_REMOTE_DEFS, "#"))


def kubernetes_version_problems(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    """The environment's `kubernetesVersion`, if set, must have bundled schemas."""
    version = env.environment.kubernetes_version
    if version is None:
        return
    try:
        check_kubernetes_version(version)
    except UnsupportedKubernetesVersion as exc:
        known = ", ".join(f"{major}.{minor}" for major, minor in bundled_versions())
        yield Diagnostic(
            env.locate_env(("kubernetesVersion",)),
            "invalid-value",
            str(exc),
            hint=f"known versions: {known}",
        )
