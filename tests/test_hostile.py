"""Linear time on hostile input (a smaller version of the benchmark's 10 MB cases): one
huge line, many short lines, many tail markers. Bounds are generous so a slow CI machine
does not flake; a catastrophic pattern takes minutes, not seconds."""

from __future__ import annotations

import time

from cleaner import Cleaner

RULES_ONLY = Cleaner(model=None)
BOUND_SECONDS = 20.0


def timed(text: str) -> tuple[str, float]:
    start = time.perf_counter()
    out = RULES_ONLY.clean(text)
    return out, time.perf_counter() - start


def test_one_megabyte_line():
    words = "council budget Advertisement ADVERTISEMENT Share the vote. " * 20_000
    out, seconds = timed(words[:1_000_000])
    assert seconds < BOUND_SECONDS and out


def test_one_megabyte_of_whitespace_and_punctuation():
    for filler in (" " * 1_000_000, "." * 1_000_000, "- " * 500_000, "…" * 300_000):
        _, seconds = timed("Head\n" + filler + "\nEnd.")
        assert seconds < BOUND_SECONDS


def test_twenty_thousand_short_lines_and_markers():
    lines = ["Share", "Related Articles", "A short headline", "More in Local News", "00:00"]
    out, seconds = timed("\n".join(lines * 4_000))
    assert seconds < BOUND_SECONDS
    assert RULES_ONLY.clean(out) == out
