"""The native core's targets in one table: speed against the reference tools, threads, memory.

    python bench/bench_core.py [--pages N] [--repeat R] [--rounds K] [--datasets a,b]

Pages: the first N (by id) of each dataset in ../shared/data (default: four sets of news and
mixed pages), rendered with `innertext` and `soup` through the cache in .cache/rendered.
Each row runs in a fresh child process (so its peak RSS is its own) and times `--repeat`
passes over all pages after one warm-up page; `--rounds` rounds run every row in turn, so
the rows share the machine's slow and fast minutes, and the table gives the median pass.
Ratios are against the baseline row of the same workload, measured in the same run:

- text, innertext and soup: the default pipeline (rules + line model) against datatrove's
  C4 line filter (its page-level drops off); target at least 3x its pages/s; and on
  innertext the rules alone (`model=None`), which shows what the line model costs;
- HTML: `fast` (the default pipeline on DOM blocks) against trafilatura with comments off;
  target at least 8x its pages/s;
- threads: the same HTML and text work split over 2 threads of one process, each working
  through its own share of the pages as a threaded crawler's workers would; target at most
  0.6x the serial time on 2 cores (the core releases the GIL).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.training.datasets import load_dataset, rendered_pages

DATASETS = ("dragnet", "l3s_gn1", "extra_fundus", "extra_newspaper4k")
TEXT_TARGET = 3.0
HTML_TARGET = 8.0
THREAD_TARGET = 0.6
THREADS = 2


@dataclass(frozen=True)
class Row:
    """One measured row: what it runs on (`inputs`) and how (`make` builds the per-page call)."""

    name: str
    inputs: str  # "innertext", "soup" or "html"
    threads: int = 1


ROWS = {
    "c4-innertext": Row("C4 lines (datatrove)", "innertext"),
    "cleaner-innertext": Row("cleaner default", "innertext"),
    "c4-soup": Row("C4 lines (datatrove)", "soup"),
    "cleaner-soup": Row("cleaner default", "soup"),
    "rules-innertext": Row("cleaner rules only (model=None)", "innertext"),
    "trafilatura": Row("trafilatura (no comments)", "html"),
    "cleaner-fast": Row("cleaner fast", "html"),
    "cleaner-fast-2t": Row("cleaner fast, 2 threads", "html", THREADS),
    "cleaner-innertext-2t": Row("cleaner default, 2 threads", "innertext", THREADS),
}


def datatrove_c4() -> Callable[[str], str]:
    """datatrove's C4QualityFilter as text -> text, page-level drops off (line rules only)."""
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    c4 = C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False)

    def clean(text: str) -> str:
        document = Document(text=text, id="")
        c4.filter(document)
        return str(document.text)

    return clean


def page_function(key: str) -> Callable[[tuple[str, str | None]], str]:
    """The per-page call of a row; inputs are (text or html, url)."""
    if key.startswith("c4-"):
        c4 = datatrove_c4()
        return lambda item: c4(item[0])
    if key == "trafilatura":
        import trafilatura

        return lambda item: trafilatura.extract(item[0], url=item[1], include_comments=False) or ""
    default = cleaner.Cleaner(model=None) if key.startswith("rules-") else cleaner.Cleaner()
    if ROWS[key].inputs == "html":
        return lambda item: default.clean_html(item[0], item[1], backend="fast")
    return lambda item: default.clean(item[0])


def load_inputs(inputs: str, datasets: Sequence[str], pages: int) -> list[tuple[str, str | None]]:
    items: list[tuple[str, str | None]] = []
    for name in datasets:
        if inputs == "html":
            items.extend((p.html, p.url) for p in load_dataset(name, limit=pages))
        else:
            items.extend((p.text, None) for p in rendered_pages(name, inputs, limit=pages))
    return items


