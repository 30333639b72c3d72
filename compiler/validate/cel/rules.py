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

import importlib.machinery
import importlib.util
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from compiler.models.artifacts import JsonPath
from compiler.validate.cel.library import KUBERNETES_FUNCTIONS
from compiler.validate.structural import (
    CompiledSchemas,
    Node,
    Schema,
    apply_defaults,
    duplicate_list_items,
    is_map,
)

FindingKind = Literal["violation", "error", "unsupported", "duplicate", "transition-skipped"]
# Memoized verdicts per run; beyond this many distinct values, evaluate without storing.
_MAX_VERDICTS = 200_000
# Lookups before a rule list's memo hit rate is judged (below 1 in 4: stop keying).
_MEMO_TRIAL = 200
_OLD_SELF = re.compile(r"\boldSelf\b")
_UNDEFINED = "Undefined variable or function"
_FIELD_PATH = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']*)'\]|\[(\d+)\]")


def _load_cel() -> ModuleType:
    """The evaluator's compiled extension, without the package's interactive CLI.

    `import cel` also imports `cel.cli` and with it prompt_toolkit: 0.3-0.6 s of start-up
    that a validator never uses. The extension module alone (`cel/cel.*.so`) has all
    that is needed (`compile`, `Context`); fall back to the package if it moved.
    """
    if "cel" in sys.modules:
        return sys.modules["cel"]
    spec = importlib.util.find_spec("cel")
    folder = Path(spec.origin).parent if spec and spec.origin else None
    for suffix in importlib.machinery.EXTENSION_SUFFIXES if folder else ():
        binary = folder / f"cel{suffix}" if folder else None
        if binary is None or not binary.is_file():
            continue
        loader = importlib.machinery.ExtensionFileLoader("cel.cel", str(binary))
        extension = importlib.util.spec_from_file_location("cel.cel", binary, loader=loader)
        if extension is not None:
            module = importlib.util.module_from_spec(extension)
            loader.exec_module(module)
            return module
    import cel  # the slow, documented way

    return cel


cel = _load_cel()


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
    _compiled: CompiledSchemas = field(default_factory=CompiledSchemas)
    _rules: dict[int, list[tuple[Mapping[str, Any], str, bool]]] = field(default_factory=dict)
    _functions: dict[str, Callable[..., Any]] = field(
        default_factory=lambda: dict(KUBERNETES_FUNCTIONS)
    )
    _verdicts: dict[tuple[int, str], tuple[list[CelFinding], int]] = field(default_factory=dict)
    _context: Any = None
    # Per rule list: [lookups, hits] of the verdict memo, to stop keying unique values.
    _memo_stats: dict[int, list[int]] = field(default_factory=dict)

    def has_rules(self, root: Schema) -> bool:
        """Whether a schema declares any CEL rule at all."""
        return self._compiled.root(root).has_rules

    def check_defaulted(self, root: Schema, value: Any) -> list[CelFinding]:
        """Default `value` the way the API server does, then check every rule and list."""
        defaulted = apply_defaults(root, value, self._compiled)
        found = [
            CelFinding(path, message, "", "duplicate")
            for path, message in duplicate_list_items(root, defaulted, self._compiled)
        ]
        return found + self.check(root, defaulted) if self.has_rules(root) else found

    def check(self, root: Schema, value: Any, path: JsonPath = ()) -> list[CelFinding]:
        """Every CEL finding for `value` (already defaulted) under schema `root`."""
        out: list[CelFinding] = []
        self._walk(self._compiled.root(root), value, path, out)
        return out

    def _walk(self, node: Node, value: Any, path: JsonPath, out: list[CelFinding]) -> None:
        if not node.has_rules:
            return
        if node.rules is not None and value is not None:
            self._run_rules(node.rules, value, path, out)
        if is_map(value):
            for key, child_value in value.items():
                child = node.child(key)
                if child is not None and child.has_rules:
                    self._walk(child, child_value, (*path, key), out)
        elif isinstance(value, list):
            items = node.items
            if items is not None and items.has_rules:
                for index, child_value in enumerate(value):
                    self._walk(items, child_value, (*path, index), out)

    def _run_rules(
        self, rules: list[Any], value: Any, path: JsonPath, out: list[CelFinding]
    ) -> None:
        found = None
        key = self._memo_key(rules, value)
        if key is not None:
            found = self._verdicts.get(key)
            stats = self._memo_stats[id(rules)]
            stats[1] += found is not None
        if found is None:
            found = self._evaluate_rules(rules, value)
            if key is not None and len(self._verdicts) < _MAX_VERDICTS:
                self._verdicts[key] = found
        findings, transitions = found
        out.extend(CelFinding((*path, *f.path), f.message, f.rule, f.kind) for f in findings)
        # Transition rules need the live object: counted as data, reported as a note.
        out.extend(CelFinding(path, "", "", "transition-skipped") for _ in range(transitions))

    def _memo_key(self, rules: list[Any], value: Any) -> tuple[int, str] | None:
        """The verdict memo's key, or None where keying costs more than it saves.

        Rendered documents repeat sub-objects (parentRefs, filters, ...) thousands of
        times; a rule's verdict depends only on the value, so each is computed once. Other
        values are unique per document (names, paths): after a trial, rule lists whose
        values rarely repeat are evaluated directly instead of being serialized to a key.
        """
        stats = self._memo_stats.setdefault(id(rules), [0, 0])
        lookups, hits = stats
        if lookups >= _MEMO_TRIAL and hits * 4 < lookups:
            return None
        text = _value_key(value)
        if text is None:
            return None
        stats[0] += 1
        return (id(rules), text)

    def _evaluate_rules(self, rules: list[Any], value: Any) -> tuple[list[CelFinding], int]:
        """Findings (paths relative to `value`) and the number of transition rules skipped."""
        context = self._context_for(value)
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

    def _context_for(self, value: Any) -> Any:
        """The one evaluation context, with `self` bound to `value`.

        Building a context registers every Kubernetes function again (~14 us, more than
        most rules take to run); rebinding `self` in a kept one does not.
        """
        if self._context is None:
            self._context = cel.Context(functions=self._functions)
        self._context.add_variable("self", value)
        return self._context

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
