"""Corpus runs through the library: mirrored outputs, reports and audits that match `explain`,
bad inputs isolated, the same bytes for any number of jobs, resuming, and path safety."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner, CleanerConfig
from cleaner.batch import results as task_module
from cleaner.batch.executors.local import pool_map
from cleaner.batch.run import BatchError, run_batch
from cleaner.corpus.files import TEMP_SUFFIX, as_file_text
from cleaner.corpus.records import Fields
from tests.conftest import FIXTURES

RULES_ONLY = CleanerConfig(model=None)
CLEANER = Cleaner(model=None)
ARTICLES = sorted(
    path for path in (FIXTURES / "articles").glob("*.txt") if not path.name.endswith(".clean.txt")
)
PAGE = (
    "<html><head><meta charset='utf-8'></head><body><article><h1>Ferry timetable</h1>"
    "<p>The island ferry will run every forty minutes from June, the harbour board said on "
    "Monday after a year of complaints about crowded evening crossings.</p>"
    "<p>ADVERTISEMENT</p><p>Tickets bought before June stay valid on the new timetable, "
    "and the first morning boat leaves ten minutes earlier than it does today.</p>"
    "</article></body></html>"
)


def article(index: int) -> str:
    return ARTICLES[index % len(ARTICLES)].read_text(encoding="utf-8")


def write_shard(path: Path, records: list[dict[str, Any]], extra: dict[int, bytes] | None = None):
    """Write records as JSONL (gzip for .gz); `extra` inserts raw lines before record i."""
    lines = []
    for index, record in enumerate(records):
        lines.extend([extra[index]] if extra and index in extra else [])
        lines.append(json.dumps(record, ensure_ascii=False).encode())
    data = b"\n".join(lines) + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)


def write_corpus(root: Path, shards: int = 2, per_shard: int = 5) -> None:
    """A small mixed corpus: text files in two folders, an HTML page, and shards."""
    for index in range(3):
        (root / "pages").mkdir(parents=True, exist_ok=True)
        (root / "pages" / f"story-{index}.txt").write_text(article(index), encoding="utf-8")
    (root / "pages" / "deep").mkdir()
    (root / "pages" / "deep" / "story-9.txt").write_text(article(9), encoding="utf-8")
    (root / "pages" / "ferry.html").write_text(PAGE, encoding="utf-8")
    for shard in range(shards):
        records = [
            {"id": f"s{shard}-{i}", "text": article(shard * per_shard + i), "lang": "en", "n": i}
            for i in range(per_shard)
        ]
        suffix = ".jsonl.gz" if shard % 2 else ".jsonl"
        write_shard(root / "shards" / f"part-{shard:03}{suffix}", records)


def read_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in shard_lines(path)]


def shard_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(".gz") else data).splitlines()


def tree(root: Path, skip: tuple[str, ...] = ("_report.json",)) -> dict[str, bytes]:
    """Every file under root with its bytes (the run's report, which has timings, left out)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name not in skip
    }


def digest(root: Path) -> str:
    items = sorted((str(p), p.read_bytes()) for p in root.rglob("*") if p.is_file())
    return hashlib.sha256(repr(items).encode()).hexdigest()


def run(source: Path, output: Path, **options: Any):
    options.setdefault("config", RULES_ONLY)
    options.setdefault("jobs", 1)
    return run_batch(source, output, **options)


def errors_of(output: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (output / "_errors.jsonl").read_text().splitlines()]


def test_output_mirrors_the_input_tree_and_formats(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source)
    summary = run(source, output)
    files = {"total": 7, "cleaned": 7, "failed": 0, "skipped": 0}
    assert summary.ok and summary.report["files"] == files
    for index in range(3):
        got = (output / "pages" / f"story-{index}.txt").read_text(encoding="utf-8")
        assert got == as_file_text(CLEANER.clean(article(index)))
    assert (output / "pages" / "deep" / "story-9.txt").exists()
    page = (output / "pages" / "ferry.txt").read_text(encoding="utf-8")
    assert "forty minutes" in page and "ADVERTISEMENT" not in page
    for shard in ("part-000.jsonl", "part-001.jsonl.gz"):
        before, after = (
            read_records(source / "shards" / shard),
            read_records(output / "shards" / shard),
        )
        assert [r["id"] for r in after] == [r["id"] for r in before], "same records, same order"
        for old, new in zip(before, after, strict=True):
            assert new == {**old, "text": CLEANER.clean(old["text"])}
            assert list(new) == list(old)
    assert errors_of(output) == []


