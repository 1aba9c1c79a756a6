"""A page -> text blocks that carry what the DOM knows, parsed and walked in the native core
(`core/src/html`: html5ever's HTML5 parser, as browsers parse, and one iterative walk).

A block is what a reader sees as one paragraph: the text between two block-level tags
(`p`, `div`, `li`, `h2`, `td`, `br`, ...). Each block keeps the DOM facts a boilerplate
decision leans on and plain text has lost: the tag path, the heading level, how much of it
is link text, whether it sits in a list or a table, the class/id tokens around it, and its
position. Subtrees that a DOM rule matches (`cleaner.html.dom_match`) become one block each,
marked with the rule, so the pipeline can remove them *and say which selector did it*;
unless the subtree holds the page or its article (a wrapper named `sidebar-right` around the
whole page is not furniture). Invisible containers (`<noscript>`, an unclosed `<button>`)
that hold most of the page's text are read, not dropped.

One core call per page, the GIL released while it parses and walks; any input (10,000-deep
nesting, a 50 MB text node, binary junk) gives blocks or none, in bounded time.
"""

from __future__ import annotations

import cleaner._core as _core
from cleaner.document import Block
from cleaner.html.dom_match import DomRuleIndex
from cleaner.packs.dom_pack import DomMatch


def page_blocks(html: str, rules: DomRuleIndex | None = None) -> list[Block]:
    """The text blocks of a page (decoded HTML) in document order, invisible subtrees
    skipped and subtrees matched by `rules` marked with their rule (outermost match wins)."""
    return blocks_of(_core.page_blocks(html, None if rules is None else rules.core), rules)


def blocks_of(raw: list[_core._BlockTuple], rules: DomRuleIndex | None) -> list[Block]:
    """Blocks from the core's tuples (`_core.page_blocks`), each match turned into the
    `DomMatch` of `rules` that it names."""
    if rules is None:
        return [Block(*row[:7], None, row[8]) for row in raw]
    matches: dict[tuple[int, str, str, str], DomMatch] = {}
    blocks = []
    for text, path, heading, links, in_list, in_table, tokens, hit, ancestors in raw:
        match = None
        if hit is not None:
            match = matches.get(hit)
            if match is None:
                match = matches[hit] = rules.dom_match(hit)
        blocks.append(
            Block(text, path, heading, links, in_list, in_table, tokens, match, ancestors)
        )
    return blocks
