"""The signals a result gives of its own quality: each one moves the way it should."""

from __future__ import annotations

from cleaner import Cleaner
from cleaner.confidence.signals import (
    HTML_SIGNALS,
    OTHER_SIGNALS,
    PAIR_SIGNALS,
    TEXT_SIGNALS,
    article_body,
    headline_kept,
    html_signals,
    other_signals,
    pair_signals,
    text_signals,
    token_f1,
)
from cleaner.document import EXTRACT, Document
from cleaner.text.lines import word_tokens
from tests.html_pages import PAGE, PROSE_1, PROSE_2

RULES_ONLY = Cleaner(model=None)
ARTICLE = "\n".join([PROSE_1, "ADVERTISEMENT", PROSE_2])


def signal(row: list[float], names: tuple[str, ...], name: str) -> float:
    return row[names.index(name)]


def test_text_signals_say_how_much_went_and_by_what():
    row = text_signals(RULES_ONLY.explain(ARTICLE))
    assert len(row) == len(TEXT_SIGNALS)
    words = len(ARTICLE.split())
    assert signal(row, TEXT_SIGNALS, "kept_word_share") == (words - 1) / words
    assert signal(row, TEXT_SIGNALS, "rule_word_share") == 1 / words
    assert signal(row, TEXT_SIGNALS, "model_word_share") == 0.0
    assert signal(row, TEXT_SIGNALS, "paragraph_word_share") == 1.0
    assert signal(row, TEXT_SIGNALS, "kept_runs") > 0  # log1p(2): two stretches around the ad


def test_a_menu_kept_reads_worse_than_an_article_kept():
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Contact us"] * 3)
    article = text_signals(RULES_ONLY.explain(ARTICLE))
    links = text_signals(RULES_ONLY.explain(menu))
    share = TEXT_SIGNALS.index("paragraph_word_share")
    assert article[share] > links[share] == 0.0


def test_article_body_reads_json_ld_with_escapes():
    body = r"He said \"yes\" to the plan, and the council voted five to two on the bridge."
    page = f'<script type="application/ld+json">{{"articleBody": "{body}"}}</script>'
    assert article_body(page)[:4] == ["he", "said", "yes", "to"]
    assert article_body("<p>no metadata here</p>") == []
    assert article_body('{"articleBody": "short"}') == []  # too short to be an article


def test_page_signals_see_links_and_the_article_container():
    links = "".join(f'<p><a href="/s{i}">Another story number {i}</a></p>' for i in range(4))
    page = PAGE.replace("<footer>", f"<div>{links}</div><footer>")
    cleaned = Cleaner().explain_html(page, backend="fast")
    row = html_signals(cleaned, page, [], word_tokens(cleaned.text))
    assert len(row) == len(HTML_SIGNALS)
    assert signal(row, HTML_SIGNALS, "kept_in_content_tag") == 1.0  # all kept is in <article>
    assert signal(row, HTML_SIGNALS, "page_link_share") > 0.0  # the story links
    assert signal(row, HTML_SIGNALS, "kept_link_share") == 0.0
    assert signal(row, HTML_SIGNALS, "has_article_body") == 0.0


def test_headline_kept_needs_the_whole_title():
    titles = ("Council backs the footbridge",)
    assert headline_kept("Council backs the footbridge\nThe council voted.", titles) == 1.0
    assert headline_kept("The council voted.", titles) == 0.0
    assert headline_kept("The council voted.", ("Home",)) == 1.0  # too short to judge


def test_pair_signals_measure_agreement():
    fast = Cleaner().explain_html(PAGE, backend="fast")
    other = RULES_ONLY.pipeline.run(Document.from_text(PROSE_1, EXTRACT))
    fast_tokens = word_tokens(fast.text)
    fast_row = html_signals(fast, PAGE, [], fast_tokens)
    other_tokens = word_tokens(PROSE_1)
    other_row = other_signals(other, PAGE, other_tokens, [], fast.document.titles)
    assert len(other_row) == len(OTHER_SIGNALS)
    row = pair_signals(fast_row, fast_tokens, other_row, other_tokens)
    assert len(row) == len(PAIR_SIGNALS)
    assert row[: len(HTML_SIGNALS)] == fast_row
    assert signal(row, PAIR_SIGNALS, "word_ratio") < 0  # trafilatura kept less
    assert signal(row, PAIR_SIGNALS, "agreement_recall") == 1.0  # fast kept all of PROSE_1
    assert 0.3 < signal(row, PAIR_SIGNALS, "agreement_precision") < 0.7


def test_token_f1():
    assert token_f1(["a", "b"], ["a", "b"]) == 1.0
    assert token_f1(["a"], ["b"]) == 0.0
    assert token_f1([], ["b"]) == 0.0
    assert token_f1(["a", "a", "b"], ["a"]) == 0.5


def test_split_counts_are_python_split() -> None:
    from cleaner.text.lines import split_counts

    lines = ["", " ", "a b", "a\u3000b\u2028c", "\x1c a \x85 b\xa0c ", "中文 字", "x\u200by"]
    assert split_counts(lines) == [len(line.split()) for line in lines]
