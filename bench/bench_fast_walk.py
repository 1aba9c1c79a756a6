"""The `fast` backend's speed, single thread: whole pages (`Cleaner().clean_html`, default
model and rules) and the parse+walk alone (`fast_document`: the page's blocks with the DOM
rules' matches), as pages/s, median of ``--repeat`` runs over the same pages.

    python bench/bench_fast_walk.py [--limit 150] [--datasets dragnet,extra_fundus]

Runs in any checkout that has `cleaner.html.backends.fast.fast_document` (set PYTHONPATH to
it), so the numbers before and after a change of parser or walk come from one script.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

from cleaner import Cleaner
from cleaner.html.backends.fast import fast_document
from cleaner.training.datasets import MIN_GOLD_RECALL, load_dataset


def median_seconds(fn: Callable[[str, str | None], object], pages: list, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for page in pages:
            fn(page.html, page.url)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=150, help="pages per dataset")
    parser.add_argument("--datasets", default="dragnet,extra_fundus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    pages = [
        page
        for name in args.datasets.split(",")
        for page in load_dataset(name, None, args.limit, MIN_GOLD_RECALL)
    ]
    cleaner = Cleaner()
    cleaner.clean_html(pages[0].html, pages[0].url, backend="fast")  # load models once
    rows = {
        "parse+walk (fast_document)": lambda html, url: fast_document(html, cleaner.dom_index),
        "clean_html(backend='fast')": lambda html, url: cleaner.clean_html(
            html, url, backend="fast"
        ),
    }
    megabytes = sum(len(p.html.encode("utf-8")) for p in pages) / 1e6
    print(f"{len(pages)} pages, {megabytes:.1f} MB, median of {args.repeat}")
    for name, fn in rows.items():
        seconds = median_seconds(fn, pages, args.repeat)
        print(f"{name:30s} {seconds:7.2f} s  {len(pages) / seconds:7.1f} pages/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
