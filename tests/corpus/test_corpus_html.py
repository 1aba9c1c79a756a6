"""HTML pages: decoded as a browser would, main text extracted, then cleaned; a page with
nothing to extract gives empty text, never an exception."""

from __future__ import annotations

import codecs

import pytest

from cleaner import Cleaner
from cleaner.html.decode import declared_encoding, decode_html
from tests.html_pages import PLAIN_PAGE as PAGE
from tests.html_pages import PROSE_1, PROSE_2

RULES_ONLY = Cleaner(model=None)


def test_main_text_is_extracted_and_cleaned():
    cleaned = RULES_ONLY.explain_html(PAGE)
    assert PROSE_1 in cleaned.text and PROSE_2 in cleaned.text
    assert "ADVERTISEMENT" not in cleaned.text
    assert "Home" not in cleaned.text.split("\n")
    assert [r.rule for r in cleaned.removals] == ["ads/ad-label"]
    assert cleaned.document.lines[cleaned.removals[0].line] == "ADVERTISEMENT"
    assert RULES_ONLY.clean_html(PAGE) == cleaned.text


@pytest.mark.parametrize(
    "page", ["", "   \n", "<html></html>", "<html><body><script>x()</script></body></html>"]
)
def test_a_page_without_text_gives_empty_text(page):
    assert RULES_ONLY.clean_html(page) == ""
    assert RULES_ONLY.clean_html(page.encode()) == ""


def test_bytes_are_decoded_by_their_meta_charset():
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("walkers", "flâneurs")
    text = RULES_ONLY.clean_html(page.encode("cp1252"))
    assert "flâneurs" in text


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        # Latin-1 labels mean windows-1252 to a browser: 0x93/0x94 are curly quotes.
        (b'<meta charset="ISO-8859-1"><p>\x93Yes\x94</p>', "\u201cYes\u201d", "cp1252"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            b"<p>\xcf\xf0\xe8\xe2\xe5\xf2</p>",
            "Привет",
            "cp1251",
        ),
        # A BOM beats the declaration.
        (codecs.BOM_UTF8 + '<meta charset="latin1"><p>café</p>'.encode(), "café", "utf-8"),
        # Undeclared: valid UTF-8 is UTF-8 ...
        ("<p>naïve café</p>".encode(), "naïve café", "utf-8"),
        # ... and anything else is windows-1252, as browsers guess for Western pages.
        (b"<p>caf\xe9 \x96 cr\xe8me</p>", "café \u2013 crème", "cp1252"),
        # An unknown label is ignored.
        (b'<meta charset="klingon"><p>ok</p>', "ok", "utf-8"),
    ],
)
def test_decode_html_like_a_browser(data, text, encoding):
    decoded = decode_html(data)
    assert text in decoded.text and decoded.encoding == encoding and decoded.replaced == 0


def test_undefined_cp1252_bytes_are_replaced_and_counted():
    decoded = decode_html(b"<p>caf\xe9 \x81</p>")
    assert decoded.text == "<p>caf\u00e9 \ufffd</p>" and decoded.replaced == 1


def test_utf16_label_on_an_ascii_page_means_utf8():
    assert declared_encoding(b'<meta charset="utf-16">') == "utf-8"
    assert declared_encoding(b"<p>no declaration</p>") is None
