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


# The core's parse and walk alone, on hostile pages: bounded well under a second each, no
# stack overflow (the walk iterates with an explicit stack), the text around kept.
CORE_BOUND_SECONDS = 1.0


def timed_blocks(page: str, bound: float = CORE_BOUND_SECONDS) -> list[str]:
    from cleaner.html.dom_match import rules_in_force
    from cleaner.html.walk import page_blocks
    from cleaner.packs.dom_pack import builtin_dom_packs

    rules = rules_in_force(builtin_dom_packs())
    start = time.perf_counter()
    blocks = page_blocks(page, rules)
    assert time.perf_counter() - start < bound
    return [block.text for block in blocks]


def test_core_ten_thousand_deep_nesting_keeps_the_text_around_it():
    page = "<p>Before the pit.</p>" + "<div>" * 10_000 + "deep" + "</div>" * 10_000
    assert timed_blocks(page + "<p>After the pit.</p>") == [
        "Before the pit.",
        "deep",
        "After the pit.",
    ]
    unclosed = "<p>Before.</p>" + '<div class="ad">' * 10_000 + "deep"
    assert timed_blocks(unclosed)[0] == "Before."


def test_core_ten_thousand_nested_noscripts_are_parsed_a_bounded_number_of_times():
    post = "<p>" + "A forum post served to readers without scripts. " * 20 + "</p>"
    page = "<p>Before.</p>" + "<noscript>" * 10_000 + post
    assert timed_blocks(page) == ["Before."]  # past the bound, noscripts' markup is not read
    assert "A forum post" in " ".join(timed_blocks("<noscript>" + post * 30))


def test_core_one_megabyte_attribute():
    page = f'<p class="{"a" * 1_000_000}">Kept.</p><div data-x="{"b " * 500_000}">More.</div>'
    assert timed_blocks(page) == ["Kept.", "More."]


# 50 MB is copied a few times whatever the parser does: 0.4-0.5 s alone, 1.1 s once inside
# the full suite on a busy machine. The bound catches work that grows faster than the input
# (a second pass per node would take minutes), not a slow moment.
FIFTY_MB_BOUND_SECONDS = 3.0


def test_core_fifty_megabyte_text_node():
    page = "<html><body><p>" + "word " * 10_000_000 + "</p></body></html>"
    (text,) = timed_blocks(page, FIFTY_MB_BOUND_SECONDS)
    assert len(text) == len("word " * 10_000_000) - 1


def test_text_at_every_one_of_ten_thousand_levels_costs_blocks_not_blocks_times_depth():
    # Each of 10,000 blocks used to carry its whole 10,000-level path: minutes for 70 KB.
    page = ARTICLE + "<div>x " * 10_000 + ARTICLE
    texts = timed_blocks(page)
    assert len(texts) == 10_002 and texts[0] == texts[-1] != "x"
    start = time.perf_counter()
    out = Cleaner().clean_html(page, backend="fast")  # the model's features for 10,000 rows
    assert time.perf_counter() - start < 5 * CORE_BOUND_SECONDS
    assert out.count("The council voted") == 2
    start = time.perf_counter()
    routed = Cleaner().explain_html(page)  # the default may run trafilatura on it as well
    assert time.perf_counter() - start < 5 * CORE_BOUND_SECONDS
    assert "The council voted" in routed.text and routed.confidence is not None


@pytest.mark.parametrize("backend", ["trafilatura", "guided"])
def test_a_page_of_more_markup_than_trafilatura_can_take_uses_the_dom_blocks(backend):
    # trafilatura is quadratic in inline tags of one paragraph: 40,000 <b> took 11 s.
    page = "<article>" + ARTICLE + "<p>" + "<b>a</b>" * 40_000 + "</p>" + ARTICLE + "</article>"
    start = time.perf_counter()
    out = Cleaner().clean_html(page, backend=backend)
    assert time.perf_counter() - start < 5 * CORE_BOUND_SECONDS
    assert "The council voted" in out
