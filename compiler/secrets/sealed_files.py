"""The committed SealedSecret files of an environment: read, check, merge, write (pure).

`environments/<env>/sealed-secrets/<secret>.yaml` holds one SealedSecret per Secret,
written by `modelplane seal` (or by kubeseal: the shape is the same). Render copies
them into the manifests; only ciphertext is ever read or written here.

The controller unseals into a Secret named like the SealedSecret itself, in its
namespace, and the strict-scope label binds every value to exactly that pair
(sealed-secrets `Unseal` sets the Secret's name and namespace from the SealedSecret's
metadata), so the file name, `metadata.name` and the environment's namespace must agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.errors import Diagnostic, Location
from compiler.yamlio.emit import dump_document
from compiler.yamlio.source import SourceMap, YamlLoadError, load_yaml

API_VERSION = "bitnami.com/v1alpha1"
KIND = "SealedSecret"
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


@dataclass(frozen=True, slots=True)
class SealedFile:
    """One committed SealedSecret: its name, namespace, sealed keys and where they are."""

    name: str
    namespace: str
    encrypted: Mapping[str, str]
    template: Mapping[str, Any]
    source: SourceMap = field(compare=False)

    def locate(self, *path: str | int) -> Location:
        """Where a value of the file was written."""
        return self.source.locate(path)


@dataclass(frozen=True, slots=True)
class SealedSecrets:
    """An environment's committed SealedSecrets by Secret name, and why others were unusable."""

    files: Mapping[str, SealedFile] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()


def parse_sealed_file(
    text: str, display_path: str, expected_name: str, namespace: str
) -> tuple[SealedFile | None, list[Diagnostic]]:
    """Read one file; report every way it could not unseal as `expected_name`."""
    try:
        loaded = load_yaml(text, display_path)
    except YamlLoadError as exc:
        return None, list(exc.diagnostics)
    data, source = loaded.data, loaded.source
    problems: list[Diagnostic] = []

    def fail(path: tuple[str | int, ...], message: str, hint: str = "") -> None:
        problems.append(Diagnostic(source.locate(path), "sealed-secret", message, hint))

    if not isinstance(data, dict) or data.get("kind") != KIND:
        fail(("kind",), f"not a {KIND}")
        return None, problems
    if data.get("apiVersion") != API_VERSION:
        fail(("apiVersion",), f"apiVersion must be {API_VERSION}")
    meta = _mapping(data.get("metadata"))
    if meta.get("name") != expected_name:
        fail(
            ("metadata", "name"), f"the file {expected_name}.yaml must seal Secret {expected_name}"
        )
    if meta.get("namespace") != namespace:
        fail(
            ("metadata", "namespace"),
            f"sealed for namespace {meta.get('namespace')!r}, but this environment is "
            f"{namespace!r}: the values cannot be unsealed here",
            "remove the file and seal every value again (modelplane seal)",
        )
    spec = _mapping(data.get("spec"))
    encrypted = _encrypted(spec.get("encryptedData"), fail)
    template = _mapping(spec.get("template"))
    if problems:
        return None, problems
    return SealedFile(expected_name, namespace, encrypted, template, source), []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _encrypted(value: Any, fail: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        fail(("spec", "encryptedData"), "spec.encryptedData holds no sealed value")
        return {}
    out: dict[str, str] = {}
    for key, sealed in value.items():
        if not _KEY.match(str(key)):
            fail(("spec", "encryptedData", key), f"{key!r} is not a valid Secret key")
        elif not isinstance(sealed, str) or not _BASE64.match(sealed):
            fail(("spec", "encryptedData", key), f"the value of {key!r} is not sealed (base64)")
        else:
            out[str(key)] = sealed
    return out


def sealed_document(
    name: str,
    namespace: str,
    encrypted: Mapping[str, str],
    template: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The SealedSecret object, keys sorted, as kubeseal lays it out (strict scope)."""
    template_meta = dict((template or {}).get("metadata") or {})
    template_meta.update({"name": name, "namespace": namespace})
    new_template = {**(template or {}), "metadata": dict(sorted(template_meta.items()))}
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "encryptedData": dict(sorted(encrypted.items())),
            "template": dict(sorted(new_template.items())),
        },
    }


def dump_sealed_file(env_name: str, document: Mapping[str, Any]) -> str:
    """The committed file: a header saying how to add a value, then the object."""
    meta = document["metadata"]
    header = (
        f"# SealedSecret {meta['name']} of environment {env_name}: ciphertext only, safe to "
        "commit.\n"
        f"# Each value opens only as Secret {meta['namespace']}/{meta['name']} "
        "(strict scope). Add or replace one with:\n"
        f"#   modelplane seal --env {env_name} --secret {meta['name']} --key KEY < value-file\n"
    )
    return header + dump_document(document)
