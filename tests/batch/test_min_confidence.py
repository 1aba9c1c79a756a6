"""Confidence in corpus runs: every cleaned record carries it, the report has its histogram,
and `--min-confidence` moves documents below the bar to `_rejected.jsonl` with the reason
(the input keeps them; nothing else is lost), resumably, the same through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from cleaner import Cleaner, CleanerConfig
from cleaner.batch.plan import REJECTED_NAME
from cleaner.batch.run import run_batch
from cleaner.corpus.records import Fields
from tests.batch.test_batch import PAGE, article, write_shard
from tests.cli.test_cli import run

CLEANER = Cleaner()
TEXTS = [article(i) for i in range(4)]


def corpus(root: Path) -> None:
    """Two text files, one page and a shard of four records (one with an id)."""
    (root / "docs").mkdir(parents=True)
    for index in range(2):
        (root / "docs" / f"story-{index}.txt").write_text(TEXTS[index], encoding="utf-8")
    (root / "docs" / "ferry.html").write_text(PAGE, encoding="utf-8")
    records = [{"id": f"r{i}", "text": text} for i, text in enumerate(TEXTS)]
    write_shard(root / "shards" / "part.jsonl", records)


def confidences() -> dict[tuple[str, int | None], float]:
    """What each document's confidence is, cleaned one at a time."""
    found = {(f"docs/story-{i}.txt", None): CLEANER.explain(TEXTS[i]).confidence for i in range(2)}
    found["docs/ferry.html", None] = CLEANER.explain_html(PAGE).confidence
    for index, text in enumerate(TEXTS):
        found["shards/part.jsonl", index + 1] = CLEANER.explain(text).confidence
    assert all(value is not None for value in found.values())
    return found  # type: ignore[return-value]


def test_records_carry_their_confidence_and_the_report_counts_them(tmp_path):
    corpus(tmp_path / "in")
    summary = run_batch(tmp_path / "in", tmp_path / "out", config=CleanerConfig(), jobs=1)
    lines = (tmp_path / "out" / "shards" / "part.jsonl").read_text(encoding="utf-8").splitlines()
    expected = confidences()
    for number, line in enumerate(lines, 1):
        assert json.loads(line)["confidence"] == expected["shards/part.jsonl", number]
    confidence = summary.report["confidence"]
    assert confidence["judged"] == 7 and confidence["min_confidence"] is None
    assert sum(confidence["histogram"].values()) == 7
    assert summary.report["documents"]["rejected"] == 0
    assert not (tmp_path / "out" / REJECTED_NAME).exists()


def test_documents_below_the_bar_are_rejected_with_the_reason(tmp_path):
    corpus(tmp_path / "in")
    expected = confidences()
    bar = sorted(expected.values())[3]  # about half of the documents fall below it
    below = {where for where, value in expected.items() if value < bar}
    out = tmp_path / "out"
    summary = run_batch(tmp_path / "in", out, config=CleanerConfig(), jobs=2, min_confidence=bar)
    rejected = [json.loads(line) for line in (out / REJECTED_NAME).read_text().splitlines()]
    assert {(entry["source"], entry["record"]) for entry in rejected} == below
    for entry in rejected:
        assert entry["confidence"] == expected[entry["source"], entry["record"]]
        assert f"below --min-confidence {bar:g}" in entry["reason"]
        if entry["source"].endswith(".html"):
            assert entry["extractor"] in ("fast", "trafilatura") and entry["route"]
    kept_records = (out / "shards" / "part.jsonl").read_text(encoding="utf-8").splitlines()
    shard_below = {r for source, r in below if source == "shards/part.jsonl"}
    assert len(kept_records) == 4 - len(shard_below)
    for source, record in below:
        if record is None:  # a rejected document file has no output
            assert not (out / source).with_suffix(".txt").exists()
    report = summary.report
    assert report["documents"]["rejected"] == report["confidence"]["rejected"] == len(below)
    assert report["documents"]["in"] == 7
    assert report["documents"]["out"] == 7 - len(below)
    assert summary.ok
    # A rerun resumes: every task is done, rejected files included; the lists are the same.
    again = run_batch(tmp_path / "in", out, config=CleanerConfig(), jobs=1, min_confidence=bar)
    assert again.report["run"]["tasks_already_done"] == 4
    assert [json.loads(line) for line in (out / REJECTED_NAME).read_text().splitlines()] == rejected


def test_the_command_line_flag_and_its_errors(tmp_path):
    corpus(tmp_path / "in")
    out = tmp_path / "out"
    result = run("clean", str(tmp_path / "in"), "-o", str(out), "--min-confidence", "1")
    assert result.returncode == 0, result.stderr.decode()
    assert "rejected (in" in result.stderr.decode()
    rejected = (out / REJECTED_NAME).read_text().splitlines()
    assert len(rejected) == sum(value < 1 for value in confidences().values())
    for bad, says in (("1.5", "not between 0 and 1"), ("high", "not a number")):
        result = run("clean", str(tmp_path / "in"), "-o", str(out), "--min-confidence", bad)
        assert result.returncode == 2 and says in result.stderr.decode()
    result = run(
        "clean", str(tmp_path / "in"), "-o", str(out), "--min-confidence", "0.5", "--rules-only"
    )
    assert result.returncode == 2 and "needs the shipped models" in result.stderr.decode()
    one = tmp_path / "in" / "docs" / "story-0.txt"
    result = run("clean", str(one), "--min-confidence", "0.5")
    assert result.returncode == 2 and "works on folder runs" in result.stderr.decode()


def test_records_without_the_field_are_kept_not_rejected(tmp_path):
    (tmp_path / "in").mkdir()
    write_shard(tmp_path / "in" / "a.jsonl", [{"body": "no text field"}, {"text": TEXTS[0]}])
    out = tmp_path / "out"
    summary = run_batch(
        tmp_path / "in", out, config=CleanerConfig(), fields=Fields(), min_confidence=1.0
    )
    lines = (out / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"body": "no text field"}  # passed through, reported
    assert summary.report["documents"]["rejected"] == 1
