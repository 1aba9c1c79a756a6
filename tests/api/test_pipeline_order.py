"""The order of a Cleaned's removals: by line, a line's span removals (by offset) before its
whole-line removal, ties in the order the filters proposed them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaner.document import Removal
from cleaner.pipeline import in_line_order

removals = st.lists(
    st.builds(
        Removal,
        line=st.integers(0, 5),
        span=st.none() | st.tuples(st.integers(0, 4), st.integers(5, 9)),
        filter=st.sampled_from(["a", "b"]),
        rule=st.none(),
        reason=st.text(max_size=3),
    ),
    max_size=30,
)


@given(removals)
def test_spans_by_offset_then_the_whole_line_stably(given_removals: list[Removal]) -> None:
    def expected_key(removal: Removal) -> tuple[int, int, int]:
        if removal.span is None:
            return (removal.line, 1, 0)
        return (removal.line, 0, removal.span[0])

    assert in_line_order(given_removals) == sorted(given_removals, key=expected_key)
