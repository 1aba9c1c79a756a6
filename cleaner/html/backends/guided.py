"""The `guided` backend: trafilatura's extraction, checked against our DOM block model.

trafilatura picks one part of the page well, but on a page it misreads it keeps too little
(one section of a long article, the first posts of a thread, a product's blurb without its
description), and its own fallback (readability-lxml and jusText, run on every page) costs
about a sixth of its time. So trafilatura runs without that fallback (`fast=True`), and the
page's DOM blocks are judged as the `fast` backend judges them (DOM rules, text rules, DOM
block model); then, per page:

- when trafilatura's text has fewer than `SHORT_RATIO` of the words the model calls content,
  trafilatura missed the article and the page is cleaned as the `fast` backend would clean
  it (with the model's `CONTENT_PROBABILITY` as its threshold);
- otherwise trafilatura's lines are kept, and the blocks the model calls content that sit
  *inside* the stretch of the page trafilatura took (between the first and the last block its
  lines came from) and are missing from its text are put back where they stand: headings,
  lists and tables trafilatura's own filters dropped from the middle of the page.

Chosen on the training site folds (wcxb_dev and readability folds 0-7, with the DOM model's
out-of-fold probabilities), mean F1 against trafilatura's default extraction: wcxb_dev
0.833 -> 0.860, readability 0.925 -> 0.948. On held-out pages it keeps that gain on wcxb_dev
(folds 8-9) and gains on cleaneval, but loses precision on the news sets (dragnet, l3s_gn1)
and on readability's held-out folds, whose gold is narrower than wcxb_dev's (README "HTML
pages"), so it is opt-in, not the default.
What did not help on the training folds (and is not done): dropping trafilatura's lines
whose block the DOM rules matched (-0.001 wcxb_dev) or the model scored low (-0.004 to
-0.007 wcxb_dev, -0.022 readability); putting back content blocks from outside
trafilatura's stretch (+0.026 wcxb_dev but -0.009 readability); also switching to `fast`
when trafilatura kept far more than the model (-0.011 to -0.020 wcxb_dev). Removals refer
to lines of `Cleaned.document`: the merged lines, or every block of the page when it fell
back to `fast`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from cleaner.document import Cleaned, Document, Removal
from cleaner.filters.learned import LEARNED_FILTER_NAME, MIN_PAGE_WORDS, LearnedFilter
from cleaner.html.backends import DomRuleFilter, HtmlDocument, text_pipeline
from cleaner.models.dom_model import dom_features
from cleaner.models.line_model import LineModel
from cleaner.pipeline import Draft, Filter, Pipeline
from cleaner.training.scoring import tokens

# A block the DOM model gives at least this content probability counts as content. Chosen
# with an earlier DOM model, whose out-of-fold probabilities sat near 0 or 1:
# putting blocks back at 0.5 ... 0.95 gave mean F1 within 0.001 of each other on the
# training folds. The model retrained with a stronger L2 penalty (`cleaner.training.train_dom`) is
# less sure of itself, and this was not re-chosen for it (README "HTML pages").
CONTENT_PROBABILITY = 0.5
# trafilatura's text with fewer words than this share of the model's content words is taken
# as a miss (training folds, tried with trafilatura's default extraction: 0.6, 0.7 and 0.8
# within 0.0015 of mean F1 of each other; 0.7 the best on wcxb_dev).
SHORT_RATIO = 0.7


class BlockVerdict:
    """The DOM model's call on the blocks the rules left, as removals below
    `CONTENT_PROBABILITY`; it also records which blocks it called content.

    Made anew for every page (it keeps that page's verdict), unlike the shared filters."""

    name = LEARNED_FILTER_NAME

    def __init__(self, model: LineModel) -> None:
        self.model = model
        self.content: frozenset[int] | None = None  # None: the page was too small to judge

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        features = dom_features(document, draft)
        if not features.lines or features.word_count() < MIN_PAGE_WORDS:
            return ()
        probability = self.model.content_probability(features)
        lines = features.lines
        self.content = frozenset(
            lines[row] for row in np.flatnonzero(probability >= CONTENT_PROBABILITY).tolist()
        )
        proposals = []
        for row in np.flatnonzero(probability < CONTENT_PROBABILITY).tolist():
            score = round(float(probability[row]), 3)
            reason = (
                f"DOM block model: content probability {score:.3f} is below "
                f"{CONTENT_PROBABILITY} (trafilatura kept too little of this page)"
            )
            proposals.append(Removal(lines[row], None, self.name, None, reason, score))
        return proposals


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


def guided_clean(
    extracted: str, document: HtmlDocument, filters: Sequence[Filter], model: LineModel
) -> Cleaned:
    """Clean a page from trafilatura's text (`extracted`) and the page's DOM blocks
    (`document`): the `fast` backend's result when trafilatura kept too little, else its
    lines plus the content it skipped inside them, through our rules (module docstring)."""
    rules = [f for f in filters if not isinstance(f, LearnedFilter)]
    verdict = BlockVerdict(model)
    judged = Pipeline([DomRuleFilter(), *rules, verdict]).run(document) if document.lines else None
    lines = [line for line in extracted.split("\n") if line.strip()]
    content = verdict.content
    if judged is None or content is None:
        return text_pipeline(filters).run(Document.from_text("\n".join(lines)))
    blocks = document.lines
    keys = [word_key(block) for block in blocks]
    content_words = sum(len(keys[i].split()) for i in content)
    if len(tokens(extracted)) < SHORT_RATIO * content_words:
        return judged
    merged = with_missing_content(lines, blocks, keys, content)
    return text_pipeline(filters).run(Document.from_text("\n".join(merged)))
