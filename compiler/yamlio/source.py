"""Inventory files: composed by ruamel.yaml (its C parser when available), positions kept.

Every node is built into plain data with its position recorded, duplicate keys are
rejected and timestamps stay strings, so every later problem can point at its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser as PurePythonParser
from ruamel.yaml.resolver import VersionedResolver

from compiler.errors import Diagnostic, Location
from compiler.yamlio.guards import YamlLoadError as YamlLoadError
from compiler.yamlio.guards import bad_number, check_characters, too_deep

PathKey = tuple[str | int, ...]
# Values one file may expand to through aliases: far above any real inventory.
MAX_NODES = 1_000_000

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_DEFAULT_YAML_VERSION = (1, 2)  # ruamel.yaml.resolver._DEFAULT_YAML_VERSION


@dataclass(slots=True)
class SourceMap:
    """Positions of every key and value of one loaded document, by path."""

    path: str
    values: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, loc: PathKey, *, key: bool = False) -> Location:
        """The position of `loc`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(loc)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Location(self.path, 1, 1))


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    """Plain data loaded from one file, with its source map."""

    data: Any
    source: SourceMap


def load_yaml(text: str, display_path: str, *, max_nodes: int = MAX_NODES) -> LoadedYaml:
    """Compose `text` and build plain data with positions; raise YamlLoadError on bad input.

    `max_nodes` bounds what aliases may expand to (an alias bomb is a few lines).
    """
    node = _compose_checked(text, display_path)
    source = SourceMap(display_path)
    if node is None:
        return LoadedYaml(None, source)
    builder = _Builder(source, max_nodes)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise YamlLoadError([too_deep(text, display_path)]) from None
    except _TooLarge as exc:
        raise YamlLoadError(
            [
                Diagnostic(
                    exc.at,
                    "yaml-too-large",
                    f"the document expands to more than {max_nodes:,} values",
                    hint="YAML aliases (*name) copy whole subtrees; write the values out instead",
                )
            ]
        ) from None
    if builder.problems:
        raise YamlLoadError(builder.problems)
    return LoadedYaml(data, source)


def _compose_checked(text: str, display_path: str) -> Node | None:
    """The composed document; YamlLoadError (located) for anything a parser rejects."""
    check_characters(text, display_path)
    try:
        node = _compose(text, pure=False)
    except RecursionError:
        raise YamlLoadError([too_deep(text, display_path)]) from None
    except MarkedYAMLError as exc:
        # ruamel's C parser rejects valid YAML that its pure parser (and PyYAML,
        # GitHub and kubectl) accept: a URL inside a flow mapping, `{server:
        # https://x}`. Bad input is rare, so retrying costs nothing on good files; when
        # both fail, libyaml's message is the plainer one ("did not find expected '-'").
        try:
            node = _compose(text, pure=True)
        except (YAMLError, RecursionError):
            raise YamlLoadError([_syntax_diagnostic(exc, text, display_path)]) from None
    except YAMLError as exc:
        raise YamlLoadError([_plain_diagnostic(str(exc), display_path)]) from None
    return node


def _compose(text: str, *, pure: bool) -> Node | None:
    yaml = YAML(typ="safe", pure=pure)
    if yaml.Parser is not PurePythonParser:
        yaml.Resolver = _CParserResolver
    node: Node | None = yaml.compose(text)
    return node


class _CParserResolver(VersionedResolver):
    """ruamel's resolver without the exception it raises per scalar under the C parser.

    Its `processing_version` looks for the pure-Python scanner's `%YAML` directive,
    which the C parser never sets, so it always falls back to the default version;
    the failed lookup cost a third of composing a large inventory.
    """

    @property
    def processing_version(self) -> Any:
        return self._loader_version or _DEFAULT_YAML_VERSION


def _syntax_diagnostic(exc: MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    tab = _tab_near(text, line)
    if tab is not None:
        return Diagnostic(
            Location(path, tab, 1),
            "yaml-tab",
            "invalid YAML: a tab character indents this line",
            hint="YAML indents with spaces only; replace the tab with spaces",
        )
    hint = "check the indentation and quoting on this line and the one before"
    if "':'" in problem or "mapping values" in problem or "expected ',' or '}'" in problem:
        hint = "quote a value that holds ': ' (\"a: b\"), or fix the indentation"
    return Diagnostic(
        Location(path, line, column), "yaml-syntax", f"invalid YAML: {problem}", hint=hint
    )


def _tab_near(text: str, line: int) -> int | None:
    """The line (this one or the one before) whose indentation holds a tab, if any."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if 1 <= number <= len(lines):
            content = lines[number - 1]
            indent = content[: len(content) - len(content.lstrip(" \t"))]
            if "\t" in indent:
                return number
    return None


def _plain_diagnostic(message: str, path: str) -> Diagnostic:
    first = message.strip().splitlines()[0] if message.strip() else "invalid YAML"
    return Diagnostic(Location(path, 1, 1), "yaml-syntax", f"invalid YAML: {first}")


# Aliases let a few lines expand exponentially ("billion laughs"); no inventory is this big.


class _TooLarge(Exception):
    def __init__(self, at: Location) -> None:
        self.at = at


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording positions."""

    def __init__(self, source: SourceMap, budget: int) -> None:
        self.source = source
        self.problems: list[Diagnostic] = []
        self.budget = budget

    def _at(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.source.path, mark.line + 1, mark.column + 1)

    def build(self, node: Node, path: PathKey) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge(self._at(node))
        self.source.values[path] = self._at(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            try:
                return _scalar(node)
            except ValueError:
                self.problems.append(bad_number(node.value, self._at(node)))
                return None
        raise AssertionError(f"unexpected YAML node {node!r}")  # pragma: no cover

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            where = self._at(key_node)
            if key in first_seen:
                self.problems.append(_duplicate_key(key, where, first_seen[key]))
                continue
            first_seen[key] = where
            self.source.keys[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key))
        return result

    def _key(self, node: Node) -> str | None:
        if node.tag == _MERGE:
            self.problems.append(
                Diagnostic(
                    self._at(node),
                    "yaml-merge-key",
                    "YAML merge keys (<<) are not supported",
                    hint="write the keys out, or use environment overrides",
                )
            )
            return None
        if not isinstance(node, ScalarNode):
            self.problems.append(
                Diagnostic(self._at(node), "yaml-key", "mapping keys must be plain strings")
            )
            return None
        return str(node.value)


def _duplicate_key(key: str, where: Location, first: Location) -> Diagnostic:
    return Diagnostic(
        where,
        "yaml-duplicate-key",
        f"duplicate key {key!r} (first defined at {first})",
        hint="YAML keeps only one of them; remove or rename the other",
    )


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    if node.style:  # quoted or block scalars are always strings
        return value
    tag = node.tag
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _INT:
        return _parse_int(value)
    if tag == _FLOAT:
        return _parse_float(value)
    # Timestamps and anything else stay strings: dates are data, not Python objects.
    return value


def _parse_int(text: str) -> int:
    cleaned = text.replace("_", "")
    if cleaned.lower().startswith(("0x", "-0x", "+0x")):
        return int(cleaned, 16)
    if cleaned.lower().startswith(("0o", "-0o", "+0o")):
        return int(cleaned, 8)
    return int(cleaned)


def _parse_float(text: str) -> float:
    lowered = text.lower().replace("_", "")
    if lowered in (".nan",):
        return float("nan")
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    return float(lowered)


# --- reading rendered manifests -------------------------------------------------------


# --- emitting --------------------------------------------------------------------------