def test_report_and_audit_say_what_explain_says(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source)
    report = run(source, output, removals=True).report
    texts = [article(i) for i in (0, 1, 2, 9)] + [article(i) for i in range(10)]
    explained = [CLEANER.explain(text) for text in texts] + [CLEANER.explain_html(PAGE)]
    removals = [r for cleaned in explained for r in cleaned.removals]
    assert report["documents"] == {"in": 15, "out": 15, "emptied": 0, "rejected": 0}
    assert report["removals"]["total"] == len(removals)
    assert report["removals"]["by_rule"] == dict(sorted(Counter(r.rule for r in removals).items()))
    assert report["removals"]["by_filter"] == dict(Counter(r.filter for r in removals))
    written = [p for p in (output / "pages").rglob("*") if p.is_file()]
    lines = [line for shard in (output / "shards").iterdir() for line in shard_lines(shard)]
    assert report["bytes"]["out"] == sum(p.stat().st_size for p in written) + sum(map(len, lines))
    assert report["bytes"]["in"] > report["bytes"]["out"]
    page_audit = [
        json.loads(line)
        for line in (output / "_removals" / "pages" / "_documents.jsonl").read_text().splitlines()
    ]
    assert [entry["id"] for entry in page_audit] == [
        "pages/ferry.html",
        "pages/story-0.txt",
        "pages/story-1.txt",
        "pages/story-2.txt",
    ]
    assert page_audit[0]["removals"][0]["rule"] == "ads/ad-label"
    shard_audit = [
        json.loads(line)
        for line in (output / "_removals" / "shards" / "part-000.jsonl").read_text().splitlines()
    ]
    first = explained[4]  # shard 0's first record is article 0
    assert shard_audit[0]["record"] == 1 and shard_audit[0]["id"] == "s0-0"
    assert [r["rule"] for r in shard_audit[0]["removals"]] == [r.rule for r in first.removals]
    for entry, removal in zip(shard_audit[0]["removals"], first.removals, strict=True):
        line = first.document.lines[removal.line]
        span = removal.span or (0, len(line))
        assert entry["text"] == line[span[0] : span[1]]
        assert entry["reason"] == removal.reason and entry["line"] == removal.line + 1
    assert (output / "_removals" / "shards" / "part-001.jsonl").exists()  # .gz audit: plain
    assert (output / "_removals" / "pages" / "deep" / "_documents.jsonl").exists()


