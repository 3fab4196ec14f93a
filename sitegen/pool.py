"""One pool of worker processes per run, shared by the stages that have enough work for it.

Clean builds of large archives parse and summarize in parallel; small jobs (a warm build, a
live edit) stay in this process, where starting workers would cost more than it saves. Workers
are spawned, not forked: `sitegen serve` runs threads, and forking those is unsafe.

`use_dask` sends the same work to a Dask `distributed` cluster instead (`sitegen build
--executor dask`): each chunk is a task, its result comes back to this process, and the stages
go on as with the local pool, so the output is the same byte for byte. Workers read the content
and write story pages through the paths this process gives them, so on a cluster of several
machines the site folder must be at the same path on all of them.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

DASK_AHEAD = 2  # chunks submitted per worker thread ahead of the one awaited

_pool: ProcessPoolExecutor | None = None
_client: Any = None  # a distributed.Client once `use_dask` has run
_cluster: Any = None  # the LocalCluster `use_dask` started, if it started one


def workers() -> int:
    """How many chunks can run at once: the cluster's threads, else this machine's cores (8 at most)."""
    if _client is not None:
        return max(1, sum(_client.nthreads().values()))
    return min(os.cpu_count() or 1, 8)


def use_dask(address: str | None = None) -> str:
    """Run the parallel stages on the Dask scheduler at `address`, or, without one, on a
    LocalCluster of this machine's cores (a process and one thread each, like the local pool).
    Returns the scheduler's address. Needs the `dask` extra: pip install 'sitegen[dask]'."""
    global _client, _cluster
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise RuntimeError("--executor dask needs Dask's distributed: pip install 'sitegen[dask]'") from exc
    close()
    _one_thread_each()  # inherited by the workers a LocalCluster starts
    if address:
        _client = Client(address, set_as_default=False, timeout=10)
    else:
        cores = min(os.cpu_count() or 1, 8)
        # ":0", not None: without a dashboard the scheduler still serves HTTP on 8787, and a
        # second build on the machine at the same time then failed to start its cluster
        _cluster = LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=":0")
        _client = Client(_cluster, set_as_default=False)
    return str(_client.scheduler.address)


def distributed() -> bool:
    """Whether chunks go to a Dask cluster."""
    return _client is not None


def _shared() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _one_thread_each()  # in this process's environment, which the workers are spawned with
        _pool = ProcessPoolExecutor(
            workers(), mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
        )
        atexit.register(_pool.shutdown)
    return _pool


def close() -> None:
    """Let the workers finish and end (what exit does too); leave a Dask cluster."""
    global _pool, _client, _cluster
    if _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None
    if _client is not None:
        _client.close()
        _client = None
    if _cluster is not None:
        _cluster.close()
        _cluster = None


def stop() -> None:
    """End the workers now, mid-task or not (Ctrl-C, SIGTERM): their work is thrown away anyway.
    Futures are not cancelled first: the executor's own thread marks them broken when it sees the
    workers gone, and a cancelled one makes it fail (InvalidStateError, Python 3.11)."""
    global _pool, _client, _cluster
    if _cluster is not None:
        # our own LocalCluster: its workers are killed first, as the local pool's are. Closing
        # it with them alive waits for the tasks they are running (a 500,000-article build's
        # stop took longer than 13 s) and has each log its cancelled task; closed after, it
        # only lets go of its queues' semaphores
        _quiet_distributed()
        with contextlib.suppress(Exception):
            _kill_workers()
        with contextlib.suppress(Exception):
            close()
        _client = _cluster = None
    elif _client is not None:
        client, _client = _client, None
        with contextlib.suppress(Exception):  # a shared cluster forgets the tasks of a client that leaves
            client.close(timeout=5)
    if _pool is None:
        return
    pool, _pool = _pool, None
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way to reach them
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=True)
    del pool, processes
    gc.collect()  # the queues' semaphores are unlinked as they are collected, not left to exit


