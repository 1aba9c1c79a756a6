"""The DOM block model: the line model's two stages, fed what the DOM knows as well.

For the `fast` backend every block is a line of text, so all the text features apply
(`cleaner.features`); on top come DOM columns (link density, heading level, list and table
membership, depth, the block's tag, whether it sits in <article>/<main>, whether the class/id
tokens around it name content or furniture, link density around it) and hashed class/id
tokens and tag paths, so a model learns `entry-content` and `post-meta` without a rule per
site. Training (`cleaner.train_dom`) reuses `cleaner.train`'s linear machinery and
revision stage; the weights ship as `models/dom.npz`, arrays plus a JSON header read with
`allow_pickle=False`, loaded once per process on first use.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import regex

from cleaner.document import Document
from cleaner.dom import Block
from cleaner.features import (
    FEATURE_NAMES,
    HASH_BUCKETS,
    PageFeatures,
    page_features,
    window_mean,
)
from cleaner.filters.learned import LearnedFilter
from cleaner.model import LineModel, load_model
from cleaner.pipeline import Draft

DOM_MODEL_FILE = "dom.npz"
# Class/id words that name the article's own container, and words that name furniture.
_CONTENT_WORD_LIST = "article content body story entry post text main prose blog richtext copy"
CONTENT_WORDS = frozenset(_CONTENT_WORD_LIST.split())
_FURNITURE_WORD_LIST = """nav menu footer header sidebar widget comment comments related share
social meta byline tags tag breadcrumb promo teaser subscribe newsletter caption credit author
date"""
FURNITURE_WORDS = frozenset(_FURNITURE_WORD_LIST.split())
DOM_FEATURES = (
    "link_density",
    "is_heading",
    "heading_level",
    "in_list",
    "in_table",
    "log_depth",
    "tag_p",
    "tag_li",
    "tag_cell",
    "tag_div",
    "tag_heading",
    "in_article",
    "content_token",
    "furniture_token",
    "in_form",
    "in_header",
    "in_figure",
    "same_parent_as_previous",
    "link_density_within_2",
    "link_density_within_5",
    "content_token_within_5",
    "parent_word_share",
    "parent_prose_share",
    "grandparent_word_share",
    "grandparent_prose_share",
    "log_parent_rows",
)
ALL_FEATURES = (*FEATURE_NAMES, *DOM_FEATURES)
# Class/id tokens of this many nearest ancestors are hashed (the outer ones are shared by
# every block of the page and say nothing about one block).
HASHED_TOKENS = 6
_WORDS = regex.compile(r"[a-z]+")
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_LOG_WORDS = FEATURE_NAMES.index("log_words")
_PROSE = FEATURE_NAMES.index("prose")


def _path_columns(path: tuple[str, ...]) -> list[float]:
    """The columns of `_block_rows` that depend on the tag path alone (`log_depth`, the tag
    flags, `in_article`)."""
    tag = path[-1] if path else ""
    return [
        float(np.log1p(len(path))),
        float(tag == "p"),
        float(tag == "li"),
        float(tag in ("td", "th")),
        float(tag == "div"),
        float(tag in _HEADING_TAGS),
        float("article" in path or "main" in path),
    ]


def _enclosing_columns(path: tuple[str, ...]) -> list[float]:
    """`in_form`, `in_header`, `in_figure`: the containers on the tag path."""
    return [
        float("form" in path),
        float("header" in path),
        float("figure" in path or "figcaption" in path),
    ]


@lru_cache(maxsize=1 << 14)
def _token_columns(tokens: tuple[str, ...]) -> list[float]:
    """`content_token`, `furniture_token`: whether a class/id word names either (cached
    across pages: a site's token tuples recur on all its pages; callers do not mutate it)."""
    words = {w for token in tokens for w in _WORDS.findall(token)}
    return [
        float(not words.isdisjoint(CONTENT_WORDS)),
        float(not words.isdisjoint(FURNITURE_WORDS)),
    ]


def _block_rows(blocks: Sequence[Block], lines: Sequence[int]) -> list[list[float]]:
    """The `DOM_FEATURES` columns up to `same_parent_as_previous` of the blocks at `lines`.

    A page's blocks share a few dozen tag paths and token tuples, so the columns that
    depend on those alone are computed once per distinct value (they were most of the work)."""
    by_path: dict[tuple[str, ...], tuple[list[float], list[float]]] = {}
    rows = []
    previous: Block | None = None
    for line in lines:
        block = blocks[line]
        path, tokens = block.path, block.tokens
        path_columns = by_path.get(path)
        if path_columns is None:
            path_columns = by_path[path] = (_path_columns(path), _enclosing_columns(path))
        heading = block.heading
        same = previous is not None and previous.path == path and previous.tokens == tokens
        rows.append(
            [
                block.link_density,
                float(heading > 0),
                float(heading),
                float(block.in_list),
                float(block.in_table),
                *path_columns[0],
                *_token_columns(tokens),
                *path_columns[1],
                float(same),
            ]
        )
        previous = block
    return rows


def _hash_keys(block: Block) -> list[str]:
    path = block.path
    keys = [f"dt:{token}" for token in block.tokens[:HASHED_TOKENS]]
    keys.append("dp:" + "/".join(path[-2:]))
    if block.tokens:
        keys.append(f"dc:{path[-1] if path else ''}.{block.tokens[0]}")
    return keys


def dom_features(document: Document, draft: Draft) -> PageFeatures:
    """The text features of the lines to be output, with DOM columns and hashed DOM keys."""
    text = page_features(document, draft)
    blocks: Sequence[Block] = getattr(document, "blocks", ())
    n = len(text.lines)
    if not n or len(blocks) != len(document.lines):
        width = len(ALL_FEATURES)
        return PageFeatures(text.lines, np.zeros((n, width), np.float32), *_no_hashes())
    dom = np.array(_block_rows(blocks, text.lines), dtype=np.float32)
    density, content = dom[:, 0], dom[:, DOM_FEATURES.index("content_token")]
    groups = [(blocks[line].parent, blocks[line].grandparent) for line in text.lines]
    extra = np.column_stack(
        [
            window_mean(density, 2),
            window_mean(density, 5),
            window_mean(content, 5),
            *container_columns(np.array(groups, dtype=np.int64), text.dense),
        ]
    ).astype(np.float32)
    dense = np.concatenate([text.dense, dom, extra], axis=1)
    keys_rows: list[int] = []
    keys: list[str] = []
    for row, line in enumerate(text.lines):
        block_keys = _hash_keys(blocks[line])
        keys.extend(block_keys)
        keys_rows.extend([row] * len(block_keys))
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, keys)), np.int64, len(keys))
    hash_rows = np.concatenate([text.hash_rows, np.array(keys_rows, np.int64)])
    hash_buckets = np.concatenate([text.hash_buckets, hashes % HASH_BUCKETS])
    return PageFeatures(text.lines, dense, hash_rows, hash_buckets)


