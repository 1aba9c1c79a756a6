"""The Filter protocol and the Pipeline that runs a plain list of filters.

Filters look at a Document and at what earlier filters decided (a Draft) and propose
Removals; they never edit text. The pipeline keeps the first whole-line removal per line,
applies span cuts, and builds the output once, so `explain` and `clean` can never disagree.
A page's DOM blocks are output with a blank line between paragraphs (`cleaner.html.paragraphs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cleaner.document import Cleaned, Document, Removal
from cleaner.html.paragraphs import with_paragraph_breaks
from cleaner.text.lines import build_output, cut_spans

if TYPE_CHECKING:
    from cleaner.filters.chain import Chain


@dataclass(frozen=True, slots=True)
class Draft:
    """What the filters before this one decided, as the next filter should see it.

    `texts[i]` is line i after the span cuts made so far (the original line if none);
    `removed[i]` says whether line i is already gone (a whole-line removal, or spans that
    left nothing); `cut` holds the lines whose text spans changed. Later filters judge the
    text that will really be output.
    """

    texts: tuple[str, ...]
    removed: tuple[bool, ...]
    cut: frozenset[int] = frozenset()


@runtime_checkable
class Filter(Protocol):
    """Anything with a name that proposes removals for a document."""

    name: str

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        """Return removals for lines (or spans) this filter wants gone, with reasons."""
        ...


def _span_key(removal: Removal) -> tuple[int, int]:
    return (removal.line, removal.span[0] if removal.span is not None else 0)


def in_line_order(removals: list[Removal]) -> list[Removal]:
    """Removals by line: a line's span removals first (by offset), then its whole-line one.

    Span removals are few and sorted with a key; the whole-line ones (hundreds on a page
    the model judges) join them in one stable sort by line number, done in C, which keeps
    the spans of a line before its whole-line removal.
    """
    spans = sorted((r for r in removals if r.span is not None), key=_span_key)
    whole = [r for r in removals if r.span is None]
    return sorted(spans + whole, key=attrgetter("line"))


@dataclass(frozen=True)
class Pipeline:
    """A plain, ordered list of filters. Immutable, so one pipeline serves many threads.

    `chain` is the same filters in one core call (`cleaner.filters.chain.chain_of`), given
    when they are the default ones: `run` always runs the filters one by one; the Cleaner
    and the `fast` backend call the chain instead, which returns what `run` would."""

    filters: tuple[Filter, ...]
    chain: Chain | None

    def __init__(self, filters: Sequence[Filter], chain: Chain | None = None) -> None:
        object.__setattr__(self, "filters", tuple(filters))
        object.__setattr__(self, "chain", chain)

    def run(self, document: Document) -> Cleaned:
        """Run every filter in order and build the output text once."""
        lines = document.lines
        texts = list(lines)
        removed = [False] * len(lines)
        spans: dict[int, list[tuple[int, int]]] = {}
        removals: list[Removal] = []
        changed = False
        draft = Draft(lines, tuple(removed))
        for step in self.filters:
            if changed:  # a new snapshot only when the last filter decided something
                draft = Draft(tuple(texts), tuple(removed), frozenset(spans))
            changed = False
            touched: set[int] = set()
            for removal in step.propose(document, draft):
                if removed[removal.line]:
                    continue  # the first whole-line removal of a line wins
                if removal.span is None:
                    removed[removal.line] = True
                else:
                    spans.setdefault(removal.line, []).append(removal.span)
                    touched.add(removal.line)
                removals.append(removal)
                changed = True
            for index in touched:
                if not removed[index]:
                    texts[index] = cut_spans(lines[index], spans[index])[0]
                    removed[index] = not texts[index]
        removals = in_line_order(removals)
        kept: list[str | None] = [
            None if gone else text for text, gone in zip(texts, removed, strict=True)
        ]
        if document.blocks:  # a page's blocks: paragraphs get a blank line in the output only
            kept = with_paragraph_breaks(kept, document.blocks)
        return Cleaned(build_output(kept), tuple(removals), document)
