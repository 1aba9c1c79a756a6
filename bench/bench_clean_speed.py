"""Speed of `Cleaner().clean(text)` on rendered pages, single thread.

    python bench/bench_clean_speed.py [--dataset dragnet] [--limit 300] [--repeat 3]

Pages come from the render cache (`cleaner.training.datasets.rendered_pages`, innertext);
one warm-up pass loads the models, then the median of `--repeat` timed passes is printed as
pages per second. Run it with another checkout first on PYTHONPATH to compare versions.
"""

from __future__ import annotations

import argparse
import statistics
import time

import cleaner
from cleaner.training.datasets import rendered_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="dragnet")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = [page.text for page in rendered_pages(args.dataset, limit=args.limit, processes=1)]
    cleaner_ = cleaner.Cleaner()
    for text in texts:  # warm-up: models, caches
        cleaner_.clean(text)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for text in texts:
            cleaner_.clean(text)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"{cleaner.__file__}: {len(texts)} pages, median {median:.2f}s, "
        f"{len(texts) / median:.1f} pages/s (runs: {', '.join(f'{t:.2f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
