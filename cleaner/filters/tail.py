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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

import regex

from cleaner.text.lines import ends_like_sentence, word_count

# A prose paragraph: ends like a sentence and is longer than a label or a short box line
# ("> Give us your news tips." is 5 words). 40 characters covers scripts without spaces.
PROSE_MIN_WORDS = 8
PROSE_MIN_CHARS = 40

# Three prose paragraphs in a row after a marker: the article goes on, the marker is a
# subheading. Teaser blocks alternate headline and summary, so they rarely reach two.
ARTICLE_RUN = 3

# A tail follows an article: with fewer prose words than this above the marker there is no
# article to protect it from (a listing, a search page, a nav bar), so nothing is cut.
MIN_ARTICLE_WORDS = 60

# Teaser summaries are one line each; the article is most of the page's prose. A "tail" with
# more prose than this share of the article's is more likely the article's second half.
MAX_TAIL_PROSE_SHARE = 0.5

# A reader comment's stamp line: who wrote it and when ("August 2nd, 2012 at 12:36 pm",
# "October 18, 2012 8:44 PM", "Anonymous said...", "Pat says:", "3 hours ago"). Short
# lines only; comment threads put one between every two comments.
THREAD_STAMP = regex.compile(
    r"\b(?:said|says|wrote)\s?(?:\.\.\.|…|:)"  # Pat says:
    r"|\d:\d\d\b"  # 9:14 am
    r"|\b\d{1,3}\s(?:minute|hour|day|week|month|year)s?\sago\b",  # 3 hours ago
    regex.IGNORECASE,
)
STAMP_MAX_CHARS = 80
# A thread under a comment-section header: THREAD_STAMPS stamps, the first within
# THREAD_NEAR lines of the header and each next within THREAD_SPAN lines of the one before.
# Then the page's longest prose run may be one long comment, and an article of
# THREAD_ARTICLE_WORDS above the header is enough to cut.
THREAD_STAMPS = 2
THREAD_NEAR = 8
THREAD_SPAN = 40
THREAD_ARTICLE_WORDS = 2 * MIN_ARTICLE_WORDS

MarkerT = TypeVar("MarkerT")


def prose_words(line: str) -> int:
    """Words of a prose paragraph, or 0 if the line does not read as one."""
    if not ends_like_sentence(line):
        return 0
    words = word_count(line)
    if words >= PROSE_MIN_WORDS or len(line.strip()) >= PROSE_MIN_CHARS:
        return max(words, 1)
    return 0


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


def keeps_going(longest_run: int, prose_after: int, prose_before: int) -> bool:
    """True when the text after a marker does not read like a tail (so no cut): the article
    goes on after it, or there is no article above it, or too much prose follows."""
    return (
        longest_run >= ARTICLE_RUN
        or prose_before < MIN_ARTICLE_WORDS
        or prose_after > MAX_TAIL_PROSE_SHARE * prose_before
    )


def opens_tail(lenient: bool, longest_run: int, prose_after: int, prose_before: int) -> bool:
    """Whether a marker cuts: a lenient (comment-section) marker needs an article above it
    (the caller checks that the page's main prose run is above it, too); any other needs what
    follows to read like a tail (`keeps_going` false)."""
    if lenient:
        return prose_before >= MIN_ARTICLE_WORDS
    return not keeps_going(longest_run, prose_after, prose_before)


def thread_follows(survivors: Sequence[str | None], index: int, end: int) -> bool:
    """Whether stamp lines show a comment thread right under line `index` (up to `end`,
    where a tail already cut begins). Looks at most THREAD_NEAR + THREAD_SPAN lines per
    stamp, so a page of many headers stays linear."""
    found, limit, line_no = 0, min(end, index + 1 + THREAD_NEAR), index + 1
    while line_no < limit:
        line = survivors[line_no]
        if line is not None and len(line) <= STAMP_MAX_CHARS and THREAD_STAMP.search(line):
            found += 1
            if found == THREAD_STAMPS:
                return True
            limit = min(end, line_no + 1 + THREAD_SPAN)
        line_no += 1
    return False


def main_run_start(words: Sequence[int], survivors: Sequence[str | None]) -> int:
    """First line of the run of consecutive prose lines with the most prose words: where the
    article is. Removed and blank lines neither break nor extend a run; other lines break it."""
    best_start = best_words = 0
    start = total = 0
    for index, count in enumerate(words):
        if survivors[index] is None:
            continue
        if count == 0:
            total = 0
            continue
        if total == 0:
            start = index
        total += count
        if total > best_words:
            best_start, best_words = start, total
    return best_start


def find_tail(
    survivors: Sequence[str | None],
    markers: Sequence[MarkerT | None],
    lenient: Callable[[MarkerT], bool] = lambda marker: False,
) -> TailCut[MarkerT] | None:
    """The first line where a tail starts, or None.

    `survivors[i]` is line i as it will be output, or None if it is gone or blank;
    `markers[i]` is whatever identifies a marker on line i (a rule), or None; `lenient`
    tells the markers that need only an article above them (see the module docstring).
    """
    # prose_words with its common exit inlined: most lines do not end like a sentence.
    words = [
        0 if line is None or not ends_like_sentence(line) else prose_words(line)
        for line in survivors
    ]
    before = list(accumulate(words, initial=0))  # before[i]: prose words above line i
    # A marker with too little prose above it can never cut, so the backward scan stops at
    # the first one that can: on most pages that is near the end.
    first = next(
        (
            i
            for i, marker in enumerate(markers)
            if marker is not None and before[i] >= MIN_ARTICLE_WORDS
        ),
        None,
    )
    if first is None:
        return None
    cut: TailCut[MarkerT] | None = None
    after = run = best = 0
    article_start: int | None = None  # computed only if a lenient marker is met
    for index in range(len(words) - 1, first - 1, -1):
        marker = markers[index]
        if marker is not None:
            easy = lenient(marker)
            if easy and article_start is None:
                article_start = main_run_start(words, survivors)
            below_article = (
                not easy
                or (article_start is not None and article_start < index)
                or (
                    before[index] >= THREAD_ARTICLE_WORDS
                    and thread_follows(survivors, index, len(words) if cut is None else cut.start)
                )
            )
            if below_article and opens_tail(easy, best, after, before[index]):
                cut = TailCut(index, marker, best, after, before[index], easy)
                after = run = best = 0  # the tail goes: markers above see nothing of it
                continue
        if survivors[index] is None:
            continue  # removed and blank lines neither break nor extend a run
        after += words[index]
        run = run + 1 if words[index] else 0
        best = max(best, run)
    return cut
