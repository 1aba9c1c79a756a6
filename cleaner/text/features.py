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
score differently on the two. The features are computed by the native core (`cleaner._core`,
core/src/features), which follows Python's string methods and numpy's float32 arithmetic:
training and serving call the same code, and a page costs about a microsecond per line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

import cleaner._core as _core
from cleaner.document import Document
from cleaner.pipeline import Draft

# Buckets of the hashed word features. 2**18 keeps collisions rare among the few thousand
# words that matter while the weights stay well under the 5 MB budget of a shipped model.
HASH_BUCKETS: int = _core.HASH_BUCKETS
# The dense columns, named by the core that computes them (core/src/features/mod.rs): the
# line's shape (`LINE_FEATURES`), its neighbours' at -2, -1, +1, +2, then its context.
FEATURE_NAMES: tuple[str, ...] = tuple(_core.feature_names())
LINE_FEATURES = FEATURE_NAMES[: FEATURE_NAMES.index("log_words@-2")]
_LOG_WORDS = LINE_FEATURES.index("log_words")


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
        column = self.dense[:, _LOG_WORDS].astype(np.float64)
        return round(float(np.expm1(column).sum()))


@cache
def stopwords() -> Mapping[str, frozenset[str]]:
    """Stop lists by language, read once from the package (``models/stopwords.json``)."""
    return {lang: frozenset(words) for lang, words in _stop_lists()}


@cache
def _stop_lists() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The stop lists in the file's order (the language guess breaks ties by it)."""
    source = resources.files("cleaner.models").joinpath("stopwords.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    lists = ((lang, words) for lang, words in data.items() if not lang.startswith("_"))
    return tuple((lang, tuple(sorted(set(words)))) for lang, words in lists)


@cache
def featurizer() -> _core.Featurizer:
    """The core's feature computer with the shipped stop lists, built once per process."""
    return _core.Featurizer([(lang, list(words)) for lang, words in _stop_lists()])


def guess_language(texts: Sequence[str]) -> str | None:
    """The language whose stop words are most frequent in the page, or None if none fits.

    Pages rarely say their language in scraped text, and stop-word density is only
    meaningful against the right list; counting stop-list hits in a sample is cheap and
    good enough to pick among the lists we ship.
    """
    return featurizer().guess_language(list(texts))


def bucket(kind: str, token: str) -> int:
    """Stable hash bucket of a word feature (crc32: the same in every process, unlike hash())."""
    return int(_core.bucket(f"{kind}:{token}"))


def from_core(
    lines: Sequence[int], dense: bytearray, width: int, rows: bytearray, buckets: bytearray
) -> PageFeatures:
    """PageFeatures from the core's bytes (float32 row-major dense, int64 coordinates)."""
    matrix = np.frombuffer(dense, dtype="<f4").reshape(len(lines), width)
    hash_rows = np.frombuffer(rows, dtype="<i8")
    hash_buckets = np.frombuffer(buckets, dtype="<i8")
    return PageFeatures(tuple(lines), matrix, hash_rows, hash_buckets)


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


def page_features(document: Document, draft: Draft, words: bool = True) -> PageFeatures:
    """Features of every line that will be output (non-blank, not removed by a rule);
    without `words`, no hashed words (a tree stage one reads only the dense columns).

    The model judges the text as it will come out: a tail or a box the rules removed is not
    part of the sequence, so the article's last paragraph above a removed tail is at the end
    of the text, as in scraped text that ends with the article. Rule hits feed the model
    through that sequence and through `rule_cut` (a span rule cut the line); what else was
    tried is in docs/decisions.md. `document` is unused: the draft holds the lines.
    """
    del document
    computed = featurizer().page_features(
        list(draft.texts), list(draft.removed), sorted(draft.cut), words
    )
    return from_core(*computed)
