"""The leave-one-dataset-out table: `cleaner eval --loo`, `make eval`.

Every dataset of the data folder is scored in three modes, text with each rendering
(design.md section 3) and HTML, by the cleaner with the models of its group
(`cleaner.training.loo`: trained without it, or on the eligible sets when it is eval-only)
and by the reference of that mode in the same run: the C4 line filter for text,
trafilatura for HTML. Each row gives mean precision, recall and F1 and the share of pages
that keep their headline among those whose gold starts with one
(`cleaner.training.headline`); non-English pages get a row of their own. This table, not
in-fold scores, is what tuning is judged by.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from cleaner.api import Cleaner
from cleaner.training.baselines import c4_line_filter
from cleaner.training.datasets import (
    MIN_GOLD_RECALL,
    Page,
    dataset_names,
    load_dataset,
    rendered_pages,
)
from cleaner.training.headline import gold_headline, headline_kept
from cleaner.training.loo import (
    ALL,
    LabelCount,
    group_models,
    holdout_group,
    label_counts,
    training_data,
    training_key,
)
from cleaner.training.router_data import gather_rows
from cleaner.training.router_eval import Judged, router_table
from cleaner.training.scoring import Score, score_tokens, tokens
from cleaner.training.tables import titled_table

MODES = ("innertext", "soup", "html")
SUBSETS = ("all", "non-en")


@dataclass(frozen=True)
class Outcome:
    """One output scored against a page's gold, and whether it kept the headline (None:
    the gold does not start with one)."""

    score: Score
    kept_headline: bool | None


@dataclass(frozen=True)
class Cell:
    """Means over a row's pages for one method."""

    precision: float
    recall: float
    f1: float
    headline_kept: float | None  # share of headline pages that keep it; None without any


@dataclass(frozen=True)
class Row:
    """One dataset (or its non-English pages) in one mode: reference and cleaner."""

    dataset: str
    subset: str
    scheme: str
    pages: int
    headline_pages: int
    reference: Cell
    cleaner: Cell


def is_english(page: Page) -> bool:
    """Pages without a language count as English: the datasets' default (data/README.md)."""
    return page.lang is None or page.lang.lower().startswith("en")


def outcome(output: str, gold: list[str], headline: tuple[str, ...] | None) -> Outcome:
    """Score one output against the gold's tokens; check its headline when the gold has one."""
    out = tokens(output)
    kept = None if headline is None else headline_kept(out, headline)
    return Outcome(score_tokens(out, gold), kept)


def cell(outcomes: Sequence[Outcome]) -> Cell:
    """Means of P, R and F1, and the headline share, over some pages."""
    checked = [o.kept_headline for o in outcomes if o.kept_headline is not None]
    return Cell(
        statistics.fmean(o.score.precision for o in outcomes),
        statistics.fmean(o.score.recall for o in outcomes),
        statistics.fmean(o.score.f1 for o in outcomes),
        statistics.fmean(checked) if checked else None,
    )


def mode_functions(
    mode: str, cleaner: Cleaner, texts: dict[str, str]
) -> tuple[Callable[[Page], str], Callable[[Page], str]]:
    """The reference and the cleaner of a mode, as functions of a stored page (text modes
    read the page's rendering from `texts`, by id)."""
    if mode == "html":
        from cleaner.training.evaluate_html import trafilatura_text

        return trafilatura_text, lambda page: cleaner.clean_html(
            page.html, page.url, backend="fast"
        )
    return (lambda page: c4_line_filter(texts[page.id])), (
        lambda page: cleaner.clean(texts[page.id])
    )


