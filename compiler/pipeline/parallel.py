"""Run one task per environment in forked worker processes, when there is enough work.

Rendering and validating an environment is CPU-bound Python; on a machine with several
cores, environments of a large inventory are prepared side by side. Workers are forked,
so the shared state (compiled schemas, the inventory read once) is inherited, never
pickled; only task names go in and results come back. Small repositories stay in-process,
where starting workers would cost more than it saves. MODELPLANE_JOBS=N (read by the CLI) overrides.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
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
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_install, initargs=(state,)
        ) as pool:
            return list(pool.map(functools.partial(_call, work), tasks))
    finally:
        gc.unfreeze()


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


def _install(state: object) -> None:
    global _WORKER_STATE
    _WORKER_STATE = state


def _call(work: Callable[[str, Any], _R], task: str) -> _R:
    return work(task, _WORKER_STATE)
