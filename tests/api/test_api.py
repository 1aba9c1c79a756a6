"""The library contract: names, output format, explain/clean agreement, thread safety, and
the tail guard's decisions."""

from __future__ import annotations

import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cleaner
from cleaner import Cleaned, Cleaner, Removal, clean_text, explain_text

PROSE = (
    "The council voted 5-2 on Tuesday to fund the new bridge, ending a debate that had run "
    "for most of the year and divided the two neighbourhoods on either bank."
)


PROSE_2 = (
    "Work on the piers starts in March, and the old crossing will stay open to cyclists and "
    "pedestrians until the new deck is lifted into place next autumn."
)


def article(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def test_public_names():
    for name in ("clean_text", "explain_text", "Cleaner", "Cleaned", "Removal", "Document"):
        assert hasattr(cleaner, name) and name in cleaner.__all__
    # The version users see is the one pyproject.toml declares (not the "0.0.0+unknown"
    # fallback of an uninstalled tree); a mismatch means a stale install: pip install -e .
    pyproject_file = Path(__file__).resolve().parents[2] / "pyproject.toml"
    pyproject = tomllib.loads(pyproject_file.read_text("utf-8"))
    assert cleaner.__version__ == pyproject["project"]["version"]


def test_explain_text_matches_clean_text():
    text = article("Bridge vote", PROSE, "ADVERTISEMENT", PROSE_2, "Share this article")
    cleaned = explain_text(text)
    assert isinstance(cleaned, Cleaned)
    assert cleaned.text == clean_text(text) == article("Bridge vote", PROSE, PROSE_2)
    assert [r.line for r in cleaned.removals] == [4, 8]
    for removal in cleaned.removals:
        assert isinstance(removal, Removal)
        assert removal.span is None
        assert removal.filter and removal.rule and removal.reason
    # The attribute indexes the document's lines; the serialised form counts from 1.
    assert cleaned.document.lines[cleaned.removals[0].line] == "ADVERTISEMENT"
    assert [r.to_dict()["line"] for r in cleaned.removals] == [5, 9]


def test_span_removal_reports_offsets_into_the_original_line():
    line = "The vote was 5-2. ADVERTISEMENT The council then adjourned."
    cleaned = explain_text(line)
    assert cleaned.text == "The vote was 5-2. The council then adjourned."
    (cut,) = cleaned.removals
    assert cut.span is not None
    assert line[cut.span[0] : cut.span[1]].strip() == "ADVERTISEMENT"
    assert cut.rule == "ads/ad-label-glued"


def test_span_cuts_repeat_until_clean():
    # A cut can join two halves into a new label; the output must still be clean.
    text = "Sponsored Sponsored Content Content\n" + PROSE
    once = clean_text(text)
    assert once == clean_text(once)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n\n  \nHead\n\n\n\nBody.  \n\n", "Head\n\nBody."),
        ("Head\nADVERTISEMENT\nBody.", "Head\nBody."),
        ("Head\n\nADVERTISEMENT\n\nBody.", "Head\n\nBody."),
        ("Head\r\nBody.\r\n", "Head\nBody."),
        ("Head\u00a0\u00a0\nBody.", "Head\nBody."),
        ("", ""),
        ("ADVERTISEMENT", ""),
    ],
)
def test_output_format(text, expected):
    assert clean_text(text) == expected


def test_bytes_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="decode bytes first"):
        clean_text(b"bytes")  # type: ignore[arg-type]


def test_model_keyword():
    assert Cleaner(model=None).clean("Head\nADVERTISEMENT\nBody.") == "Head\nBody."
    with pytest.raises(ValueError, match="rules only"):
        Cleaner(model="no-such-model")


