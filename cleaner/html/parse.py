"""HTML -> an lxml element tree ready for the walk (`cleaner.html.walk`): recovered from any
malformed markup, with what a reader never sees already gone.

Before the walk, in C: code and metadata are dropped (`NEVER_TEXT_TAGS`), invisible
containers that hold the page are unwrapped (`INVISIBLE_CONTAINERS`), the other invisible
subtrees are dropped (`INVISIBLE_TAGS`) and inline formatting is merged into its parent's
text (`FORMATTING_TAGS`), so the walk's Python loop visits fewer elements.
"""

from __future__ import annotations

import regex
from lxml import etree

from cleaner.html.page_holders import HOLDER_MIN_CHARS, holds_page, text_chars

# Never text a reader sees. Their subtrees are skipped without a removal: they are not
# boilerplate a person would need explained, just not part of the page's text.
_INVISIBLE_TAG_NAMES = """head script style noscript template svg math iframe object embed canvas
audio video select button input textarea map title meta link base"""
INVISIBLE_TAGS = frozenset(_INVISIBLE_TAG_NAMES.split())
# Invisible containers that can hold a page: libxml2 parses HTML 4, so an unclosed <button>
# or <object> swallows everything after it, an unknown tag in <head> (`<mbox>`) puts the
# whole body inside the head, and some sites serve their text to script-less readers only
# inside <noscript> (forum software does). Such an element is unwrapped, not dropped, when
# it holds more than `HOLDS_PAGE` of the page's text (`cleaner.html.page_holders`), counted
# without the code and metadata that never hold text a reader sees (`NEVER_TEXT_TAGS`,
# dropped first). (Not <select>: its options are a dropdown, however long, and never
# mis-nest a page.)
_CONTAINER_TAG_NAMES = "head noscript button object iframe embed svg math canvas audio video map"
INVISIBLE_CONTAINERS = frozenset(_CONTAINER_TAG_NAMES.split())
NEVER_TEXT_TAGS = ("script", "style", "template", "title", "meta", "link", "base")
# Inline formatting that never starts a block, names no furniture and holds no links: merged
# into its parent's text before the walk (`etree.strip_tags`), so the loop never sees it.
_FORMATTING_TAG_NAMES = """b i em strong u s small big font sup sub abbr cite time mark q tt
nobr wbr img bdi bdo dfn kbd samp var strike"""
FORMATTING_TAGS = frozenset(_FORMATTING_TAG_NAMES.split())
_XML_DECLARATION = regex.compile(r"\s*<\?xml[^>]*>")


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


def _unwrap_page_holders(root: etree._Element) -> None:
    """Unwrap the invisible containers that hold most of the page's text (see
    `INVISIBLE_CONTAINERS`), so their text is walked like any other."""
    sized = ((element, text_chars(element)) for element in root.iter(*INVISIBLE_CONTAINERS))
    large = [(element, chars) for element, chars in sized if chars > HOLDER_MIN_CHARS]
    if not large:
        return
    page = text_chars(root)
    for element, chars in large:
        if holds_page(chars, page):
            element.tag = "div"
