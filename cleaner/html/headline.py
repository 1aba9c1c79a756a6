"""Which block of a page is its headline: the one the page's own titles name.

The DOM block model judges a headline by its shape, and a short line in large type above
the article looks much like a section title or a teaser, so on held-out news pages it
dropped headlines a reader expects first (docs/decisions.md, "Headlines"). The page says
which line it is: `og:title`, `twitter:title` and `<title>` (`cleaner.html.titles`) hold the
headline, whole or with the site's name added. The headline block is the block still in
place that is most of a title (the one matching most words, then a heading, then the
earlier), else the page's one `<h1>`, else a part of `<title>` between its separators (last,
since the site's name is a part too). The bounds (a block of at most 40 words, a run of at
least 3 words and half the title, at most twice the longest title's length) are in
`core/src/chain/headline.rs`.
"""

from __future__ import annotations

from collections.abc import Sequence

import cleaner._core as _core
from cleaner.document import Document
from cleaner.pipeline import Draft


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


def headline_line(document: Document, draft: Draft) -> int | None:
    """The line of the page's headline block among those still in place, or None (no block
    matches a title in the page's head and no lone `<h1>` stands in). Chosen by the core
    (`core/src/chain/headline.rs`), which the one-call `fast` path uses too."""
    if not document.blocks:
        return None
    return _core.headline_line(
        list(document.titles),
        [block.heading for block in document.blocks],
        list(draft.texts),
        list(draft.removed),
    )
