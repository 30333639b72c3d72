from __future__ import annotations

from compiler.inventory.merge import merge_override, schema_merge_keys, strategic_merge


def test_override_maps_merge_deeply_and_null_removes():
    base = {"a": {"b": 1, "c": 2}, "d": 3}
    assert merge_override(base, {"a": {"c": 9, "e": 4}, "d": None}) == {
        "a": {"b": 1, "c": 9, "e": 4}
    }


def test_override_named_lists_merge_by_name_and_other_lists_replace():
    base = {"items": [{"name": "x", "v": 1, "w": 2}, {"name": "y", "v": 1}], "tags": ["a", "b"]}
    patch = {"items": [{"name": "y", "v": 5}, {"name": "z", "v": 0}], "tags": ["c"]}
    assert merge_override(base, patch) == {
        "items": [{"name": "x", "v": 1, "w": 2}, {"name": "y", "v": 5}, {"name": "z", "v": 0}],
        "tags": ["c"],
    }


def test_override_patch_delete_removes_a_named_item():
    base = {"items": [{"name": "x"}, {"name": "y"}]}
    assert merge_override(base, {"items": [{"name": "x", "$patch": "delete"}]}) == {
        "items": [{"name": "y"}]
    }


def test_override_does_not_mutate_its_inputs():
    base = {"a": {"b": [1]}}
    merge_override(base, {"a": {"b": [2]}})
    assert base == {"a": {"b": [1]}}


SCHEMA = {
    "properties": {
        "containers": {
            "type": "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            "items": {"$ref": "#/$defs/Container"},
        },
        "tolerations": {"type": "array", "x-kubernetes-list-type": "atomic"},
    },
    "$defs": {
        "Container": {
            "properties": {
                "env": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                },
                "volumeMounts": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["mountPath"],
                },
            }
        }
    },
}


def test_schema_merge_keys_follow_refs_into_items():
    keys = schema_merge_keys(SCHEMA)
    assert keys(("containers",)) == ("name",)
    assert keys(("containers", "volumeMounts")) == ("mountPath",)
    assert keys(("containers", "env")) == ("name",)
    assert keys(("tolerations",)) is None
    assert keys(("nope",)) is None


def test_strategic_merge_keeps_image_and_env_when_patching_resources():
    base = {
        "containers": [
            {"name": "model-api", "image": "litellm:1", "env": [{"name": "A", "value": "1"}]},
            {"name": "sidecar", "image": "s:1"},
        ]
    }
    patch = {
        "containers": [
            {
                "name": "model-api",
                "resources": {"limits": {"cpu": "2"}},
                "env": [{"name": "B", "value": "2"}],
            }
        ]
    }
    merged = strategic_merge(base, patch, schema_merge_keys(SCHEMA))
    assert merged["containers"][0] == {
        "name": "model-api",
        "image": "litellm:1",
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        "resources": {"limits": {"cpu": "2"}},
    }
    assert merged["containers"][1] == {"name": "sidecar", "image": "s:1"}


def test_strategic_merge_volume_mounts_merge_by_mount_path_not_name():
    base = {"containers": [{"name": "c", "volumeMounts": [{"name": "v", "mountPath": "/a"}]}]}
    patch = {"containers": [{"name": "c", "volumeMounts": [{"name": "v", "mountPath": "/b"}]}]}
    merged = strategic_merge(base, patch, schema_merge_keys(SCHEMA))
    assert merged["containers"][0]["volumeMounts"] == [
        {"name": "v", "mountPath": "/a"},
        {"name": "v", "mountPath": "/b"},
    ]


def test_strategic_merge_atomic_lists_replace_and_delete_directive_removes():
    base = {"tolerations": [{"key": "a"}], "containers": [{"name": "x"}, {"name": "y"}]}
    patch = {"tolerations": [{"key": "b"}], "containers": [{"name": "x", "$patch": "delete"}]}
    assert strategic_merge(base, patch, schema_merge_keys(SCHEMA)) == {
        "tolerations": [{"key": "b"}],
        "containers": [{"name": "y"}],
    }


def test_ports_merge_by_container_port_when_protocol_is_omitted():
    schema = {
        "properties": {
            "ports": {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
            }
        }
    }
    base = {"ports": [{"containerPort": 8000, "name": "http"}, {"containerPort": 9090}]}
    patch = {"ports": [{"containerPort": 8000, "hostPort": 80}]}
    merged = strategic_merge(base, patch, schema_merge_keys(schema))
    assert merged["ports"] == [
        {"containerPort": 8000, "name": "http", "hostPort": 80},
        {"containerPort": 9090},
    ]
    keyed = {
        "ports": [
            {"containerPort": 53, "protocol": "UDP"},
            {"containerPort": 53, "protocol": "TCP"},
        ]
    }
    merged = strategic_merge(
        keyed,
        {"ports": [{"containerPort": 53, "protocol": "TCP", "name": "t"}]},
        schema_merge_keys(schema),
    )
    assert merged["ports"][1] == {"containerPort": 53, "protocol": "TCP", "name": "t"}
