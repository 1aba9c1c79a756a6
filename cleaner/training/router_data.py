"""What the quality predictor learns from: every page's results, signals and true F1.

For each page of a dataset, the `fast` result (the DOM blocks judged by the models of the
page's leave-one-dataset-out group, `cleaner.training.loo`, so no page is judged by models
that trained on it), trafilatura's plain extraction (the reference of the table), the same
cleaned by our filters (what the router takes: `pair_full`, `f1_full`) and trafilatura
without its fallback extractors, cleaned (the cheaper variant it was compared with: `pair`,
`f1_other`), each scored against the gold; the signals of `fast` and of each pair
(`cleaner.confidence.signals`); and, for text mode, each rendering's cleaned result, its
signals and F1. Gathering every dataset takes a few minutes; the rows are cached next to the
group models they were made with.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.api import Cleaner
from cleaner.confidence.signals import (
    HTML_SIGNALS,
    PAIR_SIGNALS,
    TEXT_SIGNALS,
    article_body,
    html_signals,
    other_signals,
    pair_signals,
    text_signals,
)
from cleaner.document import EXTRACT, Document
from cleaner.html.backends.trafilatura import extract_text
from cleaner.training.datasets import (
    MIN_GOLD_RECALL,
    dataset_names,
    default_data_dir,
    load_dataset,
    rendered_pages,
    repo_root,
)
from cleaner.training.loo import (
    ALL,
    RENDERINGS,
    GroupModels,
    cache_dir,
    group_models,
    holdout_group,
    training_data,
    training_key,
)
from cleaner.training.scoring import score_tokens, tokens

# The code whose change makes cached rows stale (besides the models, which key the folder).
ROW_CODE = ("confidence/signals.py", "training/router_data.py")


# The per-page arrays of `DatasetRows` as saved (the text arrays are saved per rendering).
ARRAYS = (
    "page_ids",
    "english",
    "fast",
    "pair",
    "pair_full",
    "f1_fast",
    "f1_other",
    "f1_full",
    "f1_reference",
    "seconds_fast",
    "seconds_other",
    "seconds_reference",
)


@dataclass(frozen=True)
class DatasetRows:
    """One dataset's rows: per page (HTML) and per page and rendering (text)."""

    dataset: str
    page_ids: np.ndarray  # str
    english: np.ndarray  # bool
    fast: np.ndarray  # (pages, HTML_SIGNALS)
    pair: np.ndarray  # (pages, PAIR_SIGNALS), trafilatura without fallback
    pair_full: np.ndarray  # (pages, PAIR_SIGNALS), trafilatura with its fallback
    f1_fast: np.ndarray
    f1_other: np.ndarray  # trafilatura without fallback, cleaned by our filters
    f1_full: np.ndarray  # trafilatura with its fallback, cleaned by our filters
    f1_reference: np.ndarray  # trafilatura's own extraction
    seconds_fast: np.ndarray
    seconds_other: np.ndarray
    seconds_reference: np.ndarray
    text: Mapping[str, np.ndarray]  # rendering -> (pages, TEXT_SIGNALS)
    f1_text: Mapping[str, np.ndarray]

    def save(self, path: Path) -> None:
        arrays = {name: getattr(self, name) for name in ARRAYS}
        for rendering in self.text:
            arrays[f"text_{rendering}"] = self.text[rendering]
            arrays[f"f1_text_{rendering}"] = self.f1_text[rendering]
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(temporary, **arrays)
        temporary.replace(path)

    @classmethod
    def load(cls, dataset: str, path: Path) -> DatasetRows:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        text = {r: arrays.pop(f"text_{r}") for r in RENDERINGS if f"text_{r}" in arrays}
        f1_text = {r: arrays.pop(f"f1_text_{r}") for r in text}
        return cls(dataset=dataset, text=text, f1_text=f1_text, **arrays)


def rows_key(models_key: str) -> str:
    """The cache folder's name: the group models' key and the code that makes rows."""
    digest = hashlib.sha256(models_key.encode())
    for name in ROW_CODE:
        digest.update((repo_root() / "cleaner" / name).read_bytes())
    return digest.hexdigest()[:16]


def other_result(html: str, url: str | None) -> Document:
    """trafilatura's text without its fallback extractors: the cheaper second extractor the
    router was compared with (docs/decisions.md, "The router"; the router runs it whole)."""
    return Document.from_text(extract_text(html, url, fast=True), EXTRACT)


