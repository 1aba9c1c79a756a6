"""`cleaner eval`: quality and speed per dataset, with reference rows from the same run.

For each dataset it renders the pages (design.md section 3, cached), cleans them with every
method in turn and reports mean precision, recall and F1, the median F1 and pages per
second. The reference rows are keep-everything (the floor, and the most recall a line
filter can have) and our C4-style line filter (``cleaner.training.baselines``), timed in the same
process on the same texts, so the ratios hold even on a noisy machine.

Honest numbers: a model file records the datasets and site folds it was trained on. For
those datasets only the pages of other folds are scored, and the table says so; pages whose
gold is not in their HTML (``gold_recall < 0.5``) are left out everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from cleaner.api import Cleaner
from cleaner.models.line_model import LineModel
from cleaner.training.baselines import c4_line_filter, keep_everything
from cleaner.training.datasets import DATASET_SUFFIX, MIN_GOLD_RECALL, RenderedPage, rendered_pages
from cleaner.training.scoring import Summary, score_tokens, summarize, tokens

CleanFn = Callable[[str], str]


@dataclass(frozen=True)
class MethodRow:
    """One method's result on one dataset."""

    method: str
    summary: Summary
    pages_per_second: float


@dataclass(frozen=True)
class DatasetReport:
    """All methods on one dataset, with a note on which pages were scored."""

    dataset: str
    note: str
    rows: tuple[MethodRow, ...]


def dataset_name(path: Path) -> str:
    """`dragnet` for `.../dragnet.jsonl.gz`; other names are refused with the expected form."""
    if not path.name.endswith(DATASET_SUFFIX):
        raise ValueError(f"{path}: expected a dataset file named NAME{DATASET_SUFFIX}")
    return path.name[: -len(DATASET_SUFFIX)]


def load_rendered(path: Path, renderer: str, limit: int | None = None) -> list[RenderedPage]:
    """Rendered pages of one dataset file whose gold is in their HTML (cached rendering)."""
    return rendered_pages(
        dataset_name(path),
        renderer,
        data_dir=path.parent,
        limit=limit,
        min_gold_recall=MIN_GOLD_RECALL,
    )


class HasMeta(Protocol):
    """A page of a dataset, stored (`Page`) or rendered (`RenderedPage`)."""

    @property
    def dataset(self) -> str: ...

    @property
    def meta(self) -> Mapping[str, Any]: ...


PageT = TypeVar("PageT", bound=HasMeta)


def of_types(page: HasMeta, page_types: frozenset[str] | None) -> bool:
    """Whether a page is of one of `page_types` (None: any); untyped pages always are."""
    kind = page.meta.get("page_type")
    return page_types is None or kind is None or kind in page_types


def held_out(pages: Sequence[PageT], model: LineModel | None) -> tuple[list[PageT], str]:
    """The pages a model did not train on, and a note saying which were kept."""
    if model is None:
        return list(pages), "all pages"
    trained = model.info.get("trained_folds", {})
    dataset = pages[0].dataset if pages else ""
    if dataset not in trained:
        return list(pages), "all pages (not in the model's training data)"
    folds = set(trained[dataset])
    kept = [p for p in pages if int(p.meta.get("fold", -1)) not in folds]
    shown = ",".join(str(f) for f in sorted({int(p.meta.get("fold", -1)) for p in kept}))
    return kept, f"validation folds {shown or 'none'} only (the model trained on the others)"


def run_method(fn: CleanFn, pages: Sequence[RenderedPage]) -> tuple[Summary, float]:
    """Clean every page with `fn`; the summary of scores and pages per second."""
    texts = [p.text for p in pages]
    start = time.perf_counter()
    outputs = [fn(text) for text in texts]
    return scored(outputs, [page.gold for page in pages], time.perf_counter() - start)


def scored(outputs: Sequence[str], golds: Sequence[str], seconds: float) -> tuple[Summary, float]:
    """The summary of each output's score against its gold, and pages per second (the
    method's own time only: scoring is not timed)."""
    scores = [
        score_tokens(tokens(out), tokens(gold)) for out, gold in zip(outputs, golds, strict=True)
    ]
    return summarize(scores), len(outputs) / seconds if seconds > 0 else float("inf")


def evaluate_dataset(
    path: Path,
    renderer: str,
    methods: Sequence[tuple[str, CleanFn]],
    model: LineModel | None,
    limit: int | None = None,
    page_types: frozenset[str] | None = None,
) -> DatasetReport:
    """Every method on the scored pages of one dataset file."""
    typed = [p for p in load_rendered(path, renderer, limit) if of_types(p, page_types)]
    pages, note = held_out(typed, model)
    if page_types:
        note += f"; page types {', '.join(sorted(page_types))}"
    if not pages:
        raise ValueError(
            f"{path}: no pages left to score ({note}); when the model trained on all of it, "
            "`cleaner eval --loo` scores it with models that did not"
        )
    rows = []
    for name, fn in methods:
        summary, speed = run_method(fn, pages)
        rows.append(MethodRow(name, summary, speed))
    return DatasetReport(dataset_name(path), note, tuple(rows))


def default_methods(cleaner: Cleaner) -> list[tuple[str, CleanFn]]:
    """Reference rows first, then the rules alone, then the cleaner as configured."""
    rules_only = Cleaner(model=None, config=cleaner.config)
    methods: list[tuple[str, CleanFn]] = [
        ("keep-everything", keep_everything),
        ("C4 line filter", c4_line_filter),
        ("cleaner rules-only", rules_only.clean),
    ]
    if cleaner.config.model is not None:
        methods.append((f"cleaner rules+model ({cleaner.config.preset})", cleaner.clean))
    return methods


def format_report(report: DatasetReport) -> str:
    """A plain-text table for one dataset."""
    header = f"{report.dataset}: {report.rows[0].summary.n} pages, {report.note}"
    lines = [
        header,
        f"  {'method':<34} {'P':>6} {'R':>6} {'F1':>6} {'med F1':>7} {'pages/s':>9}",
    ]
    for row in report.rows:
        s = row.summary
        lines.append(
            f"  {row.method:<34} {s.mean_precision:6.3f} {s.mean_recall:6.3f} "
            f"{s.mean_f1:6.3f} {s.median_f1:7.3f} {row.pages_per_second:9,.0f}"
        )
    return "\n".join(lines)
