"""Render HTML to text the way naive scrapers do (design.md section 3, "text mode").

Text mode is the cleaner's main job: users hand it text that a scraper already flattened.
To measure it on datasets that ship HTML, we flatten the HTML ourselves, in the two ways
scrapers commonly do, and never anything smarter (a smarter renderer would hide boilerplate
from the cleaner and flatter its scores):

- ``innertext``: html-text's layout-guessing extraction, close to a browser's innerText;
- ``soup``: BeautifulSoup's ``get_text("\\n")``, which also breaks lines at inline tags such
  as links, so sentences arrive split across lines: the harder case.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from importlib import metadata
from types import MappingProxyType

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

# Bump when the output of a renderer changes for the same input, so cached renderings
# (cleaner.training.datasets) are rebuilt instead of silently mixing two renderings.
RENDER_FORMAT_VERSION = "1"

# Elements whose text no reader ever sees; naive scrapers that strip anything strip these.
_INVISIBLE_TAGS = ("script", "style", "noscript")

# C0 control characters other than tab/newline/carriage return. lxml refuses a document
# containing any of them (a few dataset pages do: NUL, vertical tab, form feed); browsers
# show them as nothing or as whitespace, so a space keeps the words around them apart.
_XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_HTML_TEXT_MISSING = (
    "the 'innertext' renderer needs the optional package html-text: "
    "run `pip install 'cleaner[eval]'` (or `pip install html-text`)"
)


def render_innertext(html: str) -> str:
    """Browser-innerText-like rendering with html-text (``guess_layout=True``).

    html-text is an optional dependency (the ``eval`` extra), imported here so that
    ``import cleaner`` never needs it. Control characters that lxml refuses are replaced
    by spaces first (see ``_XML_INCOMPATIBLE``).
    """
    try:
        import html_text
    except ImportError as error:
        raise ImportError(_HTML_TEXT_MISSING) from error
    text: str = html_text.extract_text(_XML_INCOMPATIBLE.sub(" ", html), guess_layout=True)
    return text


def render_soup(html: str) -> str:
    """BeautifulSoup ``get_text("\\n")`` rendering, without script/style/noscript.

    Lines keep their leading whitespace as the page had it; trailing whitespace is cut and
    blank (whitespace-only) lines are dropped, because with ``"\\n"`` as separator they come
    from the source's indentation and tag nesting, not from anything a reader sees.
    """
    with warnings.catch_warnings():
        # Some pages are XHTML served with an XML prolog; a naive scraper parses them as
        # HTML anyway, which is what we want to reproduce, so the advice is noise here.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for element in soup(_INVISIBLE_TAGS):
        element.decompose()
    lines = (line.rstrip() for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line.strip())


# Read-only so that no caller can swap a renderer for everyone (no global mutable state).
RENDERERS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {"innertext": render_innertext, "soup": render_soup}
)


def _package_version(name: str) -> str:
    """Installed version of ``name``, or "missing" (the renderer will then explain itself)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def renderer_version(name: str) -> str:
    """A string that changes whenever renderer ``name`` could render differently.

    Used as part of the rendered-text cache key: our format version plus the versions of the
    libraries that do the work.
    """
    if name not in RENDERERS:
        raise KeyError(f"unknown renderer {name!r}; choose one of {sorted(RENDERERS)}")
    libraries = ("html-text", "lxml") if name == "innertext" else ("beautifulsoup4", "lxml")
    versions = ",".join(f"{lib}={_package_version(lib)}" for lib in libraries)
    return f"{name}:v{RENDER_FORMAT_VERSION}:{versions}"


def render(name: str, html: str) -> str:
    """Render ``html`` with the renderer called ``name`` (a picklable entry point for pools)."""
    try:
        renderer = RENDERERS[name]
    except KeyError:
        raise KeyError(f"unknown renderer {name!r}; choose one of {sorted(RENDERERS)}") from None
    return renderer(html)
