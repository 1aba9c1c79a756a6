"""Text-mode benchmark: speed and quality of cleaner against reference line filters.

    python bench/bench_text.py [--data-dir D] [--limit N] [--repeat R] [--datasets a,b]

Every page of every dataset is rendered with ``innertext`` (cached in ``.cache/rendered``),
then each method cleans all pages in this one process; wall time is the median of
``--repeat`` runs. Scores follow design.md section 3 and are reported per dataset only.
See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.training.baselines import c4_line_filter, keep_everything
from cleaner.training.datasets import (
    MIN_GOLD_RECALL,
    RenderedPage,
    dataset_names,
    default_data_dir,
    rendered_pages,
)
from cleaner.training.scoring import Score, Summary, score_tokens, summarize, tokens

CleanFn = Callable[[str], str]

KEEP = "keep-everything"
C4_OURS = "C4 lines (ours)"
C4_DATATROVE = "C4 lines (datatrove)"
RULES_ONLY = "cleaner rules-only"
DEFAULT = "cleaner rules+model"
# Packs that remove text by policy (reader comments), left out of the rules-only row so its
# precision/recall verdict judges the named-boilerplate rules, as tests/quality/test_quality_gate.py
# does; the default row has every pack.
POLICY_PACKS = ("comments",)
# The budget for loading the shipped model, and how many fresh processes time it.
MODEL_LOAD_BUDGET_S = 0.3
MODEL_LOAD_RUNS = 5
# The pass criterion of the summary: users rank never losing article text first (design.md
# section 1), so rules may cost at most this much mean recall while raising precision.
MAX_RECALL_LOSS = 0.01
HOSTILE_LINE_BYTES = 10_000_000
HOSTILE_LINE_COUNT = 100_000
BOILERPLATE_WORDS = ("Advertisement", "Share", "ADVERTISEMENT", "Subscribe", "Comments")
BOILERPLATE_LABELS = (
    "Advertisement",
    "ADVERTISEMENT",
    "Share",
    "Share this article",
    "Read more",
    "00:00",
    "Skip Ad",
    "Subscribe",
    "Related",
    "Sign up for our newsletter",
    "Comments",
    "Tweet",
)


@dataclass(frozen=True)
class MethodResult:
    """Median wall time of one method over a dataset, and its quality summary."""

    name: str
    seconds: float
    summary: Summary


def datatrove_c4() -> CleanFn | None:
    """datatrove's C4QualityFilter as a text -> text function, or None if not installed.

    Page-level drops are off (min_num_sentences=-1 also skips its sentence splitting);
    calling ``filter`` directly skips the pipeline machinery, the cheapest correct use.
    """
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters.c4_filters import C4QualityFilter
    except ImportError:
        return None
    c4 = C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False)

    def clean(text: str) -> str:
        document = Document(text=text, id="")
        c4.filter(document)
        kept: str = document.text
        return kept

    return clean


def methods() -> list[tuple[str, CleanFn]]:
    """The methods to compare, in table order; datatrove only when importable."""
    chosen: list[tuple[str, CleanFn]] = [(KEEP, keep_everything), (C4_OURS, c4_line_filter)]
    datatrove = datatrove_c4()
    if datatrove is None:
        print(
            "datatrove not installed: skipped its C4QualityFilter "
            "(install with `pip install 'datatrove>=0.10'`)\n"
        )
    else:
        chosen.append((C4_DATATROVE, datatrove))
    chosen.append((RULES_ONLY, cleaner.Cleaner(model=None, disabled_rules=POLICY_PACKS).clean))
    chosen.append((DEFAULT, cleaner.clean_text))
    return chosen


def run_once(fn: CleanFn, texts: Sequence[str]) -> tuple[float, list[str]]:
    """Wall time of cleaning every text once, and the outputs."""
    start = time.perf_counter()
    outputs = [fn(text) for text in texts]
    return time.perf_counter() - start, outputs


def bench_dataset(
    pages: Sequence[RenderedPage], chosen: Sequence[tuple[str, CleanFn]], repeat: int
) -> tuple[list[MethodResult], dict[str, list[str]]]:
    """Time every method ``repeat`` times (interleaved, so drift hits all alike) and score it.

    Outputs of the first run are scored; the methods are deterministic.
    """
    texts = [p.text for p in pages]
    gold_tokens = [tokens(p.gold) for p in pages]
    times: dict[str, list[float]] = {name: [] for name, _ in chosen}
    outputs: dict[str, list[str]] = {}
    for _ in range(repeat):
        for name, fn in chosen:
            seconds, result = run_once(fn, texts)
            times[name].append(seconds)
            outputs.setdefault(name, result)
    results = []
    for name, _ in chosen:
        scores: list[Score] = [
            score_tokens(tokens(out), gold)
            for out, gold in zip(outputs[name], gold_tokens, strict=True)
        ]
        results.append(MethodResult(name, statistics.median(times[name]), summarize(scores)))
    return results, outputs


def text_megabytes(texts: Sequence[str]) -> float:
    """Size of the input in MB (10^6 bytes) of UTF-8, the unit of the MB/s column."""
    return sum(len(text.encode("utf-8")) for text in texts) / 1e6


def method_table(results: Sequence[MethodResult], pages: int, megabytes: float) -> str:
    """Markdown table of speed and quality, one row per method."""
    rates = {r.name: pages / r.seconds if r.seconds > 0 else float("inf") for r in results}
    c4_rate = rates.get(C4_OURS)
    rows = [
        "| method | pages/s | MB/s | vs C4 (ours) | mean P | mean R | mean F1 | median F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        mbs = megabytes / r.seconds if r.seconds > 0 else float("inf")
        ratio = f"{rates[r.name] / c4_rate:.2f}" if c4_rate else "n/a"
        s = r.summary
        rows.append(
            f"| {r.name} | {rates[r.name]:,.0f} | {mbs:.1f} | {ratio} | "
            f"{s.mean_precision:.3f} | {s.mean_recall:.3f} | {s.mean_f1:.3f} | "
            f"{s.median_f1:.3f} |"
        )
    return "\n".join(rows)


def gate_row(name: str, results: Sequence[MethodResult]) -> str:
    """Summary row: rules-only vs keep-everything, PASS if P rises and R falls <= 0.01."""
    by_name = {r.name: r.summary for r in results}
    keep, rules = by_name[KEEP], by_name[RULES_ONLY]
    delta_p = rules.mean_precision - keep.mean_precision
    delta_r = rules.mean_recall - keep.mean_recall
    verdict = "PASS" if delta_p > 0 and -delta_r <= MAX_RECALL_LOSS else "FAIL"
    return f"| {name} | {rules.n} | {delta_p:+.4f} | {delta_r:+.4f} | {verdict} |"


def speed_row(name: str, results: Sequence[MethodResult], pages: int) -> str:
    """Summary row: pages/s of the full pipeline against the C4 filters, same run."""
    seconds = {r.name: r.seconds for r in results}
    full = pages / seconds[DEFAULT]
    cells = [f"{full:,.0f}"]
    for reference in (C4_OURS, C4_DATATROVE):
        if reference in seconds:
            c4 = pages / seconds[reference]
            cells.append(f"{c4:,.0f} ({full / c4:.2f}x)")
        else:
            cells.append("-")
    return f"| {name} | " + " | ".join(cells) + " |"


def model_load_seconds() -> list[float]:
    """Wall time of `default_model()` in fresh processes (import of numpy excluded: it is
    paid by `import cleaner`), so the number is what a crawler's first call costs."""
    code = (
        "import time, cleaner.models.line_model as m; t = time.perf_counter(); m.default_model(); "
        "print(time.perf_counter() - t)"
    )
    return [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(MODEL_LOAD_RUNS)
    ]


