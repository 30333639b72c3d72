"""Run one task per environment in forked worker processes, when there is enough work.

Rendering and validating an environment is CPU-bound Python; on a machine with several
cores, environments of a large inventory are prepared side by side. Workers are forked,
so the shared state (compiled schemas, the inventory read once) is inherited, never
pickled; only task names go in and results come back. Small repositories stay in-process,
where starting workers would cost more than it saves. MODELPLANE_JOBS=N (read by the CLI) overrides.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

# Below this many inventory items an environment renders in well under a second.
MIN_ITEMS_FOR_WORKERS = 500

_S = TypeVar("_S")
_R = TypeVar("_R")
# Set in each worker by the pool's initializer: the state a forked worker inherited.
_WORKER_STATE: Any = None


def jobs(tasks: int, items: int, requested: int | None = None) -> int:
    """How many workers to use for `tasks` environments over `items` inventory items."""
    if requested is not None and requested > 0:
        wanted = requested
    elif items < MIN_ITEMS_FOR_WORKERS:
        wanted = 1
    else:
        # Up to twice as many workers as cores: with one worker per core, 3 environments
        # on 2 cores leave a core idle while the third runs alone (measured: 1.5 of 2
        # cores busy); 3 workers let the kernel share both cores to the end.
        cores = os.cpu_count() or 1
        wanted = tasks if tasks <= 2 * cores else cores
    return max(1, min(wanted, tasks))


def run_forked(
    work: Callable[[str, _S], _R], tasks: Sequence[str], jobs: int, state: _S
) -> list[_R]:
    """`work(task, state)` for every task, in order; in forked workers when jobs > 1."""
    if jobs <= 1 or not _can_fork():
        return [work(task, state) for task in tasks]
    context = multiprocessing.get_context("fork")
    # Inherited objects out of the collector's sight: a collection in a worker would
    # otherwise write to (and so copy) every page they live on.
    gc.freeze()
    try:
        return _map_in_pool(work, tasks, jobs, state, context)
    finally:
        gc.unfreeze()


def _map_in_pool(
    work: Callable[[str, _S], _R],
    tasks: Sequence[str],
    jobs: int,
    state: _S,
    context: multiprocessing.context.BaseContext,
) -> list[_R]:
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_install, initargs=(state, os.getpid())
    )
    try:
        results = list(pool.map(functools.partial(_call, work), tasks))
    except BaseException:
        # Ctrl-C or a failure: stop the other workers now rather than wait for their
        # tasks (the pool's exit handler would join them).
        for child in multiprocessing.active_children():
            child.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


@contextlib.contextmanager
def batch_gc() -> Iterator[None]:
    """Collect cyclic garbage less often during a batch of rendering and validation.

    Rendering allocates millions of short-lived dicts and lists, and the default gen-0
    threshold (700) runs the collector thousands of times over objects that are not
    garbage (measured: ~10% of a render's CPU, half of reading a 5,000-model inventory).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _can_fork() -> bool:
    # Forking a process that runs other threads can deadlock them (and warns on 3.12+).
    return sys.platform != "win32" and threading.active_count() == 1


def _install(state: object, parent: int) -> None:
    global _WORKER_STATE
    _WORKER_STATE = state
    _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent handles it and ends the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker never holds the terminal or a CI step's output pipe open: results travel
    # back through the pool's own pipes, so stdio can point at /dev/null.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this worker when its parent dies (SIGKILL included)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was in place
        os.kill(os.getpid(), signal.SIGKILL)  # what the request would have done


def _call(work: Callable[[str, Any], _R], task: str) -> _R:
    return work(task, _WORKER_STATE)
