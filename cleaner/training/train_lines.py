"""Train the line model from pages with gold text: `cleaner train`.

Steps, each a plain function:

1. ``page_examples``: render each page (both renderers of design.md section 3), run the rule
   filters, compute line features (``cleaner.text.features``) and align the lines with the gold
   (``cleaner.training.labels``). Pages whose gold is not in their HTML (``gold_recall < 0.5``) are
   skipped.
2. ``cross_fit``: grouped cross-validation over the dataset's site folds (``meta.fold``):
   stage one is fitted without each fold group and scores it, stage two is fitted on those
   out-of-fold scores, so every reported fold score comes from a model that never saw a
   page of that site.
3. ``tune_thresholds``: the preset thresholds, chosen on the out-of-fold probabilities.
4. ``fit_model``: the final model on all training pages, with the tuned thresholds.

Stage one is gradient-boosted trees (`cleaner.models.trees`, the shipped line model) or the
logistic stage (`cleaner.training.logistic`; the DOM block model, whose hashed class/id
tokens trees cannot take); stage two is logistic either way.

Reproducible: the solver's shuffling is seeded (`SEED`), pages are processed in id
order, and the model file is written from the same arrays, so the same data gives the same
bytes. scikit-learn and scipy are needed for training only (``pip install 'cleaner[train]'``);
inference needs numpy alone.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from cleaner.document import Document, Removal
from cleaner.models.line_model import (
    FALLBACK_THRESHOLDS,
    LinearStage,
    LineModel,
    revision_columns,
    sigmoid,
)
from cleaner.models.trees import TreeStage, fit_trees
from cleaner.pipeline import Draft, Filter, Pipeline
from cleaner.text.features import FEATURE_NAMES, PageFeatures, page_features
from cleaner.text.lines import split_lines
from cleaner.training.datasets import MIN_GOLD_RECALL, Page, RenderedPage
from cleaner.training.labels import LineLabels, align_lines
from cleaner.training.logistic import L2_ALPHA, SEED, fit_linear
from cleaner.training.scoring import Score, score_tokens, summarize, tokens

# Gold kinds that keep less than a reader's article (data/README.md: the extra sets' gold is
# each extractor's own expected output, the body without captions, bylines or boxes).
NARROW_GOLD_KINDS = frozenset(("extractor-expected",))
# Fold groups for cross-fitting: the ten site folds in pairs, five fits instead of ten.
FOLD_GROUPS = 5
# Threshold grid searched for the presets.
THRESHOLD_GRID = tuple(round(0.05 * step, 2) for step in range(2, 19))
# The "precision" preset keeps at least this mean recall of the article (as measured on the
# out-of-fold pages) while removing as much as it can.
PRECISION_PRESET_RECALL = 0.97


@dataclass(frozen=True)
class Example:
    """One rendered page ready for training: features, labels, and what scoring needs."""

    page_id: str
    dataset: str
    fold: int
    features: PageFeatures
    labels: np.ndarray  # 1 content, 0 boilerplate, per feature row
    weights: np.ndarray  # 0 for rows without tokens: they cannot change a score
    row_tokens: tuple[tuple[str, ...], ...]  # tokens of each row's text after rule cuts
    kept_by_rules: np.ndarray  # rows the rule filters left in place
    gold_tokens: tuple[str, ...]
    trimmed: bool = False  # the page cut to its first..last content line (see trimmed_page)
    narrow_gold: bool = False  # its gold is narrower than a reader's article (is_narrow_gold)


class DraftTap:
    """A filter that proposes nothing and keeps the Draft it was shown: what the rules left."""

    name = "tap"

    def __init__(self) -> None:
        self.draft: Draft | None = None

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        self.draft = draft
        return ()


def label_gold(page: RenderedPage) -> str:
    """The text lines are labelled against: the gold, plus the headline and byline where the
    dataset keeps them apart. WCXB's gold leaves them out (they sit in ``meta.title`` and
    ``meta.author``); the other datasets' gold has them, and users want them kept, so they
    count as content."""
    extra = [
        value
        for value in (str(page.meta.get(key) or "").strip() for key in ("title", "author"))
        if value and value not in page.gold
    ]
    return "\n".join([*extra, page.gold])


def page_labels(page: RenderedPage) -> LineLabels:
    """The page's lines aligned with its gold (headline and byline included)."""
    return align_lines(split_lines(page.text), label_gold(page))


def page_example(
    page: RenderedPage,
    rule_filters: Sequence[Filter],
    line_labels: LineLabels | None = None,
    trimmed: bool = False,
) -> Example:
    """Features and aligned labels of one rendered page, seen after the rule filters
    (`line_labels`: the page's `page_labels`, when the caller has them already)."""
    tap = DraftTap()
    document = Document.from_text(page.text)
    Pipeline([*rule_filters, tap]).run(document)
    assert tap.draft is not None
    draft = tap.draft
    features = page_features(document, draft)
    content = (line_labels or page_labels(page)).content
    kept = np.array([not draft.removed[i] for i in features.lines], dtype=bool)
    return example_of(page, features, draft, content, kept, trimmed)


