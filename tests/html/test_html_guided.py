"""The `trafilatura` backend's check against the DOM block model (`cleaner.html.backends.guided`):
lines
are matched to the page's blocks by their words, content skipped inside trafilatura's stretch
is put back in place, and a page trafilatura mostly missed is cleaned as `fast` cleans it."""

from __future__ import annotations

import time

import pytest

from cleaner import Cleaner
from cleaner.document import DOM, EXTRACT
from cleaner.html.backends.guided import source_blocks, with_missing_content
from cleaner.html.backends.trafilatura import extract_text
from tests.html_pages import PAGE, PROSE_1, PROSE_2

BLOCKS = ["Menu", "Title", "First paragraph.", "A list item", "Second paragraph.", "Footer"]
KEYS = ["menu", "title", "first paragraph", "a list item", "second paragraph", "footer"]


def test_lines_find_their_blocks_by_words_in_page_order():
    lines = ["Title", "First  paragraph!", "Not on the page", "Second paragraph."]
    assert source_blocks(lines, KEYS) == [1, 2, None, 4]
    assert source_blocks(["x", "x"], ["x", "y", "x"]) == [0, 2]  # repeats go forward


def test_content_inside_the_extracted_stretch_is_put_back_in_place():
    lines = ["Title", "First paragraph.", "Second paragraph."]
    content = frozenset({0, 3, 5})  # the model calls the menu, list item and footer content
    merged = with_missing_content(lines, BLOCKS, KEYS, content)
    # only the block between trafilatura's first and last block comes back, after its line
    assert merged == ["Title", "First paragraph.", "A list item", "Second paragraph."]
    assert with_missing_content(lines, BLOCKS, KEYS, frozenset()) == lines
    assert with_missing_content(["elsewhere"], BLOCKS, KEYS, content) == ["elsewhere"]


def test_a_page_trafilatura_mostly_missed_is_cleaned_like_fast(monkeypatch):
    from cleaner.html.backends import guided

    cleaner = Cleaner()
    full = cleaner.explain_html(PAGE, backend="guided")
    assert full.document.origin == EXTRACT and PROSE_2 in full.text
    # trafilatura keeps only a headline: the page's blocks, cleaned as `fast` cleans them
    monkeypatch.setattr(guided, "extract_text", lambda *a, **k: "Council backs the footbridge")
    missed = cleaner.explain_html(PAGE, backend="guided")
    assert missed.document.origin == DOM
    assert missed.document == cleaner.explain_html(PAGE, backend="fast").document
    assert PROSE_1 in missed.text and PROSE_2 in missed.text
    assert "dom/navigation" in {r.rule for r in missed.removals}  # named by the DOM selectors


def test_rules_only_cleaners_get_trafilatura_and_the_rules():
    cleaned = Cleaner(model=None).explain_html(PAGE)
    assert cleaned.document.lines == tuple(extract_text(PAGE).split("\n"))
    assert PROSE_1 in Cleaner().clean_html(PAGE)


@pytest.mark.parametrize(
    "page",
    [
        "",
        b"\xef\xbb\xbf",
        "<html></html>",
        "<html><body>" + "<div>" * 10_000 + PAGE + "</div>" * 10_000 + "</body></html>",
        "<div><p>Budget passes<p>" + PAGE + "<table><tr><td>cell</div></span><!-- <script>",
        bytes(range(256)) * 400 + b"\x00\xff\xfe<html>\x00<p>\x89PNG\r\n\x1a\n",
    ],
)
def test_guided_backend_survives_bad_html_with_the_model(page):
    out = Cleaner().clean_html(page, backend="guided")
    assert isinstance(out, str) and "\x00" not in out


def test_guided_backend_on_a_large_page_stays_bounded():
    paragraph = "<p>" + "The council voted to pass the budget on Tuesday evening. " * 5 + "</p>\n"
    page = "<html><body><article>" + paragraph * (5_000_000 // len(paragraph))
    start = time.perf_counter()
    assert "council voted" in Cleaner().clean_html(page, backend="guided")
    assert time.perf_counter() - start < 30.0
