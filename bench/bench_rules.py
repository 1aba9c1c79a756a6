"""Rules-only cleaning speed: `Cleaner(model=None).clean` over rendered pages, one thread.

    python bench/bench_rules.py [--dataset dragnet] [--pages 300] [--repeat 3] [--cache-dir D]

Prints pages/s, the median of `--repeat` passes over the first `--pages` pages (by id) of
the dataset rendered with `innertext`, after one warm-up page. Run it on two checkouts to
compare them (the rule matching moved from Python's `regex` into the core).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.training.datasets import rendered_pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="dragnet")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    texts = [
        page.text
        for page in rendered_pages(args.dataset, "innertext", cache_dir=args.cache_dir)[
            : args.pages
        ]
    ]
    rules_only = cleaner.Cleaner(model=None)
    rules_only.clean(texts[0])
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for text in texts:
            rules_only.clean(text)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    rate = len(texts) / median
    print(f"{len(texts)} pages, median of {args.repeat}: {median:.3f}s, {rate:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
