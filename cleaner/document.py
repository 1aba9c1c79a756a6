"""The nouns of the design: Block, Document, Removal and Cleaned.

A Document is the input split into blocks: lines of text, or a page's DOM blocks, each also a
line. Where the blocks came from is its `origin`, the one thing filters may ask about the
input's kind (`TEXT`, `EXTRACT`, `DOM`). Filters never edit it; they propose
Removals, which say which block (or span inside it) goes, which filter and rule decided, and
why. Cleaned is the result: the kept text plus every removal, so a person can see why each
piece went and a program can reproduce the text from the document and the removals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from cleaner.text.lines import line_key, split_keys

if TYPE_CHECKING:
    from cleaner.packs.dom_pack import DomMatch

# What a Document's lines are (`Document.origin`).
TEXT = "text"
EXTRACT = "extract"
DOM = "dom"


class Removal(NamedTuple):
    """One decision to remove a line, or a span of it, with the reason.

    `line` is the 0-based index of the line in `Document.lines` (what code indexes with);
    every serialised form (`to_dict`: `explain --json`, removals audits) and `explain`'s
    listing number lines from 1 instead, as editors do.
    `span` is None for a whole line; otherwise `(start, end)` offsets into the original line.
    `rule` names the rule that fired (`pack/rule`), or is None for a scored decision, whose
    `score` is then set. NamedTuple keeps it immutable and cheap: a corpus run makes millions.
    """

    line: int
    span: tuple[int, int] | None
    filter: str
    rule: str | None
    reason: str
    score: float | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view, used by the CLI and by audit files. Its `line` is 1-based, as
        editors and `explain` number lines (`line_index` turns it back into `line`)."""
        return {
            "line": self.line + 1,
            "span": list(self.span) if self.span is not None else None,
            "filter": self.filter,
            "rule": self.rule,
            "score": self.score,
            "reason": self.reason,
        }


def line_index(number: int) -> int:
    """The 0-based `Removal.line` of a serialised removal's 1-based `line` (`to_dict`)."""
    if number < 1:
        raise ValueError(f"line {number} is not a line number (they start at 1)")
    return number - 1


@dataclass(frozen=True, slots=True)
class Block:
    """One text block of a page and its DOM features.

    `path`: tag names from the root to the block's element; `heading`: 1-6 inside <hN>,
    else 0; `link_chars`: characters of link text; `in_list` / `in_table`: inside a list
    or table; `tokens`: class/id tokens of the nearest ancestors (innermost first);
    `match`: the DOM rule (and selector) whose subtree this block lies in, or None (a
    matched subtree is one block, its text pieces joined by spaces, its link characters
    not counted: it is removed whole, so only `explain` shows it);
    `ancestors`: numbers (in walk order) of the elements from the root down to the
    block's own element, so blocks can be grouped by their container (`parent` and
    `grandparent`: the one and two levels above it) and placed against the page's prose
    container (the DOM block features, `core/src/dom_features.rs`).
    """

    text: str
    path: tuple[str, ...]
    heading: int
    link_chars: int
    in_list: bool
    in_table: bool
    tokens: tuple[str, ...]
    match: DomMatch | None = None
    ancestors: tuple[int, ...] = ()

    @property
    def parent(self) -> int:
        return self.ancestors[-2] if len(self.ancestors) > 1 else -1

    @property
    def grandparent(self) -> int:
        return self.ancestors[-3] if len(self.ancestors) > 2 else -1

    @property
    def link_density(self) -> float:
        """Share of the block's characters that are link text (navigation is mostly links)."""
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass(frozen=True, slots=True)
class Document:
    """An input split into lines; immutable so filters can share it safely across threads.

    `keys[i]` is line i's match key (whitespace collapsed, see `text.match_key`): "" for a
    blank line, None for a line too long for any rule to judge whole. It is a feature of the
    block, computed once here because every rule filter needs it.
    `origin` says what the lines are: `TEXT`, a whole page as a scraper flattened it;
    `EXTRACT`, the main text an extractor (trafilatura) already chose, so the page's shape
    and tail are gone; `DOM`, a page's DOM blocks, with their features in `blocks`.
    `titles`: what a page's head says its title is (`og:title`, `twitter:title`, `<title>`;
    `cleaner.html.titles`), for finding the headline block; empty for text.
    """

    lines: tuple[str, ...]
    keys: tuple[str | None, ...]
    origin: str = TEXT
    blocks: tuple[Block, ...] = ()
    titles: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, text: str, origin: str = TEXT) -> Document:
        lines, keys = split_keys(text)
        return cls(lines, keys, origin)

    @classmethod
    def from_blocks(cls, blocks: Sequence[Block], titles: Sequence[str] = ()) -> Document:
        """A page's DOM blocks as a Document: line i is `blocks[i].text`."""
        lines = tuple(block.text for block in blocks)
        return cls(lines, tuple(map(line_key, lines)), DOM, tuple(blocks), tuple(titles))

    def __len__(self) -> int:
        return len(self.lines)


class Route(NamedTuple):
    """Which extractor's result an HTML page's output is (`fast`, `trafilatura`), and why
    the router chose it, in words (`cleaner.html.backends.router`)."""

    extractor: str
    reason: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """What `explain` returns: the kept text and every removal that produced it.

    `text` is exactly what `clean` returns for the same input; `removals` are in line order
    (span removals of a line before its whole-line removal, if both happened).
    `confidence` is the quality predictor's calibrated estimate of the output's F1 against
    what a person would keep (0-1; results given 0.8 scored about 0.8 on pages it never
    saw: `cleaner.confidence`), or None when the configuration runs models other than the
    shipped ones, which the predictor was not trained to judge. `route` says which
    extractor made an HTML page's Document and why, when the router chose.
    """

    text: str
    removals: tuple[Removal, ...]
    document: Document
    confidence: float | None = None
    route: Route | None = None

    def removed_lines(self) -> dict[int, Removal]:
        """Whole-line removals by line index: the quickest way to ask 'did line i go, and why'."""
        return {r.line: r for r in self.removals if r.span is None}

    def spans_by_line(self) -> dict[int, list[Removal]]:
        """Span removals grouped by line index."""
        grouped: dict[int, list[Removal]] = {}
        for removal in self.removals:
            if removal.span is not None:
                grouped.setdefault(removal.line, []).append(removal)
        return grouped
