"""The line model: two stages over `cleaner.text.features`, stored as npz.

Stage one scores each line from its own shape, its neighbours' shapes and its position:
with boosted trees (`cleaner.models.trees`, the shipped line model) or linearly, with the line's
hashed words too (`LinearStage`, the DOM block model). Stage two *revises* that score from
the stage-one scores around the line (the jusText idea of re-deciding a block from its
neighbours, learned instead of hand-set): a short line between two confident paragraphs is
kept, a paragraph-like line after the last stretch of content is dropped. Stage two is
linear. Inference runs in the native core (core/src/model), which follows numpy's float32
arithmetic; the classes here hold the weights and are what training fits.

The weights live in one ``.npz`` file read with ``allow_pickle=False``: plain arrays and a
JSON header, nothing executable. A model file says which features it was trained on; loading
one built for other features fails with a message instead of scoring garbage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

import cleaner._core as _core
from cleaner.config import PRESETS
from cleaner.models.trees import TreeStage
from cleaner.pipeline import Draft
from cleaner.text.features import (
    FEATURE_NAMES,
    HASH_BUCKETS,
    PageFeatures,
    featurizer,
)

MODEL_FORMAT = 2  # 2: logits clipped before revision; rows are the lines to be output
DEFAULT_MODEL_FILE = "default.npz"
# Array names of a tree stage one in the npz file (`TreeStage.arrays`).
TREE_PREFIX = "tree_"

# The revision constants describe what the core computes (core/src/model/revision.rs, the
# single implementation); the tests check that the names and the core's columns agree.
# Stage-one logits beyond this are as sure as it gets (probability 1e-7 or 1 - 1e-7).
LOGIT_CLIP = 16.0
# Revision windows: radius in lines of the stage-one score averages a line's verdict uses.
REVISION_WINDOWS = (1, 3, 8, 20)
REVISION_OFFSETS = (-2, -1, 1, 2)
REVISION_FEATURES = (
    "score",
    *(f"score@{offset:+d}" for offset in REVISION_OFFSETS),
    *(f"score_within_{radius}" for radius in REVISION_WINDOWS),
    "score_max_within_2",
    "content_words_before_share",
    "content_words_after_share",
    "log_content_words_after",
    "rule_cut",
    "prose",
    "log_words",
    "position",
    *(
        f"{name}_{offset}"
        for offset in ("50", "80")
        for name in ("in_main", "log_before_main", "log_after_main")
    ),
)
# Offsets of the main-region search: a line counts for the region by (probability - offset)
# times its words. 0.5 finds the block a neutral reader would call the page's text, 0.8
# only its confident core (comments and teaser blurbs usually fall outside that).
MAIN_REGION_OFFSETS = (0.5, 0.8)

# Presets: the probability of being content below which a line is removed. "precision"
# removes only lines the model is sure about (keeps more article), "recall" removes more
# boilerplate at a small risk to the article. The shipped file carries tuned values; these
# are the fallback for a model file that has none.
FALLBACK_THRESHOLDS = MappingProxyType({"precision": 0.3, "balanced": 0.5, "recall": 0.65})


# Each input column is also cut into this many quantile bins with a weight each, so a linear
# model can learn shapes a single weight cannot (three words is a label, thirty is prose,
# three hundred is a cookie notice).
BINS = 8


def bin_indices(columns: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of every value: how many of its column's edges it exceeds (0..BINS-1)."""
    return (columns[:, :, None] > edges[None, :, :]).sum(axis=2)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, clipped so that extreme logits neither overflow nor warn."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _bytes(array: np.ndarray, dtype: str) -> bytes:
    return np.ascontiguousarray(array, dtype).tobytes()


def _logits(raw: bytearray, wide: bool) -> np.ndarray:
    """Logits from the core: float64, or float32 where numpy would have stayed float32."""
    values = np.frombuffer(raw, "<f8")
    return values if wide else values.astype(np.float32)


