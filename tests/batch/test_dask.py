"""The Dask engine and `clean_bag`, on a real `distributed.LocalCluster` (worker processes on
the loopback interface): the output must be the local engine's, byte for byte."""

from __future__ import annotations

import subprocess
import sys

import dask.bag as db
import pytest
from distributed import Client

from cleaner import Cleaner, CleanerConfig
from cleaner.batch.executors.dask import clean_bag
from cleaner.batch.run import run_batch

from .test_batch import PAGE, article, tree, write_corpus

RULES_ONLY = CleanerConfig(model=None)
CLEANER = Cleaner(model=None)


@pytest.fixture(scope="module")
def client(cluster):
    with Client(cluster) as connected:
        yield connected


def test_clean_bag_of_texts_is_what_the_cleaner_gives(client):
    texts = [article(i) for i in range(12)]
    cleaned = clean_bag(db.from_sequence(texts, npartitions=4), config=RULES_ONLY).compute()
    assert cleaned == [CLEANER.clean(text) for text in texts]


def test_clean_bag_of_records_keeps_other_fields(client):
    records = [{"id": i, "body": article(i), "lang": "en"} for i in range(6)]
    bag = db.from_sequence(records, npartitions=3)
    cleaned = clean_bag(bag, config=RULES_ONLY, text_field="body").compute()
    assert cleaned == [{**r, "body": CLEANER.clean(r["body"])} for r in records]
    pages = db.from_sequence([{"html": PAGE}], npartitions=1)
    (page,) = clean_bag(pages, config=RULES_ONLY, html_field="html").compute()
    assert page["html"] == PAGE and "forty minutes" in page["text"]
    assert "ADVERTISEMENT" not in page["text"]


def test_the_dask_engine_writes_what_the_local_engine_writes(tmp_path, cluster):
    source = tmp_path / "in"
    write_corpus(source, shards=4)
    (source / "shards" / "broken.jsonl").write_text('{"text": "Share\\nok"}\n{oops\n')
    run_batch(source, tmp_path / "local", config=RULES_ONLY, jobs=1, removals=True)
    command = [sys.executable, "-m", "cleaner", "clean", str(source), "-o", str(tmp_path / "dask")]
    options = ["--rules-only", "--removals", "--engine", "dask"]
    result = subprocess.run(
        [*command, *options, "--scheduler", cluster.scheduler_address],
        capture_output=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1 and b"broken.jsonl line 2" in result.stderr, result.stderr
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_the_dask_engine_starts_its_own_local_cluster(tmp_path):
    source = tmp_path / "in"
    write_corpus(source, shards=1)
    run_batch(source, tmp_path / "local", config=RULES_ONLY, jobs=1)
    summary = run_batch(source, tmp_path / "dask", config=RULES_ONLY, jobs=1, engine="dask")
    assert summary.ok and summary.report["run"]["engine"] == "dask"
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
