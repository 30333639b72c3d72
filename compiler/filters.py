"""The template filters; values reach template text only through `yaml`."""

from __future__ import annotations

from typing import Any

from compiler.yamlio import emit_value


class Serialized(str):
    """Text produced by a serializing filter; the only kind of value a template may print."""

    __slots__ = ()


def to_yaml(value: Any, indent: int = 2) -> Serialized:
    """Render what follows `key:` in a template (children indented by `indent`)."""
    return Serialized(emit_value(value, indent))


FILTERS = {"yaml": to_yaml}
