"""HTML pages in: decode them the way a browser does, then clean them with a backend.

The one path for `.html` files, `--html-field` records and `clean_html`: bytes are decoded
like a browser (BOM, <meta charset>, UTF-8, then windows-1252), then the backend chosen
with `backend=` (or the Cleaner's `html_backend`) turns the page into a Document and the
pipeline cleans it (`cleaner.html.backends`: `trafilatura` extraction + rules, the `fast` DOM
path, or `guided`: trafilatura checked against the DOM block model, `cleaner.html.backends.guided`).
A page with nothing to extract gives empty text, never an exception.
"""

from __future__ import annotations

import codecs

import regex
import trafilatura

from cleaner.api import Cleaner, default_cleaner
from cleaner.corpus.files import Decoded, decode_bytes, decode_with_replacement
from cleaner.document import Cleaned, Document
from cleaner.html.backends import (
    fast_document,
    fast_pipeline,
    resolve_backend,
    runs_default_model,
    text_pipeline,
)
from cleaner.html.backends.guided import guided_clean
from cleaner.models.dom_model import default_dom_model

# Browsers look for <meta charset> in the first 1024 bytes (WHATWG "prescan"); pages with a
# long script block first are common and browsers then re-decode when the parser meets the
# tag, so we look a little further instead.
PRESCAN_BYTES = 4096
# Both spellings: <meta charset="x"> and <meta http-equiv=... content="text/html; charset=x">.
_META_CHARSET = regex.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", regex.IGNORECASE
)
# Labels browsers decode as something else (WHATWG Encoding Standard): Latin-1 and ASCII mean
# windows-1252, GB2312 means GBK, and a UTF-16/32 label on a page whose bytes could be read
# far enough to find the label is a mistake for UTF-8.
_BROWSER_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gbk",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
# What a browser falls back to for an undeclared page that is not valid UTF-8.
FALLBACK_ENCODING = "cp1252"


def declared_encoding(data: bytes) -> str | None:
    """The Python codec named by the page's <meta charset>, mapped as browsers map it, or
    None when there is no declaration or its label is unknown."""
    match = _META_CHARSET.search(data, 0, PRESCAN_BYTES)
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _BROWSER_ALIASES.get(name, name)


def decode_html(data: bytes) -> Decoded:
    """Decode a page like a browser: a BOM wins; then <meta charset>; then UTF-8 if the bytes
    are valid UTF-8; else windows-1252. Unreadable bytes become U+FFFD and are counted."""
    decoded = decode_bytes(data)
    if decoded.encoding != "utf-8" or data.startswith(codecs.BOM_UTF8):
        return decoded  # a BOM decided
    declared = declared_encoding(data)
    if declared is not None and declared != "utf-8":
        return decode_with_replacement(data, declared)
    if decoded.replaced and declared is None:
        return decode_with_replacement(data, FALLBACK_ENCODING)
    return decoded


def extract_text(html: str, url: str | None = None, fast: bool = False) -> str:
    """The page's main text as trafilatura sees it (comments and metadata left out), one
    block per line; "" when the page has none. `fast` skips trafilatura's fallback
    extractors (readability-lxml, jusText): the `guided` backend checks the result against
    the DOM block model instead (`cleaner.html.backends.guided`)."""
    if not html.strip():
        return ""
    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        output_format="txt",
        with_metadata=False,
        deduplicate=False,  # trafilatura's deduplication is process-wide state
        fast=fast,
    )
    return text or ""


def explain_html(
    html: str | bytes,
    url: str | None = None,
    cleaner: Cleaner | None = None,
    backend: str | None = None,
) -> Cleaned:
    """Clean a page with `backend` (default: the cleaner's `html_backend`); the removals
    refer to lines of `Cleaned.document` (see `cleaner.html.backends`). Bytes are decoded as a
    browser would; a page with no text gives empty text, never an exception."""
    cleaner = cleaner or default_cleaner()
    chosen = resolve_backend(backend or cleaner.config.html_backend, cleaner.pipeline.filters)
    page = decode_html(html).text if isinstance(html, bytes) else html
    if not isinstance(page, str):
        raise TypeError(f"clean_html/explain_html take str or bytes, not {type(html).__name__}")
    if chosen == "fast":
        pipeline = fast_pipeline(cleaner.pipeline.filters, default_dom_model())
        return pipeline.run(fast_document(page, cleaner.dom_index))
    filters = cleaner.pipeline.filters
    dom_model = default_dom_model() if runs_default_model(filters) else None
    if chosen == "trafilatura" or dom_model is None:  # `guided` with rules only is this too
        return text_pipeline(filters).run(Document.from_text(extract_text(page, url)))
    blocks = fast_document(page, cleaner.dom_index)
    return guided_clean(extract_text(page, url, fast=True), blocks, filters, dom_model)


def clean_html(
    html: str | bytes,
    url: str | None = None,
    cleaner: Cleaner | None = None,
    backend: str | None = None,
) -> str:
    """Only the cleaned main text of a page: what `explain_html(...).text` returns."""
    return explain_html(html, url, cleaner, backend).text
