"""Every rendered document validates against the operators' REAL upstream CRDs.

The project validates against its own vendored schemas; this checks those renders
against the CRDs the operators actually install (`../shared/upstream/crds`), converted
by `compiler.validate.crds` the way the API server enforces them (unknown fields rejected,
ObjectMeta checked). Only the OpenAPI schema is evaluated; CEL rules are tested elsewhere.
Built-in kinds (no CRD: core, apps, autoscaling, ...) are out of scope here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from compiler.validate.crds import convert_crd, is_crd
from compiler.validate.schemas import compile_schema
from compiler.yamlio.manifests import parse_documents
from tests.helpers import UPSTREAM_CRDS, example_environments, manifest_documents

KindKey = tuple[str, str]
BUILT_IN_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apps",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
    }
)


@dataclass(frozen=True)
class UpstreamSchema:
    """One served version of an upstream CRD, converted to a whole-object JSON Schema."""

    source: str
    canonical: bool
    schema: Mapping[str, Any]


def _is_built_in(api_version: str) -> bool:
    """Kinds that Kubernetes itself serves, so no CRD describes them."""
    group, _, _ = api_version.rpartition("/")
    return group in BUILT_IN_GROUPS


def _upstream_schemas(root: Path) -> dict[KindKey, list[UpstreamSchema]]:
    found: dict[KindKey, list[UpstreamSchema]] = {}
    for path in sorted(root.rglob("*.yaml")):
        for document in parse_documents(path.read_text(encoding="utf-8")):
            if not is_crd(document):
                continue
            spec = document["spec"]
            # Variants saved from PRs or older commits carry a suffix after the plural.
            canonical = path.stem == f"{spec['group']}_{spec['names']['plural']}"
            source = path.relative_to(root).as_posix()
            for kind in convert_crd(document):
                found.setdefault((kind.api_version, kind.kind), []).append(
                    UpstreamSchema(source, canonical, kind.schema)
                )
    return found


def _pick(candidates: list[UpstreamSchema]) -> list[UpstreamSchema]:
    canonical = [c for c in candidates if c.canonical]
    return canonical or candidates


def _json_path(parts: list[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


@pytest.fixture(scope="module")
def upstream() -> dict[KindKey, list[tuple[str, Any]]]:
    if not UPSTREAM_CRDS.is_dir():
        pytest.skip(f"upstream CRDs not found at {UPSTREAM_CRDS} (test data lives beside the repo)")
    return {
        key: [(c.source, compile_schema(c.schema)) for c in _pick(candidates)]
        for key, candidates in _upstream_schemas(UPSTREAM_CRDS).items()
    }


def test_built_in_kinds_are_recognised() -> None:
    assert _is_built_in("v1")
    assert _is_built_in("apps/v1")
    assert _is_built_in("autoscaling/v2")
    assert _is_built_in("networking.k8s.io/v1")
    assert not _is_built_in("gateway.networking.k8s.io/v1")
    assert not _is_built_in("kaos.tools/v1alpha1")


def test_the_upstream_crds_cover_the_kinds_we_render(upstream: dict) -> None:
    assert ("kaos.tools/v1alpha1", "ModelAPI") in upstream
    assert ("gateway.networking.k8s.io/v1", "HTTPRoute") in upstream


def test_a_violation_is_reported_with_its_path(upstream: dict) -> None:
    ((_, validator),) = upstream[("kaos.tools/v1alpha1", "ModelAPI")]
    bad = {
        "apiVersion": "kaos.tools/v1alpha1",
        "kind": "ModelAPI",
        "metadata": {"name": "chat"},
        "spec": {"mode": "Proxy", "proxyConfig": {"models": []}, "typo": 1},
    }
    paths = sorted(_json_path(list(e.instance_path)) for e in validator.iter_errors(bad))
    assert paths == ["$.spec", "$.spec.proxyConfig.models"]


@pytest.mark.parametrize("env", example_environments())
def test_rendered_documents_validate_against_upstream_crds(upstream: dict, env: str) -> None:
    problems: list[str] = []
    checked = 0
    for doc in manifest_documents(env):
        key = (str(doc.document["apiVersion"]), str(doc.document["kind"]))
        if _is_built_in(key[0]):
            continue
        if key not in upstream:
            problems.append(f"{doc.file}: no upstream CRD serves {key[0]} {key[1]}")
            continue
        for source, validator in upstream[key]:
            checked += 1
            problems.extend(
                f"{doc.file}::{_json_path(list(e.instance_path))}: {e.message} (CRD {source})"
                for e in validator.iter_errors(dict(doc.document))
            )
    assert problems == []
    assert checked > 0
