"""The tail guard: decides whether a tail marker really starts a site tail.

A marker such as "More in Local News" or "Related Articles" usually starts the block of
teasers, boxes and asks under an article, and everything from it on can go. But the same
words can be a subheading in the middle of an article ("Trending", "Recommended" in a
review). The guard tells the two apart by what follows the marker:

- Teasers alternate short headlines, captions and one-line summaries, so prose paragraphs
  (a sentence-final line of some length) come one or two at a time. An article going on
  gives a run of prose paragraphs. A run of `ARTICLE_RUN` after the marker keeps the tail.
- The article is what came before the marker. If more prose follows the marker than
  precedes it, the marker is near the top (a "Trending" rail above the story) and the
  cut would eat the article: keep it.

Only lines that survive the other filters count, so the decision does not change when the
output is cleaned again. Everything is computed in one pass from each end, so a page with
100,000 marker lines costs the same as one with one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.text import ends_like_sentence, word_count

# A prose paragraph: ends like a sentence and is longer than a label or a short box line
# ("> Give us your news tips." is 5 words). 40 characters covers scripts without spaces.
PROSE_MIN_WORDS = 8
PROSE_MIN_CHARS = 40

# Three prose paragraphs in a row after a marker: the article goes on, the marker is a
# subheading. Teaser blocks alternate headline and summary, so they rarely reach two.
ARTICLE_RUN = 3


def prose_words(line: str) -> int:
    """Words of a prose paragraph, or 0 if the line does not read as one."""
    if not ends_like_sentence(line):
        return 0
    words = word_count(line)
    if words >= PROSE_MIN_WORDS or len(line.strip()) >= PROSE_MIN_CHARS:
        return max(words, 1)
    return 0


@dataclass(frozen=True, slots=True)
class TailEvidence:
    """Per-line facts the guard needs, computed once per document."""

    longest_run_after: tuple[int, ...]
    prose_before: tuple[int, ...]
    prose_after: tuple[int, ...]

    def blocks_cut_at(self, index: int) -> str | None:
        """Why a tail must not start at line `index`, or None when it may."""
        run = self.longest_run_after[index]
        if run >= ARTICLE_RUN:
            return f"the article goes on: {run} prose paragraphs in a row follow"
        before, after = self.prose_before[index], self.prose_after[index]
        if after > before:
            return f"more prose follows ({after} words) than precedes it ({before} words)"
        return None

    def describe_after(self, index: int) -> str:
        """Why the tail may go, for the removal's reason."""
        return (
            "what follows reads like teasers: at most "
            f"{self.longest_run_after[index]} prose paragraph(s) in a row, "
            f"{self.prose_after[index]} prose words after vs {self.prose_before[index]} before"
        )


class TailGuard:
    """Builds TailEvidence for the lines that survive the other filters (None = gone/blank)."""

    def prepare(self, survivors: Sequence[str | None]) -> TailEvidence:
        count = len(survivors)
        words = [0 if line is None else prose_words(line) for line in survivors]
        before = [0] * count
        total = 0
        for index in range(count):
            before[index] = total
            total += words[index]
        after = [0] * count
        longest = [0] * count
        total = run = best = 0
        for index in range(count - 1, -1, -1):
            after[index] = total
            longest[index] = best
            if survivors[index] is None:
                continue  # removed and blank lines neither break nor extend a run
            total += words[index]
            run = run + 1 if words[index] else 0
            best = max(best, run)
        return TailEvidence(tuple(longest), tuple(before), tuple(after))
