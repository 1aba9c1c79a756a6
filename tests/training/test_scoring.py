"""Unit tests of the measuring tools: scoring, the C4 baseline and the two renderers.

The numbers every benchmark and the quality gate report come from these functions, so each
edge case is pinned here with hand-computed values.
"""

from __future__ import annotations

import dataclasses
import sys

import pytest

from cleaner.training.baselines import c4_drop_reason, c4_line_filter, keep_everything
from cleaner.training.render import RENDERERS, render_innertext, render_soup
from cleaner.training.scoring import Score, score, summarize, tokens

# --- tokens ---------------------------------------------------------------------------


def test_tokens_lowercase_and_drop_punctuation() -> None:
    assert tokens("Hello, WORLD! It's 4:30.") == ["hello", "world", "it", "s", "4", "30"]


def test_tokens_unicode_words() -> None:
    assert tokens("Straße 東京 naïve snake_case") == ["straße", "東京", "naïve", "snake_case"]


def test_tokens_keep_combining_marks_inside_words() -> None:
    # The `regex` module's \w includes combining marks; stdlib `re` would split "cafe\u0301"
    # into "cafe" and nothing, which is why design.md names `regex`.
    assert tokens("cafe\u0301 noir") == ["cafe\u0301", "noir"]


# --- score ----------------------------------------------------------------------------


def test_score_multiset_overlap_counts_each_gold_token_once() -> None:
    # output: the x2, cat x2 (4 tokens); gold: the, cat, sat (3); overlap = 1 + 1 = 2
    result = score("The cat. The cat!", "the cat sat")
    assert result.precision == pytest.approx(2 / 4)
    assert result.recall == pytest.approx(2 / 3)
    assert result.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_score_repeated_gold_token() -> None:
    # output: a a b (3); gold: a a a c (4); overlap = min(2, 3) + 0 = 2
    result = score("a a b", "a a a c")
    assert (result.precision, result.recall) == pytest.approx((2 / 3, 2 / 4))


def test_score_ignores_case_punctuation_and_layout() -> None:
    assert score("Hello,\n\nWORLD!", "hello world") == Score(1.0, 1.0, 1.0)


def test_score_disjoint_is_zero() -> None:
    assert score("alpha beta", "gamma delta") == Score(0.0, 0.0, 0.0)


@pytest.mark.parametrize("output", ["", "   \n", "!!! ---"])
def test_empty_output_scores_zero(output: str) -> None:
    assert score(output, "the article text") == Score(0.0, 0.0, 0.0)


def test_empty_gold_and_empty_output_is_perfect() -> None:
    assert score("", "") == Score(1.0, 1.0, 1.0)


def test_empty_gold_with_output_has_no_precision() -> None:
    assert score("menu home", "") == Score(0.0, 1.0, 0.0)


def test_score_unicode_words() -> None:
    result = score("Über den Fluß fährt ein Schiff", "über den fluß")
    assert (result.precision, result.recall) == pytest.approx((3 / 6, 1.0))


def test_score_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        score("a", "a").f1 = 0.0  # type: ignore[misc]


# --- summarize ------------------------------------------------------------------------


def test_summarize_means_and_median() -> None:
    summary = summarize([Score(1.0, 0.5, 0.6), Score(0.5, 1.0, 0.2), Score(0.0, 0.0, 0.1)])
    assert summary.n == 3
    assert summary.mean_precision == pytest.approx(0.5)
    assert summary.mean_recall == pytest.approx(0.5)
    assert summary.mean_f1 == pytest.approx(0.3)
    assert summary.median_f1 == pytest.approx(0.2)


def test_summarize_nothing_says_what_to_check() -> None:
    with pytest.raises(ValueError, match="selection is empty"):
        summarize([])


# --- C4 line filter -------------------------------------------------------------------

KEEP_LINES = [
    "The council voted five to two on Tuesday.",
    "Did the mayor sign the budget?",
    "Nobody saw that coming!",
    'The mayor said "we will sign it."',
    "The reply was 'not today'",
    "He was born in 1900.[3]",
    "Please enable scripts to view the comments.",
    "The terms were used by the council.",
    "Word " + "x" * 1000 + " is long but allowed.",
]

