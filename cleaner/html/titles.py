"""A page's own statements of its title: `og:title`, `twitter:title` and `<title>`.

The DOM walk skips `<head>`, yet the head says which block is the headline: publishers
fill `og:title` for link previews with the article's headline, and `<title>` with the
headline plus the site's name. `cleaner.html.headline` matches blocks against these.

Read with a bounded scan of the raw HTML before `<body>` (or the first `HEAD_SCAN_CHARS`
characters), not a second parse: head metadata is flat, and this costs microseconds.
"""

from __future__ import annotations

import html

import regex

# Heads of modern pages carry inline scripts and styles of a few hundred kilobytes.
HEAD_SCAN_CHARS = 400_000
# Titles longer than this are not headlines (a page that put its text in a meta tag).
MAX_TITLE_CHARS = 400
TITLE_META = frozenset(("og:title", "twitter:title"))

_BODY = regex.compile(r"<body[\s>]", regex.IGNORECASE)
_META = regex.compile(r"<meta\b[^>]*>", regex.IGNORECASE)
_ATTRIBUTE = regex.compile(
    r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", regex.IGNORECASE
)
_TITLE = regex.compile(r"<title\b[^>]*>(.*?)</title\s*>", regex.IGNORECASE | regex.DOTALL)
_SPACE = regex.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _attributes(tag: str) -> dict[str, str]:
    return {
        match[1].lower(): next(value for value in match.groups()[1:] if value is not None)
        for match in _ATTRIBUTE.finditer(tag)
    }


def page_titles(page: str) -> tuple[str, ...]:
    """The page's `og:title` and `twitter:title` values, then its `<title>`, whitespace
    collapsed and entities decoded; empty and overlong values left out, repeats once."""
    body = _BODY.search(page, 0, HEAD_SCAN_CHARS)
    head = page[: body.start() if body else HEAD_SCAN_CHARS]
    found: list[str] = []
    for tag in _META.findall(head):
        attributes = _attributes(tag)
        kind = attributes.get("property") or attributes.get("name") or ""
        if kind.lower() in TITLE_META and "content" in attributes:
            found.append(_clean(attributes["content"]))
    title = _TITLE.search(head)
    if title:
        found.append(_clean(title[1]))
    return tuple(dict.fromkeys(t for t in found if t and len(t) <= MAX_TITLE_CHARS))
