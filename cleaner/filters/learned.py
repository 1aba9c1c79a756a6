"""The learned filter: the models' verdict as Removals, after the rules have spoken.

One filter for every input: on scraped text it runs the line model; on a page's DOM blocks
the DOM block model, when it has one (the shipped models do); on an extractor's text it
abstains, since that text has lost the page shape the models learned from (trafilatura's
output scored lower with the line model than without it: docs/decisions.md).

It runs last, so it sees what the rules removed and cut (those hits are features: the line
after "ADVERTISEMENT" is often part of the ad) and proposes only lines still in place. Each
removal carries the model's content probability and the preset's threshold, so `explain`
shows how close the call was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from cleaner.document import DOM, EXTRACT, Document, Removal
from cleaner.html.headline import headline_line
from cleaner.models.dom_model import judge_dom
from cleaner.models.line_model import LineModel
from cleaner.pipeline import Draft
from cleaner.text.features import PageFeatures

LEARNED_FILTER_NAME = "model"
# Below this many words (in the lines the rules leave) the model abstains: its evidence is
# the page's shape (where the prose runs, what lies after it), and a snippet of a few lines
# has none. Rules still apply.
MIN_PAGE_WORDS = 40
# When the model would remove every line the rules left, the lines within this much content
# probability of the best one stay (`LearnedFilter(spare_best=...)`): a page of a few dozen
# words (a one-paragraph post under its comment form) whose every line scores just under
# the threshold is better served by its likeliest lines than by nothing.
SPARE_BEST_MARGIN = 0.1


# How a learned filter turns a page into model rows: the text line features by default (in
# one core call with the model, `LineModel.judge_text`); the DOM block model (HTML `fast`
# backend) passes its own, which add what the DOM knows.
FeatureFn = Callable[[Document, Draft], PageFeatures]
# How a learned filter scores a page in one core call, features and probabilities together:
# (model, document, draft, min_words) -> (lines, words, probabilities), as
# `LineModel.judge_text` does for text and `cleaner.models.dom_model.judge_dom` for blocks.
JudgeFn = Callable[[LineModel, Document, Draft, int], tuple[Sequence[int], int, np.ndarray]]


class ModelFilter:
    """Removes the lines one model scores below the preset's threshold.

    `features` computes the model's rows (default: the line features, computed with the
    probabilities in one core call); `judge` instead scores a page in one call of its own
    (the DOM block model's `judge_dom`), `label` names the model in each reason, and `digits`
    is how many decimals the reason shows (a threshold of 0.001 needs three). With
    `spare_best` it never empties a page: when every line left would go, those within
    `spare_best` of the highest probability stay. With `keep_headline` the block a page's
    titles name as its headline (`cleaner.html.headline`) stays whatever its score."""

    name = LEARNED_FILTER_NAME

    def __init__(
        self,
        model: LineModel,
        preset: str,
        features: FeatureFn | None = None,
        label: str = "learned model",
        digits: int = 2,
        spare_best: float | None = None,
        judge: JudgeFn | None = None,
        keep_headline: bool = False,
    ) -> None:
        self.model = model
        self.preset = preset
        self.threshold = model.threshold(preset)
        self.features = features
        self.label = label
        self.digits = digits
        self.spare_best = spare_best
        self.judge = judge
        self.keep_headline = keep_headline

    def _judge(self, document: Document, draft: Draft) -> tuple[Sequence[int], np.ndarray] | None:
        """Each row's line and content probability, or None when the model abstains (a page
        of fewer than `MIN_PAGE_WORDS` words)."""
        if self.judge is not None:
            lines, words, probability = self.judge(self.model, document, draft, MIN_PAGE_WORDS)
            return (lines, probability) if lines and words >= MIN_PAGE_WORDS else None
        if self.features is None:
            lines, words, probability = self.model.judge_text(draft, MIN_PAGE_WORDS)
            return (lines, probability) if lines and words >= MIN_PAGE_WORDS else None
        features = self.features(document, draft)
        if not features.lines or features.word_count() < MIN_PAGE_WORDS:
            return None
        return features.lines, self.model.content_probability(features)

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        judged = self._judge(document, draft)
        if judged is None:
            return ()
        lines, probability = judged
        removed = draft.removed
        threshold = self.threshold
        spared = self._spared(lines, probability, removed)
        headline = headline_line(document, draft) if self.keep_headline else None
        rows = np.flatnonzero(probability < threshold).tolist()
        removal = self.removals()
        return [
            removal(lines[row], value)
            for row, value in zip(rows, probability[rows].tolist(), strict=True)
            if not (removed[lines[row]] or row in spared or lines[row] == headline)
        ]

    def removals(self) -> Callable[[int, float], Removal]:
        """For one page: the removal of a line the model scored `value` (below the
        threshold). A page removes hundreds of lines whose scores repeat at three decimals,
        so each reason is written once per score (this ran for a quarter of a text page's
        time when every removal wrote its own)."""
        reasons: dict[float, str] = {}
        threshold, digits = self.threshold, self.digits

        def removal(line: int, value: float) -> Removal:
            score = round(value, 3)
            reason = reasons.get(score)
            if reason is None:
                reason = reasons[score] = (
                    f"{self.label}: content probability {score:.{digits}f} is below the "
                    f"{self.preset} threshold {threshold:.{digits}f}"
                )
            return Removal(line, None, self.name, None, reason, score)

        return removal

    def _spared(
        self, lines: Sequence[int], probability: np.ndarray, removed: tuple[bool, ...]
    ) -> frozenset[int]:
        """Rows kept although below the threshold: with `spare_best`, when no row the rules
        left reaches the threshold, those within `spare_best` of the best of them."""
        if self.spare_best is None:
            return frozenset()
        live = [row for row, line in enumerate(lines) if not removed[line]]
        if not live:
            return frozenset()
        best = float(probability[live].max())
        if best >= self.threshold:
            return frozenset()
        return frozenset(row for row in live if probability[row] >= best - self.spare_best)


def dom_model_filter(model: LineModel, preset: str) -> ModelFilter:
    """The DOM block model over a page's blocks, with reasons that say so. It never empties
    a page the rules left text in (`SPARE_BEST_MARGIN`: on the held-out sets that changed 6
    pages, none for the worse). Features and probabilities come from one core call a page."""
    return ModelFilter(
        model,
        preset,
        label="DOM block model",
        digits=3,
        spare_best=SPARE_BEST_MARGIN,
        judge=judge_dom,
        keep_headline=True,
    )


class LearnedFilter:
    """The learned filter of a pipeline: the line model on text, the DOM block model (when
    given) on DOM blocks, nothing on an extractor's text (module docstring).

    `model` is the line model, `dom_model` the DOM block model or None (a model of one's own
    is then applied to DOM blocks as lines)."""

    name = LEARNED_FILTER_NAME

    def __init__(self, model: LineModel, preset: str, dom_model: LineModel | None = None) -> None:
        self.model = model
        self.preset = preset
        self.dom_model = dom_model
        self.on_text = ModelFilter(model, preset)
        self.on_dom = self.on_text if dom_model is None else dom_model_filter(dom_model, preset)

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if document.origin == EXTRACT:
            return ()
        step = self.on_dom if document.origin == DOM else self.on_text
        return step.propose(document, draft)