def is_narrow_gold(page: RenderedPage | Page) -> bool:
    """Whether the page's gold is an extractor's expected output (`meta.gold_kind`), which
    keeps the article body and leaves out captions, bylines and boxes other golds keep."""
    return page.meta.get("gold_kind") in NARROW_GOLD_KINDS


def unsure_rows(labels: np.ndarray) -> np.ndarray:
    """Rows labelled boilerplate between the first and last content row: in a narrow gold
    they may be the caption or byline it left out, so they teach nothing either way."""
    content = np.flatnonzero(labels)
    inside = np.zeros(len(labels), dtype=bool)
    if len(content):
        inside[content[0] : content[-1] + 1] = True
    return inside & (labels == 0)


def example_of(
    page: RenderedPage | Page,
    features: PageFeatures,
    draft: Draft,
    content: Sequence[bool | None],
    kept_by_rules: np.ndarray,
    trimmed: bool = False,
) -> Example:
    """A training example from a page's feature rows and its lines' content labels: rows
    weigh 1 when they hold a scored token, 0 otherwise (both text lines and DOM blocks)."""
    labels = np.array([bool(content[i]) for i in features.lines], dtype=np.int8)
    row_tokens = tuple(tuple(tokens(draft.texts[i])) for i in features.lines)
    weights = np.array([1.0 if words else 0.0 for words in row_tokens], dtype=np.float32)
    if is_narrow_gold(page):
        weights[unsure_rows(labels)] = 0.0
    return Example(
        page_id=page.id,
        dataset=page.dataset,
        fold=int(page.meta.get("fold", 0)),
        features=features,
        labels=labels,
        weights=weights,
        row_tokens=row_tokens,
        kept_by_rules=kept_by_rules,
        gold_tokens=tuple(tokens(page.gold)),
        trimmed=trimmed,
        narrow_gold=is_narrow_gold(page),
    )


def trimmed_page(page: RenderedPage, line_labels: LineLabels) -> RenderedPage | None:
    """The page cut to the lines from its first to its last content line, or None when
    nothing would be cut.

    Rendered pages always carry a header and a footer, but users often hand us text a
    scraper already trimmed, which ends with the article's last paragraph. A model that
    only saw whole pages learns that the last lines are footer and drops the article's
    ending; training on both versions teaches it that position alone is no evidence.
    """
    lines = split_lines(page.text)
    content = [i for i, c in enumerate(line_labels.content) if c]
    if not content:
        return None
    first, last = content[0], content[-1]
    if first == 0 and all(not line.strip() for line in lines[last + 1 :]):
        return None
    return replace(page, text="\n".join(lines[first : last + 1]))


def page_examples(
    pages: Iterable[RenderedPage],
    rule_filters: Sequence[Filter],
    progress: Callable[[Iterable[RenderedPage]], Iterable[RenderedPage]] = lambda it: it,
    augment: bool = False,
) -> list[Example]:
    """Examples of the pages whose gold is really in their HTML, in the order given; with
    `augment`, each page is followed by its trimmed version (`trimmed_page`)."""
    examples = []
    for page in progress(pages):
        if page.gold_recall < MIN_GOLD_RECALL:
            continue
        line_labels = page_labels(page)
        examples.append(page_example(page, rule_filters, line_labels))
        short = trimmed_page(page, line_labels) if augment else None
        if short is not None:
            examples.append(page_example(short, rule_filters, trimmed=True))
    return examples


def fit_first_stage(
    examples: Sequence[Example], family: str = "linear", alpha: float = L2_ALPHA
) -> LinearStage | TreeStage:
    """Stage one: gradient-boosted trees over every line's dense features (`trees`), or a
    logistic stage over them, their bins and the line's hashed words (`linear`, with L2
    strength `alpha`)."""
    dense = np.concatenate([e.features.dense for e in examples])
    labels = np.concatenate([e.labels for e in examples])
    weights = np.concatenate([e.weights for e in examples])
    if family == "trees":
        return fit_trees(dense, labels, weights)
    return fit_linear(dense, labels, weights, [e.features for e in examples], alpha)


def fit_second_stage(
    examples: Sequence[Example], logits: Sequence[np.ndarray], alpha: float = L2_ALPHA
) -> LinearStage:
    """Stage two: revise stage-one logits from their neighbourhood."""
    columns = np.concatenate(
        [revision_columns(s, e.features.dense) for e, s in zip(examples, logits, strict=True)]
    )
    return fit_linear(
        columns,
        np.concatenate([e.labels for e in examples]),
        np.concatenate([e.weights for e in examples]),
        alpha=alpha,
    )


def page_score(example: Example, content: np.ndarray, threshold: float) -> Score:
    """Score of the page's output: rows the rules kept and the model finds content enough."""
    keep = example.kept_by_rules & (content >= threshold)
    output = [
        token for row, kept in zip(example.row_tokens, keep, strict=True) if kept for token in row
    ]
    return score_tokens(output, list(example.gold_tokens))


@dataclass(frozen=True)
class FoldReport:
    """Out-of-fold quality of one fold group at the balanced threshold."""

    folds: tuple[int, ...]
    pages: int
    precision: float
    recall: float
    f1: float


