"""Dask: clean a `dask.bag` in a pipeline, run a corpus job on a cluster, or learn a site
profile (`learn_bag`; `cleaner learn --engine dask` through `map_on_cluster`). The only module
that imports dask (`pip install 'cleaner[dask]'`).

Both paths ship a `CleanerConfig`, never a Cleaner (it does not pickle), and each worker
process builds its Cleaner once (`records.cleaner_for`). The corpus engine runs the very
same task function as the local engine, one input file or shard per Dask task, so the
output is byte-identical; workers read the inputs and write the outputs themselves, so on
a multi-machine cluster both folders must be on a filesystem every worker sees.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

import dask.bag as db
from distributed import Client, Future, LocalCluster, as_completed

from cleaner.batch.results import TaskResult
from cleaner.batch.task import Job, Task, run_task
from cleaner.config import CleanerConfig
from cleaner.corpus.records import DEFAULT_TEXT_FIELD, Fields, clean_item, cleaner_for
from cleaner.profiles.profile import MAX_ENTRIES, SITE_FIELD, Profile, record_site
from cleaner.text.lines import split_lines

Item = TypeVar("Item")
Result = TypeVar("Result")

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
    return map_on_cluster(partial(run_task, job), tasks, jobs=jobs, scheduler=scheduler)


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


def map_on_cluster(
    function: Callable[[Item], Result], items: Sequence[Item], *, jobs: int, scheduler: str | None
) -> Iterator[tuple[Item, Result | BaseException]]:
    """`function(item)` for every item on a Dask cluster: `(item, result or exception)` as
    they finish, with at most IN_FLIGHT_PER_WORKER items per worker submitted at a time.
    Corpus tasks (`run_tasks`) and `cleaner learn --engine dask` both run through it;
    `function` must pickle (a module-level function or a partial of one)."""
    if not items:
        return
    with _client(scheduler, jobs) as client:
        window = max(1, len(client.scheduler_info().get("workers", {}))) * IN_FLIGHT_PER_WORKER
        waiting = iter(items)
        by_key: dict[object, Item] = {}

        def submit() -> Future | None:
            item = next(waiting, None)
            if item is None:
                return None
            future = client.submit(function, item, pure=False)
            by_key[future.key] = item
            return future

        running = as_completed([f for f in (submit() for _ in range(window)) if f is not None])
        for future in running:
            item = by_key.pop(future.key)
            try:
                yield item, future.result()
            except Exception as exc:  # the worker failed or died: report, go on
                yield item, exc
            follow = submit()
            if follow is not None:
                running.add(follow)


def learn_bag(
    bag: db.Bag,
    *,
    text_field: str = DEFAULT_TEXT_FIELD,
    site: str | None = None,
    max_entries: int = MAX_ENTRIES,
) -> Profile:
    """The site profile of a bag of records (site from `url`, else their `site` field,
    else `site`) or texts (all of site `site`): each partition is counted where it lives and the
    partition profiles are merged (exact; pruned only past `max_entries`). Computes now."""
    counted = bag.reduction(
        partial(_count_partition, text_field, site, max_entries),
        partial(_merge_profiles, max_entries),
    )
    result: Profile = counted.compute()
    return result


def _count_partition(
    text_field: str, site: str | None, max_entries: int, items: Iterable[Any]
) -> Profile:
    profile = Profile()
    for item in items:
        if isinstance(item, str):
            text, name = item, site
        elif isinstance(item, Mapping) and isinstance(item.get(text_field), str):
            text, name = item[text_field], record_site(item, SITE_FIELD, site)
        else:
            continue  # nothing to count, as cleaning would leave it unchanged
        if name is None:
            raise ValueError(
                "a page has no site: give records a 'url' or a site field, or pass site="
            )
        profile.add_page(name, split_lines(text))
        profile.prune(max_entries)
    return profile


def _merge_profiles(max_entries: int, profiles: Iterable[Profile]) -> Profile:
    total = Profile()
    for profile in profiles:
        total.absorb(profile)
        total.prune(max_entries)
    return total
