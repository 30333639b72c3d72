from __future__ import annotations

import io
import os
import re

from compiler.discovery.base import DiscoveryFailure
from compiler.discovery.progress import LiveProgress


def _frames(text: str) -> list[list[str]]:
    frames = re.split(r"\x1b\[\d+F", text)
    return [[ln for ln in f.split("\x1b[2K") if ln] for f in frames if f]


def test_fifty_providers_fit_a_small_terminal():
    stream = io.StringIO()
    ticks = iter(range(10_000))
    live = LiveProgress(
        stream, size=lambda: os.terminal_size((60, 10)), clock=lambda: next(ticks) * 1.0
    )
    names = [f"prod/provider-with-a-long-name-{i:02}" for i in range(50)]
    for name in names:
        live.started(name)
    for i, name in enumerate(names):
        failure = DiscoveryFailure(name, "u", 503, "busy") if i == 7 else None
        live.finished(name, 3, failure)
    for frame in _frames(stream.getvalue()):
        assert len(frame) <= 10
        assert all(len(line.rstrip("\n")) <= 59 for line in frame)
    last = [line.rstrip("\n") for line in _frames(stream.getvalue())[-1] if line.strip()]
    assert last[0] == "49 done"
    assert "FAILED 503" in last[1]


def test_redraws_are_throttled_but_the_end_is_always_drawn():
    stream = io.StringIO()
    live = LiveProgress(stream, size=lambda: os.terminal_size((80, 24)), clock=lambda: 5.0)
    live.started("a")
    for page in range(1, 100):
        live.page("a", page, page * 10)
    live.finished("a", 990, None)
    frames = _frames(stream.getvalue())
    assert len(frames) == 2  # the first event and the end, not 101 redraws
    assert "models   990" in frames[-1][0] and frames[-1][0].rstrip().endswith("done")
