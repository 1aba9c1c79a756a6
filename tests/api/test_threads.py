"""One Cleaner shared by a threaded crawler: results from 8 threads equal the serial ones.

The core releases the GIL while it parses, walks, matches and scores, so threads run in
parallel (the speed-up is shown by `make bench`, bench/bench_core.py); this test checks the
other half of that promise: nothing is shared between calls that could mix two pages up.
"""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cleaner import Cleaner
from cleaner.training.render import render

PAGES = Path(__file__).resolve().parents[1] / "quality" / "data" / "pages.jsonl.gz"
THREADS = 8


def _pages() -> list[dict[str, str]]:
    with gzip.open(PAGES, "rt", encoding="utf-8") as rows:
        return [json.loads(row) for row in rows]


def test_eight_threads_give_the_serial_results() -> None:
    pages = _pages()
    cleaner = Cleaner()
    texts = [render("innertext", page["html"]) for page in pages]
    jobs = [("text", text, None) for text in texts]
    jobs += [("text-chain", text, None) for text in texts]
    jobs += [("html", page["html"], page.get("url")) for page in pages]
    jobs += [("html-rules", page["html"], page.get("url")) for page in pages]
    rules_only = Cleaner(model=None)

    def run(job: tuple[str, str, str | None]) -> tuple[str, tuple[object, ...]]:
        kind, content, url = job
        if kind == "text":
            cleaned = cleaner.explain(content)
        elif kind == "text-chain":  # `clean` of a text: the core chain, no removals
            return cleaner.clean(content), ()
        else:
            chosen = cleaner if kind == "html" else rules_only
            cleaned = chosen.explain_html(content, url, backend="fast")
        return cleaned.text, cleaned.removals

    serial = [run(job) for job in jobs]
    # Each page four times over, in an order that differs from the serial one.
    shuffled = [jobs[(k * 7) % len(jobs)] for k in range(len(jobs))] * 4
    with ThreadPoolExecutor(THREADS) as pool:
        threaded = list(pool.map(run, shuffled))
    expected = [serial[(k * 7) % len(jobs)] for k in range(len(jobs))] * 4
    assert len(threaded) == len(expected) == 4 * 4 * len(pages)
    assert threaded == expected
