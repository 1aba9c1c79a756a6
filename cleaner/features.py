"""Features of each line for the learned filter: the line itself, its neighbours, its place.

A line's verdict depends on its surroundings: "Read more" under a teaser is boilerplate,
a one-word line inside a list of ingredients is content, and whatever follows the last
paragraph of prose is probably a tail. So every non-blank line gets three kinds of
features, in the spirit of jusText and boilerpipe:

- *shape* of the line (``LINE_FEATURES``): length, word count, stop-word density in the
  page's language, end punctuation, capitalisation, digits, link- and date-like shapes,
  separators, whether a rule removed or cut it, whether it repeats on the page;
- *context*: a few shape features of the two lines before and after, the density of prose
  in windows around the line, and its position: distance from the start and end, share of
  the page's words before it, distance to the nearest prose line;
- *words*: hashed first word, last word and (for short lines) the whole line, so a model
  can learn "Comments", "Share this", "Photo:" without a rule per site.

Blank lines are left out of the sequence: renderers disagree about them (html-text keeps
paragraph gaps, BeautifulSoup's get_text does not), so a model that leaned on them would
score differently on the two. The shape features are computed with string methods only, in
one pass; everything that combines lines is numpy, so a page costs a few microseconds per
line.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import regex

from cleaner.document import Document
from cleaner.pipeline import Draft

# Buckets of the hashed word features. 2**18 keeps collisions rare among the few thousand
# words that matter while the weights stay well under the 5 MB budget of a shipped model.
HASH_BUCKETS = 1 << 18
# Lines of at most this many words also hash as a whole ("read more", "share this story").
WHOLE_LINE_MAX_WORDS = 5
# How many words of a page are enough to guess its language from stop words.
LANGUAGE_SAMPLE_WORDS = 2000
# Below this share of stop words in the sample, no stop list fits: treat as unknown.
LANGUAGE_MIN_SHARE = 0.04
# A prose line: ends like a sentence and has at least this many words.
PROSE_MIN_WORDS = 8
# Windows (radius in lines) over which the density of prose around a line is measured.
PROSE_WINDOWS = (2, 5, 12, 25)
# Date-like shapes only matter on short lines (a dateline, a timestamp under a teaser).
DATE_MAX_CHARS = 80

# Written as escapes: curly quotes, dashes and guillemets look like ASCII in an editor.
_SENTENCE_END = frozenset('.!?\u2026"\u201d\u2019\u00bb)')
_BULLETS = frozenset("\u2022\u00b7-*\u2013\u2014\u203a\u00bb>|\u25e6\u25aa\u25ba")
_SEPARATORS = ("|", "\u00bb", "\u203a", " / ")
_DIGITS = regex.compile(r"\d+")
_DATE = regex.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|(?:19|20)\d{2}\b"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"|\d+\s+(?:min|mins|minutes|hours?|days?|weeks?|months?|years?)\s+ago)",
)
_STRIP = ".,;:!?\"'()[]{}<>|/\\*#-\u00ab\u00bb\u201c\u201d\u2018\u2019\u2022\u00b7\u2013\u2014"

# Names of the per-line shape features, in column order.
LINE_FEATURES = (
    "log_chars",
    "log_words",
    "stop_ratio",
    "ends_sentence",
    "ends_colon",
    "title_ratio",
    "all_upper",
    "digit_ratio",
    "starts_bullet",
    "starts_lower",
    "starts_digit",
    "has_separator",
    "link_like",
    "date_like",
    "mean_word_len",
    "comma_ratio",
    "rule_removed",
    "rule_cut",
    "repeated",
    "short",
    "prose",
)
# Shape features copied from the neighbours at distance 1 and 2 on each side.
NEIGHBOUR_FEATURES = (
    "log_words",
    "stop_ratio",
    "ends_sentence",
    "prose",
    "rule_removed",
    "title_ratio",
    "starts_lower",
    "short",
    "link_like",
    "date_like",
)
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
CONTEXT_FEATURES = (
    *(f"prose_within_{radius}" for radius in PROSE_WINDOWS),
    "position",
    "log_from_start",
    "log_from_end",
    "words_before_share",
    "prose_words_before_share",
    "log_to_prose_before",
    "log_to_prose_after",
    "page_log_lines",
    "page_log_words",
    "page_stop_ratio",
    "page_prose_share",
)
FEATURE_NAMES = (
    *LINE_FEATURES,
    *(f"{name}@{offset:+d}" for offset in NEIGHBOUR_OFFSETS for name in NEIGHBOUR_FEATURES),
    *CONTEXT_FEATURES,
)
_COLUMN = {name: index for index, name in enumerate(LINE_FEATURES)}
_NEIGHBOUR_COLUMNS = [_COLUMN[name] for name in NEIGHBOUR_FEATURES]


@dataclass(frozen=True, slots=True)
class PageFeatures:
    """Features of one page's non-blank lines.

    `lines[k]` is the Document line index of row k; `dense` has one row per such line and
    one column per name in `FEATURE_NAMES`. The hashed word features are a sparse matrix in
    coordinate form: row `hash_rows[j]` switches on bucket `hash_buckets[j]`.
    """

    lines: tuple[int, ...]
    dense: np.ndarray
    hash_rows: np.ndarray
    hash_buckets: np.ndarray


@cache
def stopwords() -> Mapping[str, frozenset[str]]:
    """Stop lists by language, read once from the package (``models/stopwords.json``)."""
    source = resources.files("cleaner.models").joinpath("stopwords.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    return {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}


@cache
def _language_of_word() -> Mapping[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for lang, words in stopwords().items():
        for word in words:
            index.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in index.items()}


def guess_language(texts: Sequence[str]) -> str | None:
    """The language whose stop words are most frequent in the page, or None if none fits.

    Pages rarely say their language in scraped text, and stop-word density is only
    meaningful against the right list; counting stop-list hits in a sample is cheap and
    good enough to pick among the lists we ship.
    """
    counts: Counter[str] = Counter()
    seen = 0
    index = _language_of_word()
    for text in texts:
        for word in text.lower().split():
            seen += 1
            for lang in index.get(word, ()):
                counts[lang] += 1
        if seen >= LANGUAGE_SAMPLE_WORDS:
            break
    if not counts:
        return None
    lang, hits = counts.most_common(1)[0]
    return lang if hits >= LANGUAGE_MIN_SHARE * seen else None


def bucket(kind: str, token: str) -> int:
    """Stable hash bucket of a word feature (crc32: the same in every process, unlike hash())."""
    return zlib.crc32(f"{kind}:{token}".encode()) % HASH_BUCKETS


def _line_row(
    text: str, stops: frozenset[str], removed: bool, cut: bool, repeated: bool
) -> tuple[list[float], tuple[int, ...]]:
    """Shape features and word buckets of one stripped, non-blank line."""
    words = text.split()
    n_words = len(words)
    n_chars = len(text)
    lower_words = text.lower().split()
    last = text[-1]
    first = text[0]
    stop = sum(map(stops.__contains__, lower_words))
    titled = sum(map(str.istitle, words))
    digits = len(_DIGITS.findall(text))
    short_line = n_chars <= DATE_MAX_CHARS
    ends_sentence = last in _SENTENCE_END
    prose = ends_sentence and n_words >= PROSE_MIN_WORDS
    row = [
        math.log1p(n_chars),
        math.log1p(n_words),
        stop / n_words,
        float(ends_sentence),
        float(last == ":"),
        titled / n_words,
        float(text.isupper()),
        min(digits / n_words, 1.0),
        float(first in _BULLETS),
        float(first.islower()),
        float(first.isdigit()),
        float(any(separator in text for separator in _SEPARATORS)),
        float("http" in text or "www." in text or ".com" in text or "@" in text),
        float(short_line and _DATE.search(text.lower()) is not None),
        min((n_chars - n_words + 1) / n_words, 20.0),
        text.count(",") / n_words,
        float(removed),
        float(cut),
        float(repeated),
        float(n_words <= 3),
        float(prose),
    ]
    head = lower_words[0].strip(_STRIP)
    tail = lower_words[-1].strip(_STRIP)
    hashed = [bucket("first", head), bucket("last", tail)]
    if n_words <= WHOLE_LINE_MAX_WORDS:
        hashed.append(bucket("line", " ".join(w.strip(_STRIP) for w in lower_words)))
    return row, tuple(hashed)


def _shift(column: np.ndarray, offset: int) -> np.ndarray:
    """`column` moved by `offset` rows (row i gets row i+offset), zero beyond the page."""
    shifted = np.zeros_like(column)
    if offset > 0:
        shifted[:-offset] = column[offset:]
    elif offset < 0:
        shifted[-offset:] = column[:offset]
    return shifted


def _window_mean(column: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `column` over rows i-radius..i+radius, clipped to the page."""
    padded = np.concatenate(([0.0], np.cumsum(column, dtype=np.float64)))
    n = len(column)
    index = np.arange(n)
    low = np.maximum(index - radius, 0)
    high = np.minimum(index + radius + 1, n)
    return ((padded[high] - padded[low]) / (high - low)).astype(np.float32)


