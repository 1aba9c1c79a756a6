"""The batch layer's overhead: what `cleaner clean` costs beyond the cleaning it asks for.

    python bench/bench_overhead.py CORPUS_DIR [--pipeline rules|default] [--repeat 5]

CORPUS_DIR holds JSONL shards (bench_batch.py generates them and calls this module). Two
measures of the same thing, `run_batch` with one worker in this process against calling
`Cleaner.explain` on the same texts already in memory: what a corpus run calls per document
(its records, report counts and confidence need the Removals, which `Cleaner.clean` of a
text no longer makes: `cleaner.filters.chain`), so the difference is the batch layer's:

1. CPU time, median of interleaved runs. Honest but noisy: on a 2-core machine shared with
   other work, caches and clock speed vary by +-10% between runs, so a 7% cost cannot be
   told from a 17% one.
2. Instructions executed, counted by valgrind's callgrind (skipped, with a note, when
   valgrind is missing). The same count on every run, whatever else the machine is doing.
   Three child processes run the same start-up and warm-up, then nothing, the direct loop,
   or the batch; the differences are the two costs. Instructions do not count memory
   stalls, so this is a floor on the overhead, read beside measure 1.

Target: overhead under 10% of the cleaning time (issue 5).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    import cleaner  # noqa: F401
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner import CleanerConfig
from cleaner.batch.run import run_batch
from cleaner.corpus.records import cleaner_for

OVERHEAD_TARGET = 0.10
# Documents cleaned under callgrind (about 50x slower than native): enough that the run's
# fixed costs (scanning the folder, writing the report) weigh about what they do in a run
# of a few thousand documents, few enough to take about a minute per pipeline.
CALLGRIND_DOCUMENTS = 200
WARM_UP_DOCUMENTS = 50
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def config_for(pipeline: str) -> CleanerConfig:
    return CleanerConfig(model=None) if pipeline == "rules" else CleanerConfig()


def shard_texts(source: Path) -> list[str]:
    return [
        json.loads(line)["text"]
        for shard in sorted(source.glob("*.jsonl"))
        for line in shard.read_bytes().splitlines()
    ]


def timed(function: Callable[[], object]) -> float:
    """CPU seconds of this process (single-threaded work: what it cost, whatever else runs)."""
    started = time.process_time()
    function()
    return time.process_time() - started


def cpu_overhead(
    source: Path, out: Path, repeat: int, config: CleanerConfig
) -> tuple[list[float], list[float]]:
    """CPU seconds of run_batch (one worker, this process) and of Cleaner.explain on the same
    texts already in memory, one of each per round. One untimed pass first: the Cleaner's
    lookup caches fill on the first documents, and whichever ran first would pay for it."""
    texts = shard_texts(source)
    clean = cleaner_for(config).explain
    direct: list[float] = []
    batch: list[float] = []
    for text in texts:
        clean(text)
    for _ in range(repeat):
        direct.append(timed(lambda: [clean(text) for text in texts]))
        shutil.rmtree(out, ignore_errors=True)
        batch.append(timed(lambda: run_batch(source, out, config=config, jobs=1)))
    shutil.rmtree(out, ignore_errors=True)
    return batch, direct


def _child(mode: str, source: Path, out: Path, pipeline: str) -> None:
    """What each callgrind run executes: the same start-up and warm-up, then one of the
    two ways of cleaning (or neither, for the baseline)."""
    config = config_for(pipeline)
    texts = shard_texts(source)
    clean = cleaner_for(config).explain
    for text in texts[:WARM_UP_DOCUMENTS]:
        clean(text)
    if mode == "direct":
        for text in texts:
            clean(text)
    elif mode == "batch":
        run_batch(source, out, config=config, jobs=1)


def _instructions(mode: str, source: Path, out: Path, pipeline: str) -> int:
    shutil.rmtree(out, ignore_errors=True)
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        str(source),
        "--pipeline",
        pipeline,
        "--child",
        mode,
        "--out",
        str(out),
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    found = _REFS.search(run.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no instruction count:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def instruction_overhead(source: Path, work: Path, pipeline: str) -> tuple[int, int] | None:
    """(instructions of the batch, of the direct loop) over the first CALLGRIND_DOCUMENTS
    documents of `source`, or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    sample = work / "callgrind-sample"
    sample.mkdir(parents=True, exist_ok=True)
    lines: list[bytes] = []
    for shard in sorted(source.glob("*.jsonl")):
        lines += shard.read_bytes().splitlines(keepends=True)[: CALLGRIND_DOCUMENTS - len(lines)]
    (sample / "part-00000.jsonl").write_bytes(b"".join(lines))
    out = work / "callgrind-out"
    modes = ("none", "direct", "batch")
    counts = {mode: _instructions(mode, sample, out, pipeline) for mode in modes}
    shutil.rmtree(out, ignore_errors=True)
    return counts["batch"] - counts["none"], counts["direct"] - counts["none"]


def overhead_rows(
    cpu: tuple[list[float], list[float]], instructions: tuple[int, int] | None
) -> list[tuple[str, str, str, str]]:
    """Table rows (measure, value, target, verdict). The verdict is on instructions when
    they were counted (repeatable), else on the CPU-time median."""
    batch, direct = cpu
    batch_s, direct_s = statistics.median(batch), statistics.median(direct)
    timed_overhead = batch_s / direct_s - 1
    best = min(batch) / min(direct) - 1  # noise only ever adds time
    target = f"< {OVERHEAD_TARGET:.0%}"
    timed_row = (
        "batch overhead, CPU time",
        f"{timed_overhead:+.1%} median ({batch_s:.2f} vs {direct_s:.2f} CPU s), {best:+.1%} best",
        target,
        "" if instructions else verdict(timed_overhead < OVERHEAD_TARGET),
    )
    if instructions is None:
        return [timed_row, ("batch overhead, instructions", "no valgrind: not counted", "", "")]
    batch_i, direct_i = instructions
    counted = batch_i / direct_i - 1
    counted_row = (
        f"batch overhead, instructions ({CALLGRIND_DOCUMENTS} docs)",
        f"{counted:+.1%} ({batch_i / 1e9:.2f} vs {direct_i / 1e9:.2f} G instructions)",
        target,
        verdict(counted < OVERHEAD_TARGET),
    )
    return [timed_row, counted_row]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of JSONL shards with a text field")
    parser.add_argument("--pipeline", choices=("rules", "default"), default="rules")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median)")
    parser.add_argument("--child", choices=("none", "direct", "batch"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.corpus, args.out, args.pipeline)
        return
    with tempfile.TemporaryDirectory(prefix="cleaner-overhead-") as temp:
        work = Path(temp)
        cpu = cpu_overhead(args.corpus, work / "out", args.repeat, config_for(args.pipeline))
        instructions = instruction_overhead(args.corpus, work, args.pipeline)
    print(f"| measure ({args.pipeline} pipeline) | value | target | verdict |")
    print("|---|---|---|---|")
    for row in overhead_rows(cpu, instructions):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
