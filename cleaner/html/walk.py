"""A parsed page -> text blocks that carry what the DOM knows, in one iterative walk.

A block is what a reader sees as one paragraph: the text between two block-level tags
(`p`, `div`, `li`, `h2`, `td`, `br`, ...). Each block keeps the DOM facts a boilerplate
decision leans on and plain text has lost: the tag path, the heading level, how much of it
is link text, whether it sits in a list or a table, the class/id tokens around it, and its
position. Subtrees that a DOM rule matches (`cleaner.html.dom_match`) become blocks too,
marked with the rule, so the pipeline can remove them *and say which selector did it*;
unless the subtree holds the page or its article (`cleaner.html.page_holders`).

The walk uses lxml's `iterwalk` (C, no Python recursion), so a page nested 10,000 deep costs
no stack; libxml2 itself stops descending at its depth limit and keeps what it parsed. The
page comes from `cleaner.html.parse.parse`, which has already dropped what is never text.
"""

from __future__ import annotations

from types import MappingProxyType

from lxml import etree

from cleaner.document import Block
from cleaner.html.dom_match import DomRuleIndex, class_id_tokens
from cleaner.html.page_holders import PageHolders
from cleaner.html.parse import INVISIBLE_TAGS
from cleaner.packs.dom_pack import DomMatch

# Tags that start and end a block of text (what a browser lays out as a block box, plus
# table cells and <br>, which scrapers also read as line breaks).
_BLOCK_TAG_NAMES = """address article aside blockquote body br caption center dd details dialog
dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html
legend li main menu nav ol option p pre section summary table tbody td tfoot th thead tr ul"""
BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
HEADINGS = MappingProxyType({"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6})
LIST_TAGS = frozenset(("ul", "ol", "dl", "menu", "dir"))
# Class/id tokens kept per block: the nearest ancestors' tokens say the most
# ("article-body", "related"), the outer ones are shared by everything.
MAX_TOKENS = 12


class _Blocks:
    """The page's blocks so far, the text gathered since the last block boundary, and the
    facts of the open elements that the next block carries. `end_block` is the walk's one
    way of making a block; the walk keeps the rest of this up to date."""

    __slots__ = (
        "blocks",
        "heading",
        "ids",
        "link_chars",
        "lists",
        "parts",
        "path",
        "pre",
        "tables",
        "tokens",
    )

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []  # text gathered since the last block boundary
        self.link_chars = 0  # characters of link text in `parts`
        self.path: list[str] = []  # the open elements' tags, root first
        self.ids: list[int] = []  # ... their numbers in walk order
        self.tokens: list[str] = []  # ... their class/id tokens
        self.heading = 0  # 1-6 inside <hN>
        self.lists = 0  # open lists, tables and <pre>s
        self.tables = 0
        self.pre = 0

    def end_block(self, match: DomMatch | None = None) -> None:
        """A block boundary: the text gathered since the last one becomes a block (one per
        line inside <pre>), unless it is all whitespace; `match` is the DOM rule whose
        subtree the text is."""
        parts = self.parts
        if not parts:
            return
        raw = "".join(parts)
        parts.clear()
        link_chars = self.link_chars
        self.link_chars = 0
        if raw.isspace():
            return
        texts = [line.strip() for line in raw.splitlines()] if self.pre else [" ".join(raw.split())]
        tokens = tuple(self.tokens[-MAX_TOKENS:][::-1])
        path = tuple(self.path)
        ancestors = tuple(self.ids)
        in_list = self.lists > 0
        in_table = self.tables > 0
        for text in texts:
            if text:
                self.blocks.append(
                    Block(
                        text,
                        path,
                        self.heading,
                        min(link_chars, len(text)),
                        in_list,
                        in_table,
                        tokens,
                        match,
                        ancestors,
                    )
                )


def page_blocks(root: etree._Element | None, rules: DomRuleIndex | None = None) -> list[Block]:
    """The text blocks of a parsed page in document order, invisible subtrees skipped and
    subtrees matched by `rules` marked with their rule (outermost match wins). A subtree
    that holds the page or its article (`PageHolders.is_page_holder`) is never matched: the
    walk goes into it and its parts may match.

    One loop over lxml's start/end events, the hot state in locals (it runs twice per
    element and is the fast backend's hottest code). A block ends where a block-level
    element starts or ends, where a match starts (the text before it is not part of it) and
    where a matched subtree ends (its text is one block: its removal is one decision)."""
    if root is None:
        return []
    out = _Blocks()
    parts, path, ids, tokens_open = out.parts, out.path, out.ids, out.tokens
    end_block = out.end_block
    holders = PageHolders(root)
    token_counts: list[int] = []  # how many of `tokens_open` each open element added
    number = 0  # elements started so far
    links = 0  # open <a> elements
    # The rule that matched the element just started; the walk sees no events inside a
    # matched subtree, so it is set only until that element's end.
    match: DomMatch | None = None
    block_tags, invisible, headings, list_tags = BLOCK_TAGS, INVISIBLE_TAGS, HEADINGS, LIST_TAGS
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag
        if tag.__class__ is not str:  # a comment or processing instruction
            tag = ""
        if event == "start":
            if tag in invisible:
                walk.skip_subtree()
                continue
            get = element.get
            classes = get("class")
            ident = get("id")
            tokens = () if classes is None and ident is None else class_id_tokens(classes, ident)
            text = element.text
            if rules is not None:
                match = rules.match(tag, tokens, element)
                if match is not None:
                    # Half a page's elements are in nav, rails and comment threads, whose
                    # text is one removed block: the walk skips the subtree and reads its
                    # whole text here, in C.
                    pieces = list(element.itertext())
                    if not match.rule.may_hold_page and holders.is_page_holder(
                        element, sum(map(len, pieces))
                    ):
                        match = None  # the page or its article: not furniture
                    else:
                        text = " ".join(pieces)
                        walk.skip_subtree()
            if parts and (match is not None or tag in block_tags):
                end_block()
            path.append(tag)
            ids.append(number)
            number += 1
            if tokens:
                tokens_open.extend(tokens)
            token_counts.append(len(tokens))
            if tag == "a":
                links += 1
            elif tag in headings:
                out.heading = headings[tag]
            elif tag in list_tags:
                out.lists += 1
            elif tag == "table":
                out.tables += 1
            elif tag == "pre":
                out.pre += 1
            if text:
                parts.append(text)
                if links:
                    out.link_chars += len(text)
            continue
        if tag not in invisible:
            if parts and match is None and tag in block_tags:
                end_block()
            path.pop()
            ids.pop()
            count = token_counts.pop()
            if count:
                del tokens_open[-count:]
            if tag == "a":
                links -= 1
            elif tag in headings:
                out.heading = 0
            elif tag in list_tags:
                out.lists -= 1
            elif tag == "table":
                out.tables -= 1
            elif tag == "pre":
                out.pre -= 1
            if match is not None:  # placed in its parent, as a block of the parent's
                end_block(match)
                match = None
        tail = element.tail
        if tail:
            parts.append(tail)
            if links:
                out.link_chars += len(tail)
    end_block()
    return out.blocks