def _distance_to(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows to the nearest flagged row before / after each row (n+1 when there is none)."""
    n = len(flags)
    where = np.flatnonzero(flags)
    index = np.arange(n)
    if len(where) == 0:
        none = np.full(n, n + 1, dtype=np.float32)
        return none, none
    before_pos = np.searchsorted(where, index, side="right") - 1
    before = np.where(before_pos >= 0, index - where[np.maximum(before_pos, 0)], n + 1)
    after_pos = np.searchsorted(where, index, side="left")
    after = np.where(
        after_pos < len(where), where[np.minimum(after_pos, len(where) - 1)] - index, n + 1
    )
    return before.astype(np.float32), after.astype(np.float32)


def context_columns(base: np.ndarray) -> np.ndarray:
    """Neighbour, window, position and page columns computed from the shape columns."""
    n = base.shape[0]
    neighbours = [_shift(base[:, _NEIGHBOUR_COLUMNS], offset) for offset in NEIGHBOUR_OFFSETS]
    prose = base[:, _COLUMN["prose"]]
    words = np.expm1(base[:, _COLUMN["log_words"]])
    windows = [_window_mean(prose, radius) for radius in PROSE_WINDOWS]
    index = np.arange(n, dtype=np.float32)
    total_words = float(words.sum()) or 1.0
    prose_words = words * prose
    total_prose = float(prose_words.sum()) or 1.0
    to_prose_before, to_prose_after = _distance_to(prose > 0)
    page = np.array(
        [
            math.log1p(n),
            math.log1p(total_words),
            float(base[:, _COLUMN["stop_ratio"]].mean()),
            float(prose.mean()),
        ],
        dtype=np.float32,
    )
    columns = [
        *windows,
        index / max(n - 1, 1),
        np.log1p(index),
        np.log1p(n - 1 - index),
        (np.cumsum(words) - words) / total_words,
        (np.cumsum(prose_words) - prose_words) / total_prose,
        np.log1p(to_prose_before),
        np.log1p(to_prose_after),
    ]
    stacked = np.column_stack([*neighbours, np.column_stack(columns), np.tile(page, (n, 1))])
    return stacked.astype(np.float32)


def page_features(document: Document, draft: Draft) -> PageFeatures:
    """Features of every non-blank line of `document`, as the filters before saw it.

    Rule hits feed the model: a line a rule removed stays in the sequence, flagged, because
    it tells about its neighbours (the line after "ADVERTISEMENT" is often an ad, too).
    """
    texts = draft.texts
    rows_index = [i for i, text in enumerate(texts) if text.strip()]
    if not rows_index:
        empty = np.zeros(0, np.int64)
        return PageFeatures((), np.zeros((0, len(FEATURE_NAMES)), np.float32), empty, empty)
    stripped = [texts[i].strip() for i in rows_index]
    lang = guess_language(stripped)
    stops = stopwords().get(lang, frozenset()) if lang else frozenset()
    counts = Counter(stripped)
    removed = draft.removed
    cut = draft.cut
    rows: list[list[float]] = []
    hash_rows: list[int] = []
    hash_buckets: list[int] = []
    for k, (i, text) in enumerate(zip(rows_index, stripped, strict=True)):
        row, buckets = _line_row(text, stops, removed[i], i in cut, counts[text] > 1)
        rows.append(row)
        hash_rows.extend([k] * len(buckets))
        hash_buckets.extend(buckets)
    base = np.array(rows, dtype=np.float32)
    dense = np.concatenate([base, context_columns(base)], axis=1)
    return PageFeatures(
        tuple(rows_index),
        dense,
        np.array(hash_rows, dtype=np.int64),
        np.array(hash_buckets, dtype=np.int64),
    )
