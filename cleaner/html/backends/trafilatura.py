"""The `trafilatura` backend: trafilatura chooses the main text; our filters clean it.

Its Document has origin `EXTRACT`: the page's tail and shape are already gone, so the tail
rules and the learned filter leave it alone (see those filters) and the line and span rules
remove what it lets through (ad labels, player text, share labels). Settings of trafilatura
that were tried and not kept are in docs/decisions.md.
"""

from __future__ import annotations

from cleaner.document import EXTRACT, Document


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


class TrafilaturaBackend:
    """trafilatura's extraction as an `EXTRACT` document."""

    name = "trafilatura"

    def document(self, html: str, url: str | None) -> Document:
        return Document.from_text(extract_text(html, url), EXTRACT)
