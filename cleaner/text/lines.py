"""Plain-text plumbing: splitting into lines, the key rules match against, cutting spans out
of a line, and building the output text once from what was kept.

These functions decide the output format, so they decide idempotence too: whatever
`build_output` writes, `split_lines` must read back into the same lines, and a line that
`cut_spans` produced must not change when cut again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

# Characters that render as nothing but defeat exact matching of labels ("Advert\u200bisement").
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_HAS_INVISIBLE = regex.compile(f"[{_INVISIBLE_CHARS}]")
# Everything `str.strip()` removes, plus the invisible characters: one C-level strip decides
# whether a line is blank (called for every line, so it must be cheap).
_BLANK = _INVISIBLE_CHARS + "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

# Sentence-final punctuation, and the closing quotes or brackets that may follow it. Used to
# tell prose ("...he said.") from headlines, labels and captions ending in a credit "(AP)".
_SENTENCE_END = ".!?\u2026\u3002\uff01\uff1f"
_CLOSERS = "\"'\u201d\u2019\u00bb)]\u300d\u300f\uff09"
# Scripts written without spaces between words (Chinese, Japanese kana). Split on spaces, a
# Chinese paragraph is one or two "words", so nothing would read it as prose; each of their
# characters counts as a word instead (a Chinese word is one to two characters).
_UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}"
_HAS_UNSPACED = regex.compile(f"[{_UNSPACED}]")
# Every character of those scripts lies at or above U+2E80 (checked in the tests): a plain
# range scans a page's text twenty times faster than the script properties, and English
# pages' curly quotes, dashes and symbols lie below it.
_FROM_CJK_BLOCKS = regex.compile("[\u2e80-\U0010ffff]")
_UNSPACED_WORDS = regex.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")

# Word tokens as the quality score counts them (design.md section 3), and as extracted text
# is matched to the page's blocks (`cleaner.html.backends.guided`).
_WORD_TOKEN = regex.compile(r"\w+")

# Lines longer than this are never matched whole by a rule: the labels, prompts and notices
# rules name are short, while paragraphs are long. It also bounds the work per line.
MATCH_KEY_MAX_CHARS = 600


def word_tokens(text: str) -> list[str]:
    """Lower-cased Unicode word tokens of `text`."""
    return _WORD_TOKEN.findall(text.lower())


def split_lines(text: str) -> tuple[str, ...]:
    """Split text into lines the way the output is read back (every Unicode line break).

    `str.splitlines` knows \\r\\n, \\r, \\x85, \\u2028 and friends; using it both here and on our
    own output keeps `clean(clean(x)) == clean(x)` true for any input.
    """
    return tuple(text.splitlines())


def is_blank(line: str) -> bool:
    """A line with nothing visible on it: a paragraph break, not content."""
    return not line.strip(_BLANK)


def match_key(line: str) -> str:
    """The form of a line that rules match against: invisible characters removed, whitespace
    (including no-break spaces) collapsed to single spaces, ends stripped.

    Scrapers leave stray spaces and \xa0 around labels; rules should not have to care.
    """
    if not line.isascii() and _HAS_INVISIBLE.search(line):  # never in ASCII; rare elsewhere
        line = line.translate(_INVISIBLE)
    return " ".join(line.split())


def line_key(line: str) -> str | None:
    """A line's match key, "" for a blank line, or None for a long line no rule judges whole."""
    if len(line) > MATCH_KEY_MAX_CHARS:
        return "" if is_blank(line) else None
    # The common case, inlined: this runs once per line of every input. Invisible characters
    # are never ASCII and never printable, so such lines need no translate.
    if line.isascii() or line.isprintable():
        return " ".join(line.split())
    return match_key(line)


def has_unspaced(text: str) -> bool:
    """Whether `text` has a Chinese or Japanese character (one C-level scan; callers ask it
    of a page's non-ASCII lines joined, as most pages have none)."""
    return _FROM_CJK_BLOCKS.search(text) is not None and _HAS_UNSPACED.search(text) is not None


def word_count(line: str) -> int:
    """Whitespace-separated words, each Chinese or Japanese character counting as one
    (`_UNSPACED`): cheap, and good enough to tell a label from a paragraph."""
    if line.isascii() or not has_unspaced(line):
        return len(line.split())
    return len(_UNSPACED_WORDS.findall(line))


def ends_like_sentence(line: str) -> bool:
    """True when the line ends in sentence-final punctuation (closing quotes allowed).
    Plain string operations: the tail guard asks this of every surviving line."""
    line = line.rstrip().rstrip(_CLOSERS)
    return bool(line) and line[-1] in _SENTENCE_END


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


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
    kept: list[tuple[int, int]] = []
    position = 0
    for start, end in _merge(spans):
        kept.append((position, start))
        position = max(position, end)
    kept.append((position, len(line)))

    out: list[str] = []
    offsets = OffsetMap([], [])
    length = 0
    for start, end in kept:
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        if out:
            # The joining space stands for the hole (and the spaces) just before this piece.
            out.append(" ")
            offsets.starts.append(length)
            offsets.origins.append(start - 1)
            length += 1
        out.append(line[start:end])
        offsets.starts.append(length)
        offsets.origins.append(start)
        length += end - start
    return "".join(out), offsets


def build_output(lines: Sequence[str | None]) -> str:
    """Join kept lines into the output text. `None` marks a removed line.

    Kept lines keep their order and lose trailing whitespace; blank lines mark paragraph
    breaks and a run of them becomes one blank line; no blank lines at either end. A removed
    line leaves no trace, so "para / junk / para" with no blanks stays two adjacent lines.
    """
    out: list[str] = []
    pending_break = False
    blank = _BLANK
    for line in lines:
        if line is None:
            continue
        kept = line.rstrip()
        if not kept or not kept.strip(blank):  # is_blank, inlined: this runs on every line
            pending_break = bool(out)
            continue
        if pending_break:
            out.append("")
            pending_break = False
        out.append(kept)
    return "\n".join(out)
