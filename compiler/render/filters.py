"""The template filters; values reach template text only through `yaml`."""

from __future__ import annotations

from typing import Any

import jinja2

from compiler.yamlio.emit import emit_value


class Serialized(str):
    """Text produced by a serializing filter; the only kind of value a template may print."""

    __slots__ = ()


def to_yaml(value: Any, indent: int = 2) -> Serialized:
    """Render what follows `key:` in a template (children indented by `indent`)."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    try:
        return Serialized(emit_value(value, indent))
    except TypeError as exc:
        raise jinja2.TemplateRuntimeError(str(exc)) from None


FILTERS = {"yaml": to_yaml}
