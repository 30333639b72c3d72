from __future__ import annotations

from pathlib import Path

import pytest

from compiler.inventory.merge import schema_merge_keys
from compiler.validate.crds import NotACrdError, convert_crd
from compiler.validate.schemafiles import SchemaFileError
from compiler.validate.schemas import SchemaRegistry, dump_schema, schema_path
from compiler.yamlio.manifests import parse_documents

MODELAPI = ("kaos.tools/v1alpha1", "ModelAPI")


def _modelapi(**spec: object) -> dict[str, object]:
    return {
        "apiVersion": "kaos.tools/v1alpha1",
        "kind": "ModelAPI",
        "metadata": {"name": "chat", "namespace": "prod"},
        "spec": {"mode": "Proxy", "proxyConfig": {"models": ["gpt-4o"]}, **spec},
    }


def _errors(registry: SchemaRegistry, doc: dict[str, object]) -> list[tuple[list[object], str]]:
    validator = registry.validator_for(str(doc["apiVersion"]), str(doc["kind"]))
    return [(list(e.instance_path), e.message) for e in validator.iter_errors(doc)]


def test_registry_finds_the_authored_modelapi_schema(repo_schemas: Path) -> None:
    registry = SchemaRegistry.load(repo_schemas)
    assert MODELAPI in registry.kinds()
    assert registry.is_custom(*MODELAPI)
    assert registry.validator_for(*MODELAPI) is registry.validator_for(*MODELAPI)


def test_valid_modelapi_passes(repo_schemas: Path) -> None:
    registry = SchemaRegistry.load(repo_schemas)
    pod = {"containers": [{"name": "model-api", "resources": {"limits": {"cpu": "500m"}}}]}
    assert _errors(registry, _modelapi(podSpec=pod, gatewayRoute={"timeout": "90s"})) == []


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"mode": "Remote"}, ["spec", "mode"]),
        ({"proxyConfig": {"models": []}}, ["spec", "proxyConfig", "models"]),
        ({"proxyConfig": {"model": "x", "models": ["a"]}}, ["spec", "proxyConfig"]),
        ({"gatewayRoute": {"timeout": "2 minutes"}}, ["spec", "gatewayRoute", "timeout"]),
        ({"hostedConfig": {}}, ["spec", "hostedConfig"]),
        ({"podSpec": {}}, ["spec", "podSpec"]),
        (
            {"podSpec": {"containers": [{"name": "a", "ports": [{"containerPort": "http"}]}]}},
            ["spec", "podSpec", "containers", 0, "ports", 0, "containerPort"],
        ),
    ],
)
def test_invalid_modelapi_is_located(repo_schemas: Path, spec: dict, path: list) -> None:
    registry = SchemaRegistry.load(repo_schemas)
    assert [p for p, _ in _errors(registry, _modelapi(**spec))] == [path]


def test_metadata_name_must_be_a_dns_name(repo_schemas: Path) -> None:
    registry = SchemaRegistry.load(repo_schemas)
    doc = _modelapi()
    doc["metadata"] = {"name": "Chat_API"}
    assert [p for p, _ in _errors(registry, doc)] == [["metadata", "name"]]


def test_podspec_declares_the_strategic_merge_keys(repo_schemas: Path) -> None:
    schema = SchemaRegistry.load(repo_schemas).schema_for(*MODELAPI)
    assert schema is not None
    keys = schema_merge_keys(schema)
    pod = ("spec", "podSpec")
    assert keys((*pod, "containers")) == ("name",)
    assert keys((*pod, "initContainers")) == ("name",)
    assert keys((*pod, "ephemeralContainers")) == ("name",)
    assert keys((*pod, "containers", "env")) == ("name",)
    assert keys((*pod, "containers", "volumeMounts")) == ("mountPath",)
    assert keys((*pod, "containers", "ports")) == ("containerPort", "protocol")
    assert keys((*pod, "volumes")) == ("name",)
    assert keys((*pod, "imagePullSecrets")) == ("name",)
    assert keys((*pod, "containers", "envFrom")) is None
    assert keys((*pod, "tolerations")) is None


def test_core_kinds_come_from_kubernetes_validate(tmp_path: Path) -> None:
    registry = SchemaRegistry.load(tmp_path)
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "chat"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "x"}, "maxReplicas": "3"},
    }
    assert [p for p, _ in _errors(registry, hpa)] == [["spec", "maxReplicas"]]
    assert not registry.is_custom("autoscaling/v2", "HorizontalPodAutoscaler")
    assert registry.validator_for("example.com/v1", "Widget") is None


def test_broken_schema_file_is_reported(tmp_path: Path) -> None:
    target = schema_path(tmp_path, "example.com/v1", "Widget")
    target.parent.mkdir(parents=True)
    target.write_text("{nope")
    with pytest.raises(SchemaFileError) as error:
        SchemaRegistry.load(tmp_path)
    (problem,) = error.value.diagnostics
    assert str(problem.location).endswith("example.com/v1/Widget.json:1:2")
    assert problem.code == "schema-json"


def test_authored_modelapi_matches_the_upstream_crd(
    upstream_crds: Path, repo_schemas: Path
) -> None:
    crd = parse_documents((upstream_crds / "kaos" / "kaos.tools_modelapis.yaml").read_text())[0]
    (converted,) = convert_crd(crd)
    own = SchemaRegistry.load(repo_schemas).schema_for(*MODELAPI)
    assert own is not None
    assert own["properties"]["spec"] == converted.schema["properties"]["spec"]


def test_not_a_crd_is_refused() -> None:
    with pytest.raises(NotACrdError):
        convert_crd({"kind": "ConfigMap"})


def test_dump_schema_is_stable() -> None:
    assert dump_schema({"b": 1, "a": [1]}) == '{\n  "b": 1,\n  "a": [\n    1\n  ]\n}\n'