DROP_LINES = [
    ("The council voted five to two on Tuesday", "no_terminal_punct"),
    ("Read more of this story...", "no_terminal_punct"),
    ("Born in 1900 [citation needed]", "no_terminal_punct"),
    ("", "no_terminal_punct"),
    ("Click here.", "too_few_words"),
    ("Please enable JavaScript to view the comments.", "javascript"),
    ("By using this site you agree to our Terms of Use.", "policy"),
    ("Read our Privacy Policy for details.", "policy"),
    ("See our cookie policy for details.", "policy"),
    ("This site uses cookies to work.", "policy"),
    ("We explain our use of cookies here.", "policy"),
    ("We use cookies on this site.", "policy"),
    ("Word " + "x" * 1001 + " is too long.", "too_long_word"),
]


@pytest.mark.parametrize("line", KEEP_LINES)
def test_c4_keeps(line: str) -> None:
    assert c4_drop_reason(line) is None


@pytest.mark.parametrize(("line", "reason"), DROP_LINES)
def test_c4_drops_with_reason(line: str, reason: str) -> None:
    assert c4_drop_reason(line) == reason


def test_c4_filter_strips_lines_and_citations() -> None:
    text = "  Menu\nHe was born in 1900.[3]  \n\nShare\n  The vote was close, they said.\n"
    assert c4_line_filter(text) == "He was born in 1900.\nThe vote was close, they said."


def test_c4_filter_has_no_page_level_drops() -> None:
    # datatrove's page rules would drop all of this (lorem ipsum, a brace, < 5 sentences).
    text = "Lorem ipsum dolor sit amet.\nThe {brace} stays in this line."
    assert c4_line_filter(text) == text


def test_c4_filter_matches_datatrove() -> None:
    c4_filters = pytest.importorskip("datatrove.pipeline.filters.c4_filters")
    data = pytest.importorskip("datatrove.data")
    text = "\n".join(KEEP_LINES + [line for line, _ in DROP_LINES] + ["  Last line here.  "])
    document = data.Document(text=text, id="t")
    c4_filters.C4QualityFilter(
        min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False
    ).filter(document)
    assert c4_line_filter(text) == document.text


def test_keep_everything_is_identity() -> None:
    text = "  Menu\n\nArticle.\n"
    assert keep_everything(text) is text


# --- renderers ------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Title</title>
<style>body { color: red; }</style>
<script>var tracker = 1;</script></head>
<body>
<noscript>Please enable scripts</noscript>
<h1>Headline here</h1>


<p>First paragraph with a <a href="#">link</a> inside.</p>
<div>   </div>
<p>Second paragraph.</p>
</body></html>
"""

INVISIBLE = ("color: red", "tracker", "Please enable scripts")


def test_render_soup_removes_invisible_text() -> None:
    text = render_soup(PAGE)
    for hidden in INVISIBLE:
        assert hidden not in text
    assert "Headline here" in text
    assert "Second paragraph." in text


def test_render_soup_collapses_blank_lines_and_splits_at_links() -> None:
    lines = render_soup(PAGE).split("\n")
    assert all(line.strip() for line in lines)
    assert all(line == line.rstrip() for line in lines)
    # get_text("\n") breaks at inline tags: the sentence arrives in three lines
    assert "link" in lines
    assert "First paragraph with a" in lines


def test_render_innertext_keeps_sentences_whole() -> None:
    pytest.importorskip("html_text", reason="html-text not installed: pip install 'cleaner[eval]'")
    text = render_innertext(PAGE)
    # html-text drops script and style but keeps <noscript> text, like a browser with
    # scripts off; design.md pins this renderer as is, so the test pins it too.
    assert "color: red" not in text
    assert "tracker" not in text
    assert "Please enable scripts" in text
    assert "First paragraph with a link inside." in text.split("\n")


def test_render_innertext_survives_control_characters() -> None:
    pytest.importorskip("html_text", reason="html-text not installed: pip install 'cleaner[eval]'")
    # lxml refuses NUL and other C0 controls; a few dataset pages contain them.
    assert render_innertext("<p>one\x00two\x0bthree</p>").split() == ["one", "two", "three"]


def test_render_innertext_missing_package_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "html_text", None)  # makes `import html_text` fail
    with pytest.raises(ImportError, match=r"pip install 'cleaner\[eval\]'"):
        render_innertext(PAGE)


def test_renderers_are_registered_and_read_only() -> None:
    assert set(RENDERERS) == {"innertext", "soup"}
    with pytest.raises(TypeError):
        RENDERERS["other"] = render_soup  # type: ignore[index]
