"""Bad HTML never breaks a run: malformed markup, 10,000-deep nesting, a 20 MB page, binary
junk, a wrong declared charset and an empty document each give text (or empty text), never
a RecursionError, a hang or an exception, with every backend (`guided` with its model:
tests/html/test_html_guided.py)."""

from __future__ import annotations

import time

import pytest

from cleaner import Cleaner, clean_html
from cleaner.config import BACKENDS
from cleaner.html.decode import decode_html

RULES_ONLY = Cleaner(model=None)
BOUND_SECONDS = 30.0
ARTICLE = (
    "<p>The council voted five to two on Tuesday to pass the budget, which raises spending "
    "on parks and roads by ten percent over last year.</p>"
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_malformed_markup(backend):
    page = (
        "<html><body><div><p>Budget passes<p>" + ARTICLE + "<table><tr><td>cell</div>"
        "</span></b><i><b>crossed</i></b><!-- unclosed comment <script>var x = '</p>"
    )
    out = RULES_ONLY.clean_html(page, backend=backend)
    assert isinstance(out, str)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ten_thousand_deep_nesting(backend):
    page = "<html><body>" + "<div>" * 10_000 + ARTICLE + "</div>" * 10_000 + "</body></html>"
    out = RULES_ONLY.clean_html(page, backend=backend)  # no RecursionError
    assert isinstance(out, str)
    deep = "<html><body>" + ARTICLE + "<span><b>" * 5_000 + "x"
    assert isinstance(RULES_ONLY.clean_html(deep, backend=backend), str)


def test_twenty_megabyte_page():
    paragraph = "<p>" + "The council voted to pass the budget on Tuesday evening. " * 5 + "</p>\n"
    page = "<html><body><article>" + paragraph * (20_000_000 // len(paragraph))
    for backend in BACKENDS:
        start = time.perf_counter()
        out = RULES_ONLY.clean_html(page, backend=backend)
        assert time.perf_counter() - start < BOUND_SECONDS
        assert "council voted" in out


@pytest.mark.parametrize("backend", BACKENDS)
def test_binary_junk(backend):
    junk = bytes(range(256)) * 400 + b"\x00\xff\xfe<html>\x00<p>\x89PNG\r\n\x1a\n"
    out = RULES_ONLY.clean_html(junk, backend=backend)
    assert isinstance(out, str)
    assert "\x00" not in out


def test_wrong_declared_charset():
    # Declared Shift_JIS, but the bytes are UTF-8: decoding replaces what does not fit and
    # never raises; cleaning still returns text.
    page = '<html><head><meta charset="shift_jis"></head><body>' + ARTICLE + "café</body></html>"
    decoded = decode_html(page.encode("utf-8"))
    assert "council voted" in decoded.text
    for backend in BACKENDS:
        assert "council voted" in RULES_ONLY.clean_html(page.encode("utf-8"), backend=backend)
    unknown = b'<meta charset="no-such-charset">' + ARTICLE.encode()
    assert "council voted" in decode_html(unknown).text


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("page", ["", b"", "   \n ", "<html></html>", b"\xef\xbb\xbf"])
def test_empty_document(backend, page):
    assert RULES_ONLY.clean_html(page, backend=backend) == ""


def test_wrong_type_and_backend_are_clear_errors():
    with pytest.raises(TypeError, match="str or bytes"):
        clean_html(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="choose one of"):
        clean_html("<p>x</p>", backend="nope")
    with pytest.raises(ValueError, match="choose one of"):
        Cleaner(backend="nope")
