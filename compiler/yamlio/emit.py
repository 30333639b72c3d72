"""The emitter: values quoted safely under YAML 1.1 and 1.2, so every reader agrees."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

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
