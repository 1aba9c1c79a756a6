"""Whether a subtree holds the page: the test that keeps a page's own text from being dropped
whole as furniture or as an invisible container.

Nothing that holds most of a page's text is dropped whole (`HOLDS_PAGE`): not an invisible
container (libxml2 parses HTML 4 and nests all that follows an unclosed `<button>` inside
it, or the whole body inside `<head>` after an unknown tag there; forum software serves its
posts to script-less readers in `<noscript>`; `cleaner.html.parse` unwraps those), and not a
subtree a DOM rule matched unless it is mostly links (pages wrapped in a `sidebar-right` or
`menu-top` container; `cleaner.html.walk` asks `PageHolders.is_page_holder`). On wcxb_dev's
training folds (0-7, with the DOM model of the time) this changed 56 of 1,083 pages, 41 for
the better, 38 of which had scored under 0.2 F1 (29 came out nearly empty), and raised the
`fast` backend's mean F1 from 0.847 to 0.873.
"""

from __future__ import annotations

from operator import itemgetter

from lxml import etree

from cleaner.html.dom_match import class_id_tokens

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
# Below this many characters a subtree cannot hold a page that `holds_page` judges, so its
# page need not be counted.
HOLDER_MIN_CHARS = HOLDS_PAGE * HOLDS_PAGE_MIN_CHARS
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


def text_chars(element: etree._Element) -> int:
    """Characters of text in an element's subtree (its own tail not included); serialised
    in C, a third of the time of summing `itertext`'s pieces."""
    return len(etree.tostring(element, method="text", encoding=str, with_tail=False))


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
    `articleBody`) that hold more than `HOLDER_MIN_CHARS` of text, with their characters.
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
            if chars > HOLDER_MIN_CHARS:
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


class PageHolders:
    """The page-holding test for one page's matched subtrees. What it reads from the whole
    page is counted on first use (most pages have no match large enough to ask), and it
    answers at most `MAX_PAGE_HOLDERS` times: past that, a match is a match."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.checks_left = MAX_PAGE_HOLDERS
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

    def is_page_holder(self, element: etree._Element, chars: int) -> bool:
        """Whether a subtree a DOM rule matched, of `chars` characters, is the page or its
        article rather than furniture: it holds the page's article (`holds_article`), or it
        holds most of the page (`holds_text`) and no article body lies outside it."""
        if chars <= HOLDER_MIN_CHARS or not self.checks_left:
            return False
        self.checks_left -= 1
        if holds_article(element, chars, self.bodies):
            return True
        return holds_text(element, chars, self.chars) and not article_outside(element, self.bodies)