def test_cleaner_is_safe_to_share_between_threads():
    shared = Cleaner(model=None)
    texts = [
        article(
            f"Story {i}",
            PROSE,
            "ADVERTISEMENT",
            PROSE,
            "More in Local News",
            f"Teaser headline {i}",
            "Short summary.",
        )
        for i in range(200)
    ]
    expected = [Cleaner(model=None).clean(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(shared.clean, texts)) == expected


# The tail guard: a marker cuts a tail of teasers, never an article that goes on.

TEASERS = [
    "A crew repaves Main Street on Monday. (Jane Doe / The Gazette)",
    "Main Street reopens after repaving",
    "Crews finished two days early, the city said, and the detour is lifted.",
    "Library hours change for summer",
    "Schools pick new superintendent",
    "The board chose a candidate from Ohio after a six-month search across the state.",
]


# The tail guard is a rule-filter behaviour: these run without the model, which would
# (rightly) also remove the teaser-like lines the guard keeps.
RULES_ONLY = Cleaner(model=None)


def test_tail_marker_at_the_end_cuts_the_teasers():
    text = "\n".join(["Bridge vote", PROSE, PROSE, PROSE, "More in Local News", *TEASERS])
    cleaned = explain_text(text)
    assert cleaned.text == "\n".join(["Bridge vote", PROSE, PROSE, PROSE])
    rules = {r.rule for r in cleaned.removals}
    assert rules == {"teasers/more-in-section"}
    assert "reads like teasers" in cleaned.removals[-1].reason


def test_tail_marker_mid_article_keeps_the_article():
    text = "\n".join(["Fashion week", PROSE, "Trending", PROSE, PROSE, PROSE])
    assert RULES_ONLY.clean(text) == text


def test_tail_marker_above_the_article_keeps_it():
    # A "Trending" rail above a short story: more prose follows than precedes.
    text = "\n".join(["Trending", "Storm closes schools", "Fire on Elm St", PROSE, PROSE])
    assert RULES_ONLY.clean(text) == text


def test_title_case_is_what_makes_a_section_marker():
    text = "\n".join([PROSE, PROSE, "More in store for fans", "Tickets go on sale soon"])
    assert RULES_ONLY.clean(text) == text


LONG_COMMENT = (
    "I walked across the old bridge every morning for twenty years and I still think the "
    "council should have repaired it instead of building a new one beside it."
)


def comment_thread(header: str) -> list[str]:
    """A header, then a thread whose one long comment is the page's longest prose run."""
    return [
        header,
        "Pat Moreno says:",
        "March 3, 2026 at 9:14 am",
        "Finally.",
        "Sam Okafor says:",
        "March 3, 2026 at 11:02 am",
        *[LONG_COMMENT] * 4,
    ]


def test_comment_thread_goes_even_when_a_comment_is_the_longest_run():
    # The article is two runs of prose split by a list; one reader wrote four paragraphs.
    body = ["Bridge vote", PROSE, PROSE_2, "What changes:", "Piers", "Deck", PROSE, PROSE_2, PROSE]
    header = "14 Responses to “Council votes to fund the new bridge over the river”"
    cleaned = RULES_ONLY.explain("\n".join(body + comment_thread(header)))
    assert cleaned.text == "\n".join(body)
    assert {r.rule for r in cleaned.removals} == {"comments/comment-section"}


def test_comment_thread_needs_an_article_above_it():
    # A forum page: a short opening post, then the replies, which are the content.
    text = "\n".join(["Bridge vote", PROSE, *comment_thread("12 Comments")])
    cleaned = RULES_ONLY.explain(text)
    assert not [r for r in cleaned.removals if r.filter == "tail-rules"]
    assert cleaned.text.count(LONG_COMMENT) == 4 and "Finally." in cleaned.text


def test_a_long_line_that_starts_with_a_count_is_not_a_header():
    survey = "12 responses to the survey were received by the clerk before the deadline."
    text = "\n".join([PROSE, PROSE_2, PROSE, survey, PROSE_2])
    assert RULES_ONLY.clean(text) == text


class DropLorem:
    """A user's own filter: any object with a name and a propose method."""

    name = "lorem"

    def propose(self, document, draft):
        for index, line in enumerate(document.lines):
            if "lorem ipsum" in line.lower() and not draft.removed[index]:
                yield Removal(index, None, self.name, None, "placeholder text", score=1.0)


def test_custom_filter_list():
    base = Cleaner(model=None)
    custom = Cleaner(model=None, filters=[*base.default_filters(), DropLorem()])
    cleaned = custom.explain("Head\nADVERTISEMENT\nLorem ipsum dolor sit amet.\nBody.")
    assert cleaned.text == "Head\nBody."
    assert [(r.filter, r.rule) for r in cleaned.removals] == [
        ("line-rules", "ads/ad-label"),
        ("lorem", None),
    ]
    assert Cleaner(filters=[]).clean("Head\nADVERTISEMENT") == "Head\nADVERTISEMENT"
