"""The router: `fast` when the predictor trusts it, trafilatura (run for real) when it says
trafilatura's result is better; the choice and the confidence are on the result."""

from __future__ import annotations

import numpy as np

from cleaner import Cleaner
from cleaner.confidence.predictor import QualityModel, Regressor
from cleaner.html.backends.fast import FastBackend
from cleaner.html.backends.router import RouterBackend
from cleaner.models.trees import TreeStage
from tests.html_pages import PAGE, PROSE_1

IDENTITY = (np.asarray([0.0, 1.0]), np.asarray([0.0, 1.0]))


def constant(value: float) -> Regressor:
    """A regressor that predicts `value` for every row (one tree, one leaf)."""
    leaf = TreeStage(
        np.zeros(1, np.int32),
        np.full(1, np.inf),
        np.zeros(2, np.int32),
        np.zeros(1, np.float32),
        np.zeros(1, np.int32),
        0,
        value,
    )
    return Regressor(leaf, *IDENTITY)


def quality(fast: float, pair_fast: float, pair_other: float, gate: float = 0.8) -> QualityModel:
    regressors = {
        "fast": constant(fast),
        "pair_fast": constant(pair_fast),
        "pair_other": constant(pair_other),
        "other": constant(0.5),
        "text": constant(0.5),
    }
    return QualityModel(regressors, gate=gate, margin=0.02, info={})


def routed(model: QualityModel, page: str = PAGE):
    cleaner = Cleaner()
    router = RouterBackend(FastBackend(cleaner.dom_index), model)
    return router.clean(page, None, cleaner.pipeline)


def test_a_trusted_fast_result_stands_and_trafilatura_is_not_run(monkeypatch):
    import cleaner.html.backends.router as router_module

    def never(*args, **kwargs):
        raise AssertionError("trafilatura ran although fast was trusted")

    monkeypatch.setattr(router_module, "extract_text", never)
    result = routed(quality(fast=0.9, pair_fast=0.0, pair_other=1.0))
    assert result.route is not None and result.route.extractor == "fast"
    assert "at least the gate 0.80" in result.route.reason
    assert result.confidence == 0.9
    assert PROSE_1 in result.text


def test_a_doubtful_fast_result_is_compared_with_trafilatura():
    result = routed(quality(fast=0.5, pair_fast=0.6, pair_other=0.9))
    assert result.route is not None and result.route.extractor == "trafilatura"
    assert "below the gate" in result.route.reason and "trafilatura 0.90" in result.route.reason
    assert result.confidence == 0.9
    assert PROSE_1 in result.text  # trafilatura's extraction, cleaned by the same filters
    assert result.document.origin == "extract"


def test_fast_is_kept_unless_trafilatura_is_predicted_better_by_the_margin():
    result = routed(quality(fast=0.5, pair_fast=0.8, pair_other=0.81))
    assert result.route is not None and result.route.extractor == "fast"
    assert result.confidence == 0.8


def test_the_default_html_backend_is_the_router_with_a_confidence():
    cleaner = Cleaner()
    assert cleaner.backends["auto"].name == "router"
    result = cleaner.explain_html(PAGE)
    assert result.route is not None and result.route.extractor in ("fast", "trafilatura")
    assert result.confidence is not None and 0.0 <= result.confidence <= 1.0
    for backend in ("fast", "trafilatura", "guided"):
        other = cleaner.explain_html(PAGE, backend=backend)
        assert other.confidence is not None and 0.0 <= other.confidence <= 1.0
        assert other.route is None
    text = cleaner.explain(result.text)
    assert text.confidence is not None and 0.0 <= text.confidence <= 1.0


def test_other_models_get_no_confidence_and_no_router():
    rules_only = Cleaner(model=None)
    assert rules_only.backends["auto"].name == "trafilatura"
    assert rules_only.backends["router"].name == "trafilatura"
    assert rules_only.explain_html(PAGE).confidence is None
    assert rules_only.explain("Some text.\nADVERTISEMENT").confidence is None