def test_bad_inputs_are_reported_and_everything_else_is_cleaned(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    good = [{"id": i, "text": article(i)} for i in range(6)]
    bad_lines = {2: b'{"id": "broken", "text": ', 4: b"[1, 2, 3]"}
    write_shard(source / "mixed.jsonl", good, extra=bad_lines)
    write_shard(source / "latin.jsonl", [{"id": "x", "text": "caf"}])
    (source / "latin.jsonl").write_bytes(
        b'{"id": "x", "text": "caf\xe9 ok"}\n{"body": "no text"}\n'
    )
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in good), mtime=0)
    (source / "cut.jsonl.gz").write_bytes(whole[: len(whole) * 2 // 3])
    (source / "bytes.txt").write_bytes(b"Caf\xe9 opens\nADVERTISEMENT\nMore soon.\n")
    (source / "dangling.txt").symlink_to(source / "nowhere.txt")
    inputs_before = digest(source)
    summary = run(source, output)
    assert not summary.ok
    assert [r["id"] for r in read_records(output / "mixed.jsonl")] == [0, 1, 2, 3, 4, 5]
    cut = read_records(output / "cut.jsonl.gz")
    assert cut and [r["id"] for r in cut] == list(range(len(cut))), "records before the cut"
    latin = read_records(output / "latin.jsonl")
    assert latin == [{"id": "x", "text": "caf\ufffd ok"}, {"body": "no text"}]
    assert (output / "bytes.txt").read_text() == "Caf\ufffd opens\nMore soon.\n"
    found = [(e["source"], e["record"], e["kind"]) for e in errors_of(output)]
    assert found == [
        ("bytes.txt", None, "undecodable"),
        ("cut.jsonl.gz", None, "truncated-gzip"),
        ("dangling.txt", None, "unreadable"),
        ("latin.jsonl", 1, "undecodable"),
        ("latin.jsonl", 2, "missing-field"),
        ("mixed.jsonl", 3, "malformed-json"),
        ("mixed.jsonl", 6, "malformed-json"),
    ]
    assert summary.report["errors"]["total"] == 7
    assert summary.report["errors"]["by_severity"] == {"failed": 5, "warning": 2}
    assert summary.report["files"] == {"total": 5, "cleaned": 4, "failed": 1, "skipped": 0}
    assert digest(source) == inputs_before, "inputs are never modified"


def test_problems_past_the_cap_are_counted_not_listed(tmp_path, monkeypatch):
    monkeypatch.setattr(task_module, "MAX_LISTED_ERRORS", 2)
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "junk.jsonl").write_bytes(b"{bad\n" * 5 + b'{"text": "Kept."}\n')
    summary = run(source, output)
    assert [e["kind"] for e in errors_of(output)] == ["malformed-json"] * 2 + ["more-errors"]
    assert summary.report["errors"]["total"] == 5
    assert read_records(output / "junk.jsonl") == [{"text": "Kept."}]


def test_output_is_the_same_for_any_number_of_jobs(tmp_path):
    source = tmp_path / "in"
    write_corpus(source, shards=4)
    run(source, tmp_path / "one", jobs=1, removals=True)
    run(source, tmp_path / "two", jobs=2, removals=True)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_rerun_skips_finished_work_and_redoes_changed_inputs(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source)
    first = run(source, output)
    stamps = {p: p.stat().st_mtime_ns for p in output.rglob("*.txt")}
    again = run(source, output)
    assert again.report["run"]["tasks_already_done"] == 7 and again.report["run"]["tasks_run"] == 0
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*.txt")} == stamps
    assert {k: v for k, v in again.report.items() if k != "run"} == {
        k: v for k, v in first.report.items() if k != "run"
    }
    changed = source / "pages" / "story-1.txt"
    changed.write_text("Fresh text.\nShare\n", encoding="utf-8")
    third = run(source, output)
    assert third.report["run"]["tasks_run"] == 1
    assert (output / "pages" / "story-1.txt").read_text() == "Fresh text.\n"


def test_a_deleted_output_is_made_again(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source, shards=1)
    run(source, output)
    (output / "shards" / "part-000.jsonl").unlink()
    assert run(source, output).report["run"]["tasks_run"] == 1
    assert len(read_records(output / "shards" / "part-000.jsonl")) == 5


def test_html_records_are_cleaned_into_the_text_field(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_shard(source / "pages.jsonl", [{"id": 1, "url": "https://example.org/", "html": PAGE}])
    summary = run(source, output, fields=Fields(text="text", html="html"))
    (record,) = read_records(output / "pages.jsonl")
    assert summary.ok and record["html"] == PAGE and list(record) == ["id", "url", "html", "text"]
    assert "forty minutes" in record["text"] and "ADVERTISEMENT" not in record["text"]


def test_a_rerun_with_other_settings_is_refused(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source, shards=1)
    run(source, output)
    with pytest.raises(BatchError, match=r"other settings.*text_field"):
        run(source, output, fields=Fields(text="body"))
    with pytest.raises(BatchError, match="rules_sha256"):
        run(source, output, config=CleanerConfig(model=None, disabled_rules=frozenset({"ads"})))


def test_leftovers_of_a_killed_run_are_swept(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source, shards=1)
    (output / "pages").mkdir(parents=True)
    leftover = output / "pages" / f".story-0.txt.abc123{TEMP_SUFFIX}"
    leftover.write_text("half")
    run(source, output)
    assert not leftover.exists()


def test_nothing_escapes_the_output_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("ADVERTISEMENT\nsecret\n")
    (outside / "victim.txt").write_text("do not overwrite\n")
    source, output = tmp_path / "in", tmp_path / "out"
    write_corpus(source, shards=1)
    (source / "linked-dir").symlink_to(outside, target_is_directory=True)
    (source / "leak.txt").symlink_to(outside / "secret.txt")
    write_shard(source / "ids.jsonl", [{"id": "../../outside/pwned", "text": "Share\nText."}])
    output.mkdir()
    (output / "pages").symlink_to(outside, target_is_directory=True)
    (output / "victim.txt").symlink_to(outside / "victim.txt")
    (source / "victim.txt").write_text("Share\nvictim text\n")
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    summary = run(source, output, removals=True)
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before
    assert (output / "victim.txt").read_text() == "victim text\n"
    assert not (output / "victim.txt").is_symlink(), "the link was replaced, not followed"
    assert not (output / "linked-dir").exists(), "symlinked input folders are not entered"
    kinds = {(e["source"], e["kind"]) for e in errors_of(output)}
    assert ("leak.txt", "unreadable") in kinds
    assert ("pages/story-0.txt", "unsafe-output") in kinds
    assert not summary.ok


@pytest.mark.parametrize("inside", ["out", "."])
def test_output_inside_the_input_is_refused(tmp_path, inside):
    write_corpus(tmp_path, shards=1)
    with pytest.raises(BatchError, match="inside the input folder"):
        run(tmp_path, tmp_path / inside)
    with pytest.raises(BatchError, match="inside -o"):
        run(tmp_path / "pages", tmp_path)


def test_inputs_that_would_share_an_output_get_distinct_ones(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.html").write_text(PAGE)
    (source / "a.txt").write_text("Text.\n")
    (source / "b.html").write_text(PAGE)
    (source / "b.htm").write_text(PAGE)
    write_shard(source / "_errors.jsonl", [{"text": "A shard named like the run's own file."}])
    (source / "_cleaner").mkdir()
    (source / "_cleaner" / "c.txt").write_text("State-folder name.\n")
    summary = run(source, output)
    found = [(e["source"], e["kind"]) for e in errors_of(output)]
    assert found == [
        ("_errors.jsonl", "renamed-output"),
        ("a.html", "renamed-output"),
        ("b.html", "renamed-output"),
        ("_cleaner/c.txt", "renamed-output"),
    ]
    assert summary.ok, "a renamed output is a warning, not a failure"
    assert summary.report["files"] == {"total": 6, "cleaned": 6, "failed": 0, "skipped": 0}
    assert (output / "a.txt").read_text() == "Text.\n", "a.txt keeps its own name"
    assert "forty minutes" in (output / "a.html.txt").read_text()
    assert (output / "b.txt").exists() and (output / "b.html.txt").exists()
    assert read_records(output / "_errors~2.jsonl") == [
        {"text": "A shard named like the run's own file."}
    ]
    assert (output / "_cleaner~2" / "c.txt").read_text() == "State-folder name.\n"
    assert "written to a.html.txt: a.txt is another input's output" in errors_of(output)[1]["error"]
    again = run(source, output)
    assert again.report["run"]["tasks_run"] == 0, "the same names on a rerun"


def _die_on_three(item: int) -> int:
    if item == 3:
        os._exit(9)  # a worker killed mid-task (out of memory, a crash in C code)
    if item == 5:
        raise ValueError("a bug")
    return item * 10


def test_the_pool_outlives_a_dying_worker_and_blames_only_the_culprit():
    outcomes = dict(pool_map(_die_on_three, list(range(7)), 2))
    assert {k: v for k, v in outcomes.items() if k not in (3, 5)} == {
        i: i * 10 for i in (0, 1, 2, 4, 6)
    }
    assert type(outcomes[3]).__name__ == "BrokenProcessPool"
    assert isinstance(outcomes[5], ValueError)
