from __future__ import annotations

from typing import Any

from compiler.validate.cel.rules import CelEngine
from compiler.validate.structural import apply_defaults


def _schema(rules: list[dict[str, Any]], **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "spec": {"type": "object", "properties": props, "x-kubernetes-validations": rules}
        },
    }


def test_rule_violation_reports_the_message() -> None:
    schema = _schema([{"rule": "self.replicas <= 3", "message": "at most 3"}])
    (finding,) = CelEngine().check(schema, {"spec": {"replicas": 5}})
    assert (finding.path, finding.message, finding.kind) == (("spec",), "at most 3", "violation")


def test_passing_rule_reports_nothing() -> None:
    schema = _schema([{"rule": "self.replicas <= 3"}])
    assert CelEngine().check(schema, {"spec": {"replicas": 2}}) == []


def test_message_expression_wins_over_message() -> None:
    rule = {
        "rule": "self.replicas <= 3",
        "message": "static",
        "messageExpression": "'got ' + string(self.replicas)",
    }
    (finding,) = CelEngine().check(_schema([rule]), {"spec": {"replicas": 7}})
    assert finding.message == "got 7"


def test_broken_message_expression_falls_back_to_message() -> None:
    rule = {"rule": "false", "message": "static", "messageExpression": "self.nope + 1"}
    (finding,) = CelEngine().check(_schema([rule]), {"spec": {}})
    assert finding.message == "static"


def test_without_message_the_rule_is_quoted() -> None:
    (finding,) = CelEngine().check(_schema([{"rule": "false"}]), {"spec": {}})
    assert finding.message == "failed rule: false"


def test_field_path_moves_the_finding() -> None:
    rule = {"rule": "false", "message": "m", "fieldPath": ".limits['cpu']"}
    (finding,) = CelEngine().check(_schema([rule]), {"spec": {}})
    assert finding.path == ("spec", "limits", "cpu")


def test_transition_rules_are_skipped_and_counted() -> None:
    engine = CelEngine()
    schema = _schema([{"rule": "self == oldSelf", "message": "immutable"}])
    findings = engine.check(schema, {"spec": {"a": 1}})
    assert [(f.kind, f.path) for f in findings] == [("transition-skipped", ("spec",))]


def test_rules_inside_lists_and_maps_run_per_item() -> None:
    item = {"type": "string", "x-kubernetes-validations": [{"rule": "self.startsWith('/')"}]}
    schema = {
        "type": "object",
        "properties": {
            "paths": {"type": "array", "items": item},
            "byName": {"type": "object", "additionalProperties": item},
        },
    }
    found = CelEngine().check(schema, {"paths": ["/ok", "bad"], "byName": {"x": "nope"}})
    assert [f.path for f in found] == [("paths", 1), ("byName", "x")]


def test_rules_behind_refs_are_found() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}},
        "$defs": {"A": {"type": "integer", "x-kubernetes-validations": [{"rule": "self > 0"}]}},
    }
    assert [f.path for f in CelEngine().check(schema, {"a": 0})] == [("a",)]


def test_kubernetes_string_functions_are_available() -> None:
    rules = [
        {"rule": "self.host.split('.').size() == 3"},
        {"rule": "self.name.lowerAscii() == 'chat'"},
        {"rule": "isURL(self.url)"},
    ]
    value = {"spec": {"host": "a.b.c", "name": "CHAT", "url": "https://x.example.com"}}
    assert CelEngine().check(_schema(rules), value) == []


def test_unknown_function_is_unsupported_not_silently_passed() -> None:
    (finding,) = CelEngine().check(_schema([{"rule": "self.frobnicate()"}]), {"spec": {}})
    assert finding.kind == "unsupported"
    assert "frobnicate" in finding.message


def test_syntax_the_evaluator_lacks_is_unsupported() -> None:
    (finding,) = CelEngine().check(_schema([{"rule": "self.?a.orValue(1) == 1"}]), {"spec": {}})
    assert finding.kind == "unsupported"


def test_missing_field_is_an_evaluation_error() -> None:
    (finding,) = CelEngine().check(_schema([{"rule": "self.replicas > 1"}]), {"spec": {}})
    assert finding.kind == "error"
    assert "replicas" in finding.message


def test_defaults_are_applied_before_rules() -> None:
    schema = _schema(
        [{"rule": "self.kind == 'Service'"}],
        kind={"type": "string", "default": "Service"},
    )
    assert CelEngine().check(schema, apply_defaults(schema, {"spec": {}})) == []


def test_quantity_and_url_libraries() -> None:
    rules = [
        {"rule": "quantity(self.mem).isGreaterThan(quantity('512Mi'))"},
        {"rule": "quantity(self.cpu).compareTo(quantity('1')) < 0"},
        {"rule": "quantity('1.5k').asInteger() == 1500"},
        {"rule": "isQuantity(self.mem) && !isQuantity('lots')"},
        {"rule": "url(self.endpoint).getScheme() == 'https'"},
        {"rule": "url(self.endpoint).getHostname() == 'llm.example.com'"},
        {"rule": "url(self.endpoint).getPort() == '8443'"},
    ]
    value = {"spec": {"mem": "1Gi", "cpu": "500m", "endpoint": "https://llm.example.com:8443/v1"}}
    assert CelEngine().check(_schema(rules), value) == []


def test_quantity_of_garbage_is_an_evaluation_error() -> None:
    (finding,) = CelEngine().check(_schema([{"rule": "quantity('lots').sign() > 0"}]), {"spec": {}})
    assert finding.kind == "error"


def test_every_rule_in_the_project_schemas_compiles(repo_schemas) -> None:
    import re

    from compiler.validate.cel.library import KUBERNETES_FUNCTIONS
    from compiler.validate.schemas import SchemaRegistry

    registry = SchemaRegistry.load(repo_schemas)
    engine = CelEngine()
    called = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)\(")
    standard = {"has", "size", "all", "exists", "exists_one", "filter", "map", "matches"}
    standard |= {"startsWith", "endsWith", "contains", "duration", "timestamp", "int", "string"}
    for key in registry.kinds():
        rules: list[str] = []
        _collect(registry.schema_for(*key), rules)
        for rule in rules:
            assert engine._program(rule) is not None, (key, rule)
            unknown = set(called.findall(rule)) - standard - set(KUBERNETES_FUNCTIONS)
            assert not unknown, (key, rule, unknown)


def _collect(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        out += [r["rule"] for r in node.get("x-kubernetes-validations", ())]
        for child in node.values():
            _collect(child, out)
    elif isinstance(node, list):
        for child in node:
            _collect(child, out)
