"""Every input accounted for: each file under the input folder is cleaned or listed with a
reason, outputs never collide, damaged and binary files are named, and a document that
lost suspiciously much is flagged with the rule that took it."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.batch.run import BatchError, run_batch
from cleaner.corpus.inputs import Include

from .test_batch import PAGE, RULES_ONLY, article, errors_of, read_records, write_shard

# A short article, then a comment thread a tail rule cuts: the cut takes most of the words.
STORY = "\n\n".join(
    [
        "The council voted on Tuesday to rebuild the old harbour wall before the winter "
        "storms arrive, after engineers warned that another season of high tides could "
        "undermine the road behind it."
    ]
    * 4
)
THREAD = "\n".join(
    f"Reader{i} says:\nMarch {i + 1}, 2024 at 4:15 pm\nI have lived here for years and the "
    "wall has needed work for a very long time, good news.\nReply"
    for i in range(20)
)


def run(source: Path, output: Path, **options):
    options.setdefault("config", RULES_ONLY)
    options.setdefault("jobs", 1)
    return run_batch(source, output, **options)


def messy_folder(root: Path) -> None:
    """What a real scrape folder holds besides pages."""
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "story.txt").write_text(article(0), encoding="utf-8")
    (root / "pages" / "story.html.gz").write_bytes(gzip.compress(PAGE.encode(), mtime=0))
    (root / "pages" / "notes.txt.gz").write_bytes(gzip.compress(article(1).encode(), mtime=0))
    write_shard(root / "shards" / "a.ndjson", [{"id": 1, "text": article(2)}])
    write_shard(root / "shards" / "b.ndjson.gz", [{"id": 2, "text": article(3)}])
    (root / "README.md").write_text("# what this scrape is\n")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "pages" / "scan.txt").write_bytes(bytes(range(256)) * 16)  # binary named .txt
    (root / "pages" / "stray.txt").write_bytes(b"A stray \x00 NUL in a line of text.\n")
    (root / "pages" / "loop").symlink_to(root, target_is_directory=True)
    (root / "alias").symlink_to(root / "pages", target_is_directory=True)


def test_every_file_is_cleaned_or_listed_with_a_reason(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    messy_folder(source)
    summary = run(source, output)
    listed = {(e["source"], e["kind"]) for e in errors_of(output)}
    assert listed == {
        (".DS_Store", "unsupported"),
        ("README.md", "unsupported"),
        ("alias", "symlink-inside"),
        ("pages/loop", "symlink-loop"),
        ("pages/scan.txt", "binary"),
    }
    outputs = {
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file() and not p.relative_to(output).as_posix().startswith("_")
    }
    assert outputs == {
        "pages/story.txt",
        "pages/story.txt.gz",
        "pages/notes.txt.gz",
        "pages/stray.txt",
        "shards/a.ndjson",
        "shards/b.ndjson.gz",
    }
    # Every file or symlinked folder under the input is in exactly one of the two.
    everything = {
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if (p.is_file() or p.is_symlink()) and "loop/" not in p.as_posix()
    }
    assert len(everything) == len(outputs) + len(listed) == summary.report["files"]["total"]
    assert summary.report["files"] == {"total": 11, "cleaned": 6, "failed": 1, "skipped": 4}
    assert not summary.ok, "the binary .txt failed"
    assert summary.report["errors"]["by_severity"] == {"failed": 1, "skipped": 4}


def test_gzipped_and_ndjson_inputs_are_written_in_their_own_format(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    messy_folder(source)
    run(source, output)
    page = gzip.decompress((output / "pages" / "story.txt.gz").read_bytes()).decode()
    assert "forty minutes" in page and "ADVERTISEMENT" not in page
    assert gzip.decompress((output / "pages" / "notes.txt.gz").read_bytes()).strip()
    assert [r["id"] for r in read_records(output / "shards" / "b.ndjson.gz")] == [2]
    assert (output / "pages" / "stray.txt").read_text() == "A stray  NUL in a line of text.\n"


def test_a_truncated_gzipped_page_is_cleaned_as_far_as_it_goes_and_named(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    whole = gzip.compress((article(4) * 20).encode(), mtime=0)
    (source / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    summary = run(source, output)
    (entry,) = errors_of(output)
    assert entry["kind"] == "truncated-gzip" and "cleaned what came before" in entry["error"]
    assert gzip.decompress((output / "cut.txt.gz").read_bytes()).strip()
    assert not summary.ok


def test_a_big_cut_is_a_suspicious_loss_naming_its_rule(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "thread.txt").write_text(f"{STORY}\n\n4 Comments\n\n{THREAD}\n")
    (source / "fine.txt").write_text(article(5))
    write_shard(
        source / "s.jsonl", [{"text": article(6)}, {"text": f"{STORY}\n4 Comments\n{THREAD}"}]
    )
    summary = run(source, output)
    losses = [e for e in errors_of(output) if e["kind"] == "suspicious-loss"]
    assert [(e["source"], e["record"]) for e in losses] == [("s.jsonl", 2), ("thread.txt", None)]
    assert "comments/comment-section removed" in losses[1]["error"]
    assert summary.report["suspicious_loss"] == {
        "documents": 2,
        "by_rule": {"comments/comment-section": 2},
    }
    assert summary.ok, "a warning: the documents were cleaned"


def test_included_formats_are_cleaned_as_the_kind_given(tmp_path):
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "notes.md").write_text(article(7))
    (source / "page.php").write_text(PAGE)
    include = [Include.parse("*.md"), Include.parse("*.php:html")]
    summary = run(source, output, include=include)
    assert summary.ok and summary.report["files"]["cleaned"] == 2
    assert "forty minutes" in (output / "page.txt").read_text(), "a page becomes text"
    assert (output / "notes.md").read_text().strip()


def test_a_folder_with_nothing_to_clean_says_what_it_holds(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("text")
    with pytest.raises(BatchError, match=r"holds 1 file\(s\) of other formats.*--include"):
        run(tmp_path / "in", tmp_path / "out")


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, env=env
    )


def test_exit_status_and_summary_say_what_happened(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "story.txt").write_text(f"{STORY}\n\n4 Comments\n\n{THREAD}\n")
    (source / "README.md").write_text("notes\n")
    ok = cli("clean", str(source), "-o", str(tmp_path / "out1"), "--rules-only")
    assert ok.returncode == 0, ok.stderr
    assert "cleaned 1 of 2 files" in ok.stderr
    assert "0 failed, 1 skipped, 1 warning(s) (1 suspicious loss(es))" in ok.stderr
    (source / "scan.txt").write_bytes(bytes(range(256)) * 16)
    failed = cli("clean", str(source), "-o", str(tmp_path / "out2"), "--rules-only")
    assert failed.returncode == 1
    assert "scan.txt: skipped: looks binary" in failed.stderr and "1 failed" in failed.stderr
    report = json.loads((tmp_path / "out2" / "_report.json").read_text())
    assert report["files"] == {"total": 3, "cleaned": 1, "failed": 1, "skipped": 1}
    included = cli(
        "clean", str(source), "-o", str(tmp_path / "out3"), "--rules-only", "--include", "*.md"
    )
    assert "cleaned 2 of 3 files" in included.stderr
    bad = cli("clean", str(source), "-o", str(tmp_path / "out4"), "--include", ":html")
    assert bad.returncode == 2 and "give a glob" in bad.stderr


def test_one_file_gets_the_same_checks_as_a_folder_run(tmp_path):
    thread = tmp_path / "thread.txt.gz"
    thread.write_bytes(gzip.compress(f"{STORY}\n\n4 Comments\n\n{THREAD}\n".encode()))
    warned = cli("clean", str(thread), "--rules-only")
    assert warned.returncode == 0 and "harbour wall" in warned.stdout
    assert "suspicious loss: kept" in warned.stderr and "comments/comment-section" in warned.stderr
    scan = tmp_path / "scan.txt"
    scan.write_bytes(bytes(range(256)) * 16)
    refused = cli("clean", str(scan))
    assert refused.returncode == 1 and "looks binary" in refused.stderr and not refused.stdout
