"""The DOM block model: the line model's two stages, fed what the DOM knows as well.

For the `fast` backend every block is a line of text, so all the text features apply
(`cleaner.text.features`); on top come DOM columns (link density, heading level, list and table
membership, depth, the block's tag, whether it sits in <article>/<main>, whether the class/id
tokens around it name content or furniture, link density around it) and hashed class/id
tokens and tag paths, so a model learns `entry-content` and `post-meta` without a rule per
site. Training (`cleaner.training.train_dom`) reuses `cleaner.training.train_lines`'s linear
machinery and
revision stage; the weights ship as `models/dom.npz`, arrays plus a JSON header read with
`allow_pickle=False`, loaded once per process on first use.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path

import numpy as np
import regex

from cleaner.document import Block, Document
from cleaner.models.line_model import LineModel, load_model
from cleaner.pipeline import Draft
from cleaner.text.features import (
    FEATURE_NAMES,
    HASH_BUCKETS,
    PageFeatures,
    page_features,
    window_mean,
)

DOM_MODEL_FILE = "dom.npz"
# Class/id words that name the article's own container, and words that name furniture.
_CONTENT_WORD_LIST = "article content body story entry post text main prose blog richtext copy"
CONTENT_WORDS = frozenset(_CONTENT_WORD_LIST.split())
_FURNITURE_WORD_LIST = """nav menu footer header sidebar widget comment comments related share
social meta byline tags tag breadcrumb promo teaser subscribe newsletter caption credit author
date"""
FURNITURE_WORDS = frozenset(_FURNITURE_WORD_LIST.split())
# Shares of the page's prose words whose deepest holder is a "prose container"
# (`prose_container_columns`): the article's own box, and the larger box around it.
PROSE_CONTAINER_SHARES = (0.5, 0.8)
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
    "parent_link_share",
    "grandparent_link_share",
    *(
        f"{column}_{round(share * 100)}"
        for share in PROSE_CONTAINER_SHARES
        for column in (
            "in_prose_container",
            "before_prose_container",
            "after_prose_container",
            "shares_prose_container_chain",
            "log_rows_after_prose_container",
        )
    ),
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


@lru_cache(maxsize=1 << 14)
def _hash_buckets(tokens: tuple[str, ...], tail: tuple[str, ...]) -> tuple[int, ...]:
    """The hashed DOM keys of a block with these class/id `tokens` and last two tags `tail`:
    its nearest tokens, its tag pair, and its tag with its first token (cached across
    pages: a site's blocks repeat them)."""
    keys = [f"dt:{token}" for token in tokens[:HASHED_TOKENS]]
    keys.append("dp:" + "/".join(tail))
    if tokens:
        keys.append(f"dc:{tail[-1] if tail else ''}.{tokens[0]}")
    return tuple(zlib.crc32(key.encode()) % HASH_BUCKETS for key in keys)


def dom_features(document: Document, draft: Draft) -> PageFeatures:
    """The text features of the lines to be output, with DOM columns and hashed DOM keys."""
    text = page_features(document, draft)
    blocks: Sequence[Block] = document.blocks
    n = len(text.lines)
    if not n or len(blocks) != len(document.lines):
        width = len(ALL_FEATURES)
        return PageFeatures(text.lines, np.zeros((n, width), np.float32), *_no_hashes())
    dom = np.array(_block_rows(blocks, text.lines), dtype=np.float32)
    density, content = dom[:, 0], dom[:, DOM_FEATURES.index("content_token")]
    groups = [(blocks[line].parent, blocks[line].grandparent) for line in text.lines]
    words, prose = word_counts(text.dense, density)
    extra = np.column_stack(
        [
            window_mean(density, 2),
            window_mean(density, 5),
            window_mean(content, 5),
            *container_columns(np.array(groups, dtype=np.int64), words, prose, density),
            *prose_container_columns([blocks[line].ancestors for line in text.lines], prose),
        ]
    ).astype(np.float32)
    dense = np.concatenate([text.dense, dom, extra], axis=1)
    per_row = [_hash_buckets(blocks[line].tokens, blocks[line].path[-2:]) for line in text.lines]
    sizes = np.fromiter(map(len, per_row), np.int64, n)
    hashes = np.fromiter(chain.from_iterable(per_row), np.int64, int(sizes.sum()))
    hash_rows = np.concatenate([text.hash_rows, np.repeat(np.arange(n), sizes)])
    hash_buckets = np.concatenate([text.hash_buckets, hashes])
    return PageFeatures(text.lines, dense, hash_rows, hash_buckets)


def word_counts(text_dense: np.ndarray, link_density: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, its words and its prose words: its words outside links if it reads as
    prose, else 0 (from the text feature columns and the block's link density)."""
    words = np.expm1(text_dense[:, _LOG_WORDS].astype(np.float64))
    return words, words * text_dense[:, _PROSE] * (1.0 - link_density)


def container_columns(
    groups: np.ndarray, words: np.ndarray, prose: np.ndarray, link_density: np.ndarray
) -> list[np.ndarray]:
    """Per row, the share of the page's words and prose words that sit in the same parent
    (and grandparent) element, how many rows share its parent, and the share of its parent's
    (grandparent's) words that are link text: an article's paragraphs share one container
    that holds most of the page's prose, a menu's items share one that holds little and is
    all links (the container idea of readability and boilerpipe, as features). `words`
    and `prose`: the rows' `word_counts`."""
    linked = words * link_density
    total_words = float(words.sum()) or 1.0
    total_prose = float(prose.sum()) or 1.0
    columns = []
    link_shares = []
    rows_in_parent = None
    for level in (0, 1):
        _, inverse, counts = np.unique(groups[:, level], return_inverse=True, return_counts=True)
        group_words = np.bincount(inverse, weights=words)
        columns.append(group_words[inverse] / total_words)
        columns.append(np.bincount(inverse, weights=prose)[inverse] / total_prose)
        group_links = np.bincount(inverse, weights=linked) / np.maximum(group_words, 1.0)
        link_shares.append(group_links[inverse])
        if level == 0:
            rows_in_parent = counts[inverse]
    assert rows_in_parent is not None
    columns.append(np.log1p(rows_in_parent))
    return columns + link_shares


def _container_ids(ancestors: Sequence[tuple[int, ...]]) -> tuple[np.ndarray, ...]:
    """The rows' ancestor chains flattened: element ids, the row each entry belongs to, and
    each element's depth (indexed by id)."""
    sizes = np.fromiter(map(len, ancestors), np.int64, len(ancestors))
    ids = np.fromiter(chain.from_iterable(ancestors), np.int64, int(sizes.sum()))
    rows = np.repeat(np.arange(len(ancestors)), sizes)
    depth = np.zeros(int(ids.max()) + 1, np.int64)
    depth[ids] = np.arange(len(ids)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return ids, rows, depth


def prose_container_columns(
    ancestors: Sequence[tuple[int, ...]], prose: np.ndarray
) -> list[np.ndarray]:
    """Per row and per share in `PROSE_CONTAINER_SHARES`, where the row sits against the
    page's prose container, the deepest element holding more than that share of the page's
    prose words (readability's article node, as features): inside it, before it, after it,
    how much of its ancestor chain the row shares (a sidebar beside the article shares
    more than the page footer), and how many rows below its last row.

    Furniture below the article is what `fast` kept most of on the news sets; where a block
    sits against the article's container says what its own text cannot. Link text is not
    prose (`word_counts`): beside a short post, a rail of long headline links would
    otherwise be the page's prose container. `prose`: the rows' prose words."""
    n = len(ancestors)
    total = float(prose.sum())
    if total <= 0 or not any(ancestors):
        return [np.zeros(n) for _ in range(5 * len(PROSE_CONTAINER_SHARES))]
    ids, rows, depth = _container_ids(ancestors)
    held = np.bincount(ids, weights=prose[rows]) / total
    index = np.arange(n)
    columns: list[np.ndarray] = []
    for share in PROSE_CONTAINER_SHARES:
        holders = np.flatnonzero(held > share)  # a chain: each holds the next one
        if not len(holders):  # rows without ancestors (blocks not from `page_blocks`)
            columns += [np.zeros(n)] * 5
            continue
        box = holders[np.argmax(depth[holders])]
        members = rows[ids == box]
        first, last = int(members[0]), int(members[-1])
        inside = np.zeros(n)
        inside[members] = 1.0
        chain_ids = ancestors[first][: depth[box] + 1]
        shared = np.bincount(rows[np.isin(ids, chain_ids)], minlength=n) / len(chain_ids)
        columns += [
            inside,
            (index < first).astype(np.float64),
            (index > last).astype(np.float64),
            shared,
            np.log1p(np.maximum(index - last, 0)),
        ]
    return columns


def _no_hashes() -> tuple[np.ndarray, np.ndarray]:
    empty = np.zeros(0, np.int64)
    return empty, empty


def save_dom_model(model: LineModel, path: Path) -> None:
    """Write the DOM model in the line model's npz format, with the DOM feature names."""
    model.save(path, ALL_FEATURES)


def load_dom_model(path: Path | str) -> LineModel:
    """Read a DOM model file; errors say how to get a usable one."""
    return load_model(path, ALL_FEATURES, "python -m cleaner.training.train_dom")


@cache
def default_dom_model() -> LineModel | None:
    """The shipped DOM model, loaded once per process; None when the package has none."""
    source = resources.files("cleaner.models").joinpath(DOM_MODEL_FILE)
    with resources.as_file(source) as path:
        return load_dom_model(path) if path.is_file() else None
