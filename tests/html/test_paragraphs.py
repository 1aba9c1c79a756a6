"""Paragraph breaks in the `fast` output (issue 23, item 5): a blank line between paragraphs,
headings and sections; none inside one list, one table or one element. The Document the
filters judge has no blank lines, so removals and scores do not move; only the output does."""

from __future__ import annotations

import time

import pytest

from cleaner import Cleaner, clean_text
from cleaner.document import Block
from cleaner.html.paragraphs import with_paragraph_breaks

FAST = Cleaner(model=None, backend="fast")

# A page written for this test: every kind of block the breaks tell apart.
PAGE = """<html><head><title>Harbour wall</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Harbour wall repairs start in March</h1>
<p>Work on the old harbour wall will begin in March and last about eight months, the port
authority said on Monday.</p>
<div class="ad-slot">Advertisement</div>
<p>The contractor will close the north quay in stages.<br>The south quay stays open.</p>
<h2>What changes for boat owners</h2>
<ul>
<li>Moorings on the north quay move to the marina.</li>
<li>Fees stay the same until the work ends.
  <ul><li>Winter berths are not affected.</li></ul></li>
</ul>
<table>
<tr><th>Stage</th><th>Months</th></tr>
<tr><td>North quay</td><td>March to June</td></tr>
</table>
<ol>
<li><p>Owners get a letter in February.</p></li>
<li><p>Questions go to the harbour office.</p></li>
</ol>
<pre>Harbour office
Quay Street 4</pre>
<p>The wall was last repaired in 1987.</p>
</article>
</body></html>"""

EXPECTED = """Harbour wall repairs start in March

Work on the old harbour wall will begin in March and last about eight months, the port \
authority said on Monday.

The contractor will close the north quay in stages.
The south quay stays open.

What changes for boat owners

Moorings on the north quay move to the marina.
Fees stay the same until the work ends.
Winter berths are not affected.

Stage
Months
North quay
March to June

Owners get a letter in February.

Questions go to the harbour office.

Harbour office
Quay Street 4

The wall was last repaired in 1987."""


def test_paragraphs_headings_and_sections_get_a_blank_line_lists_and_tables_do_not():
    assert FAST.clean_html(PAGE) == EXPECTED


def test_a_removed_block_between_paragraphs_leaves_one_blank_line():
    cleaned = FAST.explain_html(PAGE)
    gone = {cleaned.document.lines[r.line] for r in cleaned.removals if r.span is None}
    assert "Advertisement" in gone  # it stood between the first two paragraphs
    assert "\n\n\n" not in cleaned.text
    assert not cleaned.text.startswith("\n") and not cleaned.text.endswith("\n")


def test_the_filters_see_no_blank_lines_and_the_words_do_not_change():
    cleaned = FAST.explain_html(PAGE)
    assert all(line.strip() for line in cleaned.document.lines)
    removed = cleaned.removed_lines()
    kept = [line for i, line in enumerate(cleaned.document.lines) if i not in removed]
    assert [line for line in cleaned.text.split("\n") if line] == kept


def test_default_pipeline_breaks_paragraphs_too():
    out = Cleaner(backend="fast").clean_html(PAGE)
    assert "Harbour wall repairs start in March\n\nWork on the old harbour wall" in out


def test_text_mode_is_unchanged():
    text = "Budget passes\nThe council voted five to two on Tuesday.\nThe mayor was pleased."
    assert clean_text(text) == Cleaner().clean(text)
    assert "\n\n" not in Cleaner(model=None).clean(text)


def block(path: str, ancestors: tuple[int, ...], *, in_list=False, in_table=False) -> Block:
    return Block("text", tuple(path.split()), 0, 0, in_list, in_table, (), None, ancestors)


PARAGRAPH = block("html body p", (0, 1, 2))
ITEM_A = block("html body ul li", (0, 1, 3, 4), in_list=True)
ITEM_B = block("html body ul li", (0, 1, 3, 5), in_list=True)
NESTED = block("html body ul li ul li", (0, 1, 3, 5, 6, 7), in_list=True)
LOOSE_ITEM = block("html body ul li p", (0, 1, 3, 8, 9), in_list=True)
OTHER_LIST = block("html body ul li", (0, 1, 10, 11), in_list=True)
CELL = block("html body table tbody tr td", (0, 1, 12, 13, 14, 15), in_table=True)
NEXT_ROW = block("html body table tbody tr td", (0, 1, 12, 13, 16, 17), in_table=True)


@pytest.mark.parametrize(
    ("before", "after", "joined"),
    [
        (PARAGRAPH, PARAGRAPH, True),  # two lines of one element (<br>, <pre>)
        (PARAGRAPH, ITEM_A, False),
        (ITEM_A, ITEM_B, True),
        (ITEM_B, NESTED, True),  # a nested list stays with its parent list
        (ITEM_B, LOOSE_ITEM, False),  # a paragraph inside an item is a paragraph
        (ITEM_B, OTHER_LIST, False),
        (CELL, NEXT_ROW, True),
        (NEXT_ROW, PARAGRAPH, False),
    ],
)
def test_same_paragraph(before: Block, after: Block, joined: bool):
    spaced = with_paragraph_breaks(["a", "b"], [before, after])
    assert spaced == (["a", "b"] if joined else ["a", "", "b"])


def test_breaks_fall_between_kept_lines_only():
    blocks = [PARAGRAPH, ITEM_A, ITEM_B, OTHER_LIST]
    assert with_paragraph_breaks(["p", None, "b", "o"], blocks) == ["p", None, "", "b", "", "o"]
    assert with_paragraph_breaks([None, "a", "b", None], blocks) == [None, "a", "b", None]
    assert with_paragraph_breaks([], []) == []


def test_the_run_of_a_ten_thousand_deep_block_is_found_in_bounded_time():
    deep = block("html body " + "ul li " * 10_000, tuple(range(2 + 20_000)), in_list=True)
    other = block("html body " + "ul li " * 10_000, tuple(range(1, 3 + 20_000)), in_list=True)
    start = time.perf_counter()
    for _ in range(100):
        spaced = with_paragraph_breaks(["a", "b"], [deep, other])
    assert time.perf_counter() - start < 1.0
    assert spaced == ["a", "", "b"]  # another list: a new run
