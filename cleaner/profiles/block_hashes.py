"""The blocks a site profile counts, and their hashes.

A block is a normalised line, or a run of 2-3 consecutive non-blank lines (a box of a
heading, a blurb and a link repeats as a run; a quote two articles share rarely comes with
the same neighbours). Each block is known by a 64-bit blake2b hash of its normalised form
(`block_key`), and shown by a sample of its text. Counting them per site is
`cleaner.profiles.profile`; judging a page by the counts is `cleaner.filters.repeated`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from cleaner.text.lines import line_key, match_key

# Runs of this many consecutive non-blank lines are blocks too (single lines always are).
RUN_LENGTHS = (2, 3)
# Each line of a block's sample text is cut to this many characters: enough to recognise
# it. Samples are stored when a block is first seen (a shard may see once a block that is
# frequent over the corpus, and a merge cannot make up a text it was never given); that
# memory is what `cleaner.profiles.profile.MAX_ENTRIES` bounds.
SAMPLE_LINE_CHARS = 160
# Lines whose digest each process remembers (a bounded, thread-safe lru_cache).
DIGEST_CACHE_SIZE = 1 << 16

# Normalisation: case folded, punctuation and symbols dropped, digits read as 0 (a footer's
# year or a "3 comments" counter changes, the block does not), whitespace collapsed.
_NOT_WORD = regex.compile(r"[\p{P}\p{S}]+")
_DIGIT = regex.compile(r"\d")
_ASCII_DIGITS = str.maketrans("123456789", "000000000")
_RUN_PERSON = b"cleaner-run"


def block_key(line: str) -> str:
    """A line's normalised form: what must be equal for two lines to be one block."""
    return _normalise(match_key(line))


def _normalise(key: str) -> str:
    text = _NOT_WORD.sub(" ", key.casefold())
    # ASCII digits by a C-level translate; other scripts' digits by the regex (rare).
    text = text.translate(_ASCII_DIGITS) if text.isascii() else _DIGIT.sub("0", text)
    return " ".join(text.split())


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def block_hash(key: str) -> int:
    """The 64-bit hash of a normalised line (`block_key`)."""
    return int.from_bytes(_digest(key), "big")


@dataclass(frozen=True, slots=True)
class PageBlocks:
    """The blocks of one page: `hashes[k]` is a block spanning the non-blank lines
    `rows[starts[k] : starts[k] + lengths[k]]` (indices into the page's lines); `texts[i]`
    is row i as a sample shows it (whitespace collapsed, cut to SAMPLE_LINE_CHARS)."""

    rows: tuple[int, ...]
    texts: tuple[str, ...]
    hashes: tuple[int, ...]
    starts: tuple[int, ...]
    lengths: tuple[int, ...]

    def sample(self, k: int) -> str:
        """The text of block k, its lines joined by newlines."""
        start = self.starts[k]
        return "\n".join(self.texts[start : start + self.lengths[k]])


def line_digests(
    lines: Sequence[str], keys: Sequence[str | None] | None = None
) -> tuple[list[int], list[str], list[bytes]]:
    """The countable lines of a page: their indices, their text as a sample shows it
    (whitespace collapsed, cut to SAMPLE_LINE_CHARS) and the digests of their normalised
    form. A line whose normalised form is empty (a lone "|" or "•") is not a block.
    `keys`: the lines' `text.line_key`s when already known (a Document has them)."""
    rows: list[int] = []
    texts: list[str] = []
    digests: list[bytes] = []
    if keys is None:
        keys = [line_key(line) for line in lines]
    for index, shown in enumerate(keys):
        if shown is None:  # a long paragraph: the same key, without the fast path
            shown = match_key(lines[index])
        if not shown:
            continue
        digest = _shown_digest(shown)
        if digest is not None:
            rows.append(index)
            short = len(shown) <= SAMPLE_LINE_CHARS
            texts.append(shown if short else shown[:SAMPLE_LINE_CHARS] + "…")
            digests.append(digest)
    return rows, texts, digests


@lru_cache(maxsize=DIGEST_CACHE_SIZE)
def _shown_digest(shown: str) -> bytes | None:
    """The digest of a line's normalised form, or None if it has none. Cached: furniture
    lines, the ones that matter, recur on every page of a site."""
    key = _normalise(shown)
    return _digest(key) if key else None


def run_hash(digests: Sequence[bytes]) -> int:
    """The hash of a run of consecutive lines, from their digests (a domain of its own, so a
    run never collides with a line by construction)."""
    run = hashlib.blake2b(b"".join(digests), digest_size=8, person=_RUN_PERSON).digest()
    return int.from_bytes(run, "big")


def page_blocks(lines: Sequence[str]) -> PageBlocks:
    """Every block of a page: each countable line, then each run of 2-3 of them (a line
    that is not a block breaks no run)."""
    rows, texts, digests = line_digests(lines)
    hashes = [int.from_bytes(d, "big") for d in digests]
    starts, lengths = list(range(len(rows))), [1] * len(rows)
    for size in RUN_LENGTHS:
        for start in range(len(rows) - size + 1):
            hashes.append(run_hash(digests[start : start + size]))
            starts.append(start)
            lengths.append(size)
    return PageBlocks(tuple(rows), tuple(texts), tuple(hashes), tuple(starts), tuple(lengths))