def run_child(key: str, datasets: Sequence[str], pages: int, repeat: int) -> dict[str, object]:
    """Time one row in this process: `repeat` passes, after one warm-up page."""
    row = ROWS[key]
    items = load_inputs(row.inputs, datasets, pages)
    call = page_function(key)
    call(items[0])
    # Each thread works through its own share of the pages, and the threads live for the
    # whole row, as a crawler's workers do. `ThreadPoolExecutor.map` over pages would add a
    # future per page (its chunksize is ignored for threads), and fresh threads every pass
    # would start with cold regex caches (the `regex` crate keeps them per thread).
    shares = [items[k :: row.threads] for k in range(row.threads)]
    seconds = []
    with ThreadPoolExecutor(row.threads) as pool:
        for _ in range(repeat):
            start = time.perf_counter()
            if row.threads == 1:
                for item in items:
                    call(item)
            else:
                list(pool.map(lambda share: [call(item) for item in share], shares))
            seconds.append(time.perf_counter() - start)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"pages": len(items), "seconds": seconds, "rss_mb": rss_mb}


def measure(key: str, args: argparse.Namespace) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", key, "--pages", str(args.pages)]
    command += ["--repeat", str(args.repeat), "--datasets", ",".join(args.datasets)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"row {key} failed:\n{done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def merged(before: dict[str, object] | None, now: dict[str, object]) -> dict[str, object]:
    """One row's results of two rounds: every pass's seconds, the higher peak RSS."""
    if before is None:
        return now
    seconds = [*before["seconds"], *now["seconds"]]  # type: ignore[misc]
    rss = max(float(before["rss_mb"]), float(now["rss_mb"]))  # type: ignore[arg-type]
    return {"pages": now["pages"], "seconds": seconds, "rss_mb": rss}


def median_seconds(result: dict[str, object]) -> float:
    seconds = result["seconds"]
    assert isinstance(seconds, list)
    return float(statistics.median(seconds))


def pages_per_second(result: dict[str, object]) -> float:
    pages = result["pages"]
    assert isinstance(pages, int)
    return pages / median_seconds(result)


def table(results: dict[str, dict[str, object]]) -> list[str]:
    lines = [
        "| workload | method | pages | pages/s | vs baseline | target | peak RSS MB |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    groups = (
        ("text innertext", "c4-innertext", "cleaner-innertext", f">= {TEXT_TARGET:g}x"),
        ("text soup", "c4-soup", "cleaner-soup", f">= {TEXT_TARGET:g}x"),
        ("HTML", "trafilatura", "cleaner-fast", f">= {HTML_TARGET:g}x"),
    )
    for workload, base, ours, target in groups:
        base_rate = pages_per_second(results[base])
        rows = [(base, "baseline"), (ours, target)]
        if base == "c4-innertext":  # what the line model costs: the rules alone
            rows.append(("rules-innertext", ""))
        for key, goal in rows:
            result, rate = results[key], pages_per_second(results[key])
            lines.append(
                f"| {workload} | {ROWS[key].name} | {result['pages']} | {rate:,.0f} "
                f"| {rate / base_rate:.2f}x | {goal} | {result['rss_mb']:.0f} |"
            )
    lines += ["", "| threads | serial s | 2 threads s | ratio | target |"]
    lines += ["|---|---:|---:|---:|---|"]
    pairs = (("cleaner-fast", "cleaner-fast-2t"), ("cleaner-innertext", "cleaner-innertext-2t"))
    for serial, threaded in pairs:
        one, two = median_seconds(results[serial]), median_seconds(results[threaded])
        lines.append(
            f"| {ROWS[threaded].name} | {one:.2f} | {two:.2f} | {two / one:.2f}x "
            f"| <= {THREAD_TARGET:g}x |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="first N pages of each dataset")
    parser.add_argument("--repeat", type=int, default=3, help="passes per row and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of all rows")
    parser.add_argument("--datasets", type=lambda s: s.split(","), default=list(DATASETS))
    parser.add_argument("--child", choices=sorted(ROWS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.datasets, args.pages, args.repeat)))
        return 0
    # Rounds interleave the rows, so a slow minute of a shared machine hits every row alike
    # (run one after the other, the reference rows moved by 50% between runs).
    results: dict[str, dict[str, object]] = {}
    for round_number in range(1, args.rounds + 1):
        for key in ROWS:
            print(f"  round {round_number}: {key} ...", file=sys.stderr, flush=True)
            results[key] = merged(results.get(key), measure(key, args))
    passes = args.rounds * args.repeat
    print(
        f"{args.pages} pages of each of {', '.join(args.datasets)}; median of {passes} passes "
        f"({args.rounds} interleaved rounds of {args.repeat})\n"
    )
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