def dataset_rows(
    name: str, data_dir: Path, limit: int | None, cleaner: Cleaner, group: str
) -> list[tuple[str, Row]]:
    """(mode, row) pairs of one dataset: every mode, the whole set and its non-English pages."""
    pages = load_dataset(name, data_dir, limit, MIN_GOLD_RECALL)
    headlines = [gold_headline(page.html, page.gold) for page in pages]
    golds = [tokens(page.gold) for page in pages]
    scheme = "eval-only" if group == ALL else "leave-one-out"
    rows = []
    for mode in MODES:
        texts: dict[str, str] = {}
        if mode != "html":
            rendered = rendered_pages(
                name, mode, data_dir, limit=limit, min_gold_recall=MIN_GOLD_RECALL
            )
            texts = {p.id: p.text for p in rendered}
        reference, ours = mode_functions(mode, cleaner, texts)
        results = [
            (outcome(reference(p), g, h), outcome(ours(p), g, h), is_english(p))
            for p, g, h in zip(pages, golds, headlines, strict=True)
        ]
        for subset in SUBSETS:
            chosen = [r for r in results if subset == "all" or not r[2]]
            if not chosen:
                continue
            rows.append(
                (
                    mode,
                    Row(
                        dataset=name,
                        subset=subset,
                        scheme=scheme,
                        pages=len(chosen),
                        headline_pages=sum(r[0].kept_headline is not None for r in chosen),
                        reference=cell([r[0] for r in chosen]),
                        cleaner=cell([r[1] for r in chosen]),
                    ),
                )
            )
    return rows


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _label(row: Row) -> str:
    return row.dataset if row.subset == "all" else f"{row.dataset} [non-en]"


def mode_title(mode: str) -> str:
    if mode == "html":
        return "HTML, raw pages, the fast backend (reference: trafilatura, comments off)"
    return f"text, {mode} rendering (reference: the C4 line filter)"


COLUMNS = (
    "dataset",
    "scheme",
    "pages",
    "ref F1",
    "P",
    "R",
    "F1",
    "F1-ref",
    "hl pages",
    "ref hl",
    "hl kept",
)


def row_cells(row: Row) -> tuple[str, ...]:
    """A row's columns, as `COLUMNS` names them."""
    ours, ref = row.cleaner, row.reference
    return (
        _label(row),
        row.scheme,
        str(row.pages),
        f"{ref.f1:.3f}",
        f"{ours.precision:.3f}",
        f"{ours.recall:.3f}",
        f"{ours.f1:.3f}",
        f"{ours.f1 - ref.f1:+.3f}",
        str(row.headline_pages),
        _share(ref.headline_kept),
        _share(ours.headline_kept),
    )


def format_table(rows: Sequence[tuple[str, Row]], markdown: bool = False) -> str:
    """One table per mode, plain text for the terminal or markdown for the model card."""
    parts = []
    for mode in MODES:
        chosen = [row_cells(row) for m, row in rows if m == mode]
        if chosen:
            parts.append(titled_table(mode_title(mode), COLUMNS, chosen, markdown, left=2))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class LooResult:
    """The table's rows, what the eligible datasets gave the models, and the HTML default
    (the router) with its confidence, per dataset (`cleaner.training.router_eval`)."""

    rows: list[tuple[str, Row]]
    counts: Mapping[str, LabelCount]
    routed: list[Judged]


def loo_table(data_dir: Path, names: Sequence[str], limit: int | None, preset: str) -> LooResult:
    """Rows of every dataset in `names`, each scored by its group's models (trained now or
    taken from the cache: `cleaner.training.loo.group_models`), and the router's table,
    whose predictor is held out the same way."""
    data = training_data(data_dir, limit, Cleaner(model=None).rule_filters())
    groups = sorted({holdout_group(name) for name in dataset_names(data_dir)} | {ALL})
    models = group_models(groups, data)
    rows: list[tuple[str, Row]] = []
    for name in names:
        group = holdout_group(name)
        rows.extend(dataset_rows(name, data_dir, limit, models[group].cleaner(preset), group))
    router_rows = gather_rows(data_dir, names, limit, (training_key(data), models))
    return LooResult(rows, label_counts(data), router_table(router_rows, names))


COUNT_COLUMNS = (
    "dataset",
    "pages (lines)",
    "content lines",
    "boilerplate lines",
    "pages (DOM)",
    "content blocks",
    "boilerplate blocks",
)


def format_counts(counts: Mapping[str, LabelCount], markdown: bool = False) -> str:
    """The training data of the models trained on every eligible dataset, per dataset."""
    rows = [(name, *(f"{value:,}" for value in astuple(count))) for name, count in counts.items()]
    title = "training data of the shipped candidates (all eligible datasets)"
    return titled_table(title, COUNT_COLUMNS, rows, markdown, left=1)
