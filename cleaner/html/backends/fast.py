"""The `fast` backend: no trafilatura. The page is parsed once and walked into DOM blocks
(`cleaner.html.walk`); the DOM rules' matches ride on the blocks, and the pipeline's filters
judge them: the DOM-rule filter drops matched subtrees (ads, players, share bars, rails,
banners, comments, navigation), the text rules and the DOM block model the rest. With the
default filters the whole page is one core call (`cleaner.filters.chain`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleaner.document import Cleaned, Document
from cleaner.html.backends.base import DocumentBackend
from cleaner.html.dom_match import DomRuleIndex
from cleaner.html.titles import page_titles
from cleaner.html.walk import page_blocks
from cleaner.pipeline import Pipeline

if TYPE_CHECKING:
    from cleaner.filters.chain import Chain


def fast_document(html: str, rules: DomRuleIndex) -> Document:
    """A page's DOM blocks as a `DOM` Document (empty for a page without text)."""
    return Document.from_blocks(page_blocks(html, rules), page_titles(html))


class FastBackend(DocumentBackend):
    """The page's DOM blocks, with the matches of the DOM rules in force."""

    name = "fast"

    def __init__(self, rules: DomRuleIndex) -> None:
        self.rules = rules

    def document(self, html: str, url: str | None) -> Document:
        return fast_document(html, self.rules)

    def _chain(self, pipeline: Pipeline) -> Chain | None:
        """The pipeline's one-call chain for pages walked with these DOM rules, if any."""
        chain = pipeline.chain
        usable = chain is not None and chain.page is not None and chain.dom_rules is self.rules
        return chain if usable else None

    def clean(self, html: str, url: str | None, pipeline: Pipeline) -> Cleaned:
        chain = self._chain(pipeline)
        if chain is None:
            return pipeline.run(self.document(html, url))
        return chain.explain_page(html)

    def text(self, html: str, url: str | None, pipeline: Pipeline) -> str:
        chain = self._chain(pipeline)
        if chain is None:
            return self.clean(html, url, pipeline).text
        return chain.clean_page(html)
