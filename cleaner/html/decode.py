"""Decode a page's bytes the way a browser does: BOM, <meta charset>, UTF-8, windows-1252.

Every door HTML comes in by (`.html` files, `--html-field` records, `clean_html` with bytes)
decodes here, so a page reads the same whichever way it arrived.
"""

from __future__ import annotations

import codecs
from types import MappingProxyType

import regex

from cleaner.corpus.files import Decoded, decode_bytes, decode_with_replacement

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
_BROWSER_ALIASES = MappingProxyType(
    {
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
)
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
