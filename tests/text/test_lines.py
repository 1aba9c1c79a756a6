"""The core's line plumbing seen from Python: the string semantics the rest of the package
relies on (Python's line breaks and whitespace, character offsets, lone surrogates)."""

from __future__ import annotations

from cleaner import Cleaner
from cleaner.text.lines import build_output, cut_spans, line_key, split_keys, split_lines

ODD_BREAKS = "a\r\nb\rc\x0bd\x0ce\x1cf\x85g\u2028h\u2029i\n"


def test_split_matches_python_splitlines() -> None:
    assert split_lines(ODD_BREAKS) == tuple(ODD_BREAKS.splitlines())
    assert split_lines("one\n\ntwo\n") == ("one", "", "two")


def test_keys_collapse_python_whitespace_and_invisible_characters() -> None:
    _, keys = split_keys(" Advert\u200bisement\xa0\u3000now \nx" + "y " * 400)
    assert keys[0] == "Advertisement now"
    assert keys[1] is None  # too long to be judged whole
    assert line_key("\x1f label \x1e") == "label"  # separators are whitespace to Python


def test_cut_offsets_are_characters_not_bytes() -> None:
    line = "Zürich — ANZEIGE Der Rat"
    start = line.index("ANZEIGE")
    text, offsets = cut_spans(line, [(start, start + len("ANZEIGE"))])
    assert text == "Zürich — Der Rat"
    assert line[offsets.to_line(text.index("Der")) :].startswith("Der")


def test_output_keeps_one_paragraph_break() -> None:
    assert build_output(["a ", "", "  ", None, "b", "c", ""]) == "a\n\nb\nc"


def test_lone_surrogates_become_replacement_characters_one_for_one() -> None:
    assert Cleaner(model=None).clean("Budget \ud800passes") == "Budget \ufffdpasses"
    text, _ = cut_spans("x\udfffy ADS z", [(4, 7)])
    assert text == "x\ufffdy z"
