"""Confidence for one result: the quality predictor's regressor for the kind of Document.

A page's DOM blocks (`fast`) are judged with the block signals, an extractor's text
(`trafilatura`) with its own signals and the page's metadata, scraped text with the text
signals (`cleaner.confidence.signals`). The router judges the two results it compares with
the pair regressors instead (`cleaner.html.backends.router`).
"""

from __future__ import annotations

from dataclasses import replace

from cleaner.confidence.predictor import QualityModel
from cleaner.confidence.signals import (
    article_body,
    html_signals,
    other_signals,
    text_signals,
)
from cleaner.document import DOM, EXTRACT, Cleaned
from cleaner.html.titles import page_titles
from cleaner.text.lines import word_tokens


def confidence(model: QualityModel, cleaned: Cleaned, html: str | None) -> float:
    """The calibrated predicted F1 of `cleaned` (`html`: the page, for HTML results)."""
    origin = cleaned.document.origin
    if html is not None and origin == DOM:
        row = html_signals(cleaned, html, article_body(html), word_tokens(cleaned.text))
        return model["fast"].one(row)
    if html is not None and origin == EXTRACT:
        row = other_signals(
            cleaned, html, word_tokens(cleaned.text), article_body(html), page_titles(html)
        )
        return model["other"].one(row)
    return model["text"].one(text_signals(cleaned))


def judged(model: QualityModel | None, cleaned: Cleaned, html: str | None) -> Cleaned:
    """`cleaned` with its confidence, unless there is no model or it has one already."""
    if model is None or cleaned.confidence is not None:
        return cleaned
    return replace(cleaned, confidence=round(confidence(model, cleaned, html), 4))
