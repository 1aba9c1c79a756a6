"""Which block of a page is its headline: the one the page's own titles name.

The DOM block model judges a headline by its shape, and a short line in large type above
the article looks much like a section title or a teaser, so on held-out news pages it
dropped headlines a reader expects first (docs/decisions.md, "Headlines"). The page says
which line it is: `og:title`, `twitter:title` and `<title>` (`cleaner.html.titles`) hold the
headline, whole or with the site's name added. The headline block is the block still in
place whose words are a title's, or the largest share of one (a site-name block also sits
inside `<title>`, but covers less of it); heading blocks win ties, then the earlier block.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.document import Document
from cleaner.pipeline import Draft
from cleaner.text.lines import word_tokens

# A block longer than this is a paragraph, whatever it repeats.
MAX_HEADLINE_WORDS = 40
# A block that is only part of a title must cover at least this share of its words: a
# headline does; the site name, a section word or a date does not.
MIN_TITLE_SHARE = 0.5
MIN_PART_WORDS = 3
# How many times the longest title's length a block may be and still be looked at: its words
# must be the title's, and only spacing and punctuation can make it longer.
MAX_TITLE_STRETCH = 2


def contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """Whether `needle` occurs in `haystack` as a contiguous run (an empty needle does not)."""
    size = len(needle)
    if not size or size > len(haystack):
        return False
    first = needle[0]
    return any(
        haystack[i] == first and list(haystack[i : i + size]) == list(needle)
        for i in range(len(haystack) - size + 1)
    )


def title_share(words: Sequence[str], titles: Sequence[Sequence[str]]) -> float:
    """The largest share of a title's words the block's words are (1.0: a title whole; 0:
    none, or a part shorter than `MIN_PART_WORDS` or `MIN_TITLE_SHARE`)."""
    best = 0.0
    for title in titles:
        if list(words) == list(title):
            return 1.0
        if len(words) >= MIN_PART_WORDS and contains_run(title, words):
            share = len(words) / len(title)
            if share >= MIN_TITLE_SHARE:
                best = max(best, share)
    return best


def headline_line(document: Document, draft: Draft) -> int | None:
    """The line of the page's headline block among those still in place, or None (no
    titles in the page's head, or no block that matches one)."""
    if not document.titles or not document.blocks:
        return None
    titles = [words for words in map(word_tokens, document.titles) if words]
    # A block that is a title, or part of one, is not much longer than the longest title:
    # paragraphs are passed over without tokenizing them (most of a page's blocks).
    longest = MAX_TITLE_STRETCH * max(map(len, document.titles))
    best: tuple[float, bool] = (0.0, False)
    chosen = None
    for line, block in enumerate(document.blocks):
        text = draft.texts[line]
        if draft.removed[line] or len(text) > longest:
            continue
        words = word_tokens(text)
        if not words or len(words) > MAX_HEADLINE_WORDS:
            continue
        rank = (title_share(words, titles), block.heading > 0)
        if rank[0] > 0 and rank > best:
            best, chosen = rank, line
    return chosen
