from __future__ import annotations

from compiler.validate.structural import apply_defaults, deref


def test_defaults_fill_missing_fields_recursively() -> None:
    schema = {
        "type": "object",
        "properties": {
            "refs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "default": "Service"},
                        "weight": {"type": "integer", "default": 1},
                    },
                },
            },
            "opts": {
                "type": "object",
                "default": {},
                "properties": {"mode": {"type": "string", "default": "fast"}},
            },
        },
    }
    data = {"refs": [{"name": "a"}, {"name": "b", "weight": 5}]}
    assert apply_defaults(schema, data) == {
        "refs": [
            {"name": "a", "kind": "Service", "weight": 1},
            {"name": "b", "weight": 5, "kind": "Service"},
        ],
        "opts": {"mode": "fast"},
    }
    assert data == {"refs": [{"name": "a"}, {"name": "b", "weight": 5}]}, "input is not mutated"


def test_defaults_through_refs_and_maps() -> None:
    schema = {
        "type": "object",
        "additionalProperties": {"$ref": "#/$defs/V"},
        "$defs": {"V": {"type": "object", "properties": {"on": {"default": False}}}},
    }
    assert apply_defaults(schema, {"x": {}}) == {"x": {"on": False}}


def test_deref_stops_on_unknown_or_cyclic_refs() -> None:
    root = {"$defs": {"A": {"$ref": "#/$defs/A"}}}
    assert deref(root, {"$ref": "#/$defs/Missing"}) == {}
    assert deref(root, {"$ref": "#/$defs/A"}) == {}
