"""The `fast` backend: no trafilatura. The page is parsed once and walked into DOM blocks
(`cleaner.html.walk`); the DOM rules' matches ride on the blocks, and the pipeline's filters
judge them: the DOM-rule filter drops matched subtrees (ads, players, share bars, rails,
banners, comments, navigation), the text rules and the DOM block model the rest."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.html.backends.base import DocumentBackend
from cleaner.html.dom_match import DomRuleIndex
from cleaner.html.titles import page_titles
from cleaner.html.walk import page_blocks


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
