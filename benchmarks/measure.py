"""Measuring helpers shared by the benchmarks: wall time, CPU time, peak memory."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Measure:
    """Wall time, CPU time (user, system, children included) and peak memory of one step."""

    label: str
    seconds: float
    user: float
    system: float
    peak_mib: float | None = None

    @property
    def cpu(self) -> float:
        """User plus system time (never zero, for ratios)."""
        return max(self.user + self.system, 1e-6)


def measure_here(label: str, work: Callable[[], object]) -> Measure:
    """Run `work` in this process and measure it (no peak memory: it would be ours)."""
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    work()
    seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    return Measure(
        label, seconds, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    )


def run_measured(
    label: str,
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> tuple[Measure, str] | None:
    """Run `command`: its figures (its children included) and output; None on timeout.

    wait4 reports the process's own CPU time and peak RSS. A command that fails raises
    SystemExit: a benchmark of a failing command measures nothing.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        timer = threading.Timer(timeout, process.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if timer:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    if timeout and seconds >= timeout:
        return None
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output}")
    # ru_maxrss is in KiB on Linux.
    return Measure(label, seconds, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024), output


def total(label: str, measures: Sequence[Measure]) -> Measure:
    """The sum of several steps (peak memory: the largest)."""
    peaks = [m.peak_mib for m in measures if m.peak_mib is not None]
    return Measure(
        label,
        sum(m.seconds for m in measures),
        sum(m.user for m in measures),
        sum(m.system for m in measures),
        max(peaks) if peaks else None,
    )


def median(label: str, measures: Sequence[Measure]) -> Measure:
    """The run of median wall time among repeated runs."""
    ordered = sorted(measures, key=lambda m: m.seconds)
    middle = ordered[len(ordered) // 2]
    return Measure(label, middle.seconds, middle.user, middle.system, middle.peak_mib)


def rows(measures: Sequence[Measure]) -> Iterator[str]:
    """A table of measures."""
    yield f"{'step':<44}{'wall s':>9}{'user s':>9}{'sys s':>9}{'peak RSS MiB':>15}"
    for m in measures:
        peak = f"{m.peak_mib:15.0f}" if m.peak_mib is not None else f"{'-':>15}"
        yield f"{m.label:<44}{m.seconds:9.3f}{m.user:9.3f}{m.system:9.3f}{peak}"


def spread(values: Sequence[float]) -> str:
    """`median (min-max)` of repeated figures."""
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"
