from __future__ import annotations

from pathlib import Path

import pytest

from compiler.validate.crds import NotACrdError, convert_crd, convert_structural, share_subschemas
from compiler.validate.schemafiles import SchemaFileError
from compiler.validate.schemas import SchemaLoadError, SchemaRegistry, import_crds

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["size"],
                                "properties": {
                                    "size": {"type": "integer", "nullable": True},
                                    "port": {
                                        "anyOf": [{"type": "integer"}, {"type": "string"}],
                                        "x-kubernetes-int-or-string": True,
                                    },
                                    "extra": {
                                        "type": "object",
                                        "x-kubernetes-preserve-unknown-fields": True,
                                    },
                                    "template": {
                                        "type": "object",
                                        "x-kubernetes-embedded-resource": True,
                                        "properties": {"spec": {"type": "object"}},
                                    },
                                },
                                "x-kubernetes-validations": [{"rule": "self.size > 0"}],
                            }
                        },
                    }
                },
            },
            {"name": "v0", "served": False, "schema": {"openAPIV3Schema": {"type": "object"}}},
        ],
    },
}


def test_only_served_versions_become_whole_object_schemas() -> None:
    (kind,) = convert_crd(CRD)
    assert kind.relative_path == "example.com/v1/Widget.json"
    schema = kind.schema
    assert schema["properties"]["apiVersion"] == {"const": "example.com/v1"}
    assert schema["properties"]["kind"] == {"const": "Widget"}
    assert set(schema["required"]) == {"apiVersion", "kind", "metadata"}
    assert "ObjectMeta" in schema["$defs"]


def test_structural_extensions_are_kept_or_translated() -> None:
    spec = convert_crd(CRD)[0].schema["properties"]["spec"]
    props = spec["properties"]
    assert props["size"]["type"] == ["integer", "null"]
    assert props["port"]["x-kubernetes-int-or-string"] is True
    assert "additionalProperties" not in props["extra"]
    assert spec["additionalProperties"] is False
    assert set(props["template"]["properties"]) >= {"apiVersion", "kind", "metadata", "spec"}
    assert spec["x-kubernetes-validations"] == [{"rule": "self.size > 0"}]


def test_converted_schema_validates(tmp_path: Path) -> None:
    crd_file = tmp_path / "crd.yaml"
    import json

    crd_file.write_text(json.dumps(CRD))  # JSON is YAML
    written = import_crds([crd_file], tmp_path / "schemas")
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "schemas/example.com/v1/Widget.json"
    ]
    validator = SchemaRegistry.load(tmp_path / "schemas").validator_for("example.com/v1", "Widget")
    good = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert validator.is_valid({**good, "spec": {"size": None, "port": "http", "extra": {"x": 1}}})
    assert not validator.is_valid({**good, "spec": {"size": 1, "typo": 1}})
    assert not validator.is_valid({**good, "spec": {"port": 1.5, "size": 1}})


def test_import_without_crds_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: ConfigMap\n")
    with pytest.raises(SchemaLoadError, match="no CustomResourceDefinition"):
        import_crds([tmp_path], tmp_path / "out")


def test_large_repeated_subschemas_are_shared() -> None:
    big = convert_structural(
        {"type": "object", "properties": {f"f{i}": {"type": "string"} for i in range(40)}}
    )
    root, defs = share_subschemas({"type": "object", "properties": {"a": big, "b": big}})
    assert root["properties"]["a"] == root["properties"]["b"] == {"$ref": "#/$defs/A"}
    assert defs["A"] == big


def test_core_group_and_empty_crds() -> None:
    core = {
        **CRD,
        "spec": {**CRD["spec"], "group": "", "versions": [CRD["spec"]["versions"][0]]},
    }
    (kind,) = convert_crd(core)
    assert (kind.api_version, kind.relative_path) == ("v1", "core/v1/Widget.json")
    unserved = {**CRD, "spec": {**CRD["spec"], "versions": [CRD["spec"]["versions"][1]]}}
    with pytest.raises(NotACrdError, match="serves no version"):
        convert_crd(unserved)


def test_nullable_enum_and_bare_int_or_string() -> None:
    out = convert_structural(
        {
            "type": "object",
            "properties": {
                "mode": {"type": "string", "enum": ["a"], "nullable": True},
                "port": {"x-kubernetes-int-or-string": True},
            },
        }
    )
    assert out["properties"]["mode"]["enum"] == ["a", None]
    assert out["properties"]["port"]["anyOf"] == [{"type": "integer"}, {"type": "string"}]


def test_schema_file_that_is_not_an_object_or_not_a_schema(tmp_path: Path) -> None:
    target = tmp_path / "example.com" / "v1"
    target.mkdir(parents=True)
    (target / "Widget.json").write_text("[]")
    with pytest.raises(SchemaFileError) as error:
        SchemaRegistry.load(tmp_path)
    assert "a schema must be a JSON object" in error.value.diagnostics[0].message
    (target / "Widget.json").write_text('{"type": 12}')
    with pytest.raises(SchemaFileError) as error:
        SchemaRegistry.load(tmp_path)
    (problem,) = error.value.diagnostics
    assert str(problem.location) == f"{tmp_path.name}/example.com/v1/Widget.json:1:1"
    assert problem.message.startswith("invalid JSON Schema: 12 is not valid")


def test_unreadable_crd_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [unclosed\n")
    with pytest.raises(SchemaLoadError, match=r"bad\.yaml"):
        import_crds([bad], tmp_path / "out")