def fold_groups(examples: Sequence[Example]) -> list[tuple[int, ...]]:
    """The site folds present, dealt into `FOLD_GROUPS` groups (0 and 5 together, ...)."""
    folds = sorted({e.fold for e in examples})
    groups = [tuple(f for f in folds if f % FOLD_GROUPS == g) for g in range(FOLD_GROUPS)]
    return [g for g in groups if g]


def out_of_fold_logits(
    examples: Sequence[Example], family: str = "linear", alpha: float = L2_ALPHA
) -> list[np.ndarray]:
    """Stage-one logits of every example from a stage one fitted without its fold group."""
    logits: list[np.ndarray | None] = [None] * len(examples)
    for group in fold_groups(examples):
        stage = fit_first_stage([e for e in examples if e.fold not in group], family, alpha)
        for i, e in enumerate(examples):
            if e.fold in group:
                logits[i] = stage.logits(e.features.dense, e.features)
    return [s for s in logits if s is not None]


def cross_fit(
    examples: Sequence[Example], logits: Sequence[np.ndarray], alpha: float = L2_ALPHA
) -> list[np.ndarray]:
    """Out-of-fold content probabilities: stage two, too, is fitted without the group."""
    result: list[np.ndarray | None] = [None] * len(examples)
    for group in fold_groups(examples):
        inside = [i for i, e in enumerate(examples) if e.fold not in group]
        stage = fit_second_stage([examples[i] for i in inside], [logits[i] for i in inside], alpha)
        for i, e in enumerate(examples):
            if e.fold in group:
                result[i] = sigmoid(stage.logits(revision_columns(logits[i], e.features.dense)))
    return [r for r in result if r is not None]


def fold_reports(
    examples: Sequence[Example], probabilities: Sequence[np.ndarray], threshold: float
) -> list[FoldReport]:
    """Mean P/R/F1 per fold group, from out-of-fold probabilities."""
    reports = []
    for group in fold_groups(examples):
        scores = [
            page_score(e, p, threshold)
            for e, p in zip(examples, probabilities, strict=True)
            if e.fold in group and not e.trimmed
        ]
        summary = summarize(scores)
        reports.append(
            FoldReport(
                group, summary.n, summary.mean_precision, summary.mean_recall, summary.mean_f1
            )
        )
    return reports


def tune_thresholds(
    examples: Sequence[Example],
    probabilities: Sequence[np.ndarray],
    grid: Sequence[float] = THRESHOLD_GRID,
) -> dict[str, float]:
    """Preset thresholds from out-of-fold probabilities, chosen among `grid`.

    balanced: the best mean F1; precision: the highest threshold that still keeps
    `PRECISION_PRESET_RECALL` of the article on average, but never above balanced;
    recall: the best mean F0.5 of the output (precision of the kept text weighs double).
    """
    # Whole pages judge a threshold; a narrow gold would call a kept caption a mistake, so
    # its pages do not, unless there are no others.
    judged = [(e, p) for e, p in zip(examples, probabilities, strict=True) if not e.trimmed]
    judged = [(e, p) for e, p in judged if not e.narrow_gold] or judged
    table = []
    for threshold in grid:
        scores = [page_score(e, p, threshold) for e, p in judged]
        p = statistics.fmean(s.precision for s in scores)
        r = statistics.fmean(s.recall for s in scores)
        f1 = statistics.fmean(s.f1 for s in scores)
        f_half = statistics.fmean(
            (1.25 * s.precision * s.recall / (0.25 * s.precision + s.recall))
            if s.precision + s.recall
            else 0.0
            for s in scores
        )
        table.append((threshold, p, r, f1, f_half))
    balanced = max(table, key=lambda row: row[3])[0]
    safe = [row[0] for row in table if row[2] >= PRECISION_PRESET_RECALL and row[0] <= balanced]
    precision = max(safe) if safe else min(grid)
    recall = max(balanced, max(table, key=lambda row: row[4])[0])
    return {"precision": precision, "balanced": balanced, "recall": recall}


def fit_model(
    examples: Sequence[Example],
    logits: Sequence[np.ndarray],
    thresholds: dict[str, float] | None = None,
    info: dict[str, Any] | None = None,
    family: str = "linear",
    alpha: float = L2_ALPHA,
) -> LineModel:
    """The final model: stage one (of `family`) on all `examples`, stage two on their
    out-of-fold `logits` (so it learns to revise scores as noisy as those of pages the
    model has never seen)."""
    second = fit_second_stage(examples, logits, alpha)
    first = fit_first_stage(examples, family, alpha)
    return LineModel(
        first=first,
        revision=second,
        thresholds=thresholds or dict(FALLBACK_THRESHOLDS),
        info=info or {},
    )


__all__ = [
    "FEATURE_NAMES",
    "SEED",
    "Example",
    "FoldReport",
    "cross_fit",
    "fit_model",
    "fold_reports",
    "out_of_fold_logits",
    "page_example",
    "page_examples",
    "tune_thresholds",
]
