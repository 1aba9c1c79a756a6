"""HTML -> text blocks that carry what the DOM knows, in one iterative walk.

A block is what a reader sees as one paragraph: the text between two block-level tags
(`p`, `div`, `li`, `h2`, `td`, `br`, ...). Each block keeps the DOM facts a boilerplate
decision leans on and plain text has lost: the tag path, the heading level, how much of it
is link text, whether it sits in a list or a table, the class/id tokens around it, and its
position. Subtrees that a DOM rule matches (`cleaner.packs.dom_pack`) become blocks too, marked
with the rule, so the pipeline can remove them *and say which selector did it*.

The walk uses lxml's `iterwalk` (C, no Python recursion), so a page nested 10,000 deep costs
no stack; libxml2 itself stops descending at its depth limit and keeps what it parsed.

Nothing that holds most of a page's text is dropped whole (`HOLDS_PAGE`): not an invisible
container (libxml2 parses HTML 4 and nests all that follows an unclosed `<button>` inside
it, or the whole body inside `<head>` after an unknown tag there; forum software serves its
posts to script-less readers in `<noscript>`), and not a
subtree a DOM rule matched unless it is mostly links (pages wrapped in a `sidebar-right` or
`menu-top` container). On wcxb_dev's training folds (0-7, with the DOM model of the time)
this changed 56 of 1,083 pages, 41 for the better, 38 of which had scored under 0.2 F1
(29 came out nearly empty), and raised the `fast` backend's mean F1 from 0.847 to 0.873.
"""

from __future__ import annotations

from operator import itemgetter

import regex
from lxml import etree

from cleaner.document import Block
from cleaner.packs.dom_pack import TOKEN_MEMO, DomMatch, DomRuleIndex, class_id_tokens

# Tags that start and end a block of text (what a browser lays out as a block box, plus
# table cells and <br>, which scrapers also read as line breaks).
_BLOCK_TAG_NAMES = """address article aside blockquote body br caption center dd details dialog
dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html
legend li main menu nav ol option p pre section summary table tbody td tfoot th thead tr ul"""
BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
# Never text a reader sees. Their subtrees are skipped without a removal: they are not
# boilerplate a person would need explained, just not part of the page's text.
_INVISIBLE_TAG_NAMES = """head script style noscript template svg math iframe object embed canvas
audio video select button input textarea map title meta link base"""
INVISIBLE_TAGS = frozenset(_INVISIBLE_TAG_NAMES.split())
# Invisible containers that can hold a page: libxml2 parses HTML 4, so an unclosed <button>
# or <object> swallows everything after it, an unknown tag in <head> (`<mbox>`) puts the
# whole body inside the head, and some sites serve their text to script-less readers only
# inside <noscript> (forum software does). Such an element is unwrapped, not dropped, when
# it holds more than `HOLDS_PAGE` of the page's text (`parse`), counted without the code
# and metadata that never hold text a reader sees (`NEVER_TEXT_TAGS`, dropped first).
# (Not <select>: its options are a dropdown, however long, and never mis-nest a page.)
_CONTAINER_TAG_NAMES = "head noscript button object iframe embed svg math canvas audio video map"
INVISIBLE_CONTAINERS = frozenset(_CONTAINER_TAG_NAMES.split())
NEVER_TEXT_TAGS = ("script", "style", "template", "title", "meta", "link", "base")
# A share of the page's text (characters) that no furniture holds: an invisible container or
# a subtree a DOM rule matched holding more than this is the page itself, mis-nested by the
# parser or named after its layout ("sidebar-right", "menu-top" wrappers), not furniture.
HOLDS_PAGE = 0.5
# Pages shorter than this (characters of text) are never judged by that share: a snippet
# that is nothing but an ad slot is all ad slot (the DOM packs' own examples are such).
HOLDS_PAGE_MIN_CHARS = 1000
# ... and whose text is less than this share link text (menus and rails are mostly links).
HOLDS_PAGE_MAX_LINK_SHARE = 0.5
# Matched subtrees checked for holding the page, at most, per page: each check reads the
# subtree's text, so a page of 2,000 nested matching wrappers would cost a second. Of the
# 4,256 scored pages of ../shared/data, 289 have one to seven such wrappers, one has 12 and
# one 15.
MAX_PAGE_HOLDERS = 64
# Class/id tokens that name an article's own body (as does `itemprop="articleBody"`). A
# subtree a DOM rule matched is not furniture when such an element holds most of its text: a
# layout wrapper named after a side job ("share_wrapper" around the article on IDG's news
# sites). And a subtree that holds most of the page is not the page when such an element
# with text in it lies outside: a long comment thread under a short article.
_ARTICLE_TOKEN_NAMES = """article article-body articlebody article_body article-content
article_content article-text article_text articletext entry-content entry_content post-content
post_content post-body post_body postbody story-body story_body storybody story-content
story-text storytext main-text main_text maintext body-text bodytext"""
ARTICLE_TOKENS = frozenset(_ARTICLE_TOKEN_NAMES.split())
Bodies = list[tuple[etree._Element, int]]
_XML_DECLARATION = regex.compile(r"\s*<\?xml[^>]*>")
# Inline formatting that never starts a block, names no furniture and holds no links: merged
# into its parent's text before the walk (`etree.strip_tags`), so the loop never sees it.
_FORMATTING_TAG_NAMES = """b i em strong u s small big font sup sub abbr cite time mark q tt
nobr wbr img bdi bdo dfn kbd samp var strike"""
FORMATTING_TAGS = frozenset(_FORMATTING_TAG_NAMES.split())
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = frozenset(("ul", "ol", "dl", "menu", "dir"))

