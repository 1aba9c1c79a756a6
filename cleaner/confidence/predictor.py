"""The quality predictor: from a result's signals, the F1 it probably scores.

Five regressors, boosted trees scored by the native core (`cleaner.models.trees`), each
followed by an isotonic map fitted on out-of-fold predictions, so that a confidence of 0.8
means results like it scored about 0.8 F1 on pages the predictor never saw:

- `fast`: the `fast` backend's result alone (`HTML_SIGNALS`); the router's gate;
- `pair_fast` and `pair_other`: both results, `fast`'s and trafilatura's, with how far they
  agree (`PAIR_SIGNALS`); the router takes the one predicted higher, by `margin`;
- `other`: trafilatura's result alone (`OTHER_SIGNALS`), for the `trafilatura` backend;
- `text`: a text-mode result (`TEXT_SIGNALS`).

The file is `models/quality.npz`: arrays and a JSON header, read with `allow_pickle=False`.
Trained by `python -m cleaner.training.train_router` (data, figures: the model card).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from cleaner.confidence.signals import HTML_SIGNALS, OTHER_SIGNALS, PAIR_SIGNALS, TEXT_SIGNALS
from cleaner.models.trees import TreeStage

QUALITY_MODEL_FILE = "quality.npz"
FORMAT = "cleaner-quality-1"
# The signals each regressor reads, in column order.
REGRESSOR_SIGNALS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fast": HTML_SIGNALS,
        "pair_fast": PAIR_SIGNALS,
        "pair_other": PAIR_SIGNALS,
        "other": OTHER_SIGNALS,
        "text": TEXT_SIGNALS,
    }
)


@dataclass(frozen=True)
class Regressor:
    """Boosted trees predicting F1, and the isotonic map (`knots_x` -> `knots_y`, linear
    between knots, flat beyond) that calibrates their output."""

    trees: TreeStage
    knots_x: np.ndarray
    knots_y: np.ndarray

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """The trees' uncalibrated predictions, one per row."""
        return self.trees.logits(np.asarray(rows, np.float32).reshape(len(rows), -1))

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated F1, in [0, 1], one per row."""
        return self.calibrated(self.raw(rows))

    def calibrated(self, raw: np.ndarray) -> np.ndarray:
        """Raw predictions (`raw`) mapped to calibrated F1, in [0, 1]."""
        return np.clip(np.interp(raw, self.knots_x, self.knots_y), 0.0, 1.0)

    def one(self, row: Sequence[float]) -> float:
        return float(self.predict(np.asarray([row], np.float32))[0])


@dataclass(frozen=True)
class QualityModel:
    """The five regressors (module docstring) and the router's two settings: run a second
    extractor when `fast`'s predicted F1 is below `gate`; take its result when predicted at
    least `margin` above `fast`'s."""

    regressors: Mapping[str, Regressor]
    gate: float
    margin: float
    info: Mapping[str, object]

    def __getitem__(self, name: str) -> Regressor:
        return self.regressors[name]

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {}
        depths, biases = {}, {}
        for name, regressor in self.regressors.items():
            arrays.update(regressor.trees.arrays(f"{name}_"))
            arrays[f"{name}_knots_x"] = regressor.knots_x.astype(np.float64)
            arrays[f"{name}_knots_y"] = regressor.knots_y.astype(np.float64)
            depths[name], biases[name] = regressor.trees.depth, regressor.trees.bias
        header = {
            "format": FORMAT,
            "signals": {name: list(REGRESSOR_SIGNALS[name]) for name in self.regressors},
            "depths": depths,
            "biases": biases,
            "gate": self.gate,
            "margin": self.margin,
            "info": dict(self.info),
        }
        arrays["header"] = np.frombuffer(json.dumps(header, sort_keys=True).encode(), np.uint8)
        with path.open("wb") as stream:  # a Path, written as given (no ".npz" added)
            np.savez_compressed(stream, **arrays)


def doubtful(fast: Any, gate: float) -> Any:
    """Whether `fast`'s calibrated predicted F1 (a number or an array) is under the gate:
    the router then runs the second extractor. One rule for serving and for training."""
    return fast < gate


def prefers_other(for_fast: Any, for_other: Any, margin: float) -> Any:
    """Whether the second extractor's result is predicted better than `fast`'s by more than
    `margin` (numbers or arrays): the router then takes it."""
    return for_other > for_fast + margin


class QualityModelError(ValueError):
    """A quality model file that this version cannot use, with what to do about it."""


def load_quality_model(path: Path | str) -> QualityModel:
    """Read a quality model file; errors say how to get a usable one."""
    retrain = "retrain it with `python -m cleaner.training.train_router`"
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        header = json.loads(bytes(arrays.pop("header")).decode())
    except (OSError, ValueError, KeyError) as error:
        raise QualityModelError(f"{path}: not a quality model file ({error}); {retrain}") from None
    if header.get("format") != FORMAT:
        raise QualityModelError(f"{path}: format {header.get('format')!r}, not {FORMAT}; {retrain}")
    regressors = {}
    for name, signals in REGRESSOR_SIGNALS.items():
        if header["signals"].get(name) != list(signals):
            raise QualityModelError(
                f"{path}: its {name} regressor reads other signals than this version "
                f"computes; {retrain}"
            )
        trees = TreeStage.from_arrays(
            arrays, f"{name}_", int(header["depths"][name]), float(header["biases"][name])
        )
        regressors[name] = Regressor(trees, arrays[f"{name}_knots_x"], arrays[f"{name}_knots_y"])
    return QualityModel(regressors, float(header["gate"]), float(header["margin"]), header["info"])


@cache
def default_quality_model() -> QualityModel | None:
    """The shipped quality model, loaded once per process; None when the package has none."""
    source = resources.files("cleaner.models").joinpath(QUALITY_MODEL_FILE)
    with resources.as_file(source) as path:
        return load_quality_model(path) if path.is_file() else None
