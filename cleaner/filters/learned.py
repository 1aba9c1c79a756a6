"""The learned filter: the line model's verdict as Removals, after the rules have spoken.

It runs last, so it sees what the rules removed and cut (those hits are features: the line
after "ADVERTISEMENT" is often part of the ad) and proposes only lines still in place. Each
removal carries the model's content probability and the preset's threshold, so `explain`
shows how close the call was.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from cleaner.document import Document, Removal
from cleaner.features import page_features
from cleaner.model import LineModel
from cleaner.pipeline import Draft

LEARNED_FILTER_NAME = "model"
# Below this many words (in the lines the rules leave) the model abstains: its evidence is
# the page's shape (where the prose runs, what lies after it), and a snippet of a few lines
# has none. Rules still apply.
MIN_PAGE_WORDS = 40


class LearnedFilter:
    """Removes the lines the model scores below the preset's threshold."""

    name = LEARNED_FILTER_NAME

    def __init__(self, model: LineModel, preset: str) -> None:
        self.model = model
        self.preset = preset
        self.threshold = model.threshold(preset)

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        features = page_features(document, draft)
        if not features.lines or features.word_count() < MIN_PAGE_WORDS:
            return ()
        probability = self.model.content_probability(features)
        removed = draft.removed
        threshold = self.threshold
        proposals = []
        for row in np.flatnonzero(probability < threshold).tolist():
            line = features.lines[row]
            if removed[line]:
                continue
            score = round(float(probability[row]), 3)
            proposals.append(
                Removal(
                    line,
                    None,
                    self.name,
                    None,
                    f"learned model: content probability {score:.2f} is below the "
                    f"{self.preset} threshold {threshold:.2f}",
                    score,
                )
            )
        return proposals
