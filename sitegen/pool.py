"""One pool of worker processes per run, shared by the stages that have enough work for it.

Clean builds of large archives parse and summarize in parallel; small jobs (a warm build, a
live edit) stay in this process, where starting workers would cost more than it saves. Workers
are spawned, not forked: `sitegen serve` runs threads, and forking those is unsafe.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_pool: ProcessPoolExecutor | None = None


def workers() -> int:
    return min(os.cpu_count() or 1, 8)


def _shared() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _one_thread_each()  # in this process's environment, which the workers are spawned with
        _pool = ProcessPoolExecutor(
            workers(), mp_context=multiprocessing.get_context("spawn"), initializer=_one_thread_each
        )
        atexit.register(_pool.shutdown)
    return _pool


def _one_thread_each() -> None:
    """One BLAS thread per worker process. The pool already uses every core; BLAS threads on top
    of it fight over them (measured: 2x slower than serial; a clean build of 10,000 articles
    summarized in 49 s instead of 16 s). BLAS reads this when numpy loads, and a spawned worker
    may load numpy before its initializer runs (when it imports the parent's main module), so
    it is set in the environment the workers are started with; this process's own BLAS, loaded
    already, keeps its threads (clustering uses them)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"


def map_chunks(
    work: Callable[[list[Item]], list[Result]],
    items: Sequence[Item],
    *,
    minimum: int,
    chunk: int,
    advance: Callable[[int], None] | None = None,
) -> list[Result]:
    """`work` over `items` in chunks, results in order: in the pool when there are at least
    `minimum` items and more than one core, else here. `work` must be a module-level function.
    `advance` hears how many items each finished chunk held."""
    parts: Iterator[list[Result]]
    if len(items) < minimum or workers() < 2:
        parts = (work(list(items[i : i + chunk])) for i in range(0, len(items), chunk))
    else:
        parts = _shared().map(work, [list(items[i : i + chunk]) for i in range(0, len(items), chunk)])
    results: list[Result] = []
    for part in parts:
        results.extend(part)
        if advance is not None:
            advance(len(part))
    return results