def revision_columns(score: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Stage-two inputs from stage-one logits `score` and the page's dense features, one
    column per name in `REVISION_FEATURES` (computed by the core, as serving does).

    Logits are clipped first: stage two averages them over windows, and one extreme line
    must not decide its neighbours' fate (a probability of 1e-9 says no more than 1e-7).
    """
    score = np.asarray(score)
    wide = score.dtype != np.float32
    raw = _core.revision_columns(_bytes(score, "<f8"), wide, _bytes(dense, "<f4"), dense.shape[1])
    return np.frombuffer(raw, "<f4").reshape(len(score), len(REVISION_FEATURES))


@dataclass(frozen=True)
class LinearStage:
    """One logistic stage: raw-column weights (the trainer folds each column's mean and scale
    into them), one weight per quantile bin of each column, hashed-word weights (stage one
    only; empty otherwise) and the bias. Training and inference score with this one method,
    so they cannot drift apart."""

    weights: np.ndarray
    edges: np.ndarray
    bin_weights: np.ndarray
    hash_weights: np.ndarray
    bias: float

    @cached_property
    def core(self) -> _core.CoreStage:
        """The stage in the native core, built on first use."""
        return _core.CoreStage.linear(_linear_bytes(self))

    def logits(self, columns: np.ndarray, features: PageFeatures | None = None) -> np.ndarray:
        """Logit of each row of `columns`; with `features`, plus its hashed words' weights
        (float64 then, float32 without, as numpy computed them)."""
        dense = np.ascontiguousarray(columns, "<f4")
        rows = b"" if features is None else _bytes(features.hash_rows, "<i8")
        buckets = b"" if features is None else _bytes(features.hash_buckets, "<i8")
        raw, wide = self.core.logits(
            dense.tobytes(), dense.shape[1], rows, buckets, features is not None
        )
        return _logits(raw, wide)


@dataclass(frozen=True)
class LineModel:
    """Both stages plus the preset thresholds and how the model was made."""

    first: LinearStage | TreeStage
    revision: LinearStage
    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(FALLBACK_THRESHOLDS))
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def uses_words(self) -> bool:
        """Whether stage one reads the hashed words (a logistic stage one does; trees do not,
        so their pages need not hash any)."""
        return isinstance(self.first, LinearStage) and len(self.first.hash_weights) > 0

    def first_stage(self, features: PageFeatures) -> np.ndarray:
        """Stage-one logits: from the dense features, their bins and the hashed words of
        each row (linear), or from the dense features alone (trees)."""
        return self.first.logits(features.dense, features)

    @cached_property
    def core(self) -> _core.CoreModel:
        """Both stages in the native core, built once per model: serving scores there."""
        return _core.CoreModel(self.first.core, self.revision.core)

    def content_probability(self, features: PageFeatures) -> np.ndarray:
        """Probability (float32) that each row of `features` is article content."""
        if not features.lines:
            return np.zeros(0, np.float32)
        dense = np.ascontiguousarray(features.dense, dtype="<f4")
        raw = self.core.probability(
            dense.tobytes(),
            dense.shape[1],
            np.asarray(features.hash_rows, "<i8").tobytes(),
            np.asarray(features.hash_buckets, "<i8").tobytes(),
        )
        return np.frombuffer(raw, "<f4")

    def judge_text(self, draft: Draft, min_words: int) -> tuple[tuple[int, ...], int, np.ndarray]:
        """The text path of the learned filter in one core call: the draft's output lines,
        their word count and, when it reaches `min_words`, each line's content probability
        (features never cross into Python)."""
        lines, words, raw = self.core.judge_text(
            featurizer(), list(draft.texts), list(draft.removed), sorted(draft.cut), min_words
        )
        return tuple(lines), words, np.frombuffer(raw, "<f4")

    def threshold(self, preset: str) -> float:
        """Content probability below which a line goes, for preset `preset`."""
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
        return float(self.thresholds.get(preset, FALLBACK_THRESHOLDS[preset]))

    def save(self, path: Path, features: Sequence[str] = FEATURE_NAMES) -> None:
        """Write the model as npz (arrays plus a JSON header), never pickle. `features` names
        the stage-one columns (the DOM block model has more than the line model)."""
        header: dict[str, Any] = {
            "format": MODEL_FORMAT,
            "features": list(features),
            "revision_features": list(REVISION_FEATURES),
            "hash_buckets": HASH_BUCKETS,
            "bins": BINS,
            "bias": self.first.bias,
            "revision_bias": self.revision.bias,
            "thresholds": dict(self.thresholds),
            "info": dict(self.info),
        }
        first = self.first
        if isinstance(first, TreeStage):
            header["first_stage"] = "trees"
            header["tree_depth"] = first.depth
            stage_one = first.arrays(TREE_PREFIX)
        else:
            stage_one = {
                "dense_weights": first.weights.astype(np.float32),
                "edges": first.edges.astype(np.float32),
                "bin_weights": first.bin_weights.astype(np.float32),
                "hash_weights": first.hash_weights.astype(np.float16),
            }
        payload: dict[str, Any] = {
            "header": np.frombuffer(json.dumps(header, sort_keys=True).encode(), np.uint8),
            **stage_one,
            "revision_weights": self.revision.weights.astype(np.float32),
            "revision_edges": self.revision.edges.astype(np.float32),
            "revision_bin_weights": self.revision.bin_weights.astype(np.float32),
        }
        with path.open("wb") as stream:
            np.savez_compressed(stream, **payload)


def _linear_bytes(stage: LinearStage) -> tuple[bytes, bytes, bytes, bytes, float]:
    """A linear stage's arrays as little-endian float32 bytes for the core, and its bias."""
    arrays = (stage.weights, stage.edges, stage.bin_weights, stage.hash_weights)
    weights, edges, bins, hashes = (np.asarray(a, "<f4").tobytes() for a in arrays)
    return weights, edges, bins, hashes, float(stage.bias)


def load_model(
    path: Path | str,
    features: Sequence[str] = FEATURE_NAMES,
    made_by: str = "`cleaner train`",
) -> LineModel:
    """Read a model file written by `LineModel.save` for these stage-one `features`; errors
    say how to get a usable one (`made_by`: the command that writes such files)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode())
            arrays = {name: data[name] for name in data.files if name != "header"}
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(
            f"cannot read model {path}: {error}; pass a file written by {made_by}"
        ) from error
    expected = (MODEL_FORMAT, list(features), list(REVISION_FEATURES), HASH_BUCKETS, BINS)
    found = (
        header.get("format"),
        header.get("features"),
        header.get("revision_features"),
        header.get("hash_buckets"),
        header.get("bins"),
    )
    if found != expected:
        raise ValueError(
            f"model {path} was built for other features than this version of cleaner "
            f"computes; retrain it with {made_by}"
        )

    def array(name: str) -> np.ndarray:
        return arrays[name].astype(np.float32)

    first: LinearStage | TreeStage
    if header.get("first_stage") == "trees":
        first = TreeStage.from_arrays(
            arrays, TREE_PREFIX, int(header["tree_depth"]), float(header["bias"])
        )
    else:
        first = LinearStage(
            array("dense_weights"),
            array("edges"),
            array("bin_weights"),
            array("hash_weights"),
            float(header["bias"]),
        )
    return LineModel(
        first=first,
        revision=LinearStage(
            array("revision_weights"),
            array("revision_edges"),
            array("revision_bin_weights"),
            np.zeros(0, np.float32),
            float(header["revision_bias"]),
        ),
        thresholds=header["thresholds"],
        info=header["info"],
    )


@cache
def default_model() -> LineModel:
    """The model shipped in `cleaner/models/`, loaded once per process on first use."""
    source = resources.files("cleaner.models").joinpath(DEFAULT_MODEL_FILE)
    with resources.as_file(source) as path:
        if not path.is_file():
            raise FileNotFoundError(
                f"the shipped model {DEFAULT_MODEL_FILE} is missing from cleaner/models; "
                "reinstall cleaner, or use Cleaner(model=None) for rules only"
            )
        return load_model(path)
