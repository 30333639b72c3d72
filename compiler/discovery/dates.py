"""Date normalization: every date in a snapshot is an ISO 8601 day (YYYY-MM-DD)."""

from __future__ import annotations

from datetime import UTC, datetime


def day_from_unix(seconds: int | float | None) -> str | None:
    """The UTC day of a Unix timestamp; None for missing or epoch-zero values."""
    if seconds is None or seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()


def day_from_iso(text: str | None) -> str | None:
    """The UTC day of an RFC 3339 timestamp; None for missing, unparsable or epoch values."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return None if when.year <= 1970 else when.date().isoformat()
