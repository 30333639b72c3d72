"""Progress sinks: a live per-provider table on a terminal, plain lines in CI."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TextIO

from compiler.discovery.base import DiscoveryFailure


@dataclass(slots=True)
class _Row:
    pages: int = 0
    models: int = 0
    retries: int = 0
    state: str = "running"


class LineProgress:
    """One plain line per event worth logging (start, retry, end); for CI logs."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def started(self, provider: str) -> None:
        """Log the start."""
        self._line(f"discover {provider}: started")

    def page(self, provider: str, pages: int, models: int) -> None:
        """Pages are not logged line by line; the end line has the totals."""

    def retry(self, provider: str, attempt: int, status: int | None, delay: float) -> None:
        """Log a retry."""
        cause = f"HTTP {status}" if status is not None else "transport error"
        self._line(f"discover {provider}: {cause}, retry {attempt} in {delay:.1f}s")

    def finished(self, provider: str, models: int, failure: DiscoveryFailure | None) -> None:
        """Log the result."""
        result = f"failed: {failure}" if failure else f"{models} models"
        self._line(f"discover {provider}: {result}")

    def _line(self, text: str) -> None:
        with self._lock:
            self._stream.write(text + "\n")
            self._stream.flush()


class LiveProgress:
    """A table redrawn in place (ANSI cursor movement): pages, models, retries per provider."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._rows: dict[str, _Row] = {}
        self._drawn = 0

    def started(self, provider: str) -> None:
        """Add a row."""
        self._update(provider)

    def page(self, provider: str, pages: int, models: int) -> None:
        """Update page and model counts."""
        self._update(provider, pages=pages, models=models)

    def retry(self, provider: str, attempt: int, status: int | None, delay: float) -> None:
        """Count a retry."""
        with self._lock:
            row = self._rows.setdefault(provider, _Row())
            row.retries += 1
            row.state = f"retry in {delay:.1f}s ({status or 'transport'})"
            self._redraw()

    def finished(self, provider: str, models: int, failure: DiscoveryFailure | None) -> None:
        """Mark a row done or failed."""
        state = f"FAILED {failure.status or ''}".rstrip() if failure else "done"
        self._update(provider, models=models if not failure else None, state=state)

    def _update(
        self,
        provider: str,
        *,
        pages: int | None = None,
        models: int | None = None,
        state: str = "running",
    ) -> None:
        with self._lock:
            row = self._rows.setdefault(provider, _Row())
            row.pages = pages if pages is not None else row.pages
            row.models = models if models is not None else row.models
            row.state = state
            self._redraw()

    def _redraw(self) -> None:
        if self._drawn:
            self._stream.write(f"\x1b[{self._drawn}F")
        width = max(len(name) for name in self._rows)
        for name, row in self._rows.items():
            line = f"{name:<{width}}  pages {row.pages:>3}  models {row.models:>5}"
            self._stream.write(f"\x1b[2K{line}  retries {row.retries}  {row.state}\n")
        self._drawn = len(self._rows)
        self._stream.flush()
