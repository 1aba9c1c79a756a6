"""Features of each line for the learned filter: the line itself, its neighbours, its place.

A line's verdict depends on its surroundings: "Read more" under a teaser is boilerplate,
a one-word line inside a list of ingredients is content, and whatever follows the last
paragraph of prose is probably a tail. So every non-blank line gets three kinds of
features, in the spirit of jusText and boilerpipe:

- *shape* of the line (``LINE_FEATURES``): length, word count, stop-word density in the
  page's language, end punctuation, capitalisation, digits, link- and date-like shapes,
  separators, whether a span rule cut it, whether it repeats on the page;
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
import operator
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import chain, repeat
from types import MappingProxyType

import numpy as np
import regex

from cleaner.document import Document
from cleaner.pipeline import Draft
from cleaner.text.lines import has_unspaced, word_count

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
# Chinese and Japanese full stops, marks and closing brackets too (`cleaner.text.lines`).
_SENTENCE_END = frozenset('.!?\u2026"\u201d\u2019\u00bb)\u3002\uff01\uff1f\u300d\u300f\uff09')
_BULLETS = frozenset("\u2022\u00b7-*\u2013\u2014\u203a\u00bb>|\u25e6\u25aa\u25ba")
_SEPARATORS = ("|", "\u00bb", "\u203a", " / ")
_LINK_MARKS = ("http", "www.", ".com", "@")
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
    "rule_cut",
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
_COLUMN = MappingProxyType({name: index for index, name in enumerate(LINE_FEATURES)})
_NEIGHBOUR_COLUMNS = tuple(_COLUMN[name] for name in NEIGHBOUR_FEATURES)


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

    def word_count(self) -> int:
        """Words in the rows (whitespace-separated), read back from the `log_words` column."""
        column = self.dense[:, _COLUMN["log_words"]].astype(np.float64)
        return round(float(np.expm1(column).sum()))


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
    return _language_of(list(map(str.split, map(str.lower, texts))))


def _language_of(lower_words: Sequence[list[str]]) -> str | None:
    """`guess_language` on lines already lower-cased and split (page_features has them)."""
    sample: list[str] = []
    for words in lower_words:
        sample.extend(words)
        if len(sample) >= LANGUAGE_SAMPLE_WORDS:
            break
    if not sample:
        return None
    # Every language of every sampled word, counted in C (no Python loop per word).
    langs = map(_language_of_word().get, sample, repeat(()))
    counts: Counter[str] = Counter(chain.from_iterable(langs))
    if not counts:
        return None
    lang, hits = counts.most_common(1)[0]
    return lang if hits >= LANGUAGE_MIN_SHARE * len(sample) else None


def bucket(kind: str, token: str) -> int:
    """Stable hash bucket of a word feature (crc32: the same in every process, unlike hash())."""
    return zlib.crc32(f"{kind}:{token}".encode()) % HASH_BUCKETS


def _flags(values: Iterable[object], n: int) -> np.ndarray:
    return np.fromiter(values, dtype=bool, count=n)


def _per_line(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per line, how many of its words' flags are set (`starts`: each line's first word)."""
    if not len(flags):
        return np.zeros(len(starts), dtype=np.float32)
    return np.add.reduceat(flags.astype(np.float32), starts)


def _contains_any(texts: list[str], needles: Sequence[str]) -> np.ndarray:
    """Per text, whether any needle occurs in it (one C-level pass per needle)."""
    n = len(texts)
    found = np.zeros(n, dtype=bool)
    for needle in needles:
        found |= _flags(map(operator.contains, texts, repeat(needle)), n)
    return found


