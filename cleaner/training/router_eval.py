"""The router's leave-one-dataset-out table and the confidence calibration table.

Every dataset is scored by a quality predictor that never saw it (trained without its group,
or on every eligible dataset when it is eval-only, as for the block models:
`cleaner.training.loo`), applied to rows whose `fast` results come from block models that
never saw it either (`cleaner.training.router_data`). Per dataset: trafilatura, `fast`, the
router, and the per-page oracle of the two, with the share of pages the router ran
trafilatura on, the share it took trafilatura's result, the share of pages scoring 0.2
or more below trafilatura, and the router's time per page against trafilatura's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from cleaner.confidence.predictor import QualityModel
from cleaner.training.loo import ALL, holdout_group
from cleaner.training.router_data import DatasetRows
from cleaner.training.tables import titled_table
from cleaner.training.train_router import fit_quality, route_rows

# Pages scoring this much below trafilatura count as lost to it (the 5% bound).
LOSS = 0.2
CALIBRATION_COLUMNS = ("confidence", "pages", "mean confidence", "mean F1")
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0001)


@dataclass(frozen=True)
class RouterRow:
    dataset: str
    scheme: str
    pages: int
    trafilatura: float
    fast: float
    router: float
    oracle: float
    ran: float
    took: float
    lost: float  # share of pages LOSS or more below trafilatura
    cost: float  # the router's mean time per page / trafilatura's


@dataclass(frozen=True)
class Judged:
    """One dataset's routed pages and their confidences."""

    row: RouterRow
    confidence: np.ndarray
    f1: np.ndarray
    text_confidence: np.ndarray
    text_f1: np.ndarray


def judge(rows: DatasetRows, model: QualityModel, scheme: str) -> Judged:
    """Route every page of one dataset with `model` (module docstring)."""
    routed = route_rows(model, rows.fast, rows.pair_full, rows.f1_fast, rows.f1_full)
    seconds = rows.seconds_fast + np.where(routed.ran, rows.seconds_reference, 0.0)
    text_rows = rows.text["innertext"]
    row = RouterRow(
        dataset=rows.dataset,
        scheme=scheme,
        pages=len(rows.page_ids),
        trafilatura=float(rows.f1_reference.mean()),
        fast=float(rows.f1_fast.mean()),
        router=float(routed.f1.mean()),
        oracle=float(np.maximum(rows.f1_fast, rows.f1_full).mean()),
        ran=float(routed.ran.mean()),
        took=float(routed.took_other.mean()),
        lost=float((routed.f1 <= rows.f1_reference - LOSS).mean()),
        cost=float(seconds.mean() / rows.seconds_reference.mean()),
    )
    return Judged(
        row,
        routed.confidence,
        routed.f1,
        model["text"].predict(text_rows),
        rows.f1_text["innertext"],
    )


def router_table(rows: Mapping[str, DatasetRows], names: Sequence[str]) -> list[Judged]:
    """Every dataset of `names` routed by the predictor of its group."""
    models: dict[str, QualityModel] = {}
    judged = []
    for name in names:
        if not len(rows[name].page_ids):
            continue  # no page with full gold (`MIN_GOLD_RECALL`)
        group = holdout_group(name)
        if group not in models:
            models[group] = fit_quality(list(rows.values()), without=group)
        scheme = "eval-only" if group == ALL else "leave-one-out"
        judged.append(judge(rows[name], models[group], scheme))
    return judged


ROUTER_COLUMNS = (
    "dataset",
    "scheme",
    "pages",
    "trafilatura",
    "fast",
    "router",
    "router-max",
    "oracle",
    "ran traf.",
    "took traf.",
    "lost >=0.2",
    "time/traf.",
)


def format_router(judged: Sequence[Judged], markdown: bool = False) -> str:
    """The router table: mean F1 of trafilatura, `fast`, the router and the oracle of the two;
    how often the router ran and took trafilatura; the share of pages 0.2 or more below
    trafilatura; the router's time per page against trafilatura's."""
    rows = [
        (
            r.dataset,
            r.scheme,
            str(r.pages),
            f"{r.trafilatura:.3f}",
            f"{r.fast:.3f}",
            f"{r.router:.3f}",
            f"{r.router - max(r.trafilatura, r.fast):+.3f}",
            f"{r.oracle:.3f}",
            f"{r.ran:.0%}",
            f"{r.took:.0%}",
            f"{r.lost:.1%}",
            f"{r.cost:.2f}x",
        )
        for r in (j.row for j in judged)
    ]
    title = "HTML default: the router (reference: trafilatura, comments off)"
    return titled_table(title, ROUTER_COLUMNS, rows, markdown, left=2)


def calibration_rows(confidence: np.ndarray, f1: np.ndarray) -> list[tuple[str, int, float, float]]:
    """Per confidence bin: pages, mean confidence, mean measured F1."""
    found = []
    for low, high in pairwise(BINS):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            label = f"{low:.2f}-{min(high, 1.0):.2f}"
            found.append(
                (
                    label,
                    int(inside.sum()),
                    float(confidence[inside].mean()),
                    float(f1[inside].mean()),
                )
            )
    return found


def format_calibration(judged: Sequence[Judged], markdown: bool = False) -> str:
    """Predicted against measured F1 in bins, HTML (the router) and text (innertext), for
    the eval-only pages and the held-out pages of the leave-one-out datasets."""
    parts = []
    for mode in ("html", "text"):
        for scheme in ("eval-only", "leave-one-out"):
            chosen = [j for j in judged if j.row.scheme == scheme]
            if not chosen:
                continue
            confidence = np.concatenate(
                [j.confidence if mode == "html" else j.text_confidence for j in chosen]
            )
            f1 = np.concatenate([j.f1 if mode == "html" else j.text_f1 for j in chosen])
            rows = [
                (label, str(n), f"{c:.3f}", f"{m:.3f}")
                for label, n, c, m in calibration_rows(confidence, f1)
            ]
            title = f"confidence calibration, {mode} ({scheme} pages)"
            parts.append(titled_table(title, CALIBRATION_COLUMNS, rows, markdown, left=1))
    return "\n\n".join(parts)