# Class/id tokens kept per block: the nearest ancestors' tokens say the most
# ("article-body", "related"), the outer ones are shared by everything.
MAX_TOKENS = 12


def parse(html: str) -> etree._Element | None:
    """The page's element tree, or None when there is no markup to speak of (an empty
    page). Recovers from any malformed markup, as browsers do; comments and processing
    instructions are dropped with their tails kept."""
    if not html or html.isspace():
        return None
    if html.lstrip().startswith("<?xml"):  # lxml refuses a str that declares an encoding
        html = _XML_DECLARATION.sub("", html, count=1)
    parser = etree.HTMLParser(recover=True, huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(html.replace("\x00", ""), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if root is not None:
        # In C, before the walk: fewer elements for the Python loop to visit.
        etree.strip_elements(root, *NEVER_TEXT_TAGS, with_tail=False)
        _unwrap_page_holders(root)
        etree.strip_elements(root, *INVISIBLE_TAGS, with_tail=False)
        etree.strip_tags(root, *FORMATTING_TAGS)
    return root


def text_chars(element: etree._Element) -> int:
    """Characters of text in an element's subtree (its own tail not included); serialised
    in C, a third of the time of summing `itertext`'s pieces."""
    return len(etree.tostring(element, method="text", encoding=str, with_tail=False))


# Below this many characters a subtree cannot hold a page that `holds_page` judges, so its
# page need not be counted.
_HOLDER_MIN_CHARS = HOLDS_PAGE * HOLDS_PAGE_MIN_CHARS


def holds_page(chars: int, page_chars: int) -> bool:
    """Whether `chars` characters of text are more than `HOLDS_PAGE` of a page's
    `page_chars` (a page under `HOLDS_PAGE_MIN_CHARS` is never judged)."""
    return page_chars >= HOLDS_PAGE_MIN_CHARS and chars > HOLDS_PAGE * page_chars


def holds_text(element: etree._Element, chars: int, page_chars: int) -> bool:
    """`holds_page` for a subtree of `chars` characters, and mostly outside links: a page's
    own text, not a long menu or link rail."""
    if not holds_page(chars, page_chars):
        return False
    links = sum(text_chars(anchor) for anchor in element.iter("a"))
    return links < HOLDS_PAGE_MAX_LINK_SHARE * chars


def article_bodies(root: etree._Element) -> Bodies:
    """The page's elements named as an article's body (`ARTICLE_TOKENS`, or microdata's
    `articleBody`) that hold more than `_HOLDER_MIN_CHARS` of text, with their characters.
    One pass over the page, only for pages with a match large enough to ask (a compiled
    XPath of the same test cost 80 ms a page in libxml2's string functions)."""
    found = []
    for element in root.iter(etree.Element):
        get = element.get
        classes, ident = get("class"), get("id")
        named = get("itemprop") == "articleBody" or (
            (classes is not None or ident is not None)
            and not ARTICLE_TOKENS.isdisjoint(class_id_tokens(classes, ident))
        )
        if named:
            chars = text_chars(element)
            if chars > _HOLDER_MIN_CHARS:
                found.append((element, chars))
    return found


def _within(inner: etree._Element, outer: etree._Element) -> bool:
    return any(ancestor is outer for ancestor in inner.iterancestors())


def holds_article(element: etree._Element, chars: int, bodies: Bodies) -> bool:
    """Whether `element` (of `chars` characters) holds the page's article: one of the page's
    article `bodies` inside it holds more than `HOLDS_PAGE` of its text, or the largest of
    them lies inside it. The second catches site skins: an `ad-wallpaper` around the whole
    layout, of which the article is a sixth and which is a third of the page."""
    if any(holds_page(size, chars) and _within(body, element) for body, size in bodies):
        return True
    return bool(bodies) and _within(max(bodies, key=itemgetter(1))[0], element)


def article_outside(element: etree._Element, bodies: Bodies) -> bool:
    """Whether one of the page's article `bodies` lies outside `element`: neither in it nor
    around it."""
    return any(
        body is not element and not _within(body, element) and not _within(element, body)
        for body, _ in bodies
    )


class _Page:
    """What the page-holding tests read from the whole page, counted on first use: most
    pages have no match large enough to ask."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._chars = -1
        self._bodies: Bodies | None = None

    @property
    def chars(self) -> int:
        if self._chars < 0:
            self._chars = text_chars(self.root)
        return self._chars

    @property
    def bodies(self) -> Bodies:
        if self._bodies is None:
            self._bodies = article_bodies(self.root)
        return self._bodies


def is_page_holder(element: etree._Element, chars: int, page: _Page) -> bool:
    """Whether a subtree a DOM rule matched, of `chars` characters, is the page or its
    article rather than furniture: it holds the page's article (`holds_article`), or it
    holds most of the page (`holds_text`) and no article body lies outside it."""
    if holds_article(element, chars, page.bodies):
        return True
    return holds_text(element, chars, page.chars) and not article_outside(element, page.bodies)


def _unwrap_page_holders(root: etree._Element) -> None:
    """Unwrap the invisible containers that hold most of the page's text (see
    `INVISIBLE_CONTAINERS`), so their text is walked like any other."""
    sized = ((element, text_chars(element)) for element in root.iter(*INVISIBLE_CONTAINERS))
    large = [(element, chars) for element, chars in sized if chars > _HOLDER_MIN_CHARS]
    if not large:
        return
    page = text_chars(root)
    for element, chars in large:
        if holds_page(chars, page):
            element.tag = "div"


def _emit(
    blocks: list[Block],
    raw: str,
    links: int,
    pre: bool,
    path: list[str],
    ids: list[int],
    tokens: list[str],
    heading: int,
    in_list: bool,
    in_table: bool,
    match: DomMatch | None,
) -> None:
    """Append the text gathered since the last block boundary as one block (one per line
    inside <pre>); the caller has checked that it is not all whitespace."""
    texts = [line.strip() for line in raw.splitlines()] if pre else [" ".join(raw.split())]
    block_tokens = tuple(tokens[-MAX_TOKENS:][::-1])
    block_path = tuple(path)
    ancestors = tuple(ids)
    for text in texts:
        if text:
            blocks.append(
                Block(
                    text,
                    block_path,
                    heading,
                    min(links, len(text)),
                    in_list,
                    in_table,
                    block_tokens,
                    match,
                    ancestors,
                )
            )


def page_blocks(root: etree._Element | None, rules: DomRuleIndex | None = None) -> list[Block]:
    """The text blocks of a parsed page in document order, invisible subtrees skipped and
    subtrees matched by `rules` marked with their rule (outermost match wins). A subtree
    that holds the page or its article (`is_page_holder`) is never matched: the walk goes
    into it and its parts may match.

    One loop over lxml's start/end events with all state in locals (no attribute or method
    look-ups per event): it runs twice per element and is the fast backend's hottest code.
    A block boundary whose gathered text is all whitespace emits nothing, so it costs one
    join and no call."""
    if root is None:
        return []
    blocks: list[Block] = []
    page = _Page(root)
    holders_left = MAX_PAGE_HOLDERS
    whole = ""  # the text of the subtree just matched
    parts: list[str] = []
    path: list[str] = []
    ids: list[int] = []
    tokens_stack: list[str] = []
    token_counts: list[int] = []
    number = 0
    link_chars = 0  # characters of link text gathered in `parts`
    heading = lists = tables = pre = 0
    # (element, match) of the subtree a DOM rule matched, while the walk is inside it.
    matched: list[tuple[etree._Element, DomMatch]] = []
    match: DomMatch | None = None
    links = 0
    block_tags, invisible, headings, list_tags = BLOCK_TAGS, INVISIBLE_TAGS, HEADINGS, LIST_TAGS
    tokens_of, token_memo = class_id_tokens, TOKEN_MEMO
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag
        if tag.__class__ is not str:
            tag = ""
        if event == "start":
            if tag in invisible:
                walk.skip_subtree()
                continue
            if parts and tag in block_tags:
                if match is None:
                    raw = "".join(parts)
                    parts.clear()
                    if not raw.isspace():
                        _emit(
                            blocks,
                            raw,
                            link_chars,
                            pre > 0,
                            path,
                            ids,
                            tokens_stack,
                            heading,
                            lists > 0,
                            tables > 0,
                            None,
                        )
                    link_chars = 0
                else:  # a matched subtree is one block: its removal is one decision
                    parts.append(" ")
            get = element.get
            classes = get("class")
            ident = get("id")
            if classes is None and ident is None:
                tokens: tuple[str, ...] = ()
            else:  # the memo's dict first: a call per element is a tenth of the walk
                tokens = token_memo.get((classes, ident)) or tokens_of(classes, ident)
            if match is None and rules is not None:
                hit = rules.match(tag, tokens, element)
                if hit is not None:
                    pieces = list(element.itertext())
                    size = sum(map(len, pieces))
                    # Most matches are too small to hold the page; the page is read once,
                    # at the first that is not.
                    if size > _HOLDER_MIN_CHARS and holders_left and not hit.rule.may_hold_page:
                        holders_left -= 1
                        if is_page_holder(element, size, page):
                            hit = None  # the page or its article: not furniture
                if hit is not None:
                    whole = " ".join(pieces)
                    if parts:  # the text before an inline match is not part of it
                        raw = "".join(parts)
                        parts.clear()
                        if not raw.isspace():
                            _emit(
                                blocks,
                                raw,
                                link_chars,
                                pre > 0,
                                path,
                                ids,
                                tokens_stack,
                                heading,
                                lists > 0,
                                tables > 0,
                                None,
                            )
                        link_chars = 0
                    matched.append((element, hit))
                    match = hit
                    walk.skip_subtree()
            path.append(tag)
            ids.append(number)
            number += 1
            if tokens:
                tokens_stack.extend(tokens)
            token_counts.append(len(tokens))
            if tag == "a":
                links += 1
            elif tag in headings:
                heading = headings[tag]
            elif tag in list_tags:
                lists += 1
            elif tag == "table":
                tables += 1
            elif tag == "pre":
                pre += 1
            # Inside a matched subtree the walk sees no events: half a page's elements are
            # in nav, rails and comment threads, whose text is one removed block. So the
            # element a rule just matched gives its whole subtree's text here, in C.
            text = element.text if match is None else whole
            if text:
                parts.append(text)
                if links:
                    link_chars += len(text)
            continue
        if tag not in invisible:
            if parts and tag in block_tags:
                if match is None:
                    raw = "".join(parts)
                    parts.clear()
                    if not raw.isspace():
                        _emit(
                            blocks,
                            raw,
                            link_chars,
                            pre > 0,
                            path,
                            ids,
                            tokens_stack,
                            heading,
                            lists > 0,
                            tables > 0,
                            None,
                        )
                    link_chars = 0
                else:
                    parts.append(" ")
            path.pop()
            ids.pop()
            count = token_counts.pop()
            if count:
                del tokens_stack[-count:]
            if tag == "a":
                links -= 1
            elif tag in headings:
                heading = 0
            elif tag in list_tags:
                lists -= 1
            elif tag == "table":
                tables -= 1
            elif tag == "pre":
                pre -= 1
            if matched and matched[-1][0] is element:
                matched.pop()
                if parts:
                    raw = "".join(parts)
                    parts.clear()
                    if not raw.isspace():
                        _emit(
                            blocks,
                            raw,
                            link_chars,
                            pre > 0,
                            path,
                            ids,
                            tokens_stack,
                            heading,
                            lists > 0,
                            tables > 0,
                            match,
                        )
                    link_chars = 0
                match = matched[-1][1] if matched else None
        tail = element.tail
        if tail:
            parts.append(tail)
            if links:
                link_chars += len(tail)
    if parts:
        raw = "".join(parts)
        if not raw.isspace():
            _emit(
                blocks,
                raw,
                link_chars,
                pre > 0,
                path,
                ids,
                tokens_stack,
                heading,
                lists > 0,
                tables > 0,
                None,
            )
    return blocks
