"""Boosted trees as arrays (`cleaner.models.trees`): scored with numpy exactly as scikit-learn
scores
them, and saved in and loaded from the model's npz file without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner.document import Document
from cleaner.models.line_model import LinearStage, LineModel, load_model, revision_columns
from cleaner.models.trees import TreeStage, fit_trees, from_sklearn
from cleaner.pipeline import Draft
from cleaner.text.features import FEATURE_NAMES, page_features

sklearn_ensemble = pytest.importorskip(
    "sklearn.ensemble", reason="fitting trees needs the train extra: pip install 'cleaner[train]'"
)


def _data(rows: int = 3000, columns: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(rows, columns)).astype(np.float32)
    # An interaction no single column shows: content when both of two columns are high.
    labels = ((dense[:, 0] > 0.2) & (dense[:, 3] > -0.5) | (dense[:, 5] > 1.5)).astype(np.int8)
    return dense, labels


@pytest.mark.parametrize("params", [{"max_depth": 3}, {"max_leaf_nodes": 31}])
def test_numpy_scoring_matches_scikit_learn(params):
    dense, labels = _data()
    model = sklearn_ensemble.HistGradientBoostingClassifier(
        max_iter=40, early_stopping=False, random_state=0, **params
    ).fit(dense, labels)
    stage = from_sklearn(model)
    assert len(stage.roots) == 40
    np.testing.assert_allclose(stage.logits(dense), model.decision_function(dense), atol=1e-4)
    assert stage.logits(dense[:0]).shape == (0,)


def test_trees_learn_an_interaction_a_linear_stage_cannot():
    dense, labels = _data()
    stage = fit_trees(dense, labels, np.ones(len(labels), np.float32))
    accuracy = ((stage.logits(dense) > 0) == labels.astype(bool)).mean()
    assert accuracy > 0.97


def _page_features():
    text = "\n".join(
        ["Home | News | Sport", "Ferry back on its winter timetable"]
        + [f"The ferry ran {n} crossings on Monday after repairs to the stage." for n in range(8)]
        + ["Share this article", "More in Local News"]
    )
    document = Document.from_text(text)
    draft = Draft(document.lines, (False,) * len(document.lines))
    return page_features(document, draft)


def test_a_tree_model_round_trips_through_its_file(tmp_path: Path):
    features = _page_features()
    rng = np.random.default_rng(1)
    dense = rng.normal(size=(500, len(FEATURE_NAMES))).astype(np.float32)
    trees = fit_trees(dense, (dense[:, 0] > 0).astype(np.int8), np.ones(500, np.float32))
    columns = revision_columns(trees.logits(features.dense), features.dense)
    revision = LinearStage(
        rng.normal(size=columns.shape[1]).astype(np.float32),
        np.sort(rng.normal(size=(columns.shape[1], 7)), axis=1).astype(np.float32),
        np.zeros((columns.shape[1], 8), np.float32),
        np.zeros(0, np.float32),
        0.1,
    )
    model = LineModel(trees, revision, {"balanced": 0.5}, {"family": "trees"})
    path = tmp_path / "trees.npz"
    model.save(path)
    loaded = load_model(path)
    assert isinstance(loaded.first, TreeStage) and loaded.first.depth == trees.depth
    np.testing.assert_array_equal(
        loaded.content_probability(features), model.content_probability(features)
    )
    with np.load(path, allow_pickle=False) as data:  # plain arrays, nothing executable
        assert all(data[name].dtype != object for name in data.files)
