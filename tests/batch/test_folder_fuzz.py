"""A short run of the folder fuzzer (the long one: bench/fuzz_folders.py): random folders
of damaged pages, shards, binaries, other formats, colliding names and symlinks of every
sort; every input must end cleaned or listed with a reason, and a rerun must change
nothing."""

from __future__ import annotations

import pytest

from cleaner import CleanerConfig
from cleaner.batch.run import run_batch

from .folder_fuzz import check_folder

RULES_ONLY = CleanerConfig(model=None)


def run(source, output):
    return run_batch(source, output, config=RULES_ONLY, jobs=1)


@pytest.mark.parametrize("seed", range(12))
def test_random_folders_account_for_every_input(tmp_path, seed):
    assert check_folder(seed, tmp_path, run, files=15, rerun=True) == []