def shape_columns(
    texts: list[str], lower_words: list[list[str]], stops: frozenset[str], cut: np.ndarray
) -> np.ndarray:
    """The `LINE_FEATURES` columns of stripped, non-blank lines (`lower_words`: each line
    lower-cased and split, computed once by the caller for the language guess too).

    Column by column with `map` over string methods rather than line by line: the loop
    runs in C, which makes the model's cost per line a fraction of the rules' own.
    """
    n = len(texts)
    words = list(map(str.split, texts))
    n_chars = np.fromiter(map(len, texts), dtype=np.float32, count=n)
    n_words = np.fromiter(map(len, words), dtype=np.float32, count=n)
    # Word-level counts over all lines at once, summed per line with reduceat.
    flat_lower = list(chain.from_iterable(lower_words))
    flat = list(chain.from_iterable(words))
    starts = np.concatenate(([0], np.cumsum(n_words[:-1]))).astype(np.int64)
    # Chinese and Japanese: a word per character (`word_count`), on the pages that have any.
    wide = [k for k, text in enumerate(texts) if not text.isascii()]
    if wide and has_unspaced("\n".join([texts[k] for k in wide])):
        for k in wide:
            n_words[k] = word_count(texts[k])
    stop = _per_line(_flags(map(stops.__contains__, flat_lower), len(flat_lower)), starts)
    titled = _per_line(_flags(map(str.istitle, flat), len(flat)), starts)
    digits = np.fromiter(map(len, map(_DIGITS.findall, texts)), dtype=np.float32, count=n)
    commas = np.fromiter(map(str.count, texts, repeat(",")), dtype=np.float32, count=n)
    firsts = [text[0] for text in texts]
    lasts = [text[-1] for text in texts]
    ends_sentence = _flags(map(_SENTENCE_END.__contains__, lasts), n)
    # Every date shape has a digit: only short lines with one are searched.
    maybe_dated = np.flatnonzero((n_chars <= DATE_MAX_CHARS) & (digits > 0))
    dated = np.zeros(n, dtype=bool)
    for k in maybe_dated.tolist():
        dated[k] = _DATE.search(texts[k].lower()) is not None
    counts = Counter(texts)
    columns = [
        np.log1p(n_chars),
        np.log1p(n_words),
        stop / n_words,
        ends_sentence,
        _flags(map(operator.eq, lasts, repeat(":")), n),
        titled / n_words,
        _flags(map(str.isupper, texts), n),
        np.minimum(digits / n_words, 1.0),
        _flags(map(_BULLETS.__contains__, firsts), n),
        _flags(map(str.islower, firsts), n),
        _flags(map(str.isdigit, firsts), n),
        _contains_any(texts, _SEPARATORS),
        _contains_any(texts, _LINK_MARKS),
        dated,
        np.minimum((n_chars - n_words + 1) / n_words, 20.0),
        commas / n_words,
        cut,
        np.fromiter(map(counts.__getitem__, texts), dtype=np.int64, count=n) > 1,
        n_words <= 3,
        ends_sentence & (n_words >= PROSE_MIN_WORDS),
    ]
    return np.column_stack(columns).astype(np.float32)


def word_buckets(lower_words: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Hashed word features in coordinate form (rows, buckets): every line's first and last
    word, and short lines whole."""
    n = len(lower_words)
    heads = ["first:" + w[0].strip(_STRIP) for w in lower_words]
    tails = ["last:" + w[-1].strip(_STRIP) for w in lower_words]
    short = [k for k, w in enumerate(lower_words) if len(w) <= WHOLE_LINE_MAX_WORDS]
    wholes = ["line:" + " ".join(word.strip(_STRIP) for word in lower_words[k]) for k in short]
    keys = heads + tails + wholes
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, keys)), dtype=np.int64, count=len(keys))
    rows = np.concatenate([np.arange(n), np.arange(n), np.array(short, dtype=np.int64)])
    return rows.astype(np.int64), hashes % HASH_BUCKETS


def shift(column: np.ndarray, offset: int, fill: float = 0.0) -> np.ndarray:
    """`column` moved by `offset` rows (row i gets row i+offset), `fill` beyond the page."""
    shifted = np.full_like(column, fill)
    if offset > 0:
        shifted[:-offset] = column[offset:]
    elif offset < 0:
        shifted[-offset:] = column[:offset]
    return shifted


def window_mean(column: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `column` over rows i-radius..i+radius, clipped to the page (float64)."""
    padded = np.concatenate(([0.0], np.cumsum(column, dtype=np.float64)))
    n = len(column)
    index = np.arange(n)
    low = np.maximum(index - radius, 0)
    high = np.minimum(index + radius + 1, n)
    return (padded[high] - padded[low]) / (high - low)


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
    neighbours = [shift(base[:, _NEIGHBOUR_COLUMNS], offset) for offset in NEIGHBOUR_OFFSETS]
    prose = base[:, _COLUMN["prose"]]
    words = np.expm1(base[:, _COLUMN["log_words"]])
    windows = [window_mean(prose, radius) for radius in PROSE_WINDOWS]
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


def page_features(document: Document, draft: Draft, words: bool = True) -> PageFeatures:
    """Features of every line that will be output (non-blank, not removed by a rule);
    without `words`, no hashed words (a tree stage one reads only the dense columns).

    The model judges the text as it will come out: a tail or a box the rules removed is not
    part of the sequence, so the article's last paragraph above a removed tail is at the end
    of the text, as in scraped text that ends with the article. Rule hits feed the model
    through that sequence and through `rule_cut` (a span rule cut the line); what else was
    tried is in docs/decisions.md.
    """
    texts = draft.texts
    gone = draft.removed
    rows_index = [i for i, text in enumerate(texts) if text and not text.isspace() and not gone[i]]
    if not rows_index:
        empty = np.zeros(0, np.int64)
        return PageFeatures((), np.zeros((0, len(FEATURE_NAMES)), np.float32), empty, empty)
    stripped = [texts[i].strip() for i in rows_index]
    cut = np.array([i in draft.cut for i in rows_index], dtype=bool)
    lower_words = list(map(str.split, map(str.lower, stripped)))
    lang = _language_of(lower_words)
    stops = stopwords().get(lang, frozenset()) if lang else frozenset()
    base = shape_columns(stripped, lower_words, stops, cut)
    if words:
        hash_rows, hash_buckets = word_buckets(lower_words)
    else:
        hash_rows = hash_buckets = np.zeros(0, np.int64)
    dense = np.concatenate([base, context_columns(base)], axis=1)
    return PageFeatures(tuple(rows_index), dense, hash_rows, hash_buckets)
