"""The progress bar of a corpus run: bytes (so tqdm shows MB/s and an ETA) and documents.

Document files move the bar when their task finishes. A shard can be gigabytes, so its
worker reports every few MB through a queue that a thread here reads; with worker
processes the queue lives in a multiprocessing manager, since a task's arguments are
pickled and only a manager's queue proxy survives that. Nothing is started when the bar is
off (not a terminal, or `-q`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from multiprocessing.managers import SyncManager
from types import TracebackType
from typing import Any

from tqdm import tqdm

from cleaner.batch.executors.local import follow_parent
from cleaner.batch.results import TaskResult
from cleaner.batch.task import ProgressSink

# How long closing the bar waits for the queue reader; after Ctrl-C the queue may be gone.
CLOSE_TIMEOUT_SECONDS = 5


class QueueSink:
    """A picklable progress sink: puts `(bytes, documents)` on a manager queue."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue

    def __call__(self, file_bytes: int, documents: int) -> None:
        self.queue.put((file_bytes, documents))


class Progress:
    """A tqdm bar over the bytes of the tasks to run, with a running document count."""

    def __init__(self, show: bool, total_bytes: int, pooled: bool) -> None:
        self.show = show
        self.pooled = pooled
        self.documents = 0
        self.lock = threading.Lock()
        self.bar = tqdm(
            total=total_bytes,
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            desc="cleaning",
            disable=not show,
            file=sys.stderr,
            dynamic_ncols=True,
        )
        self.manager: Any = None
        self.queue: Any = None
        self.reader: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.show and self.pooled:
            self.manager = SyncManager(ctx=multiprocessing.get_context("spawn"))
            self.manager.start(follow_parent, (os.getpid(),))
            self.queue = self.manager.Queue()
            self.reader = threading.Thread(target=self._read_queue, daemon=True)
            self.reader.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.reader is not None:
            with contextlib.suppress(OSError, EOFError):  # the manager is gone (interrupted)
                self.queue.put(None)
            self.reader.join(CLOSE_TIMEOUT_SECONDS)
            self.manager.shutdown()
        self.bar.close()

    def sink(self) -> ProgressSink | None:
        """What a task reports shard progress to: None when there is no bar to move."""
        if not self.show:
            return None
        return QueueSink(self.queue) if self.queue is not None else self.advance

    def advance(self, file_bytes: int, documents: int) -> None:
        with self.lock:
            self.documents += documents
            self.bar.set_postfix_str(f"{self.documents:,} docs", refresh=False)
            self.bar.update(file_bytes)

    def finished(self, size: int, result: TaskResult) -> None:
        """A task ended: move the bar for it unless its worker already did, while running."""
        if self.show and not result.progress_sent:
            self.advance(size, result.stats.documents_in)

    def _read_queue(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                self.advance(*item)
        except (OSError, EOFError):  # the manager went away first
            return
