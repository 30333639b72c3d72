"""The only door to YAML: strict loading with source positions, fast parsing, exact emitting.

Three jobs with three speeds:
- inventory files are composed by ruamel.yaml (C parser when available) and built into
  plain data here, keeping every node's position, rejecting duplicate keys and keeping
  timestamps as strings;
- rendered manifests, thousands of them, are parsed back by the Rust `yaml_rs` parser;
- values are emitted by a small emitter whose quoting is safe under YAML 1.1 and 1.2, so
  kubectl, Argo CD, Flux and our own parser all read back exactly the value we meant.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml_rs
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser as PurePythonParser
from ruamel.yaml.resolver import VersionedResolver

from compiler.errors import Diagnostic, Location

PathKey = tuple[str | int, ...]

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


class YamlLoadError(Exception):
    """A file could not be loaded; carries located diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(d.message for d in diagnostics))


def load_yaml(text: str, display_path: str) -> LoadedYaml:
    """Compose `text` and build plain data with positions; raise YamlLoadError on bad input."""
    try:
        node = _compose(text, pure=False)
    except MarkedYAMLError as exc:
        # ruamel's C parser rejects valid YAML that its pure parser (and PyYAML,
        # GitHub and kubectl) accept: a URL inside a flow mapping, `{server:
        # https://x}`. Bad input is rare, so retrying costs nothing on good files; when
        # both fail, libyaml's message is the plainer one ("did not find expected '-'").
        try:
            node = _compose(text, pure=True)
        except YAMLError:
            raise YamlLoadError([_syntax_diagnostic(exc, text, display_path)]) from None
    except YAMLError as exc:
        raise YamlLoadError([_plain_diagnostic(str(exc), display_path)]) from None
    source = SourceMap(display_path)
    if node is None:
        return LoadedYaml(None, source)
    builder = _Builder(source)
    try:
        data = builder.build(node, ())
    except _TooLarge as exc:
        raise YamlLoadError(
            [
                Diagnostic(
                    exc.at,
                    "yaml-too-large",
                    f"the document expands to more than {MAX_NODES:,} values",
                    hint="YAML aliases (*name) copy whole subtrees; write the values out instead",
                )
            ]
        ) from None
    if builder.problems:
        raise YamlLoadError(builder.problems)
    return LoadedYaml(data, source)


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
MAX_NODES = 1_000_000


class _TooLarge(Exception):
    def __init__(self, at: Location) -> None:
        self.at = at


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording positions."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Diagnostic] = []
        self.budget = MAX_NODES

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
            return _scalar(node)
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


def load_json(text: str) -> Any:
    """Plain data from strict JSON text, exactly as `load_yaml` would build it.

    Much faster than composing with positions; for machine-written files whose
    positions only matter when they are invalid. Raises ValueError on anything where
    the two could differ: invalid JSON, duplicate keys, NaN or Infinity.
    """
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


# --- reading rendered manifests -------------------------------------------------------


def parse_manifest(text: str) -> Any:
    """Parse one rendered YAML document (fast path, no positions)."""
    return yaml_rs.loads(text, parse_datetime=False)


class ManifestParseError(ValueError):
    """A rendered document is not valid YAML."""


def parse_manifest_checked(text: str) -> Any:
    """Parse a rendered document, turning parser errors into ManifestParseError."""
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception as exc:  # yaml_rs raises its own error types; keep them behind this seam
        raise ManifestParseError(str(exc)) from None


# --- emitting --------------------------------------------------------------------------

# A plain scalar starts with a letter or '/': yaml_rs reads `_0` and `__1` as numbers.
_PLAIN = re.compile(r"[A-Za-z/][A-Za-z0-9_./@+-]*")
# Words that YAML 1.1 (kubectl, PyYAML) or 1.2 read as something other than a string.
_RESERVED = frozenset(
    ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"]
)
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def emit_scalar(value: Any) -> str:
    """One scalar as YAML text that every common parser reads back unchanged."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _emit_float(value)
    if isinstance(value, str):
        return _emit_string(value)
    raise TypeError(f"cannot emit {type(value).__name__} as YAML")


def _emit_float(value: float) -> str:
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    return repr(value)


# A pure function called for every key and string value; rendered manifests repeat the
# same few thousand strings (keys, namespaces, label values), so memoizing pays.
@functools.lru_cache(maxsize=1 << 16)
def _emit_string(value: str) -> str:
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    return _double_quoted(value)


def _double_quoted(value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)
    if _NEEDS_ESCAPE.search(quoted):
        quoted = _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return quoted


def _block_literal(value: str, indent: int) -> str | None:
    """A literal block scalar for a multi-line string, or None where one cannot be exact."""
    if "\n" not in value or _NEEDS_ESCAPE.search(value) or "\r" in value or "\t" in value:
        return None
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    if not body or body[0] in " \n":
        return None
    lines = body.split("\n")
    if any(line != line.rstrip(" ") for line in lines):
        return None
    chomp = {0: "-", 1: ""}.get(trailing, "+")
    pad = " " * indent
    text = "\n".join(pad + line if line else "" for line in lines)
    extra = "\n" * (trailing - 1) if trailing > 1 else ""
    return f"|{chomp}\n{text}{extra}"


def emit_value(value: Any, indent: int) -> str:
    """What follows `key:` in a block mapping whose children sit at `indent` spaces.

    Scalars and empty collections come back as ` value`; non-empty collections as a
    newline followed by block lines indented by `indent`.
    """
    # Hot path (hundreds of thousands of calls per environment): concrete types are
    # tested before the Mapping ABC, whose isinstance check is several times slower.
    if isinstance(value, str):
        block = _block_literal(value, indent) if "\n" in value else None
        return " " + (block if block is not None else _emit_string(value))
    if isinstance(value, dict):
        return "\n" + _emit_mapping(value, indent) if value else " {}"
    if isinstance(value, list | tuple):
        return "\n" + _emit_sequence(value, indent) if value else " []"
    if isinstance(value, Mapping):
        return "\n" + _emit_mapping(value, indent) if value else " {}"
    return " " + emit_scalar(value)


def _emit_mapping(value: Mapping[str, Any], indent: int) -> str:
    pad = " " * indent
    inner = indent + 2
    return "\n".join(
        [f"{pad}{_emit_string(str(k))}:{emit_value(v, inner)}" for k, v in value.items()]
    )


def _emit_sequence(value: list[Any] | tuple[Any, ...], indent: int) -> str:
    pad = " " * indent
    inner = indent + 2
    lines = []
    for item in value:
        if item and isinstance(item, dict | Mapping):
            lines.append(f"{pad}- {_emit_mapping(item, inner)[inner:]}")
        else:
            lines.append(f"{pad}-{emit_value(item, inner)}")
    return "\n".join(lines)


def dump_document(value: Mapping[str, Any]) -> str:
    """A whole mapping as a YAML document with a trailing newline."""
    return _emit_mapping(value, 0) + "\n" if value else "{}\n"


def iter_paths(data: Any, prefix: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every (path, scalar) leaf of plain data, depth first, in document order."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from iter_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_paths(value, (*prefix, index))
    else:
        yield prefix, data


_DOCUMENT_START = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)


def parse_documents(text: str) -> list[Any]:
    """Parse a multi-document YAML stream (CRD files, manifests on disk); drop empty ones."""
    chunks = _DOCUMENT_START.split(text)
    parsed = (parse_manifest_checked(chunk) for chunk in chunks if chunk.strip())
    return [doc for doc in parsed if doc is not None]
