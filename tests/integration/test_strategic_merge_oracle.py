"""`kubectl kustomize` on a built-in Deployment is the oracle for our podSpec strategic merge.

kustomize knows the PodSpec merge keys for built-in kinds (it only gets custom resources
wrong), so for each case the same base pod spec and patch go through a strategic-merge
patch on a Deployment and through `compiler.inventory.merge.strategic_merge` with the keys read
from the vendored ModelAPI schema; the results must be equal.

Order: kustomize (kyaml) emits the patch's items of a keyed list first, then the rest
of the base. The API server and the KAOS controller (apimachinery's strategicpatch) keep
the base order and append new items, and so does our merge. Keyed lists are therefore
compared as sets by their merge keys, and our order is checked against apimachinery's
rule separately. Lists without merge keys (args, tolerations, ...) replace, and are
compared exactly, order included.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from compiler.inventory.merge import MergeKeys, strategic_merge
from compiler.pipeline.environments import pod_spec_keys
from compiler.validate.schemas import SchemaRegistry
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.integration

BASE: dict[str, Any] = {
    "containers": [
        {
            "name": "model-api",
            "image": "ghcr.io/berriai/litellm:main-v1.82.6",
            "args": ["--config", "/etc/litellm/config.yaml", "--port", "8000"],
            "env": [
                {"name": "PROXY_API_BASE", "value": "http://upstream"},
                {"name": "LITELLM_LOG", "value": "INFO"},
            ],
            "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
            "volumeMounts": [
                {"name": "litellm-config", "mountPath": "/etc/litellm"},
                {"name": "cache", "mountPath": "/var/cache"},
            ],
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}},
        },
        {"name": "sidecar", "image": "sidecar:1", "args": ["--verbose"]},
    ],
    "initContainers": [
        {"name": "first", "image": "init:1"},
        {"name": "second", "image": "init:1"},
    ],
    "volumes": [
        {"name": "litellm-config", "configMap": {"name": "litellm-config-chat"}},
        {"name": "cache", "emptyDir": {}},
    ],
    "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
    "nodeSelector": {"pool": "cpu"},
    "imagePullSecrets": [{"name": "registry-a"}],
    "topologySpreadConstraints": [
        {"topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 1}
    ],
}


def _container(**fields: Any) -> dict[str, Any]:
    return {"containers": [{"name": "model-api", **fields}]}


CASES: dict[str, dict[str, Any]] = {
    "container-resources-keep-image-and-env": _container(
        resources={"limits": {"cpu": "1", "memory": "1Gi"}}
    ),
    "env-by-name-change-and-add": _container(
        env=[{"name": "LITELLM_LOG", "value": "DEBUG"}, {"name": "EXTRA", "value": "1"}]
    ),
    "env-delete-directive": _container(env=[{"name": "PROXY_API_BASE", "$patch": "delete"}]),
    "env-value-to-valueFrom-with-null": _container(
        env=[
            {
                "name": "PROXY_API_BASE",
                "value": None,
                "valueFrom": {"secretKeyRef": {"name": "s", "key": "base"}},
            }
        ]
    ),
    "volumeMounts-by-mountPath": _container(
        volumeMounts=[
            {"name": "litellm-config", "mountPath": "/etc/litellm", "readOnly": True},
            {"name": "ca", "mountPath": "/etc/tls"},
        ]
    ),
    "volumeMounts-delete-by-mountPath": _container(
        volumeMounts=[{"mountPath": "/var/cache", "$patch": "delete"}]
    ),
    "volumes-by-name": {
        "volumes": [
            {"name": "ca", "secret": {"secretName": "corp-ca"}},
            {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
        ]
    },
    "ports-add-with-protocol": _container(
        ports=[{"name": "metrics", "containerPort": 9090, "protocol": "TCP"}]
    ),
    "ports-same-number-other-protocol": _container(
        ports=[{"name": "dns", "containerPort": 8000, "protocol": "UDP"}]
    ),
    "ports-rename-existing": _container(
        ports=[{"name": "web", "containerPort": 8000, "protocol": "TCP"}]
    ),
    "container-delete-directive": {"containers": [{"name": "sidecar", "$patch": "delete"}]},
    "container-add": {"containers": [{"name": "auth-proxy", "image": "oauth2-proxy:7"}]},
    "null-removes-keys": {
        "nodeSelector": None,
        "containers": [
            {"name": "model-api", "args": None, "resources": {"requests": {"memory": None}}}
        ],
    },
    "tolerations-and-args-replace": {
        "tolerations": [{"key": "spot", "operator": "Equal", "value": "true"}],
        "containers": [{"name": "model-api", "args": ["--port", "9000", "--num_workers", "2"]}],
    },
    "initContainers-by-name": {
        "initContainers": [{"name": "second", "image": "init:2"}, {"name": "third", "image": "x"}]
    },
    "imagePullSecrets-by-name": {"imagePullSecrets": [{"name": "registry-b"}]},
    "topologySpreadConstraints-two-keys": {
        "topologySpreadConstraints": [
            {"topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 2},
            {"topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 3},
        ]
    },
    "many-at-once": {
        "containers": [
            {
                "name": "model-api",
                "image": "ghcr.io/berriai/litellm:main-v1.83.0",
                "env": [{"name": "LITELLM_LOG", "$patch": "delete"}],
                "volumeMounts": [{"name": "ca", "mountPath": "/etc/tls", "readOnly": True}],
            },
            {"name": "sidecar", "$patch": "delete"},
        ],
        "volumes": [{"name": "ca", "secret": {"secretName": "corp-ca"}}],
        "tolerations": None,
    },
}

# Ports whose `protocol` is left out: the key defaults to TCP (the schema says so, and
# kustomize and the API server treat it so), but compiler.inventory.merge requires every item to
# carry every list-map key and otherwise replaces the list, dropping the base's ports.
PORT_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "ports-add-without-protocol": (
        {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 8000}]}]},
        {"containers": [{"name": "c", "ports": [{"name": "metrics", "containerPort": 9090}]}]},
    ),
    "ports-add-protocol-on-patch-only": (
        {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 8000}]}]},
        {"containers": [{"name": "c", "ports": [{"containerPort": 9090, "protocol": "TCP"}]}]},
    ),
}


@pytest.fixture(scope="module")
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not on PATH (CI installs it)")
    return path


@pytest.fixture(scope="module")
def merge_keys() -> MergeKeys:
    return pod_spec_keys(SchemaRegistry.load(REPO_ROOT / "schemas"))


def _deployment(pod_spec: dict[str, Any]) -> dict[str, Any]:
    labels = {"app": "modelapi"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "modelapi-chat"},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": pod_spec},
        },
    }


def _kustomize_merge(kubectl: str, folder: Path, base: Any, patch: Any) -> Any:
    folder.mkdir()
    (folder / "deployment.yaml").write_text(yaml.safe_dump(_deployment(base)))
    smp = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "modelapi-chat"},
        "spec": {"template": {"spec": patch}},
    }
    (folder / "patch.yaml").write_text(yaml.safe_dump(smp))
    kustomization = {"resources": ["deployment.yaml"], "patches": [{"path": "patch.yaml"}]}
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    built = subprocess.run(
        [kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=60
    )
    assert built.returncode == 0, built.stderr
    (document,) = yaml.safe_load_all(built.stdout)
    return document["spec"]["template"]["spec"]


def _canonical(value: Any, keys: MergeKeys, path: tuple[str, ...] = ()) -> Any:
    """Sort keyed lists by their merge keys (kustomize orders them differently)."""
    if isinstance(value, dict):
        return {k: _canonical(v, keys, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v, keys, path) for v in value]
        merge_by = keys(path)
        if merge_by:
            items.sort(key=lambda item: json.dumps([item.get(k) for k in merge_by]))
        return items
    return value


def _keyed_orders(
    value: Any, keys: MergeKeys, path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], list[list[Any]]]:
    """Identities of each keyed list's items, in order, by schema path."""
    found: dict[tuple[str, ...], list[list[Any]]] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            for p, orders in _keyed_orders(v, keys, (*path, k)).items():
                found.setdefault(p, []).extend(orders)
    elif isinstance(value, list):
        merge_by = keys(path)
        if merge_by:
            found[path] = [[json.dumps([item.get(k) for k in merge_by]) for item in value]]
        for item in value:
            for p, orders in _keyed_orders(item, keys, path).items():
                found.setdefault(p, []).extend(orders)
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_strategic_merge_equals_kustomize_on_a_deployment(
    kubectl: str, merge_keys: MergeKeys, tmp_path: Path, case: str
) -> None:
    patch = CASES[case]
    expected = _kustomize_merge(kubectl, tmp_path / "k", copy.deepcopy(BASE), patch)
    ours = strategic_merge(copy.deepcopy(BASE), copy.deepcopy(patch), merge_keys)

    assert _canonical(ours, merge_keys) == _canonical(expected, merge_keys)


