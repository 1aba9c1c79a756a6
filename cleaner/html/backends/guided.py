"""The `guided` backend: trafilatura's extraction, checked against our DOM block model.

trafilatura picks one part of the page well, but on a page it misreads it keeps too little
(one section of a long article, the first posts of a thread, a product's blurb without its
description), and its own fallback (readability-lxml and jusText, run on every page) costs
about a sixth of its time. So trafilatura runs without that fallback (`fast=True`), and the
page's DOM blocks are judged as the `fast` backend judges them (DOM rules, text rules, DOM
block model); then, per page:

- when trafilatura's text has fewer than `SHORT_RATIO` of the words the model calls content,
  trafilatura missed the article, and the Document is the page's DOM blocks: the pipeline
  cleans the page as the `fast` backend would;
- otherwise the Document is trafilatura's lines (an `EXTRACT` document) plus the blocks the
  model calls content that sit *inside* the stretch of the page trafilatura took (between
  the first and the last block its lines came from) and are missing from its text, put back
  where they stand: headings, lists and tables trafilatura's own filters dropped.

The judging here is part of extraction, like trafilatura's own heuristics: it uses the
config's rule packs and the shipped DOM block model, whatever filters the pipeline runs.
How the thresholds were chosen, and what did not help: docs/decisions.md ("guided").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from cleaner.document import EXTRACT, Document, Removal
from cleaner.filters.dom_rules import DomRuleFilter
from cleaner.filters.learned import MIN_PAGE_WORDS
from cleaner.html.backends.base import DocumentBackend
from cleaner.html.backends.fast import fast_document
from cleaner.html.backends.trafilatura import extract_text, too_much_markup
from cleaner.html.dom_match import DomRuleIndex
from cleaner.models.dom_model import judge_dom
from cleaner.models.line_model import LineModel
from cleaner.pipeline import Draft, Filter, Pipeline
from cleaner.text.lines import word_tokens as tokens

# A block the DOM model gives at least this content probability counts as content (chosen
# with an earlier DOM model and not re-chosen since: docs/decisions.md, "guided").
CONTENT_PROBABILITY = 0.5
# trafilatura's text with fewer words than this share of the model's content words is taken
# as a miss (0.6-0.8 within 0.0015 of mean F1 on the training folds; 0.7 the best).
SHORT_RATIO = 0.7


class ContentTap:
    """The last step of the judging pipeline: records which blocks the rules left and the
    DOM model calls content (at least `CONTENT_PROBABILITY`). It proposes nothing: the
    judgement only decides the Document, the Cleaner's own pipeline cleans it.

    Made anew for every page (it keeps that page's verdict), unlike the shared filters."""

    name = "guided-content"

    def __init__(self, model: LineModel) -> None:
        self.model = model
        self.content: frozenset[int] | None = None  # None: the page was too small to judge

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        lines, words, probability = judge_dom(self.model, document, draft, MIN_PAGE_WORDS)
        if lines and words >= MIN_PAGE_WORDS:
            kept = np.flatnonzero(probability >= CONTENT_PROBABILITY).tolist()
            self.content = frozenset(lines[row] for row in kept)
        return ()


def word_key(text: str) -> str:
    """What a trafilatura line and a DOM block are matched by: their word tokens, so that
    spacing and punctuation trafilatura normalised differently do not matter."""
    return " ".join(tokens(text))


def source_blocks(lines: Sequence[str], keys: Sequence[str]) -> list[int | None]:
    """For each extracted line, the DOM block with the same words (the first such block
    after the previous line's, as the extraction keeps page order), or None."""
    where: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if key:
            where.setdefault(key, []).append(index)
    found: list[int | None] = []
    last = -1
    for line in lines:
        candidates = where.get(word_key(line), [])
        pick = next((c for c in candidates if c > last), candidates[0] if candidates else None)
        if pick is not None:
            last = pick
        found.append(pick)
    return found


def with_missing_content(
    lines: Sequence[str], blocks: Sequence[str], keys: Sequence[str], content: frozenset[int]
) -> list[str]:
    """`lines` plus the content blocks that lie between the first and the last block the
    lines came from and whose words are not already in the lines, each after the line of
    the nearest block before it."""
    sources = source_blocks(lines, keys)
    used = {b for b in sources if b is not None}
    if not used:
        return list(lines)
    taken = " " + " ".join(map(word_key, lines)) + " "
    after: dict[int, list[int]] = {}
    previous = min(used)
    for index in range(min(used) + 1, max(used)):
        if index in used:
            previous = index
        elif index in content and keys[index] and f" {keys[index]} " not in taken:
            after.setdefault(previous, []).append(index)
    merged: list[str] = []
    for line, source in zip(lines, sources, strict=True):
        merged.append(line)
        if source is not None:
            merged.extend(blocks[i] for i in after.pop(source, ()))
    return merged


class GuidedBackend(DocumentBackend):
    """trafilatura's lines checked against the DOM blocks (module docstring).

    `rules`: the DOM rules in force; `judges`: the text-rule filters that judge the blocks
    before the model; `model`: the DOM block model."""

    name = "guided"

    def __init__(self, rules: DomRuleIndex, judges: Sequence[Filter], model: LineModel) -> None:
        self.rules = rules
        self.judges = tuple(judges)
        self.model = model

    def document(self, html: str, url: str | None) -> Document:
        blocks = fast_document(html, self.rules)
        if too_much_markup(html):
            return blocks  # as when trafilatura keeps too little
        extracted = extract_text(html, url, fast=True)
        lines = [line for line in extracted.split("\n") if line.strip()]
        content = self.content_blocks(blocks)
        if content is None:
            return Document.from_text("\n".join(lines), EXTRACT)
        keys = [word_key(block) for block in blocks.lines]
        content_words = sum(len(keys[i].split()) for i in content)
        if len(tokens(extracted)) < SHORT_RATIO * content_words:
            return blocks
        merged = with_missing_content(lines, blocks.lines, keys, content)
        return Document.from_text("\n".join(merged), EXTRACT)

    def content_blocks(self, blocks: Document) -> frozenset[int] | None:
        """The blocks the DOM block model calls content after the rules, or None when the
        page is too small (or empty) for the model to judge."""
        if not blocks.lines:
            return None
        tap = ContentTap(self.model)
        Pipeline([DomRuleFilter(), *self.judges, tap]).run(blocks)
        return tap.content
