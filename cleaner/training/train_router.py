"""Train the quality predictor and choose the router's settings (`models/quality.npz`).

    python -m cleaner.training.train_router [--data-dir DIR] [--out FILE] [--limit N]

Rows come from `cleaner.training.router_data` (every page's `fast` and trafilatura results
judged by models that never saw the page). Only licence-eligible datasets train; each
regressor's calibration is fitted on predictions for datasets held out of the trees that
made them (leave one group out, the groups of `cleaner.training.loo`), and so are the router's
gate and margin. `fit_quality` with `without=` trains the predictor that scores one group
in the leave-one-dataset-out table.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.confidence.predictor import QualityModel, Regressor, doubtful, prefers_other
from cleaner.confidence.signals import HTML_SIGNALS, OTHER_SIGNALS
from cleaner.models.trees import from_sklearn
from cleaner.training.loo import ALL, holdout_group
from cleaner.training.router_data import DatasetRows

# Small, shallow and slow-learning: a few thousand pages, two dozen signals.
TREES = 150
MAX_DEPTH = 3
LEARNING_RATE = 0.05
MIN_LEAF = 20
SEED = 0
# The router may run a second extractor on at most this share of pages: the cost target is
# half of trafilatura's time per page, and `fast` itself takes about a fifth of it. 0.3 was
# tried: the same F1 within 0.004 on every held-out set, 0.05-0.1x more time
# (docs/decisions.md, "The router").
MAX_SECOND_SHARE = 0.2
GATES = tuple(np.round(np.arange(0.50, 0.99, 0.01), 2))
# Where the second extractor's own signals sit in a pair row.
OTHER_COLUMNS = slice(len(HTML_SIGNALS), len(HTML_SIGNALS) + len(OTHER_SIGNALS))
# trafilatura's result must be predicted better, never merely close: with margins down to
# -0.02 the extractor-gold sets chose -0.02 (their gold is an extractor's narrow output), and
# the held-out sets lost up to 0.001 more F1 and the ties went to trafilatura, which drops
# headlines (docs/decisions.md, "The router").
MARGINS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)


@dataclass(frozen=True)
class Table:
    """Rows of several datasets, concatenated, with each row's dataset and group."""

    datasets: np.ndarray
    groups: np.ndarray
    fast: np.ndarray
    pair: np.ndarray
    f1_fast: np.ndarray
    f1_other: np.ndarray
    text: np.ndarray  # both renderings stacked
    f1_text: np.ndarray
    text_groups: np.ndarray


def table(rows: Sequence[DatasetRows], full: bool = True) -> Table:
    """The rows of `rows` as one table; `full`: the second extractor is trafilatura with its
    fallback (else without)."""
    names = [np.full(len(r.page_ids), r.dataset) for r in rows]
    texts = [(r, k) for r in rows for k in sorted(r.text)]
    return Table(
        datasets=np.concatenate(names),
        groups=np.concatenate([np.full(len(r.page_ids), holdout_group(r.dataset)) for r in rows]),
        fast=np.concatenate([r.fast for r in rows]),
        pair=np.concatenate([r.pair_full if full else r.pair for r in rows]),
        f1_fast=np.concatenate([r.f1_fast for r in rows]),
        f1_other=np.concatenate([r.f1_full if full else r.f1_other for r in rows]),
        text=np.concatenate([r.text[k] for r, k in texts]),
        f1_text=np.concatenate([r.f1_text[k] for r, k in texts]),
        text_groups=np.concatenate(
            [np.full(len(r.text[k]), holdout_group(r.dataset)) for r, k in texts]
        ),
    )


def fit_trees(rows: np.ndarray, target: np.ndarray) -> object:
    """Regression trees of `target` on `rows` (needs the `train` extra)."""
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError as error:
        raise ImportError(
            "training needs scikit-learn: run `pip install 'cleaner[train]'`"
        ) from error

    model = HistGradientBoostingRegressor(
        max_iter=TREES,
        max_depth=MAX_DEPTH,
        learning_rate=LEARNING_RATE,
        min_samples_leaf=MIN_LEAF,
        early_stopping=False,
        random_state=SEED,
    )
    return model.fit(rows, target)


