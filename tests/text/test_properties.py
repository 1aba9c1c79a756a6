"""Properties that must hold for any input: idempotence, kept lines are input lines, and no
exception on any Unicode text (control characters and NUL included)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.packs.text_pack import builtin_packs

RULES_ONLY = Cleaner(model=None)

# Lines that the rules know, so generated documents exercise every scope and the tail guard,
# mixed with prose-like and arbitrary lines.
KNOWN = sorted(
    {example for pack in builtin_packs() for rule in pack.rules for example in rule.examples}
)
PROSE = [
    "The council voted 5-2 on Tuesday to fund the new bridge after a long debate.",
    "Residents on both banks said the crossing would cut their commute by half an hour.",
    "Short line",
    "",
    "   ",
]
line_strategy = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(PROSE),
    st.text(max_size=80),
    st.builds(
        lambda a, b, c: f"{a} {b} {c}",
        st.sampled_from(PROSE),
        st.sampled_from(KNOWN),
        st.sampled_from(PROSE),
    ),
)
documents = st.lists(line_strategy, max_size=40).map("\n".join)
separators = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0c", "\x1c", "\x85"])
any_text = st.text(alphabet=st.characters(codec=None), max_size=400)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(documents)
def test_idempotent_on_article_like_documents(text):
    once = RULES_ONLY.clean(text)
    assert RULES_ONLY.clean(once) == once


@FAST
@given(any_text)
def test_idempotent_and_never_raises_on_arbitrary_unicode(text):
    once = RULES_ONLY.clean(text)
    assert RULES_ONLY.clean(once) == once


@FAST
@given(st.lists(line_strategy, max_size=30), separators)
def test_idempotent_with_any_line_break(lines, separator):
    once = RULES_ONLY.clean(separator.join(lines))
    assert RULES_ONLY.clean(once) == once


def _is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(needle == line for line in remaining) for needle in needles)


def source_lines(text: str) -> list[str]:
    """The input's lines as the core reads them: a lone surrogate (not text in UTF-8)
    becomes U+FFFD, one for one."""
    readable = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return [line.rstrip() for line in readable.splitlines()]


@FAST
@given(documents)
def test_kept_lines_are_input_lines_in_order_when_no_span_was_cut(text):
    cleaned = RULES_ONLY.explain(text)
    if any(removal.span is not None for removal in cleaned.removals):
        return
    kept = [line for line in cleaned.text.splitlines() if line]
    source = source_lines(text)
    assert _is_subsequence(kept, source)


@FAST
@given(documents)
def test_explain_and_clean_agree(text):
    assert RULES_ONLY.explain(text).text == RULES_ONLY.clean(text)


@FAST
@given(
    st.text(alphabet=st.sampled_from("\x00\x01\x07\x1b\x7f\ufeff\u200b\ufffd a.\n"), max_size=200)
)
def test_control_characters_and_nul(text):
    once = RULES_ONLY.clean(text)
    assert RULES_ONLY.clean(once) == once


# The default pipeline (rules + model): the model is not idempotent (README "Library"), but
# it must never raise, keep only input lines in their order, and agree with explain.
DEFAULT = Cleaner()
long_documents = st.lists(line_strategy, min_size=10, max_size=60).map("\n".join)


@FAST
@given(st.one_of(long_documents, any_text))
def test_default_pipeline_keeps_input_lines_in_order_and_agrees_with_explain(text):
    cleaned = DEFAULT.explain(text)
    assert cleaned.text == DEFAULT.clean(text)
    if any(removal.span is not None for removal in cleaned.removals):
        return
    kept = [line for line in cleaned.text.splitlines() if line]
    source = source_lines(text)
    assert _is_subsequence(kept, source)
    for removal in cleaned.removals:
        if removal.filter == "model":
            assert removal.score is not None and 0.0 <= removal.score <= 1.0
