"""Property tests of the public API on generated input (issue 23, item 7): random Unicode,
NULs and control characters, every line break, deeply nested and broken tags, huge
attributes, broken entities. For any input, `explain` and `explain_html` return, in bounded
time, a str that only removes: its lines are the document's kept lines (spans cut out), in
order, with at most one blank line between them; every removal names a line of the document
and a span inside it. The long run over mutated real pages is `bench/fuzz_inputs.py`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import Cleaned, Cleaner
from cleaner.text.lines import cut_spans, match_key

DEFAULT = Cleaner()
RULES_ONLY = Cleaner(model=None)
# Every call on these inputs (a few KB) takes milliseconds; this bound catches a hang or a
# blow-up (the slowest measured was under 0.1 s), with room for a loaded machine.
BOUND_SECONDS = 2.0
# The suite's run is short and the same every time; CLEANER_FUZZ_EXAMPLES=N runs N examples
# per test from a random seed instead (hypothesis prints the failing input and its seed).
LONG_RUN = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 60,
    deadline=None,  # the bound is asserted per call, so a slow first call fails clearly
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not LONG_RUN,
    database=None,
)

# Characters of any category but surrogates (UTF-8 cannot carry them; `decode_html` and the
# core replace them), the ones scrapers leave in text weighted up.
ANY_CHAR = st.characters(codec="utf-8")
AWKWARD = st.sampled_from(
    [
        "\x00", "\r\n", "\r", "\n", "\n\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c",
        "\x1e", "\xa0", "\u200b", "\ufeff", "\t", " ", "\ufffd", "\U0001f600", "\u0301",
    ]
)  # fmt: skip
WORDS = st.sampled_from(
    [
        "The council voted five to two on Tuesday.", "ADVERTISEMENT", "Advertisement",
        "Share on Facebook", "Read more", "Copyright 2024", "Skip Ad", "Subscribe",
        "word", "Budget passes", "市议会周二投票通过了预算。", "Die Stadt hat gewählt.",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(ANY_CHAR, max_size=40), AWKWARD, WORDS), max_size=60).map("".join)
TAG_NAMES = st.sampled_from(
    [
        "div", "p", "span", "a", "li", "ul", "ol", "table", "tr", "td", "h1", "h2", "br", "pre",
        "script", "style", "noscript", "nav", "article", "button", "iframe", "svg", "template",
        "textarea", "select", "title", "aside", "footer", "header", "form",
    ]
)  # fmt: skip
ATTRIBUTE = st.one_of(
    st.sampled_from(['class="ad"', 'id="nav"', 'class="article-body"', "hidden", 'x=""']),
    st.integers(1_000, 200_000).map(lambda n: f'data-x="{"a" * n}"'),
    st.text(ANY_CHAR, max_size=20).map(lambda v: f'class="{v}"'),
)
ENTITY = st.sampled_from(
    ["&amp", "&#x110000;", "&#0;", "&#xD800;", "&nbsp", "&;", "&#", "&#x;", "&lt", "&bogus;"]
)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A tag around children; sometimes unclosed, sometimes closed out of order."""
    return st.builds(
        lambda tag, attrs, inner, close: (
            f"<{tag}{''.join(' ' + a for a in attrs)}>{''.join(inner)}"
            + ("" if close == "none" else f"</{tag if close == 'same' else 'b'}>")
        ),
        TAG_NAMES,
        st.lists(ATTRIBUTE, max_size=2),
        st.lists(children, max_size=5),
        st.sampled_from(["same", "same", "none", "other"]),
    )


HTML_TREE = st.recursive(st.one_of(TEXT, ENTITY, WORDS), element, max_leaves=40)
DEEP = st.builds(
    lambda tag, depth, inner, close: f"<{tag}>" * depth + inner + (f"</{tag}>" * depth) * close,
    st.sampled_from(["div", "span", "b", "li", "table", "p", "a"]),
    st.integers(100, 10_000),
    HTML_TREE,
    st.booleans(),
)
HTML = st.one_of(HTML_TREE, DEEP, TEXT, st.binary(max_size=2_000))


def timed(call: Callable[[], Cleaned]) -> Cleaned:
    start = time.perf_counter()
    result = call()
    assert time.perf_counter() - start < BOUND_SECONDS
    return result


def assert_only_removes(cleaned: Cleaned) -> None:
    """The output is the document's kept lines (spans cut out, trailing space dropped) in
    order, blank lines aside; a cut line's characters are the original line's, some taken
    out; removals are valid, in line order, and at most one whole-line removal per line."""
    assert isinstance(cleaned.text, str)
    lines = cleaned.document.lines
    whole = [r.line for r in cleaned.removals if r.span is None]
    assert len(whole) == len(set(whole))
    assert [r.line for r in cleaned.removals] == sorted(r.line for r in cleaned.removals)
    for removal in cleaned.removals:
        assert 0 <= removal.line < len(lines)
        if removal.span is not None:
            start, end = removal.span
            assert 0 <= start < end <= len(lines[removal.line])
    spans = cleaned.spans_by_line()
    removed = set(whole)
    kept = []
    for index, line in enumerate(lines):
        if index in removed:
            continue
        if index in spans:
            cut = cut_spans(line, [r.span for r in spans[index] if r.span is not None])[0]
            assert is_subsequence("".join(cut.split()), "".join(line.split()))
            line = cut
        if match_key(line):  # a line with nothing visible is a blank line
            kept.append(line.rstrip())
    out = cleaned.text.split("\n") if cleaned.text else []
    assert [line for line in out if line] == kept
    # blank lines are empty, one at a time, never at either end
    assert "\n\n\n" not in cleaned.text
    assert all(line == "" or match_key(line) for line in out)
    assert not out or (out[0] and out[-1])


def is_subsequence(part: str, whole: str) -> bool:
    rest = iter(whole)
    return all(char in rest for char in part)


@FUZZ
@given(TEXT)
def test_clean_text_only_removes_lines_and_spans(text: str) -> None:
    for subject in (DEFAULT, RULES_ONLY):
        cleaned = timed(partial(subject.explain, text))
        # text mode: the document is the input's lines, every Unicode line break
        assert cleaned.document.lines == tuple(text.splitlines())
        assert_only_removes(cleaned)
    assert cleaner.clean_text(text) == DEFAULT.explain(text).text


@FUZZ
@given(HTML)
def test_clean_html_only_removes_blocks_and_spans(html: str | bytes) -> None:
    for subject in (DEFAULT, RULES_ONLY):
        cleaned = timed(partial(subject.explain_html, html, backend="fast"))
        assert_only_removes(cleaned)
        assert "\x00" not in cleaned.text
        assert all(line.strip() for line in cleaned.document.lines)  # blocks are never blank
    assert cleaner.clean_html(html) == cleaner.explain_html(html).text


@settings(FUZZ, max_examples=max(15, LONG_RUN // 10))
@given(HTML)
def test_every_backend_returns_text(html: str | bytes) -> None:
    for backend in ("trafilatura", "guided", "auto"):
        assert_only_removes(timed(partial(DEFAULT.explain_html, html, backend=backend)))
