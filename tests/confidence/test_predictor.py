"""The quality predictor: trained out of group, calibrated, stored safely, loaded with checks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cleaner.confidence.predictor import (
    QUALITY_MODEL_FILE,
    QualityModelError,
    default_quality_model,
    load_quality_model,
)
from cleaner.confidence.signals import HTML_SIGNALS, PAIR_SIGNALS, TEXT_SIGNALS
from cleaner.training import train_router
from cleaner.training.router_data import DatasetRows
from cleaner.training.train_router import OTHER_COLUMNS, fit_quality, macro_mean, route_rows

PAGES = 60


def fake_rows(name: str, seed: int) -> DatasetRows:
    """Pages whose F1 follows one signal: `fast`'s kept word share, and for trafilatura the
    agreement recall, with noise; text F1 follows the paragraph share."""
    rng = np.random.default_rng(seed)
    fast = rng.random((PAGES, len(HTML_SIGNALS))).astype(np.float32)
    pair = rng.random((PAGES, len(PAIR_SIGNALS))).astype(np.float32)
    pair[:, : len(HTML_SIGNALS)] = fast
    kept = fast[:, HTML_SIGNALS.index("kept_word_share")]
    agree = pair[:, PAIR_SIGNALS.index("agreement_recall")]
    text = rng.random((PAGES, len(TEXT_SIGNALS))).astype(np.float32)
    noise = rng.normal(0, 0.05, PAGES).astype(np.float32)
    f1_fast = np.clip(kept + noise, 0, 1)
    f1_other = np.clip(agree - noise, 0, 1)
    return DatasetRows(
        dataset=name,
        page_ids=np.asarray([f"{name}-{i}" for i in range(PAGES)]),
        english=np.ones(PAGES, bool),
        fast=fast,
        pair=pair,
        pair_full=pair,
        f1_fast=f1_fast,
        f1_other=f1_other,
        f1_full=f1_other,
        f1_reference=f1_other,
        seconds_fast=np.full(PAGES, 0.01),
        seconds_other=np.full(PAGES, 0.04),
        seconds_reference=np.full(PAGES, 0.05),
        text={"innertext": text},
        f1_text={"innertext": np.clip(text[:, TEXT_SIGNALS.index("paragraph_word_share")], 0, 1)},
    )


@pytest.fixture(scope="module")
def rows() -> list[DatasetRows]:
    names = ("wcxb_dev", "readability", "extra_fundus", "extra_newspaper", "dragnet")
    return [fake_rows(name, seed) for seed, name in enumerate(names)]


@pytest.fixture(scope="module")
def model(rows):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_router, "TREES", 30)  # the shape is what is tested, not the fit
        return fit_quality(rows)


def regressor_inputs(rows: DatasetRows) -> dict[str, np.ndarray]:
    """What each regressor reads, from one dataset's rows."""
    return {
        "fast": rows.fast,
        "pair_fast": rows.pair,
        "pair_other": rows.pair,
        "other": rows.pair[:, OTHER_COLUMNS],
        "text": rows.text["innertext"],
    }


def test_trains_only_on_eligible_sets_and_learns_the_signal(model, rows):
    assert "dragnet" not in model.info["datasets"]  # eval-only: never trained on
    assert model.info["pages"] == 4 * PAGES
    held = rows[-1]
    predicted = model["fast"].predict(held.fast)
    assert np.all((predicted >= 0) & (predicted <= 1))
    assert np.corrcoef(predicted, held.f1_fast)[0, 1] > 0.8


def test_calibrated_means_match_measured_out_of_fold(model, rows):
    held = rows[-1]  # no regressor saw it
    predicted = model["fast"].predict(held.fast)
    assert abs(predicted.mean() - held.f1_fast.mean()) < 0.05


def test_the_router_settings_respect_the_cost_bound(model, rows):
    held = rows[-1]
    routed = route_rows(model, held.fast, held.pair, held.f1_fast, held.f1_other)
    assert routed.ran.mean() <= 0.35  # chosen at <= 20% on the training sets
    # Taking trafilatura only when predicted better never loses much against `fast`.
    assert routed.f1.mean() >= held.f1_fast.mean() - 0.01


def test_round_trip_and_loading_errors(model, rows, tmp_path):
    path = tmp_path / QUALITY_MODEL_FILE
    model.save(path)
    loaded = load_quality_model(path)
    assert (loaded.gate, loaded.margin) == (model.gate, model.margin)
    for name, signals in regressor_inputs(rows[0]).items():
        assert np.array_equal(loaded[name].predict(signals), model[name].predict(signals))
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(bytes(arrays["header"]).decode())
    header["signals"]["text"] = ["something", "else"]
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    stale = tmp_path / "stale.npz"
    np.savez(stale, **arrays)
    with pytest.raises(QualityModelError, match=r"reads other signals.*train_router"):
        load_quality_model(stale)
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(QualityModelError, match="not a quality model file"):
        load_quality_model(tmp_path / "junk.npz")


def test_macro_mean_weighs_datasets_alike():
    values = np.asarray([1.0, 1.0, 1.0, 0.0])
    assert macro_mean(values, np.asarray(["a", "a", "a", "b"])) == 0.5


def test_the_shipped_model_loads():
    shipped = default_quality_model()
    assert shipped is not None
    assert 0.0 < shipped.gate < 1.0
    assert "dragnet" not in shipped.info["datasets"]
