"""Headline kept: whether a cleaner's output keeps the page's headline, when the gold has one.

Gold definitions differ on titles (data/README.md): dragnet, l3s_gn1 and CleanPortalEval
start with the headline, wcxb_dev and fundus keep it in `meta.title` and out of the gold. A
bag-of-tokens F1 hardly notices a lost headline (ten tokens of a thousand), yet a reader
does, so it is measured on its own, only on pages whose gold starts with it:

- the page's headline candidates are its `<h1>` texts, `og:title` and `twitter:title`
  (matched whole) and its `<title>` (which often adds " | Site name", so matched as a
  contiguous part, of `MIN_TITLE_PART_TOKENS` tokens or more);
- the gold starts with the headline when its first line, of at most `MAX_HEADLINE_TOKENS`
  tokens, matches a candidate;
- the output keeps it when the headline's tokens appear in it in order, contiguously.

Tokens are the score's (`cleaner.training.scoring.tokens`), so case and punctuation do not
matter.
"""

from __future__ import annotations

from collections.abc import Sequence

import lxml.html
from lxml import etree

from cleaner.html.headline import contains_run
from cleaner.training.scoring import tokens

# A first gold line longer than this is a paragraph, not a headline.
MAX_HEADLINE_TOKENS = 40
# A gold first line matched only inside `<title>` must be at least this long: one or two
# words ("Home", "News") would match the title of almost any page.
MIN_TITLE_PART_TOKENS = 3
WHOLE_MATCH_XPATH = (
    "//h1",
    "//meta[@property='og:title']/@content",
    "//meta[@name='twitter:title']/@content",
)


def _texts(tree: etree._Element, xpath: str) -> list[str]:
    """Text of each node (or attribute value) the xpath selects."""
    found = []
    for node in tree.xpath(xpath):
        found.append(node.text_content() if hasattr(node, "text_content") else str(node))
    return found


def title_candidates(html: str) -> tuple[list[list[str]], list[list[str]]]:
    """Tokens of the headline candidates that must match whole (h1, og:title,
    twitter:title), and of those that may match in part (`<title>`); none for a page lxml
    cannot parse."""
    if not html.strip():
        return [], []
    try:
        tree = lxml.html.fromstring(html.encode("utf-8", "replace"))
    except (etree.ParserError, ValueError):
        return [], []
    whole = [tokens(text) for xpath in WHOLE_MATCH_XPATH for text in _texts(tree, xpath)]
    part = [tokens(text) for text in _texts(tree, "//title")]
    return [t for t in whole if t], [t for t in part if t]


def gold_headline(html: str, gold: str) -> tuple[str, ...] | None:
    """Tokens of the headline the gold starts with, or None when it does not start with one."""
    first_line = next((line for line in gold.splitlines() if line.strip()), "")
    headline = tokens(first_line)
    if not headline or len(headline) > MAX_HEADLINE_TOKENS:
        return None
    whole, part = title_candidates(html)
    if any(candidate == headline for candidate in whole):
        return tuple(headline)
    if len(headline) >= MIN_TITLE_PART_TOKENS and any(contains_run(t, headline) for t in part):
        return tuple(headline)
    return None


def headline_kept(output_tokens: Sequence[str], headline: Sequence[str]) -> bool:
    """Whether the output keeps the headline's tokens in order, contiguously."""
    return contains_run(output_tokens, headline)
