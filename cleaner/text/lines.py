"""Plain-text plumbing: splitting into lines, the key rules match against, cutting spans out
of a line, and building the output text once from what was kept.

These functions decide the output format, so they decide idempotence too: whatever
`build_output` writes, `split_lines` must read back into the same lines, and a line that
`cut_spans` produced must not change when cut again. Splitting, keys, cuts and the output
are computed by the native core (`core/src/lines.rs`), with Python's string semantics.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

import cleaner._core as _core

# Word tokens as the quality score counts them (design.md section 3), and as extracted text
# is matched to the page's blocks (`cleaner.html.backends.guided`).
_WORD_TOKEN = regex.compile(r"\w+")

# Lines longer than this are never matched whole by a rule: the labels, prompts and notices
# rules name are short, while paragraphs are long. It also bounds the work per line.
MATCH_KEY_MAX_CHARS: int = _core.MATCH_KEY_MAX_CHARS


def word_tokens(text: str) -> list[str]:
    """Lower-cased Unicode word tokens of `text`."""
    return _WORD_TOKEN.findall(text.lower())


def split_lines(text: str) -> tuple[str, ...]:
    """Split text into lines the way the output is read back (every Unicode line break, as
    `str.splitlines`): reading our own output the same way keeps `clean(clean(x)) ==
    clean(x)` true for any input."""
    return tuple(_core.split_lines(text))


def split_keys(text: str) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """The lines of `text` (`split_lines`) and each line's `line_key`, in one core call."""
    lines, keys = _core.split_keys(text)
    return tuple(lines), tuple(keys)


def match_key(line: str) -> str:
    """The form of a line that rules match against: invisible characters removed, whitespace
    (including no-break spaces) collapsed to single spaces, ends stripped.

    Scrapers leave stray spaces and \xa0 around labels; rules should not have to care.
    """
    return _core.match_key(line)


def line_key(line: str) -> str | None:
    """A line's match key, "" for a blank line, or None for a long line no rule judges whole
    (over `MATCH_KEY_MAX_CHARS` characters)."""
    return _core.line_key(line)


def has_unspaced(text: str) -> bool:
    """Whether `text` has a Chinese or Japanese character (scripts written without spaces;
    every such character lies at or above U+2E80, so the core rules most text out by a scan)."""
    return _core.has_unspaced(text)


def word_count(line: str) -> int:
    """Whitespace-separated words, each Chinese or Japanese character counting as one (split
    on spaces a Chinese paragraph is one or two "words", and nothing would read it as prose),
    as the line features and the tail guard count them in the core."""
    return _core.word_count(line)


def word_counts(lines: Sequence[str]) -> list[int]:
    """`word_count` of each line, in one core call."""
    return _core.word_counts(list(lines))


def split_counts(lines: Sequence[str]) -> list[int]:
    """`len(line.split())` of each line (Python's whitespace, no word rule for Chinese or
    Japanese), in one core call."""
    return _core.split_counts(list(lines))


def ends_like_sentence(line: str) -> bool:
    """True when the line ends in sentence-final punctuation (closing quotes allowed): prose
    ("...he said.") rather than a headline, label or caption ending in a credit "(AP)"."""
    return _core.ends_like_sentence(line)


class OffsetMap(NamedTuple):
    """Where each piece of a cut line came from: maps an offset in the cut text back to an
    offset in the original line. Stored per piece, not per character, so a 10 MB line with
    one cut costs two entries, not ten million."""

    starts: list[int]
    origins: list[int]

    def to_line(self, position: int) -> int:
        piece = bisect_right(self.starts, position) - 1
        return self.origins[piece] + position - self.starts[piece]


def cut_spans(line: str, spans: Iterable[tuple[int, int]]) -> tuple[str, OffsetMap]:
    """Remove the union of `spans` from `line`; return the text and the map back to `line`.

    Whitespace on both sides of a hole collapses to one space and the result is stripped:
    "said Tuesday. ADVERTISEMENT The council" becomes "said Tuesday. The council".
    """
    text, pieces = _core.cut_spans(line, list(spans))
    return text, OffsetMap([start for start, _ in pieces], [origin for _, origin in pieces])


def build_output(lines: Sequence[str | None]) -> str:
    """Join kept lines into the output text. `None` marks a removed line.

    Kept lines keep their order and lose trailing whitespace; blank lines mark paragraph
    breaks and a run of them becomes one blank line; no blank lines at either end. A removed
    line leaves no trace, so "para / junk / para" with no blanks stays two adjacent lines.
    """
    return _core.build_output(list(lines))