def container_columns(groups: np.ndarray, text_dense: np.ndarray) -> list[np.ndarray]:
    """Per row, the share of the page's words and prose words that sit in the same parent
    (and grandparent) element, and how many rows share its parent: an article's paragraphs
    share one container that holds most of the page's prose, a menu's items share one that
    holds little (the container idea of readability and boilerpipe, as features)."""
    words = np.expm1(text_dense[:, _LOG_WORDS].astype(np.float64))
    prose = words * text_dense[:, _PROSE]
    total_words = float(words.sum()) or 1.0
    total_prose = float(prose.sum()) or 1.0
    columns = []
    rows_in_parent = None
    for level in (0, 1):
        _, inverse, counts = np.unique(groups[:, level], return_inverse=True, return_counts=True)
        columns.append(np.bincount(inverse, weights=words)[inverse] / total_words)
        columns.append(np.bincount(inverse, weights=prose)[inverse] / total_prose)
        if level == 0:
            rows_in_parent = counts[inverse]
    assert rows_in_parent is not None
    columns.append(np.log1p(rows_in_parent))
    return columns


def _no_hashes() -> tuple[np.ndarray, np.ndarray]:
    empty = np.zeros(0, np.int64)
    return empty, empty


def save_dom_model(model: LineModel, path: Path) -> None:
    """Write the DOM model in the line model's npz format, with the DOM feature names."""
    model.save(path, ALL_FEATURES)


def load_dom_model(path: Path | str) -> LineModel:
    """Read a DOM model file; errors say how to get a usable one."""
    return load_model(path, ALL_FEATURES, "python -m cleaner.train_dom")


@cache
def default_dom_model() -> LineModel | None:
    """The shipped DOM model, loaded once per process; None when the package has none."""
    source = resources.files("cleaner.models").joinpath(DOM_MODEL_FILE)
    with resources.as_file(source) as path:
        return load_dom_model(path) if path.is_file() else None


def dom_learned_filter(model: LineModel, preset: str) -> LearnedFilter:
    """The learned filter over DOM blocks: the DOM model's rows, and reasons that say so."""
    return LearnedFilter(model, preset, dom_features, "DOM block model", digits=3)
