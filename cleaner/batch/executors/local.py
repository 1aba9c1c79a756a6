"""A process pool for corpus runs that survives its workers dying and dies with its parent.

`ProcessPoolExecutor` gives up for good when one worker is killed (out of memory, a crash in a
C extension): every pending task fails with BrokenProcessPool. Here the tasks that were in
flight become suspects and run again on a fresh pool, one at a time, so a crash names its
culprit: one poisonous input costs itself, not the batch nor its neighbours. Workers also
die when the parent does (`kill -9` of the command must not leave orphans writing into the
output folder while a rerun starts) and leave Ctrl-C to the parent.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Tasks handed to the pool per worker at a time: one running and one waiting keeps every
# worker busy; more would only hold memory (a corpus can have millions of tasks).
IN_FLIGHT_PER_WORKER = 2
# Linux: ask the kernel to SIGKILL a worker when the process that started it exits.
_PR_SET_PDEATHSIG = 1
# Elsewhere: how often a worker checks that its parent is still there.
PARENT_POLL_SECONDS = 0.5


def default_jobs() -> int:
    """All cores this process may use (a container's CPU set, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def pool_map(
    function: Callable[[Item], Result], items: Sequence[Item], jobs: int
) -> Iterator[tuple[Item, Result | BaseException]]:
    """Run `function(item)` for every item on `jobs` worker processes and yield
    `(item, result or exception)` as they finish, in completion order.

    `function` must pickle (a module-level function, or a `functools.partial` of one):
    workers are spawned, not forked, since a fork would copy the parent's threads' locks
    mid-use. An exception raised by `function` is yielded, not raised. An item whose worker
    dies while running it alone is yielded with the BrokenProcessPool error.
    """
    todo: deque[Item] = deque(items)
    suspects: deque[Item] = deque()
    while todo or suspects:
        with _worker_pool(jobs) as pool:
            yield from _drain(pool, function, jobs, todo, suspects)


def _drain(
    pool: ProcessPoolExecutor,
    function: Callable[[Item], Result],
    jobs: int,
    todo: deque[Item],
    suspects: deque[Item],
) -> Iterator[tuple[Item, Result | BaseException]]:
    """Feed the pool until both queues are empty or the pool breaks. Suspects run alone."""
    pending: dict[Future[Result], Item] = {}
    while True:
        alone = bool(suspects)
        source = suspects if alone else todo
        limit = 1 if alone else jobs * IN_FLIGHT_PER_WORKER
        while source and len(pending) < limit:
            item = source.popleft()
            try:
                pending[pool.submit(function, item)] = item
            except BrokenProcessPool:
                source.appendleft(item)
                break
        if not pending:
            return
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
            wait(pending)  # a broken pool fails everything in flight at once
            done = set(pending)
        broken = False
        for future in done:
            item = pending.pop(future)
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                broken = True
                if alone:
                    yield item, error  # it crashed its worker on its own: the culprit
                else:
                    suspects.append(item)
            else:
                yield item, error if error is not None else future.result()
        if broken:
            return


@contextmanager
def _worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=follow_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now (Ctrl-C, an error in the parent): `shutdown` would wait for running
    tasks, which can take minutes on a large shard. Outputs are written atomically, so
    killing a worker mid-task loses nothing but that task's progress."""
    processes = list((pool._processes or {}).values())  # no public API for this
    for process in processes:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join()


def follow_parent(parent_pid: int) -> None:
    """Run first in a helper process: leave Ctrl-C to the parent, and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before we could ask to follow it
        os._exit(1)


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
