"""From examples to a model: the steps `cleaner train`, the DOM trainer and the
leave-one-dataset-out evaluation share (needs the `train` extra).

Both models go the same way (`cleaner.training.train_lines` has each step): stage-one
logits out of fold by site-fold groups, stage two cross-fitted on them, preset thresholds
tuned on the out-of-fold probabilities, then the final fit on every example. They differ
in stage one (trees for lines, hashed-token logistic for DOM blocks), its L2 strength, the
threshold grid and which pages thresholds are tuned on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleaner import __version__
from cleaner.models.line_model import LineModel
from cleaner.training.logistic import L2_ALPHA, SEED
from cleaner.training.train_lines import (
    THRESHOLD_GRID,
    Example,
    FoldReport,
    cross_fit,
    fit_model,
    fold_reports,
    out_of_fold_logits,
    tune_thresholds,
)


@dataclass(frozen=True)
class Recipe:
    """How one kind of model is fitted: stage-one family, L2 strength, threshold grid."""

    family: str
    alpha: float = L2_ALPHA
    grid: tuple[float, ...] = THRESHOLD_GRID


# The shipped line model's recipe: boosted trees, the default L2 and grid.
LINE_RECIPE = Recipe("trees")


@dataclass(frozen=True)
class Fitted:
    """A fitted model with what its training printed: out-of-fold fold scores, thresholds."""

    model: LineModel
    reports: tuple[FoldReport, ...]
    thresholds: Mapping[str, float]


def trained_folds(examples: Sequence[Example]) -> dict[str, list[int]]:
    """The site folds of each dataset the examples come from (what `held_out` reads)."""
    folds: dict[str, set[int]] = {}
    for example in examples:
        folds.setdefault(example.dataset, set()).add(example.fold)
    return {name: sorted(found) for name, found in sorted(folds.items())}


def fit(
    examples: Sequence[Example],
    recipe: Recipe,
    info: Mapping[str, Any] | None = None,
    tuning_ids: Collection[str] | None = None,
) -> Fitted:
    """Cross-fit, tune, fit. Thresholds are tuned on the examples whose page id is in
    `tuning_ids` (None: all); the model's info records the recipe, data and fold scores
    besides `info`."""
    if not examples:
        raise ValueError("no training examples: check the datasets and page selection")
    logits = out_of_fold_logits(examples, recipe.family, recipe.alpha)
    probabilities = cross_fit(examples, logits, recipe.alpha)
    tuning = [i for i, e in enumerate(examples) if tuning_ids is None or e.page_id in tuning_ids]
    if not tuning:
        raise ValueError("no pages to tune thresholds on; add a dataset with article pages")
    thresholds = tune_thresholds(
        [examples[i] for i in tuning], [probabilities[i] for i in tuning], recipe.grid
    )
    reports = fold_reports(examples, probabilities, thresholds["balanced"])
    full_info = {
        "cleaner_version": __version__,
        "trained_folds": trained_folds(examples),
        "examples": len(examples),
        "family": recipe.family,
        "l2_alpha": recipe.alpha,
        "seed": SEED,
        "fold_scores": [
            {"folds": list(r.folds), "pages": r.pages, "f1": round(r.f1, 4)} for r in reports
        ],
        **(info or {}),
    }
    model = fit_model(examples, logits, thresholds, full_info, recipe.family, recipe.alpha)
    return Fitted(model, tuple(reports), thresholds)