def dataset_rows(name: str, data_dir: Path, limit: int | None, cleaner: Cleaner) -> DatasetRows:
    """Every page's results, signals and F1 (module docstring)."""
    pages = load_dataset(name, data_dir, limit, MIN_GOLD_RECALL)
    fast_rows, pair_rows, full_rows, scores, seconds = [], [], [], [], []
    for page in pages:
        gold = tokens(page.gold)
        body = article_body(page.html)
        started = time.perf_counter()
        fast = cleaner.explain_html(page.html, page.url, backend="fast")
        middle = time.perf_counter()
        other = cleaner.pipeline.run(other_result(page.html, page.url))
        ended = time.perf_counter()
        reference = extract_text(page.html, page.url)
        done = time.perf_counter()
        full = cleaner.pipeline.run(Document.from_text(reference, EXTRACT))
        fast_tokens, other_tokens = tokens(fast.text), tokens(other.text)
        full_tokens = tokens(full.text)
        row = html_signals(fast, page.html, body, fast_tokens)
        titles = fast.document.titles
        other_row = other_signals(other, page.html, other_tokens, body, titles)
        full_row = other_signals(full, page.html, full_tokens, body, titles)
        fast_rows.append(row)
        pair_rows.append(pair_signals(row, fast_tokens, other_row, other_tokens))
        full_rows.append(pair_signals(row, fast_tokens, full_row, full_tokens))
        scores.append(
            (
                score_tokens(fast_tokens, gold).f1,
                score_tokens(other_tokens, gold).f1,
                score_tokens(full_tokens, gold).f1,
                score_tokens(tokens(reference), gold).f1,
            )
        )
        seconds.append((middle - started, ended - middle, done - ended))
    text, f1_text = {}, {}
    golds = {page.id: tokens(page.gold) for page in pages}
    for rendering in RENDERINGS:
        rendered = rendered_pages(
            name, rendering, data_dir, limit=limit, min_gold_recall=MIN_GOLD_RECALL
        )
        by_id = {p.id: p.text for p in rendered}
        rows, f1 = [], []
        for page in pages:
            cleaned = cleaner.explain(by_id.get(page.id, ""))
            rows.append(text_signals(cleaned))
            f1.append(score_tokens(tokens(cleaned.text), golds[page.id]).f1)
        text[rendering] = np.asarray(rows, np.float32).reshape(-1, len(TEXT_SIGNALS))
        f1_text[rendering] = np.asarray(f1, np.float32)
    score_array = np.asarray(scores, np.float32).reshape(-1, 4)
    time_array = np.asarray(seconds, np.float64).reshape(-1, 3)
    return DatasetRows(
        dataset=name,
        page_ids=np.asarray([p.id for p in pages]),
        english=np.asarray([p.lang is None or p.lang.lower().startswith("en") for p in pages]),
        fast=np.asarray(fast_rows, np.float32).reshape(-1, len(HTML_SIGNALS)),
        pair=np.asarray(pair_rows, np.float32).reshape(-1, len(PAIR_SIGNALS)),
        pair_full=np.asarray(full_rows, np.float32).reshape(-1, len(PAIR_SIGNALS)),
        f1_fast=score_array[:, 0],
        f1_other=score_array[:, 1],
        f1_full=score_array[:, 2],
        f1_reference=score_array[:, 3],
        seconds_fast=time_array[:, 0],
        seconds_other=time_array[:, 1],
        seconds_reference=time_array[:, 2],
        text=text,
        f1_text=f1_text,
    )


def cached_rows(
    name: str, data_dir: Path, limit: int | None, cleaner: Cleaner, folder: Path
) -> DatasetRows:
    """`dataset_rows`, from `folder` when gathered before with the same models and code."""
    path = folder / f"{name}-{limit or 'all'}.npz"
    if path.is_file():
        return DatasetRows.load(name, path)
    print(f"router: gathering the rows of {name}", file=sys.stderr, flush=True)
    rows = dataset_rows(name, data_dir, limit, cleaner)
    rows.save(path)
    return rows


def all_group_models(data_dir: Path, limit: int | None) -> tuple[str, dict[str, GroupModels]]:
    """The training key and the models of every group (fitted now or from the cache)."""
    data = training_data(data_dir, limit, Cleaner(model=None).rule_filters())
    groups = sorted({holdout_group(name) for name in dataset_names(data_dir)} | {ALL})
    return training_key(data), group_models(groups, data)


def gather_rows(
    data_dir: Path | None,
    names: Sequence[str] | None,
    limit: int | None,
    models: tuple[str, Mapping[str, GroupModels]] | None = None,
) -> dict[str, DatasetRows]:
    """The rows of `names` (default: every dataset) and of every eligible dataset (the
    predictor trains on them), each judged by its group's block models (`models`: the
    training key and every group's models, `all_group_models`; built when not given)."""
    data_dir = data_dir or default_data_dir()
    key, by_group = models or all_group_models(data_dir, limit)
    folder = cache_dir(key).parent.parent / "router" / rows_key(key)
    present = dataset_names(data_dir)
    wanted = set(names or present) | {n for n in present if holdout_group(n) != ALL}
    return {
        name: cached_rows(
            name, data_dir, limit, by_group[holdout_group(name)].cleaner("balanced"), folder
        )
        for name in sorted(wanted)
    }
