"""Label every line of a rendered page content or boilerplate by aligning it with the gold.

Training and evaluating the learned filter needs a verdict per line, but the datasets give
only the page's gold main text. The alignment is a token-level longest-matching-blocks diff
(difflib, no junk heuristic) between the page's tokens, in order, and the gold's tokens, in
order, using the same tokens the score counts (``cleaner.training.scoring.tokens``). A line's
*match* is the share of its tokens that the diff pairs with gold tokens:

- order matters, so a nav link "Politics" is not content just because the word "politics"
  occurs somewhere in the article, unless it sits where the gold has it;
- a line is content when at least half its tokens match (``CONTENT_MATCH``);
- a line whose match lies between ``AMBIGUOUS_LOW`` and ``AMBIGUOUS_HIGH`` is *ambiguous*:
  neither label is clearly right (a byline merged with a date the gold dropped, a teaser
  that repeats the article's first sentence). Their share measures the labels' noise;
- a line without tokens (punctuation, a bullet) gets no label: it cannot change a score.

The *ceiling* is the score of the output that keeps exactly the lines labelled content:
what a perfect line classifier would reach against this gold, given that a line is the
unit the cleaner keeps or drops.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.training.scoring import Score, score, tokens

# A line is content when at least this share of its tokens align with the gold.
CONTENT_MATCH = 0.5
# Between these two shares neither label is clearly right; counted as label noise.
AMBIGUOUS_LOW = 0.2
AMBIGUOUS_HIGH = 0.8


@dataclass(frozen=True, slots=True)
class LineLabels:
    """Per-line alignment of one page: matched share (None: no tokens) and derived labels."""

    match: tuple[float | None, ...]

    @property
    def content(self) -> tuple[bool | None, ...]:
        """True for content, False for boilerplate, None for lines without tokens."""
        return tuple(None if m is None else m >= CONTENT_MATCH for m in self.match)

    @property
    def ambiguous(self) -> int:
        """How many lines have a match share strictly between the ambiguity bounds."""
        return sum(1 for m in self.match if m is not None and AMBIGUOUS_LOW < m < AMBIGUOUS_HIGH)

    @property
    def labelled(self) -> int:
        """How many lines carry a label (have at least one token)."""
        return sum(1 for m in self.match if m is not None)


def align_lines(lines: Sequence[str], gold: str) -> LineLabels:
    """Match share of each line against ``gold`` (see the module docstring)."""
    line_tokens = [tokens(line) for line in lines]
    page = [token for words in line_tokens for token in words]
    matched = [False] * len(page)
    matcher = difflib.SequenceMatcher(None, page, tokens(gold), autojunk=False)
    for start, _, size in matcher.get_matching_blocks():
        matched[start : start + size] = [True] * size
    shares: list[float | None] = []
    offset = 0
    for words in line_tokens:
        if not words:
            shares.append(None)
            continue
        hits = sum(matched[offset : offset + len(words)])
        shares.append(hits / len(words))
        offset += len(words)
    return LineLabels(tuple(shares))


def ceiling(lines: Sequence[str], labels: LineLabels, gold: str) -> Score:
    """Score of keeping exactly the lines labelled content: the best a line filter can do."""
    kept = [line for line, keep in zip(lines, labels.content, strict=True) if keep]
    return score("\n".join(kept), gold)
