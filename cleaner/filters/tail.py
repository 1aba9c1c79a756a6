"""The tail guard: decides whether a tail marker really starts a site tail.

A marker such as "More in Local News" or "Related Articles" usually starts the block of
teasers, boxes and asks under an article, and everything from it on can go. But the same
words can be a subheading in the middle of an article ("Trending", "Recommended" in a
review). The guard tells the two apart by what follows the marker:

- Teasers alternate short headlines, captions and one-line summaries, so prose paragraphs
  (a sentence-final line of some length) come one or two at a time. An article going on
  gives a run of prose paragraphs. A run of `ARTICLE_RUN` after the marker keeps the tail.
- The article is what came before the marker. With little prose above it there is no
  article to cut a tail from (a listing page, or a "Trending" rail above the story); and
  a tail's prose is a fraction of the article's, so when much prose follows the marker
  the cut would likely eat the article: keep it.

Comment-section headers ("12 Comments", "Leave a Reply") need other tests: readers' prose
follows them, which the first and third tests would take for the article going on. Their
rules say `guard = "article-above"`: the marker cuts when there is an article above it and
the page's longest run of prose (the article: comments come a paragraph or two at a time,
between names and dates) starts above it too. The second test alone is not enough: a
"Comments (12)" link under a headline, or a sidebar's "5 Responses to ..." above the story,
may follow 60 words of teaser text. One reader who writes more than the article's longest
run breaks the longest-run test, so a thread is also recognised by its stamps ("Pat says:",
"March 3, 2026 at 9:14 am"): the first within a few lines of the header, the next within
a comment's length of it, and an article of twice the usual minimum above the header.
Forum pages, whose replies are the content, rarely pass: their opening post is short.

Markers are judged from the last to the first, and a tail that goes is gone for the
markers above it: each marker is judged on what will really follow it in the output. With
only surviving lines counted, cleaning the output again reaches the same decisions. One
backward pass: a page with 100,000 marker lines costs the same as one with one.

The guard runs in the native core (`core/src/rules/tail.rs`, called by `TailRuleFilter`
once per page); its thresholds are there. This module keeps what Python reports of a cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

MarkerT = TypeVar("MarkerT")


@dataclass(frozen=True, slots=True)
class TailCut(Generic[MarkerT]):
    """Where a tail starts, which marker opened it, and what the guard saw after it."""

    start: int
    marker: MarkerT
    longest_run: int
    prose_after: int
    prose_before: int

    lenient: bool = False

    def describe(self) -> str:
        if self.lenient:
            return f"a comment section under an article of {self.prose_before} prose words"
        return (
            "what follows reads like teasers: at most "
            f"{self.longest_run} prose paragraph(s) in a row, "
            f"{self.prose_after} prose words after vs {self.prose_before} before"
        )
