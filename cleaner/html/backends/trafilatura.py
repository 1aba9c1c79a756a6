"""The `trafilatura` backend: trafilatura chooses the main text; our filters clean it.

Its Document has origin `EXTRACT`: the page's tail and shape are already gone, so the tail
rules and the learned filter leave it alone (see those filters) and the line and span rules
remove what it lets through (ad labels, player text, share labels). Settings of trafilatura
that were tried and not kept are in docs/decisions.md.
"""

from __future__ import annotations

from typing import Protocol

from cleaner.document import EXTRACT, Document
from cleaner.html.backends.base import DocumentBackend

# Markup a page may have for trafilatura to read it. trafilatura slows down quadratically on
# a paragraph of very many inline tags (20,000 <b>: 2 s; 40,000: 11 s; a fuzzed page ran
# for minutes: docs/decisions.md, "Input fuzzing"). No shared page has over 22,000 tags, so
# a page past this is no article trafilatura could read well: its DOM blocks are used.
MAX_TRAFILATURA_TAGS = 30_000


def too_much_markup(html: str) -> bool:
    """Whether trafilatura should not be run on `html` (see MAX_TRAFILATURA_TAGS)."""
    return html.count("<") > MAX_TRAFILATURA_TAGS


class PageBlocks(Protocol):
    def document(self, html: str, url: str | None) -> Document: ...


def extract_text(html: str, url: str | None = None, fast: bool = False) -> str:
    """The page's main text as trafilatura sees it (comments and metadata left out), one
    block per line; "" when the page has none. `fast` skips trafilatura's fallback
    extractors (readability-lxml, jusText): the `guided` backend checks the result against
    the DOM block model instead."""
    if not html.strip():
        return ""
    import trafilatura  # imported on first HTML page: `import cleaner` stays light

    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        output_format="txt",
        with_metadata=False,
        deduplicate=False,  # trafilatura's deduplication is process-wide state
        fast=fast,
    )
    return text or ""


class TrafilaturaBackend(DocumentBackend):
    """trafilatura's extraction as an `EXTRACT` document; `fallback` makes the Document of
    a page with too much markup for trafilatura (`too_much_markup`)."""

    name = "trafilatura"

    def __init__(self, fallback: PageBlocks) -> None:
        self.fallback = fallback

    def document(self, html: str, url: str | None) -> Document:
        if too_much_markup(html):
            return self.fallback.document(html, url)
        return Document.from_text(extract_text(html, url), EXTRACT)
