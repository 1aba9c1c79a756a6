"""Dask: clean a `dask.bag` in a pipeline, or run a corpus job on a cluster. The only module
that imports dask (`pip install 'cleaner[dask]'`).

Both paths ship a `CleanerConfig`, never a Cleaner (it does not pickle), and each worker
process builds its Cleaner once (`records.cleaner_for`). The corpus engine runs the very
same task function as the local engine, one input file or shard per Dask task, so the
output is byte-identical; workers read the inputs and write the outputs themselves, so on
a multi-machine cluster both folders must be on a filesystem every worker sees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dask.bag as db
from distributed import Client, Future, LocalCluster, as_completed

from cleaner.api import CleanerConfig
from cleaner.records import DEFAULT_TEXT_FIELD, Fields, clean_item, cleaner_for
from cleaner.task import Job, Task, TaskResult, run_task

# Tasks handed to the cluster per worker at a time: enough to keep every worker busy, few
# enough that the scheduler holds thousands, not millions, of pending futures.
IN_FLIGHT_PER_WORKER = 4
# How long to wait for a scheduler given with --scheduler before saying it is unreachable.
CONNECT_TIMEOUT_SECONDS = 30
# A local cluster listens on the loopback interface only. Its HTTP endpoint gets a free
# port: dashboard_address=None still binds the fixed 8787, and ":0" binds every interface.
LOOPBACK = "127.0.0.1"


def clean_bag(
    bag: db.Bag,
    *,
    config: CleanerConfig | None = None,
    text_field: str = DEFAULT_TEXT_FIELD,
    html_field: str | None = None,
) -> db.Bag:
    """A bag of cleaned items: texts (str) become cleaned texts; records (dicts) get their
    `text_field` cleaned (or `html_field` extracted and cleaned into `text_field`) and keep
    every other field. Lazy, like any bag operation: `.compute()` or write it out."""
    return bag.map_partitions(
        _clean_partition, config or CleanerConfig(), Fields(text_field, html_field)
    )


def _clean_partition(items: Sequence[Any], config: CleanerConfig, fields: Fields) -> list[Any]:
    cleaner = cleaner_for(config)
    return [clean_item(item, cleaner, fields) for item in items]


def run_tasks(
    job: Job, tasks: Sequence[Task], *, jobs: int, scheduler: str | None
) -> Iterator[tuple[Task, TaskResult | BaseException]]:
    """Run corpus tasks on a Dask cluster: the scheduler at `scheduler`, or a local cluster
    of `jobs` single-threaded worker processes on the loopback interface. Yields
    `(task, result or exception)` as tasks finish."""
    if not tasks:
        return
    with _client(scheduler, jobs) as client:
        window = max(1, len(client.scheduler_info().get("workers", {}))) * IN_FLIGHT_PER_WORKER
        waiting = iter(tasks)
        by_key: dict[object, Task] = {}  # future key -> its task

        def submit() -> Future | None:
            task = next(waiting, None)
            if task is None:
                return None
            future = client.submit(run_task, job, task, pure=False)
            by_key[future.key] = task
            return future

        first = [f for f in (submit() for _ in range(window)) if f is not None]
        running = as_completed(first)
        for future in running:
            task = by_key.pop(future.key)
            try:
                yield task, future.result()
            except Exception as exc:  # the worker failed or died: report, go on
                yield task, exc
            follow = submit()
            if follow is not None:
                running.add(follow)


@contextmanager
def _client(scheduler: str | None, jobs: int) -> Iterator[Client]:
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS)
        except (OSError, ValueError) as exc:
            raise ConnectionError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); check the address, "
                "or leave out --scheduler to start a local cluster"
            ) from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            host=LOOPBACK,
            dashboard_address=f"{LOOPBACK}:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