def _quiet_distributed() -> None:
    """Silence distributed's and tornado's loggers for the rest of a stopped build: a comm cut
    mid-send by the kill logs its closing with a traceback (INFO, from the scheduler's batched
    stream), which tells the reader nothing the word "interrupted" does not. Every logger under
    the names is disabled (distributed's config gives some of them their own levels), and the two
    roots' level keeps a logger made later quiet too."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("distributed", "tornado"):
            logging.getLogger(name).disabled = True
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _kill_workers() -> None:
    """SIGKILL the LocalCluster's worker processes and everything they started (a Pagefind
    run), twice over, for a process started between a listing and the kill (a nanny, in this
    process, may start a new worker when it sees its worker die; marking the nannies closing
    first made `close` hang, and marking them closing gracefully raced it and logged tracebacks).
    psutil comes with distributed, and checks a pid still names the process it listed."""
    import psutil

    ours = psutil.Process()
    for _ in range(2):
        for child in ours.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if not any("resource_tracker" in part for part in child.cmdline()):  # it cleans up after them
                    child.kill()


def _start_worker() -> None:
    """A worker leaves Ctrl-C to the parent (the terminal sends it to the whole process group, and
    each worker would print a traceback), and ends when the parent is gone (a killed build must
    not leave workers computing for nobody)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked at spawn; ignored from now on
    _one_thread_each()
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="sitegen-orphan-watch", daemon=True).start()


@contextlib.contextmanager
def _parent_only_sigint() -> Iterator[None]:
    """Workers spawned in this block start with SIGINT blocked (a child inherits the signal mask
    of the thread that starts it, across exec), so a Ctrl-C while they import reaches only the
    parent; there it waits, blocked, and is delivered when the block ends, never lost."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
    elif _client is not None:
        parts = _on_dask(work, (list(items[i : i + chunk]) for i in range(0, len(items), chunk)))
    else:
        pool = _shared()
        with _parent_only_sigint():  # the workers are spawned as the chunks are submitted
            futures = [pool.submit(work, list(items[i : i + chunk])) for i in range(0, len(items), chunk)]
        parts = _in_order(futures)
    results: list[Result] = []
    for part in parts:
        results.extend(part)
        if advance is not None:
            advance(len(part))
    return results


def _on_dask(work: Callable[[list[Item]], list[Result]], chunks: Iterator[list[Item]]) -> Iterator[list[Result]]:
    """Each chunk as a Dask task, results in order, at most DASK_AHEAD chunks per worker thread
    in flight. Each chunk goes to a worker as data (`scatter`), not inside the task graph, and
    only the chunks in flight are held serialized: submitted all at once, the 500,000-article
    build's clustering windows made graphs of 450-510 MB each, which Dask warns of, and the
    scheduler holds every task's data until it runs. A task's result is not worth hashing its
    arguments for (`pure=False`): each chunk runs once."""
    client = _client
    assert client is not None

    def submit(part: list[Item]) -> Any:
        data = client.scatter([part], hash=False)[0]
        return client.submit(work, data, pure=False)

    pending = deque(submit(part) for part in itertools.islice(chunks, DASK_AHEAD * workers()))
    try:
        while pending:
            result = pending.popleft().result()
            pending.extend(submit(part) for part in itertools.islice(chunks, 1))
            yield result
    except Exception:
        for future in pending:
            future.cancel()
        raise


def _in_order(futures: list[Future[list[Result]]]) -> Iterator[list[Result]]:
    """Each chunk's result in submission order. A failed chunk cancels the ones not started; an
    interrupt cancels nothing, since `stop` ends the workers (and, in Python 3.11, the executor's
    thread fails on futures cancelled before it saw the workers go: `Executor.map` does that)."""
    try:
        for future in futures:
            yield future.result()
    except Exception:
        for future in futures:
            future.cancel()
        raise
