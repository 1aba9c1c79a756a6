"""HTML-mode speed: pages/s of every cleaner backend against trafilatura, in one process.

    python bench/bench_html.py [--data-dir D] [--limit N] [--repeat R] [--datasets a,b]

The first ``--limit`` pages (by id) of each dataset are read once; then every method runs
over all of them, ``--repeat`` times interleaved (so machine noise hits every method alike),
and the table shows the median wall time as pages/s and the ratio to trafilatura's. Quality
is not measured here: `cleaner eval --mode html` does that, on the held-out pages.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.config import EXTRACTORS
from cleaner.html.backends.trafilatura import extract_text
from cleaner.training.datasets import (
    MIN_GOLD_RECALL,
    Page,
    dataset_names,
    default_data_dir,
    load_dataset,
)

PageFn = Callable[[Page], str]
DEFAULT_DATASETS = ("dragnet", "l3s_gn1", "cleanportaleval", "wcxb_dev")
REFERENCE = "trafilatura (no comments)"


def _with_backend(default: cleaner.Cleaner, backend: str) -> PageFn:
    return lambda page: default.clean_html(page.html, page.url, backend=backend)


def methods() -> list[tuple[str, PageFn]]:
    """The reference first, then cleaner's default (`auto`: `fast` with the shipped model)
    and each backend by name (default model and rules)."""
    default = cleaner.Cleaner()
    return [
        (REFERENCE, lambda page: extract_text(page.html, page.url)),
        ("cleaner (default backend)", lambda p: default.clean_html(p.html, p.url)),
        *((f"cleaner --backend {name}", _with_backend(default, name)) for name in EXTRACTORS),
    ]


def time_once(fn: PageFn, pages: Sequence[Page]) -> float:
    start = time.perf_counter()
    for page in pages:
        fn(page)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=150, help="pages per dataset (default 150)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS))
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if not data_dir.is_dir():
        print(f"bench_html: no data in {data_dir}; set CLEANER_DATA_DIR", file=sys.stderr)
        return 2
    present = set(dataset_names(data_dir))
    names = [name for name in args.datasets.split(",") if name in present]
    pages = [
        page for name in names for page in load_dataset(name, data_dir, args.limit, MIN_GOLD_RECALL)
    ]
    megabytes = sum(len(p.html.encode("utf-8")) for p in pages) / 1e6
    runs = methods()
    for _, fn in runs:  # warm up: models, rule packs and lazy imports load outside the timing
        fn(pages[0])
    times: dict[str, list[float]] = {name: [] for name, _ in runs}
    for _ in range(args.repeat):
        for name, fn in runs:
            times[name].append(time_once(fn, pages))
    print(
        f"html mode speed: {len(pages)} pages ({megabytes:.1f} MB) from {', '.join(names)}; "
        f"median of {args.repeat}; one process; Python {platform.python_version()}"
    )
    print(f"  {'method':<32} {'pages/s':>9} {'ms/page':>8} {'vs trafilatura':>15}")
    reference = statistics.median(times[REFERENCE])
    for name, _ in runs:
        seconds = statistics.median(times[name])
        print(
            f"  {name:<32} {len(pages) / seconds:9.1f} {1000 * seconds / len(pages):8.2f} "
            f"{reference / seconds:14.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
