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

from cleaner.document import Block

# A list or table: its entries stay on adjacent lines.
RUN_TAGS = frozenset(("ul", "ol", "dl", "menu", "dir", "table"))
# Elements that make their text a paragraph of its own even inside a list or table: a
# paragraph in a list item (a loose list), a heading in a cell, the sections and paragraphs
# of a page laid out with a table.
PARAGRAPH_TAGS = frozenset(
    (
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "article",
        "section",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "address",
        "details",
        "body",
        "html",
    )
)
# How far above a block the walk looks for its list or table: bounds the work per block on
# 10,000-deep pages; a list or table further up than this does not hold the block's run.
MAX_RUN_DEPTH = 32


def run_of(block: Block) -> int | None:
    """The walk number of the list or table whose run of entries `block` belongs to: the
    outermost one above it (so a nested list stays with its parent list) with no paragraph
    element in between; None for a block of its own (not in a list or table, or a
    paragraph inside one)."""
    if not (block.in_list or block.in_table):
        return None
    found = None
    depth = min(len(block.path), len(block.ancestors), MAX_RUN_DEPTH)
    for level in range(1, depth + 1):
        tag = block.path[-level]
        if tag in PARAGRAPH_TAGS:
            break
        if tag in RUN_TAGS:
            found = block.ancestors[-level]
    return found


def same_paragraph(before: Block, after: Block) -> bool:
    """Whether two blocks that follow each other in the output read as one run: lines of
    one element, or entries of one list or table (`run_of`)."""
    if before.ancestors == after.ancestors:
        return True
    run = run_of(after)
    return run is not None and run == run_of(before)


def with_paragraph_breaks(kept: Sequence[str | None], blocks: Sequence[Block]) -> list[str | None]:
    """`kept` (line i is `blocks[i]`'s text or None when removed) with a blank line before
    every kept line that starts a new paragraph (`same_paragraph`), for `build_output` to
    join. Removed lines stay None, so the breaks fall between the lines that are output."""
    spaced: list[str | None] = []
    previous: Block | None = None
    for text, block in zip(kept, blocks, strict=True):
        if text is not None:
            if previous is not None and not same_paragraph(previous, block):
                spaced.append("")
            previous = block
        spaced.append(text)
    return spaced
