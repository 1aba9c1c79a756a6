"""Shared test helpers: where the repo's fixtures and the optional shared data live."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"


def nonblank_lines(text: str) -> list[str]:
    """Lines with content, trailing whitespace removed: how expected outputs are compared."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def rules_only():
    from cleaner import Cleaner

    return Cleaner(model=None)


@pytest.fixture(scope="session")
def cluster():
    """One real Dask LocalCluster for the whole run: two single-threaded worker processes on
    the loopback interface, as `--engine dask` starts. Skips without the dask extra."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from cleaner.batch.executors.dask import LOOPBACK

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host=LOOPBACK,
        dashboard_address=f"{LOOPBACK}:0",
        silence_logs=logging.ERROR,
    ) as local:
        yield local
