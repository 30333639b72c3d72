"""Progress sinks: a live per-provider table on a terminal, plain lines in CI.

The live table is built for 50 providers: it never draws more lines than the terminal
has (rows that are done fold into one summary line, running and failed ones stay), cuts
every line to the terminal width (a wrapped line would break the cursor arithmetic),
and redraws at most ten times a second.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TextIO

from compiler.discovery.base import DiscoveryFailure

REDRAW_INTERVAL = 0.1


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
        # The hint is printed once, under the problem the run reports at its end.
        result = f"failed: {replace(failure, hint='')}" if failure else f"{models} models"
        self._line(f"discover {provider}: {result}")

    def _line(self, text: str) -> None:
        with self._lock:
            self._stream.write(text + "\n")
            self._stream.flush()


class LiveProgress:
    """A table redrawn in place (ANSI cursor movement): pages, models, retries per provider."""

    def __init__(
        self,
        stream: TextIO,
        size: Callable[[], os.terminal_size] = shutil.get_terminal_size,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._size = size
        self._clock = clock
        self._lock = threading.Lock()
        self._rows: dict[str, _Row] = {}
        self._drawn = 0
        self._last = float("-inf")

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
            self._redraw(force=False)

    def finished(self, provider: str, models: int, failure: DiscoveryFailure | None) -> None:
        """Mark a row done or failed (always drawn: the last picture must be true)."""
        state = f"FAILED {failure.status or ''}".rstrip() if failure else "done"
        self._update(provider, models=models if not failure else None, state=state, force=True)

    def _update(
        self,
        provider: str,
        *,
        pages: int | None = None,
        models: int | None = None,
        state: str = "running",
        force: bool = False,
    ) -> None:
        with self._lock:
            row = self._rows.setdefault(provider, _Row())
            row.pages = pages if pages is not None else row.pages
            row.models = models if models is not None else row.models
            row.state = state
            self._redraw(force)

    def _redraw(self, force: bool) -> None:
        now = self._clock()
        if not force and now - self._last < REDRAW_INTERVAL:
            return
        self._last = now
        size = self._size()
        columns = max(20, size.columns - 1)
        lines = table_lines(self._rows, max(2, size.lines - 1), columns)
        if self._drawn:
            self._stream.write(f"\x1b[{self._drawn}F")
        for line in lines:
            self._stream.write(f"\x1b[2K{line[:columns]}\n")
        for _ in range(self._drawn - len(lines)):  # a shorter picture clears the rest
            self._stream.write("\x1b[2K\n")
        self._drawn = max(self._drawn, len(lines))
        self._stream.flush()


def table_lines(rows: dict[str, _Row], height: int, columns: int = 200) -> list[str]:
    """The table in at most `height` lines of at most `columns` characters.

    Done rows fold into a summary line when there are too many; a long provider label is
    shortened from the left (the provider name at its end matters most), never the state.
    """
    width = max(len(name) for name in rows)

    def line(name: str, row: _Row) -> str:
        counts = f"pages {row.pages:>3}  models {row.models:>5}  retries {row.retries}"
        rest = f"  {counts}  {row.state}"
        room = min(width, max(8, columns - len(rest)))
        label = name if len(name) <= room else "…" + name[-(room - 1) :]
        return f"{label:<{room}}{rest}"

    if len(rows) <= height:
        return [line(n, r) for n, r in rows.items()]
    busy = [(n, r) for n, r in rows.items() if r.state != "done"]
    done = len(rows) - len(busy)
    shown = busy[-(height - 1) :] if height > 1 else []
    hidden = len(busy) - len(shown)
    summary = f"{done} done" + (f", {hidden} more running or failed" if hidden else "")
    return [summary, *(line(n, r) for n, r in shown)]
