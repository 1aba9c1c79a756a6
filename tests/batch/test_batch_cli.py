"""`cleaner clean` on corpora, run for real in subprocesses: `kill -9` mid-run and resume to
byte-identical output, the progress bar on a terminal, single shards, and usage errors."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import random
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from cleaner import CleanerConfig
from cleaner.batch.run import run_batch

from .test_batch import PAGE, article, read_records, tree, write_shard

CLEANER = [sys.executable, "-m", "cleaner"]
# Enough work that a run is still going when its first tasks are done (~1 s on 2 cores).
KILL_SHARDS, KILL_RECORDS, KILL_PAGES = 16, 100, 6
KILL_TASKS = KILL_SHARDS + KILL_PAGES + 1  # and one HTML page


def cleaner(*args: str) -> subprocess.CompletedProcess:
    """Run `cleaner ARGS --rules-only` (rules only: these tests are about the batch layer)."""
    result = subprocess.run(
        [*CLEANER, *args, "--rules-only"],
        capture_output=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result


def kill_corpus(root: Path) -> None:
    for shard in range(KILL_SHARDS):
        records = [
            {"id": f"{shard}-{i}", "text": article(shard + i), "n": i} for i in range(KILL_RECORDS)
        ]
        bad = {7: b'{"id": "broken"'} if shard == 5 else None
        suffix = ".jsonl.gz" if shard % 3 == 0 else ".jsonl"
        write_shard(root / "shards" / f"part-{shard:03}{suffix}", records, bad)
    (root / "pages").mkdir()
    for index in range(KILL_PAGES):
        (root / "pages" / f"story-{index}.txt").write_text(article(index), encoding="utf-8")
    (root / "pages" / "ferry.html").write_text(PAGE, encoding="utf-8")


def live_members(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies do not count: in a
    container nobody may reap an orphan's corpse)."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] not in ("Z", "X"):
                members.append(int(entry))
    return members


def start_and_kill(args: list[str], output: Path, after_records: int) -> None:
    """Start `cleaner clean`, SIGKILL it once `after_records` tasks are complete, and check
    that its worker processes die with it."""
    process = subprocess.Popen(
        [*CLEANER, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        done = output / "_cleaner" / "done"
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if done.exists() and sum(1 for _ in done.rglob("*.json")) >= after_records:
                break
            time.sleep(0.005)
        assert process.poll() is None, "the run ended before it could be killed: make it bigger"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while sys.platform.startswith("linux") and live_members(process.pid):
            assert time.monotonic() < deadline, "workers outlived the killed command"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_kill_9_then_rerun_gives_byte_identical_output(tmp_path):
    source = tmp_path / "in"
    kill_corpus(source)
    inputs = tree(source, skip=())
    reference = tmp_path / "reference"  # uninterrupted, and with another number of jobs
    expected = run_batch(source, reference, config=CleanerConfig(model=None), jobs=1, removals=True)
    assert expected.error_count == 1, "the corpus has one malformed line"
    options = ["--jobs", "2", "--removals", "-q"]
    output = tmp_path / "out"
    args = ["clean", str(source), "-o", str(output), *options]
    start_and_kill([*args, "--rules-only"], output, after_records=random.randint(1, 4))
    partial = sum(1 for _ in (output / "_cleaner" / "done").rglob("*.json"))
    assert 0 < partial < KILL_TASKS, "killed in the middle of the run"
    again = min(partial + random.randint(1, 6), KILL_TASKS - 3)
    start_and_kill([*args, "--rules-only"], output, after_records=again)
    last = cleaner(*args)
    assert last.returncode == 1
    assert tree(output) == tree(reference), "resumed output is byte-identical"
    assert not [p for p in output.rglob("*") if p.name.endswith(".cleaner-tmp")]
    assert tree(source, skip=()) == inputs, "inputs are never modified"
    assert len(read_records(output / "shards" / "part-001.jsonl")) == KILL_RECORDS


def test_progress_bar_on_a_terminal_and_quiet_with_q(tmp_path):
    source = tmp_path / "in"
    for shard in range(3):
        records = [{"id": i, "text": article(i)} for i in range(40)]
        write_shard(source / f"part-{shard}.jsonl", records)
    (source / "page.txt").write_text(article(3), encoding="utf-8")
    shown = on_terminal([*CLEANER, "clean", str(source), "-o", str(tmp_path / "a"), "--jobs", "2"])
    assert "100%" in shown and "B/s" in shown and "121 docs" in shown, shown
    assert "cleaned 4 of 4 files" in shown
    quiet = [*CLEANER, "clean", str(source), "-o", str(tmp_path / "b"), "--jobs", "2", "-q"]
    assert on_terminal(quiet) == ""


def on_terminal(command: list[str]) -> str:
    """Run with stderr on a pseudo-terminal; return what it showed there."""
    controller, terminal = pty.openpty()
    # A fresh pseudo-terminal has no size; give it a usual one so the bar has room.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [*command, "--rules-only"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0
    return shown.decode(errors="replace")


def test_one_shard_to_one_shard(tmp_path):
    source = tmp_path / "part.jsonl.gz"
    write_shard(source, [{"id": 1, "text": "Share\nText one."}, {"id": 2, "text": "Text two."}])
    target = tmp_path / "clean.jsonl.gz"
    result = cleaner("clean", str(source), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert read_records(target) == [{"id": 1, "text": "Text one."}, {"id": 2, "text": "Text two."}]
    plain = tmp_path / "bad.jsonl"
    plain.write_bytes(b'{"text": "Share\\nok"}\n{oops\n{"text": "fine"}\n')
    result = cleaner("clean", str(plain), "-o", str(tmp_path / "bad.clean.jsonl"))
    assert result.returncode == 1 and b"bad.jsonl line 2: malformed JSON" in result.stderr
    assert read_records(tmp_path / "bad.clean.jsonl") == [{"text": "ok"}, {"text": "fine"}]


def test_one_html_page_to_stdout(tmp_path):
    page = tmp_path / "ferry.html"
    page.write_text(PAGE, encoding="utf-8")
    result = cleaner("clean", str(page))
    assert result.returncode == 0
    assert b"forty minutes" in result.stdout and b"ADVERTISEMENT" not in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--removals"], b"--removals works on folder runs"),
        (["--engine", "dask"], b"--engine dask works on folder runs"),
        (["--jobs", "0"], b"not a whole number of 1 or more"),
    ],
)
def test_corpus_options_on_one_file_are_refused(tmp_path, extra, message):
    page = tmp_path / "page.txt"
    page.write_text("Text.\n", encoding="utf-8")
    result = cleaner("clean", str(page), *extra)
    assert result.returncode == 2 and message in result.stderr


def test_scheduler_needs_the_dask_engine(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Text.\n")
    result = cleaner("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--scheduler", "x")
    assert result.returncode == 2 and b"--scheduler goes with --engine dask" in result.stderr
