"""The DOM block model: the line model's two stages, fed what the DOM knows as well.

For the `fast` backend every block is a line of text, so all the text features apply
(`cleaner.text.features`); on top come DOM columns (link density, heading level, list and table
membership, depth, the block's tag, whether it sits in <article>/<main>, whether the class/id
tokens around it name content or furniture, link density around it) and hashed class/id
tokens and tag paths, so a model learns `entry-content` and `post-meta` without a rule per
site. The features are computed by the native core (`cleaner._core`, core/src/dom_features.rs),
which follows the float32/float64 arithmetic of the numpy code it replaced: training and
serving call the same code, and serving gets features and probabilities in one core call.
Training (`cleaner.training.train_dom`) reuses `cleaner.training.train_lines`'s linear
machinery and revision stage; the weights ship as `models/dom.npz`, arrays plus a JSON header
read with `allow_pickle=False`, loaded once per process on first use.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

import cleaner._core as _core
from cleaner.document import Document
from cleaner.models.line_model import LineModel, load_model
from cleaner.pipeline import Draft
from cleaner.text.features import FEATURE_NAMES, PageFeatures, featurizer, from_core

DOM_MODEL_FILE = "dom.npz"
# The DOM columns, named by the core that computes them (core/src/dom_features.rs): the
# block's own (link density ... same_parent_as_previous), link density and content tokens
# around it, its parent's and grandparent's shares of the page, and where it sits against the
# page's prose container (at 50% and 80% of the prose words).
DOM_FEATURES: tuple[str, ...] = tuple(_core.dom_feature_names())
ALL_FEATURES = (*FEATURE_NAMES, *DOM_FEATURES)


def dom_features(document: Document, draft: Draft) -> PageFeatures:
    """The text features of the lines to be output, with DOM columns and hashed DOM keys
    (all zero, nothing hashed, when the document's blocks are not one per line)."""
    computed = _core.dom_features(
        featurizer(),
        list(draft.texts),
        list(draft.removed),
        sorted(draft.cut),
        document.blocks,
        True,
    )
    return from_core(*computed)


def judge_dom(
    model: LineModel, document: Document, draft: Draft, min_words: int
) -> tuple[tuple[int, ...], int, np.ndarray]:
    """The learned filter's DOM path in one core call (as `LineModel.judge_text` for text):
    the draft's output lines, their word count and, from `min_words` words, each line's
    content probability under `model` (features never cross into Python)."""
    lines, words, raw = _core.judge_dom(
        model.core,
        featurizer(),
        list(draft.texts),
        list(draft.removed),
        sorted(draft.cut),
        document.blocks,
        min_words,
    )
    return tuple(lines), words, np.frombuffer(raw, "<f4")


def save_dom_model(model: LineModel, path: Path) -> None:
    """Write the DOM model in the line model's npz format, with the DOM feature names."""
    model.save(path, ALL_FEATURES)


def load_dom_model(path: Path | str) -> LineModel:
    """Read a DOM model file; errors say how to get a usable one."""
    return load_model(path, ALL_FEATURES, "python -m cleaner.training.train_dom")


@cache
def default_dom_model() -> LineModel | None:
    """The shipped DOM model, loaded once per process; None when the package has none."""
    source = resources.files("cleaner.models").joinpath(DOM_MODEL_FILE)
    with resources.as_file(source) as path:
        return load_dom_model(path) if path.is_file() else None
