"""The `router` backend: `fast` on every page, trafilatura where `fast` looks doubtful.

No extractor wins on every page: `fast` keeps teaser rails on some modern news pages that
trafilatura drops, trafilatura keeps one fragment of forum, listing and service pages that
`fast` reads whole. So the page is cleaned as `fast` cleans it, and the quality predictor
(`cleaner.confidence.predictor`) reads that result's signals. When its predicted F1 is at
least the model's `gate`, that result stands (most pages: `fast` costs about a fifth of
trafilatura's time). Otherwise trafilatura extracts the page too, the filters clean its
text, and the pair regressors, which also see how far the two results agree, predict both
results' F1; trafilatura's result is taken when predicted at least `margin` higher. The
output's `route` names the extractor and the predictions behind the choice; its
confidence is the chosen result's predicted F1. Gate and margin were chosen out of fold
(`cleaner.training.train_router`); the figures are in the model card.
"""

from __future__ import annotations

from dataclasses import replace

from cleaner.confidence.predictor import QualityModel, doubtful, prefers_other
from cleaner.confidence.signals import article_body, html_signals, other_signals, pair_signals
from cleaner.document import EXTRACT, Cleaned, Document, Route
from cleaner.html.backends.fast import FastBackend
from cleaner.html.backends.trafilatura import extract_text, too_much_markup
from cleaner.pipeline import Pipeline
from cleaner.text.lines import word_tokens


class RouterBackend:
    """`fast`, or trafilatura when the quality predictor says so (module docstring)."""

    name = "router"

    def __init__(self, fast: FastBackend, model: QualityModel) -> None:
        self.fast = fast
        self.model = model

    def clean(self, html: str, url: str | None, pipeline: Pipeline) -> Cleaned:
        fast = self.fast.clean(html, url, pipeline)
        body = article_body(html)
        fast_tokens = word_tokens(fast.text)
        row = html_signals(fast, html, body, fast_tokens)
        alone = self.model["fast"].one(row)
        gate = self.model.gate
        if not doubtful(alone, gate):
            reason = f"fast's predicted F1 {alone:.2f} is at least the gate {gate:.2f}"
            return _chosen(fast, "fast", alone, reason)
        if too_much_markup(html):
            reason = (
                f"fast's predicted F1 {alone:.2f}; the page has too much markup for trafilatura"
            )
            return _chosen(fast, "fast", alone, reason)
        other = pipeline.run(Document.from_text(extract_text(html, url), EXTRACT))
        other_tokens = word_tokens(other.text)
        other_row = other_signals(other, html, other_tokens, body, fast.document.titles)
        pair = pair_signals(row, fast_tokens, other_row, other_tokens)
        for_fast = self.model["pair_fast"].one(pair)
        for_other = self.model["pair_other"].one(pair)
        compared = (
            f"fast's predicted F1 {alone:.2f} is below the gate {gate:.2f}; with both "
            f"results: trafilatura {for_other:.2f}, fast {for_fast:.2f}"
        )
        if prefers_other(for_fast, for_other, self.model.margin):
            return _chosen(other, "trafilatura", for_other, compared)
        return _chosen(fast, "fast", for_fast, compared)

    def text(self, html: str, url: str | None, pipeline: Pipeline) -> str:
        return self.clean(html, url, pipeline).text


def _chosen(cleaned: Cleaned, extractor: str, predicted: float, reason: str) -> Cleaned:
    return replace(cleaned, confidence=round(predicted, 4), route=Route(extractor, reason))
