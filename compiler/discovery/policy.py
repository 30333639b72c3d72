"""Retry policy: which failures are worth another try, and how long to wait first."""

from __future__ import annotations

import email.utils
import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
# Error types that mean "bad credential" whatever the status; LiteLLM answers an unknown
# virtual key with 400 no_db_connection when it runs without a database.
_AUTH_TYPES = frozenset({"auth_error", "authentication_error", "no_db_connection"})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter; sleep and random injectable."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_hinted_delay: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    random: Callable[[], float] = field(default=random.random)


@dataclass(frozen=True, slots=True)
class Verdict:
    """How to treat an error response."""

    retryable: bool
    message: str
    hint: str


def classify_response(
    status: int, raw: bytes, headers: Mapping[str, str], credential_hint: str
) -> Verdict:
    """Decide whether an error response is transient, and explain it without secrets."""
    body = _json_or_none(raw)
    code = _error_code(body)
    message = _error_message(body) or f"HTTP {status}"
    if code == "insufficient_quota":
        return Verdict(False, message, "the account has no quota left: check billing")
    if code in ("API_KEY_INVALID", "auth") or status in (401, 403):
        return Verdict(False, message, credential_hint)
    if status == 402:
        return Verdict(False, message, "the account has no credits left")
    if headers.get("x-should-retry", "").lower() == "false":
        return Verdict(False, message, "")
    if status in RETRYABLE_STATUSES or headers.get("x-should-retry", "").lower() == "true":
        return Verdict(True, message, "the provider is overloaded or rate limiting; retry later")
    if status == 404:
        return Verdict(False, message, "check the provider endpoint")
    return Verdict(False, message, "check the provider endpoint and configuration")


def retry_delay(
    policy: RetryPolicy, attempt: int, headers: Mapping[str, str] | None, raw: bytes
) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None when retries are spent."""
    if attempt >= policy.attempts:
        return None
    hinted = _hinted_delay(headers, raw) if headers is not None else None
    if hinted is not None:
        return None if hinted > policy.max_hinted_delay else hinted
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    return ceiling * (0.5 + policy.random() / 2)


def _hinted_delay(headers: Mapping[str, str], raw: bytes) -> float | None:
    """Honour `retry-after-ms`, then `retry-after` (seconds or HTTP date), then RetryInfo."""
    millis = _float(headers.get("retry-after-ms"))
    if millis is not None:
        return max(0.0, millis / 1000)
    after = headers.get("retry-after")
    if after is not None:
        seconds = _float(after)
        if seconds is not None:
            return max(0.0, seconds)
        return _seconds_until(after)
    return _retry_info_delay(_json_or_none(raw))


def _retry_info_delay(body: Any) -> float | None:
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    if not isinstance(details, list):
        return None
    for item in details:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            match = _DURATION.match(str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))  # RetryInfo.retryDelay, e.g. "21s"
    return None


def _seconds_until(http_date: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _error_code(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        if error.get("code") == "insufficient_quota" or error.get("type") == "insufficient_quota":
            return "insufficient_quota"
        if error.get("type") in _AUTH_TYPES:
            return "auth"
        for item in error.get("details") or ():
            if isinstance(item, dict) and item.get("reason") == "API_KEY_INVALID":
                return "API_KEY_INVALID"
    return None


def _error_message(body: Any) -> str:
    """The provider's own error message; the shapes differ per provider.

    Never shortened here: `Fetcher.failure` scrubs secrets first, then shortens.
    """
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    candidates = (
        error.get("message") if isinstance(error, dict) else error,
        body.get("message"),
        body.get("detail"),
    )
    for text in candidates:
        if isinstance(text, str) and text:
            return text
    return ""
