"""Paragraph breaks in a page's output: which kept DOM blocks a blank line separates.

A DOM Document has one line per block, and the filters judge those lines as they are (the
line and block features look at neighbouring lines, so no blank lines are put into the
Document). Only the output gets the breaks, the way text mode keeps a scraper's blank lines:
a blank line between kept blocks of different paragraphs, headings or sections, and none
between the pieces of one list or one table (its items, rows and cells read as one run,
as Markdown writes a tight list), nor between the lines of one element (a `<br>`-broken
address, the lines of a `<pre>`).

Words and their order are unchanged, so the word-level scores are the same with or without
the breaks.
"""

from __future__ import annotations

from collections.abc import Sequence

import cleaner._core as _core
from cleaner.document import Block


def with_paragraph_breaks(kept: Sequence[str | None], blocks: Sequence[Block]) -> list[str | None]:
    """`kept` (line i is `blocks[i]`'s text or None when removed) with a blank line before
    every kept line that starts a new paragraph, for `build_output` to join. Removed lines
    stay None, so the breaks fall between the lines that are output. Decided by the core
    (`core/src/chain/headline.rs`: which tags make a paragraph, which a run), which the
    one-call `fast` path uses too."""
    shapes = [(block.path, block.ancestors, block.in_list, block.in_table) for block in blocks]
    breaks = _core.paragraph_breaks(shapes, [text is not None for text in kept])
    spaced: list[str | None] = []
    for text, blank in zip(kept, breaks, strict=True):
        if blank:
            spaced.append("")
        spaced.append(text)
    return spaced