@pytest.mark.parametrize("case", sorted(CASES))
def test_strategic_merge_keeps_base_order_and_appends(merge_keys: MergeKeys, case: str) -> None:
    """apimachinery's rule: surviving base items keep their order, new items follow."""
    ours = strategic_merge(copy.deepcopy(BASE), copy.deepcopy(CASES[case]), merge_keys)
    base_orders = _keyed_orders(BASE, merge_keys)
    for path, orders in _keyed_orders(ours, merge_keys).items():
        if path not in base_orders or len(orders) != len(base_orders[path]):
            continue
        for merged, before in zip(orders, base_orders[path], strict=True):
            kept = [ident for ident in merged if ident in before]
            assert kept == [ident for ident in before if ident in kept], path
            first_new = next((i for i, ident in enumerate(merged) if ident not in before), None)
            if first_new is not None:
                assert all(ident not in before for ident in merged[first_new:]), path


def test_every_case_exercises_a_different_result(merge_keys: MergeKeys) -> None:
    results = [
        json.dumps(strategic_merge(copy.deepcopy(BASE), copy.deepcopy(p), merge_keys))
        for p in CASES.values()
    ]
    assert len(set(results)) == len(results)
    assert json.dumps(BASE) not in results


@pytest.mark.parametrize("case", sorted(PORT_CASES))
def test_ports_without_protocol_merge_like_kustomize(
    kubectl: str, merge_keys: MergeKeys, tmp_path: Path, case: str
) -> None:
    base, patch = PORT_CASES[case]
    expected = _kustomize_merge(kubectl, tmp_path / "k", copy.deepcopy(base), patch)
    ours = strategic_merge(copy.deepcopy(base), copy.deepcopy(patch), merge_keys)

    assert _canonical(ours, merge_keys) == _canonical(expected, merge_keys)
