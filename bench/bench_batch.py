"""Corpus-run benchmark: parallel speed-up, memory as the corpus grows, batch-layer overhead.

    python bench/bench_batch.py [--sizes 10MB,2GB] [--speed-size 200MB] [--repeat 3]
                                [--pipeline rules|default] [--source auto|pages|fixtures]

Generates JSONL corpora into a temporary folder (deleted afterwards; the 2 GB case needs
about 4.5 GB of free disk). Documents are the real pages of ../shared/data as naive
scrapers render them (`innertext`, from bench_text.py's cache), or, without the data, the
original articles in fixtures/ (shorter than real pages, so per-document costs weigh more).
Each record gets a unique first line. It measures:

1. throughput of `cleaner clean` with 1 and 2 workers (median of --repeat runs, end to end:
   interpreter start, pool start, reading, cleaning, writing); target: 2 workers >= 1.8x;
2. peak RSS of a 2-worker run on each --sizes corpus, sampled from /proc: the largest
   process's high-water mark (VmHWM) and the sum over all its processes; target: within
   1.5x of the smallest corpus's (wait4's ru_maxrss would not do: Linux carries a child's
   peak across exec, so it would count this benchmark's own memory at fork time);
3. the batch layer's overhead: `run_batch` with one worker in this process against calling
   `Cleaner.explain` (what a corpus run calls per document) on the same texts in memory,
   in CPU time (median of interleaved runs) and in instructions counted by callgrind,
   which are the same whatever else the machine does (bench_overhead.py); target < 10%.

Wall-clock speed-up needs idle cores: with other sessions busy, Linux's autogroup
scheduling gives each session a fair share, however many processes it runs. So the table
also shows a control, two processes doing nothing but `Cleaner.clean` against one (what
the machine gives right now), and the CPU cost of 2 workers against 1 (1.00 = no parallel
overhead), which holds on a busy machine too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import get_context
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner import CleanerConfig
from cleaner.corpus.records import cleaner_for

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_overhead import cpu_overhead, instruction_overhead, overhead_rows

REPO = Path(__file__).resolve().parent.parent
# Shards of a generated corpus: at most this big, and at least this many (so that two
# workers always have work to share).
SHARD_MAX_BYTES = 64_000_000
SHARD_MIN_COUNT = 8
SPEEDUP_TARGET = 1.8
RSS_GROWTH_TARGET = 1.5
RSS_SAMPLE_SECONDS = 0.2
TOWNS = ("Alder Valley", "Bayport", "Millbrook", "Quarrytown", "Tidewater", "Northfork")


def parse_size(text: str) -> int:
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9}
    for unit, factor in units.items():
        if text.upper().endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def human(size: float) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def documents(source: str) -> tuple[str, list[str]]:
    """The texts corpora are made of, and what they are."""
    if source != "fixtures":
        try:
            from cleaner.training.datasets import dataset_names, rendered_pages

            texts = [page.text for name in dataset_names() for page in rendered_pages(name)]
            return f"{len(texts):,} real pages (innertext)", texts
        except (FileNotFoundError, ImportError) as exc:
            if source == "pages":
                raise SystemExit(f"--source pages: {exc}") from None
    paths = sorted((REPO / "fixtures").glob("*/*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths if not p.name.endswith(".clean.txt")]
    return f"{len(texts)} fixture articles (no ../shared/data)", texts


def generate_corpus(root: Path, total_bytes: int, texts: list[str]) -> int:
    """JSONL shards of the texts in random order, each record with a unique first line;
    returns the number of records. Streaming, like the thing it measures."""
    rng = random.Random(total_bytes)
    shard_bytes = min(SHARD_MAX_BYTES, max(1, total_bytes // SHARD_MIN_COUNT))
    root.mkdir(parents=True)
    written = records = shard = 0
    while written < total_bytes:
        with (root / f"part-{shard:05}.jsonl").open("wb") as out:
            in_shard = 0
            while in_shard < shard_bytes and written < total_bytes:
                town = rng.choice(TOWNS)
                text = f"Report {records} from the {town} desk\n\n{rng.choice(texts)}"
                line = json.dumps({"id": records, "text": text, "lang": "en"}).encode() + b"\n"
                out.write(line)
                in_shard += len(line)
                written += len(line)
                records += 1
        shard += 1
    return records


def group_memory(group: int) -> tuple[int, int]:
    """(resident bytes summed over a process group, the largest high-water mark of one of
    its processes), from Linux /proc."""
    total = largest = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) != group:
                continue
            fields = dict(
                line.split(":", 1)
                for line in Path(f"/proc/{entry}/status").read_text().splitlines()
            )
            total += int(fields["VmRSS"].split()[0]) * 1024
            largest = max(largest, int(fields["VmHWM"].split()[0]) * 1024)
        except (OSError, IndexError, KeyError, ValueError):
            continue  # gone meanwhile, or a kernel thread
    return total, largest


def run_cli(source: Path, output: Path, jobs: int, pipeline_flags: list[str]) -> dict:
    """Run `cleaner clean` end to end: wall time, and its peak memory (sampled)."""
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-m", "cleaner", "clean", str(source), "-o", str(output)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--jobs", str(jobs), "-q", *pipeline_flags],
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    peaks = [0, 0]  # all processes, largest process
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total, largest = group_memory(process.pid)
            peaks[:] = [max(peaks[0], total), max(peaks[1], largest)]
            stop.wait(RSS_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    if sys.platform.startswith("linux"):
        sampler.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)  # CPU time of it and its workers
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    seconds = time.perf_counter() - started
    stop.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"cleaner clean failed with exit code {process.returncode}")
    report = json.loads((output / "_report.json").read_text())
    return {
        "seconds": seconds,
        "documents": report["documents"]["in"],
        "bytes": report["bytes"]["files_read"],
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "tree_rss": peaks[0],
        "largest_rss": peaks[1],
    }


def measure_speed(
    work: Path, size: int, repeat: int, flags: list[str], texts: list[str]
) -> dict[int, dict]:
    """Median end-to-end time with 1 and 2 workers, runs interleaved so that noise on this
    shared machine hits both alike."""
    source = work / "speed"
    generate_corpus(source, size, texts)
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for _ in range(repeat):
        for jobs in (1, 2):
            runs[jobs].append(run_cli(source, work / f"out-{jobs}", jobs, flags))
    shutil.rmtree(work / "out-1"), shutil.rmtree(work / "out-2")
    return {jobs: median_run(results) for jobs, results in runs.items()}


def _clean_for(seconds: float, texts: list[str], config: CleanerConfig) -> int:
    """Clean texts round and round for about `seconds` of CPU; the count cleaned."""
    clean = cleaner_for(config).clean
    started, count = time.process_time(), 0
    while time.process_time() - started < seconds:
        clean(texts[count % len(texts)])
        count += 1
    return count


def measure_control(texts: list[str], config: CleanerConfig, repeat: int) -> float:
    """Speed-up of 2 processes over 1 on pure cleaning (no batch layer), median."""
    sample = texts[:500]
    ratios = []
    with get_context("spawn").Pool(2) as pool:
        pool.starmap(_clean_for, [(0.2, sample, config)] * 2)  # start both, build Cleaners
        for _ in range(repeat):
            started = time.perf_counter()
            pool.starmap(_clean_for, [(2.0, sample, config)])
            one = time.perf_counter() - started
            started = time.perf_counter()
            pool.starmap(_clean_for, [(2.0, sample, config)] * 2)
            ratios.append(2 * one / (time.perf_counter() - started))
    return statistics.median(ratios)


def median_run(results: list[dict]) -> dict:
    best = dict(results[0])
    for key in ("seconds", "cpu_seconds"):
        best[key] = statistics.median(r[key] for r in results)
    return best


def measure_memory(
    work: Path, sizes: list[int], flags: list[str], texts: list[str]
) -> dict[int, dict]:
    """One 2-worker run per corpus size, each corpus deleted right after."""
    results = {}
    for size in sizes:
        source = work / f"memory-{size}"
        print(f"  generating {human(size)} ...", file=sys.stderr, flush=True)
        generate_corpus(source, size, texts)
        print(f"  cleaning {human(size)} with 2 workers ...", file=sys.stderr, flush=True)
        results[size] = run_cli(source, work / "out-memory", 2, flags)
        shutil.rmtree(source), shutil.rmtree(work / "out-memory")
    return results


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10MB,2GB", help="corpus sizes for the RSS check, smallest first"
    )
    parser.add_argument(
        "--speed-size",
        default="200MB",
        help="corpus for speed and overhead: large enough that starting workers (about half "
        "a CPU second each) weighs as little as in a real corpus run",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument(
        "--pipeline",
        choices=("rules", "default"),
        default="rules",
        help="rules only (default: measures the batch layer, not the model) or the default",
    )
    parser.add_argument(
        "--source",
        choices=("auto", "pages", "fixtures"),
        default="auto",
        help="documents: real pages if ../shared/data is there (auto), or fixture articles",
    )
    parser.add_argument("--temp-dir", default=None, help="where to generate corpora")
    args = parser.parse_args()
    flags = ["--rules-only"] if args.pipeline == "rules" else []
    config = CleanerConfig(model=None) if args.pipeline == "rules" else CleanerConfig()
    sizes = [parse_size(size) for size in args.sizes.split(",")]
    described, texts = documents(args.source)
    print(
        f"cleaner {cleaner.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, pipeline: {args.pipeline}, median of {args.repeat}, "
        f"documents: {described}",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(dir=args.temp_dir, prefix="cleaner-bench-") as temp:
        work = Path(temp)
        print(f"speed: {human(parse_size(args.speed_size))} corpus ...", file=sys.stderr)
        speed = measure_speed(work, parse_size(args.speed_size), args.repeat, flags, texts)
        print("control: Cleaner.clean in 1 and 2 processes ...", file=sys.stderr)
        control = measure_control(texts, config, args.repeat)
        print("overhead: run_batch vs Cleaner.explain ...", file=sys.stderr)
        cpu = cpu_overhead(work / "speed", work / "out-batch", args.repeat, config)
        print("overhead: instructions under callgrind (a few minutes) ...", file=sys.stderr)
        instructions = instruction_overhead(work / "speed", work, args.pipeline)
        print("memory ...", file=sys.stderr)
        memory = measure_memory(work, sizes, flags, texts)
    print_table(speed, control, overhead_rows(cpu, instructions), memory)


def print_table(
    speed: dict[int, dict], control: float, overhead: list[tuple[str, str, str, str]], memory: dict
) -> None:
    rows = []
    for jobs, run in speed.items():
        rate = run["bytes"] / 1e6 / run["seconds"]
        docs = run["documents"] / run["seconds"]
        cpu = f"{run['cpu_seconds']:.1f} CPU s in {run['seconds']:.1f} s"
        rows.append(
            (
                f"throughput, {jobs} worker(s)",
                f"{rate:.2f} MB/s, {docs:,.0f} docs/s ({cpu})",
                "",
                "",
            )
        )
    speedup = speed[1]["seconds"] / speed[2]["seconds"]
    ok = speedup >= SPEEDUP_TARGET
    rows.append(("speed-up, 2 workers", f"{speedup:.2f}x", f">= {SPEEDUP_TARGET}x", verdict(ok)))
    rows.append(("control: Cleaner.clean alone, 2 processes", f"{control:.2f}x", "", ""))
    cost = speed[2]["cpu_seconds"] / speed[1]["cpu_seconds"]
    rows.append(("CPU of 2 workers / CPU of 1", f"{cost:.2f}", "", ""))
    base = memory[min(memory)]
    for size, run in memory.items():
        # The verdict is on the memory of all processes together: what a machine must have.
        growth = run["tree_rss"] / base["tree_rss"]
        largest = run["largest_rss"] / base["largest_rss"]
        value = (
            f"{run['tree_rss'] / 1e6:.0f} MB all processes ({growth:.2f}x), "
            f"{run['largest_rss'] / 1e6:.0f} MB largest ({largest:.2f}x)"
        )
        rate = run["bytes"] / 1e6 / run["seconds"]
        first = run is base
        target = "" if first else f"<= {RSS_GROWTH_TARGET}x of {human(min(memory))}"
        mark = "" if first else verdict(growth <= RSS_GROWTH_TARGET)
        rows.append((f"peak RSS, {human(size)} corpus ({rate:.1f} MB/s)", value, target, mark))
    rows += overhead
    print("| measure | value | target | verdict |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
