"""Turn pydantic validation errors into located, human diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from compiler.errors import Diagnostic, Location, did_you_mean
from compiler.secrets.patterns import find_secret, mask_userinfo

Locator = Callable[[tuple[str | int, ...], bool], Location]
_SHOWN_INPUT = 60
_FRIENDLY = {
    "string_pattern_mismatch": "has the wrong format",
    "literal_error": "is not one of the allowed values",
}
_PATTERN_HINTS = {
    r"^([0-9]{1,5}(h|m|s|ms)){1,4}$": "a duration such as 90s, 5m or 1h30m (at most 5 digits "
    "per unit)",
    r"^https?://[^\s]+$": "an http:// or https:// URL",
    r"^[A-Za-z_][A-Za-z0-9_]*$": "an environment variable name such as OPENAI_API_KEY",
}
_NAME_HINT = "names are DNS-1123 labels: lower-case letters, digits and '-', at most 63"


def pydantic_diagnostics(
    exc: ValidationError, locate: Locator, what: str, model: type[BaseModel] | None = None
) -> Iterator[Diagnostic]:
    """One diagnostic per pydantic error, located through `locate(path, key)`.

    With the validated `model`, an unknown key is answered with the keys allowed there.
    """
    errors = _unique_errors(exc)
    misspelt = _misspelt_required(errors)
    for loc, error in errors:
        dotted = dotted_path(loc)
        kind = error["type"]
        if kind == "extra_forbidden":
            yield Diagnostic(
                locate(loc, True),
                "unknown-key",
                f"unknown key {dotted!r}",
                hint=_unknown_key_hint(model, loc, what),
            )
        elif kind == "missing":
            if loc not in misspelt:  # `mod:` for `mode:` is one mistake, not two
                yield Diagnostic(
                    locate(loc[:-1], False), "missing-key", f"missing required key {dotted!r}"
                )
        else:
            yield Diagnostic(
                locate(loc, False),
                "invalid-value",
                f"{dotted}: {_describe(error)}",
                hint=_hint(loc, error),
            )


def _unique_errors(exc: ValidationError) -> list[tuple[tuple[str | int, ...], Any]]:
    """Errors by location; a union reports every member's failure, the first one says it."""
    seen: dict[tuple[str | int, ...], Any] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        seen.setdefault(loc, error)
    return list(seen.items())


def _misspelt_required(
    errors: list[tuple[tuple[str | int, ...], Any]],
) -> set[tuple[str | int, ...]]:
    """Missing keys for which an unknown key beside them is a likely misspelling."""
    unknown = {loc for loc, e in errors if e["type"] == "extra_forbidden"}
    return {
        loc
        for loc, e in errors
        if e["type"] == "missing"
        and any(u[:-1] == loc[:-1] and did_you_mean(str(u[-1]), [str(loc[-1])]) for u in unknown)
    }


def _unknown_key_hint(model: type[BaseModel] | None, loc: tuple[str | int, ...], what: str) -> str:
    allowed = _allowed_keys(model, loc[:-1]) if model is not None else None
    if not allowed:
        return f"check the spelling; see the {what} reference in the README"
    return did_you_mean(str(loc[-1]), allowed) or f"allowed here: {', '.join(sorted(allowed))}"


def _allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str] | None:
    """The keys (aliases) a mapping at `loc` inside `model` accepts; None if unknown."""
    current: Any = model
    for part in loc:
        current = _model_in(current)
        if current is None:
            return None
        if isinstance(part, int):
            continue  # an item of a list: the annotation already names the item type
        field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return None
        current = field.annotation
    found = _model_in(current)
    if found is None:
        return None
    return [f.alias or n for n, f in found.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (`X | None`, `tuple[X, ...]`), if one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _describe(error: Any) -> str:
    message = str(error["msg"])
    message = message[0].lower() + message[1:] if message else message
    message = message.removeprefix("input ")
    if error["type"] in _FRIENDLY:
        message = _FRIENDLY[error["type"]]
        if error["type"] == "literal_error":
            message += f": {error['ctx']['expected']}"
    shown = _shown_input(error.get("input"))
    return f"{shown} {message}" if shown else message


def _shown_input(value: Any) -> str:
    """The offending value, quoted, unless it is long, structured or looks secret."""
    if not isinstance(value, str | int | float | bool) or isinstance(value, bool):
        return ""
    text = str(value)
    if len(text) > _SHOWN_INPUT or (
        isinstance(value, str)
        and (find_secret(value, high_entropy=True) or mask_userinfo(value) != value)
    ):
        return ""
    return repr(value)


def _hint(loc: tuple[str | int, ...], error: Any) -> str:
    pattern = str((error.get("ctx") or {}).get("pattern", ""))
    if error["type"] == "string_type" and isinstance(error.get("input"), int | float):
        return 'YAML read this as a number; write it in quotes, e.g. "1.30"'
    if loc and loc[-1] == "name" and error["type"].startswith("string_"):
        return _NAME_HINT
    return _PATTERN_HINTS.get(pattern, f"expected to match {pattern}" if pattern else "")


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        "[" in part or part in {"str", "int", "float", "bool", "function-after"}
    )


def dotted_path(loc: Iterable[Any]) -> str:
    """`('models', 0, 'name')` -> `models[0].name`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
