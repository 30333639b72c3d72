"""Offline evaluation of `x-kubernetes-validations` CEL rules, as the API server runs them.

Also the other structural checks that need the defaulted object: duplicate items in
`x-kubernetes-list-type` map and set lists.

Rules are compiled once (Rust-backed `common-expression-language`, ~30x faster than
pure-Python cel-python on the HTTPRoute rules) and evaluated at every schema node that
declares them, including inside lists and maps, against the object *after* structural
defaulting. Transition rules (those reading `oldSelf`) need the stored object, so they
are skipped and counted. Functions Kubernetes adds to CEL that the evaluator lacks are
provided in Python (`compiler.validate.cel.library`); a rule that still cannot be compiled or run
is reported once as a warning with its text, never silently passed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import cel

from compiler.models.artifacts import JsonPath
from compiler.validate.cel.library import KUBERNETES_FUNCTIONS
from compiler.validate.structural import (
    Schema,
    apply_defaults,
    child_schemas,
    deref,
    duplicate_list_items,
    item_schema,
    property_schema,
)

FindingKind = Literal["violation", "error", "unsupported", "duplicate", "transition-skipped"]
# Memoized verdicts per run; beyond this many distinct values, evaluate without storing.
_MAX_VERDICTS = 200_000
_OLD_SELF = re.compile(r"\boldSelf\b")
_UNDEFINED = "Undefined variable or function"
_FIELD_PATH = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']*)'\]|\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class CelFinding:
    """One rule that failed, could not be evaluated, or is not supported offline."""

    path: JsonPath
    message: str
    rule: str
    kind: FindingKind


@dataclass(slots=True)
class CelEngine:
    """Compiles each rule once per run and evaluates rules against defaulted objects."""

    _programs: dict[str, Any] = field(default_factory=dict)
    _broken: dict[str, str] = field(default_factory=dict)
    _has_rules: dict[int, bool] = field(default_factory=dict)
    _has_defaults: dict[int, bool] = field(default_factory=dict)
    _has_lists: dict[int, bool] = field(default_factory=dict)
    _rules: dict[int, list[tuple[Mapping[str, Any], str, bool]]] = field(default_factory=dict)
    _functions: dict[str, Callable[..., Any]] = field(
        default_factory=lambda: dict(KUBERNETES_FUNCTIONS)
    )
    _verdicts: dict[tuple[int, str | None], tuple[list[CelFinding], int]] = field(
        default_factory=dict
    )

    def has_rules(self, root: Schema) -> bool:
        """Whether a schema declares any CEL rule at all."""
        return self._subtree_has_rules(root, deref(root, root))

    def check_defaulted(self, root: Schema, value: Any) -> list[CelFinding]:
        """Default `value` the way the API server does, then check every rule and list."""
        defaulted = apply_defaults(root, value, self._has_defaults)
        found = [
            CelFinding(path, message, "", "duplicate")
            for path, message in duplicate_list_items(root, defaulted, self._has_lists)
        ]
        return found + self.check(root, defaulted) if self.has_rules(root) else found

    def check(self, root: Schema, value: Any, path: JsonPath = ()) -> list[CelFinding]:
        """Every CEL finding for `value` (already defaulted) under schema `root`."""
        out: list[CelFinding] = []
        self._walk(root, root, value, path, out)
        return out

    def _walk(
        self, root: Schema, node: Schema, value: Any, path: JsonPath, out: list[CelFinding]
    ) -> None:
        if not self._subtree_has_rules(root, node):
            return
        rules = node.get("x-kubernetes-validations")
        if isinstance(rules, list) and rules and value is not None:
            self._run_rules(rules, value, path, out)
        if isinstance(value, Mapping):
            for key, child_value in value.items():
                child = property_schema(root, node, key)
                if child is not None:
                    self._walk(root, child, child_value, (*path, key), out)
        elif isinstance(value, list):
            items = item_schema(root, node)
            if items is not None:
                for index, child_value in enumerate(value):
                    self._walk(root, items, child_value, (*path, index), out)

    def _subtree_has_rules(self, root: Schema, node: Schema) -> bool:
        key = id(node)
        if key not in self._has_rules:
            self._has_rules[key] = False  # breaks cycles through $ref
            self._has_rules[key] = bool(node.get("x-kubernetes-validations")) or any(
                self._subtree_has_rules(root, child) for child in child_schemas(root, node)
            )
        return self._has_rules[key]

    def _run_rules(
        self, rules: list[Any], value: Any, path: JsonPath, out: list[CelFinding]
    ) -> None:
        # Rendered documents repeat sub-objects (parentRefs, filters, ...) thousands of
        # times; a rule's verdict depends only on the value, so each is computed once.
        key = (id(rules), _value_key(value))
        found = self._verdicts.get(key) if key[1] is not None else None
        if found is None:
            found = self._evaluate_rules(rules, value)
            if key[1] is not None and len(self._verdicts) < _MAX_VERDICTS:
                self._verdicts[key] = found
        findings, transitions = found
        out.extend(CelFinding((*path, *f.path), f.message, f.rule, f.kind) for f in findings)
        # Transition rules need the live object: counted as data, reported as a note.
        out.extend(CelFinding(path, "", "", "transition-skipped") for _ in range(transitions))

    def _evaluate_rules(self, rules: list[Any], value: Any) -> tuple[list[CelFinding], int]:
        """Findings (paths relative to `value`) and the number of transition rules skipped."""
        context = cel.Context(variables={"self": value}, functions=self._functions)
        findings: list[CelFinding] = []
        transitions = 0
        for rule, text, transition in self._prepared(rules):
            if transition:
                transitions += 1
                continue
            finding = self._evaluate(rule, text, context, ())
            if finding is not None:
                findings.append(finding)
        return findings, transitions

    def _prepared(self, rules: list[Any]) -> list[tuple[Mapping[str, Any], str, bool]]:
        """Each rule with its text and whether it is a transition rule, worked out once."""
        key = id(rules)
        if key not in self._rules:
            texts = [(rule, str(rule.get("rule", ""))) for rule in rules]
            self._rules[key] = [(r, t, bool(_OLD_SELF.search(t))) for r, t in texts]
        return self._rules[key]

    def _evaluate(
        self, rule: Mapping[str, Any], text: str, context: Any, path: JsonPath
    ) -> CelFinding | None:
        program = self._program(text)
        if program is None:
            return CelFinding(path, self._broken[text], text, "unsupported")
        try:
            verdict = program.execute(context)
        except Exception as exc:  # the evaluator raises ValueError/TypeError/RuntimeError/KeyError
            return _evaluation_failure(exc, text, path)
        if verdict is True:
            return None
        return CelFinding(
            _rule_path(rule, path), self._message(rule, text, context), text, "violation"
        )

    def _program(self, text: str) -> Any | None:
        if text not in self._programs and text not in self._broken:
            try:
                self._programs[text] = cel.compile(text)
            except Exception as exc:  # syntax the evaluator does not support
                self._broken[text] = f"CEL rule cannot be compiled offline: {_first_line(exc)}"
        return self._programs.get(text)

    def _message(self, rule: Mapping[str, Any], text: str, context: Any) -> str:
        expression = rule.get("messageExpression")
        if isinstance(expression, str) and expression:
            program = self._program(expression)
            try:
                message = program.execute(context) if program is not None else None
            except Exception:  # fall back to `message`, as the API server does
                message = None
            if isinstance(message, str) and message:
                return message
        message = rule.get("message")
        return str(message) if message else f"failed rule: {text}"


def _evaluation_failure(exc: Exception, text: str, path: JsonPath) -> CelFinding:
    detail = _first_line(exc)
    if _UNDEFINED in detail:
        detail = detail.split(". Check")[0]
        return CelFinding(
            path, f"CEL rule uses a function not available offline: {detail}", text, "unsupported"
        )
    if isinstance(exc, KeyError):
        detail = f"no such key: {exc.args[0] if exc.args else '?'}"
    return CelFinding(path, f"CEL rule could not be evaluated: {detail}", text, "error")


def _value_key(value: Any) -> str | None:
    """A canonical text of a JSON-like value, or None where it has no stable one."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _rule_path(rule: Mapping[str, Any], path: JsonPath) -> JsonPath:
    field_path = rule.get("fieldPath")
    if not isinstance(field_path, str) or not field_path:
        return path
    extra: list[str | int] = []
    for name, quoted, index in _FIELD_PATH.findall(field_path):
        extra.append(int(index) if index else (name or quoted))
    return (*path, *extra)
