"""CEL verdicts are memoized per distinct value without losing any finding."""

from __future__ import annotations


def test_identical_sub_objects_are_judged_once_but_reported_at_each_place():
    from compiler.validate.cel.rules import CelEngine

    schema = {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"port": {"type": "integer"}},
                    "x-kubernetes-validations": [
                        {"rule": "self.port > 0", "message": "port must be positive"},
                        {"rule": "self.port == oldSelf.port", "message": "immutable"},
                    ],
                },
            }
        },
    }
    engine = CelEngine()
    value = {"items": [{"port": 0}, {"port": 8}, {"port": 0}]}
    findings = engine.check(schema, value)
    assert [(f.path, f.message) for f in findings if f.kind != "transition-skipped"] == [
        (("items", 0), "port must be positive"),
        (("items", 2), "port must be positive"),
    ]
    assert sum(f.kind == "transition-skipped" for f in findings) == 3
