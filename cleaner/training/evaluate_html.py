"""`cleaner eval --mode html`: our HTML backends against trafilatura and readability-lxml.

Every method gets the raw page (HTML mode, design.md section 3) and is scored the same way
as in text mode (`cleaner.training.scoring`), per dataset, on the same pages, timed in the same
process: trafilatura (comments off) and readability-lxml (its summary, rendered to text by
our DOM walk) are the reference rows, then `cleaner` with each backend.

Honest numbers: when a learned model trained on a dataset (the line model, or the `fast`
backend's DOM block model; wcxb_dev and readability, folds 0-7, for the shipped ones), only
the pages of its held-out site folds are scored, for every row (`evaluate.held_out`); the
note above each table says which pages were scored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cleaner.api import Cleaner
from cleaner.config import EXTRACTORS
from cleaner.html.backends.trafilatura import extract_text
from cleaner.html.walk import page_blocks
from cleaner.models.dom_model import default_dom_model
from cleaner.models.line_model import LineModel
from cleaner.training.datasets import MIN_GOLD_RECALL, Page, load_dataset
from cleaner.training.evaluate_text import (
    DatasetReport,
    MethodRow,
    dataset_name,
    held_out,
    of_types,
    scored,
)
from cleaner.training.scoring import Summary

PageFn = Callable[[Page], str]
READABILITY_MISSING = (
    "readability-lxml row skipped: the package is not installed "
    "(pip install 'cleaner[eval]' or pip install readability-lxml)"
)


def trafilatura_text(page: Page) -> str:
    """The reference: trafilatura's own extraction, comments off, nothing of ours after."""
    return extract_text(page.html, page.url)


def readability_fn() -> PageFn | None:
    """readability-lxml's article, as text; None when the package is not installed."""
    try:
        from readability import Document as ReadabilityDocument
    except ImportError:
        return None

    def extract(page: Page) -> str:
        if not page.html.strip():
            return ""
        try:
            summary = ReadabilityDocument(page.html).summary(html_partial=True)
        except Exception:  # readability gives up on some pages: score them as empty
            return ""
        return "\n".join(block.text for block in page_blocks(summary))

    return extract


def backend_fn(cleaner: Cleaner, backend: str) -> PageFn:
    """`cleaner.clean_html` with one backend, as a page function."""

    def clean(page: Page) -> str:
        return cleaner.clean_html(page.html, page.url, backend=backend)

    return clean


def html_methods(cleaner: Cleaner) -> tuple[list[tuple[str, PageFn]], list[str]]:
    """Reference rows first, then our backends; and notes on rows that were skipped."""
    methods: list[tuple[str, PageFn]] = [("trafilatura (no comments)", trafilatura_text)]
    notes = []
    readability = readability_fn()
    if readability is None:
        notes.append(READABILITY_MISSING)
    else:
        methods.append(("readability-lxml", readability))
    for backend in EXTRACTORS:  # `auto` resolves to one of these (`resolve_backend`)
        methods.append((f"cleaner --backend {backend}", backend_fn(cleaner, backend)))
    return methods, notes


def run_page_method(fn: PageFn, pages: Sequence[Page]) -> tuple[Summary, float]:
    """Run `fn` on every page; the summary of scores and pages per second."""
    start = time.perf_counter()
    outputs = [fn(page) for page in pages]
    return scored(outputs, [page.gold for page in pages], time.perf_counter() - start)


def evaluate_html_dataset(
    path: Path,
    methods: Sequence[tuple[str, PageFn]],
    model: LineModel | None,
    limit: int | None = None,
    page_types: frozenset[str] | None = None,
) -> DatasetReport:
    """Every method on the scored pages of one dataset file, from the raw HTML."""
    stored = load_dataset(
        dataset_name(path), path.parent, limit=limit, min_gold_recall=MIN_GOLD_RECALL
    )
    typed = [p for p in stored if of_types(p, page_types)]
    pages, note = held_out(typed, model)
    dom_model = default_dom_model()
    if dom_model is not None:  # the fast backend's block model: its training folds too
        pages, dom_note = held_out(pages, dom_model)
        if dom_note != note:
            note = f"{note}; for the DOM block model: {dom_note}"
    if page_types:
        note += f"; page types {', '.join(sorted(page_types))}"
    if not pages:
        raise ValueError(
            f"{path}: no pages left to score ({note}); when the model trained on all of it, "
            "`cleaner eval --loo` scores it with models that did not"
        )
    rows = [MethodRow(name, *run_page_method(fn, pages)) for name, fn in methods]
    return DatasetReport(dataset_name(path), note, tuple(rows))