def hostile_long_line(rng: random.Random) -> str:
    """One ~10 MB line of random words, with a boilerplate word every ~50 words."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: list[str] = []
    size = 0
    while size < HOSTILE_LINE_BYTES:
        if rng.random() < 0.02:
            word = rng.choice(BOILERPLATE_WORDS)
        else:
            word = "".join(rng.choices(letters, k=rng.randint(2, 10)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


def hostile_many_lines(rng: random.Random) -> str:
    """100k short lines: half boilerplate labels, half short bits of text."""
    lines = []
    for number in range(HOSTILE_LINE_COUNT):
        if rng.random() < 0.5:
            lines.append(rng.choice(BOILERPLATE_LABELS))
        else:
            lines.append(f"Short line {number} about the council vote.")
    return "\n".join(lines)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise TimeoutError after ``seconds`` (POSIX main thread only; else no limit).

    A cleaner with catastrophic regex backtracking would otherwise hang the benchmark.
    """
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def bench_hostile(timeout: int) -> None:
    """Time clean_text on adversarial inputs, with keep-everything as reference."""
    rng = random.Random(20261122)
    cases = (
        ("one 10 MB line", hostile_long_line(rng)),
        ("100k short lines", hostile_many_lines(rng)),
    )
    print("## Hostile inputs\n")
    print("| input | MB | keep-everything s | clean_text s | output MB |")
    print("|---|---:|---:|---:|---:|")
    for label, text in cases:
        keep_seconds, _ = run_once(keep_everything, [text])
        try:
            with time_limit(timeout):
                seconds, (output,) = run_once(cleaner.clean_text, [text])
            cleaned = f"{seconds:.2f} | {text_megabytes([output]):.2f}"
        except TimeoutError:
            cleaned = f"TIMEOUT (> {timeout} s) | n/a"
        print(f"| {label} | {text_megabytes([text]):.1f} | {keep_seconds:.4f} | {cleaned} |")
    print()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of *.jsonl.gz datasets (default: $CLEANER_DATA_DIR or <repo>/../shared/data)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="first N pages of each dataset by id (default: all)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed runs per method; the median is reported (default: 3)",
    )
    parser.add_argument(
        "--datasets",
        default=None,
        help="comma-separated dataset names (default: every file present)",
    )
    parser.add_argument(
        "--renderer",
        default="innertext",
        choices=("innertext", "soup"),
        help="how pages become text (default: innertext)",
    )
    parser.add_argument(
        "--hostile-timeout",
        type=int,
        default=300,
        help="seconds before a hostile-input case is reported as TIMEOUT",
    )
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile inputs")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir: Path = args.data_dir or default_data_dir()
    try:
        available = dataset_names(data_dir)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    names = args.datasets.split(",") if args.datasets else available
    unknown = sorted(set(names) - set(available))
    if unknown:
        print(
            f"error: no dataset {', '.join(unknown)} in {data_dir} "
            f"(available: {', '.join(available)})",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    print(
        f"# cleaner text-mode benchmark\n\nPython {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.machine()}, "
        f"cleaner {cleaner.__version__}, renderer {args.renderer}, "
        f"median of {args.repeat} runs, limit {args.limit or 'all pages'}\n"
    )
    chosen = methods()
    gate_rows = []
    speed_rows: list[str] = []
    for name in names:
        load_start = time.perf_counter()
        pages = rendered_pages(name, args.renderer, data_dir, limit=args.limit)
        load_seconds = time.perf_counter() - load_start
        texts = [p.text for p in pages]
        megabytes = text_megabytes(texts)
        broken = sum(p.gold_recall < MIN_GOLD_RECALL for p in pages)
        results, outputs = bench_dataset(pages, chosen, args.repeat)
        print(
            f"## {name}\n\n{len(pages)} pages, {megabytes:.1f} MB of text, {broken} with "
            f"gold_recall < {MIN_GOLD_RECALL} (scored anyway); "
            f"rendered text loaded in {load_seconds:.1f} s\n"
        )
        print(method_table(results, len(pages), megabytes))
        if C4_DATATROVE in outputs:
            same = sum(a == b for a, b in zip(outputs[C4_OURS], outputs[C4_DATATROVE], strict=True))
            print(f"\nC4 (ours) output identical to datatrove's on {same}/{len(pages)} pages")
        print()
        gate_rows.append(gate_row(name, results))
        speed_rows.append(speed_row(name, results, len(pages)))
    print("## Summary: rules-only vs keep-everything\n")
    print(f"PASS = mean precision up and mean recall loss <= {MAX_RECALL_LOSS}\n")
    print("| dataset | pages | ΔP | ΔR | verdict |\n|---|---:|---:|---:|---|")
    print("\n".join(gate_rows) + "\n")
    print("## Summary: speed of rules+model against C4 line filters (pages/s, same run)\n")
    print("| dataset | rules+model | C4 (ours) | C4 (datatrove) |\n|---|---:|---:|---:|")
    print("\n".join(speed_rows) + "\n")
    loads = model_load_seconds()
    verdict = "PASS" if statistics.median(loads) < MODEL_LOAD_BUDGET_S else "FAIL"
    print(
        f"model load (fresh process, median of {len(loads)}): "
        f"{statistics.median(loads):.3f} s, budget {MODEL_LOAD_BUDGET_S} s: {verdict}\n"
    )
    if not args.no_hostile:
        bench_hostile(args.hostile_timeout)
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
