"""The time and width bounds of a discovery run, as the CLI passes them down."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TIMEOUT = 20.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_DEADLINE = 60.0
DEFAULT_CONCURRENCY = 8
DEFAULT_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class DiscoveryLimits:
    """Per-request timeout, overall deadline, parallel providers and attempts per request.

    The defaults bound a run to about a minute whatever one provider does: a hung or
    trickling server costs at most `timeout` per attempt, and nothing runs past
    `deadline` (retries that would end later are not started).
    """

    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    concurrency: int = DEFAULT_CONCURRENCY
    attempts: int = DEFAULT_ATTEMPTS