def out_of_group(rows: np.ndarray, target: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's prediction by trees fitted without its group."""
    predicted = np.zeros(len(rows))
    for group in np.unique(groups):
        inside = groups == group
        model = fit_trees(rows[~inside], target[~inside])
        predicted[inside] = model.predict(rows[inside])  # type: ignore[attr-defined]
    return predicted


def calibrate(raw: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knots of the isotonic map from raw predictions to measured F1."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, target)
    return np.asarray(iso.X_thresholds_, np.float64), np.asarray(iso.y_thresholds_, np.float64)


@dataclass(frozen=True)
class Routed:
    """Per page: whether the second extractor ran, whether its result was taken, the F1 of
    what was taken and the confidence given."""

    ran: np.ndarray
    took_other: np.ndarray
    f1: np.ndarray
    confidence: np.ndarray


def route(
    fast_conf: np.ndarray,
    pair_fast: np.ndarray,
    pair_other: np.ndarray,
    f1_fast: np.ndarray,
    f1_other: np.ndarray,
    gate: float,
    margin: float,
) -> Routed:
    """The router's choice on every page, given the three calibrated predictions."""
    ran = doubtful(fast_conf, gate)
    took = ran & prefers_other(pair_fast, pair_other, margin)
    confidence = np.where(ran, np.where(took, pair_other, pair_fast), fast_conf)
    return Routed(ran, took, np.where(took, f1_other, f1_fast), confidence)


def route_rows(
    model: QualityModel,
    fast: np.ndarray,
    pair: np.ndarray,
    f1_fast: np.ndarray,
    f1_other: np.ndarray,
) -> Routed:
    """The router's choice on rows of signals (`fast`, `pair`), as `model` makes it."""
    return route(
        model["fast"].predict(fast),
        model["pair_fast"].predict(pair),
        model["pair_other"].predict(pair),
        f1_fast,
        f1_other,
        model.gate,
        model.margin,
    )


def macro_mean(values: np.ndarray, datasets: np.ndarray) -> float:
    """The mean over datasets of each dataset's mean: no dataset outweighs the others."""
    return float(np.mean([values[datasets == name].mean() for name in np.unique(datasets)]))


def choose_settings(predictions: Mapping[str, np.ndarray], data: Table) -> tuple[float, float]:
    """The gate and margin with the best macro-mean F1 among those that run the second
    extractor on at most `MAX_SECOND_SHARE` of pages (out-of-group predictions)."""
    best = (-1.0, 0.0, 0.0)
    for gate in GATES:
        for margin in MARGINS:
            routed = route(
                predictions["fast"],
                predictions["pair_fast"],
                predictions["pair_other"],
                data.f1_fast,
                data.f1_other,
                float(gate),
                margin,
            )
            if routed.ran.mean() > MAX_SECOND_SHARE:
                continue
            score = macro_mean(routed.f1, data.datasets)
            if score > best[0]:
                best = (score, float(gate), margin)
    return best[1], best[2]


def fit_quality(rows: Sequence[DatasetRows], without: str = ALL) -> QualityModel:
    """The predictor trained on the eligible datasets of `rows` outside group `without`
    (every one for `ALL`), its settings chosen on their out-of-group predictions."""
    data = table([r for r in rows if holdout_group(r.dataset) not in (ALL, without)])
    targets = {
        "fast": (data.fast, data.f1_fast, data.groups),
        "pair_fast": (data.pair, data.f1_fast, data.groups),
        "pair_other": (data.pair, data.f1_other, data.groups),
        "other": (data.pair[:, OTHER_COLUMNS], data.f1_other, data.groups),
        "text": (data.text, data.f1_text, data.text_groups),
    }
    regressors, oof = {}, {}
    for name, (x, y, groups) in targets.items():
        raw = out_of_group(x, y, groups)  # what calibration and the settings are chosen on
        knots_x, knots_y = calibrate(raw, y)
        regressors[name] = Regressor(from_sklearn(fit_trees(x, y)), knots_x, knots_y)
        oof[name] = regressors[name].calibrated(raw)
        print(f"router: {name} regressor fitted (held out: {without})", file=sys.stderr)
    gate, margin = choose_settings(oof, data)
    info = {
        "held_out": without,
        "datasets": sorted(set(data.datasets.tolist())),
        "pages": len(data.fast),
        "text_rows": len(data.text),
        "max_second_share": MAX_SECOND_SHARE,
    }
    return QualityModel(regressors, gate, margin, info)


def main(argv: Sequence[str] | None = None) -> int:
    from cleaner.training.router_data import gather_rows

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("cleaner/models/quality.npz"))
    args = parser.parse_args(argv)
    rows = gather_rows(args.data_dir, None, args.limit)
    model = fit_quality(list(rows.values()))
    model.save(args.out)
    print(f"wrote {args.out} (gate {model.gate}, margin {model.margin})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
