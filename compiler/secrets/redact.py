"""Redaction: what a message or a value looks like once every secret in it is replaced."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compiler.secrets.patterns import find_secret, mask_secrets

REDACTED = "<redacted>"


def redact_value(value: Any, whole: bool = False) -> Any:
    """The value with every secret (or everything, when `whole`) replaced by a marker."""
    if isinstance(value, dict):
        return {k: redact_value(v, whole) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, whole) for v in value]
    if value is None:
        return None
    if whole or (isinstance(value, str) and find_secret(value) is not None):
        return REDACTED
    return value


def redact_message(message: str) -> str:
    """Never echo a secret: a message that quotes one is replaced by what kind it was."""
    kind = find_secret(message)
    if kind is None:
        return message
    return f"invalid value (not shown: it looks like a secret, {kind})"


def scrub(text: str, known: Iterable[str] = (), limit: int | None = None) -> str:
    """`text` without the `known` secrets or anything shaped like one, then shortened.

    In that order, always: shortening first could cut a key in two, and the half left
    in the text would no longer match, so it would be printed.
    """
    for secret in sorted({s for s in known if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = mask_secrets(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text
