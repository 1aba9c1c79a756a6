"""Rules run in linear time: patterns that make a backtracking engine hang (nested and
overlapping repetitions) and huge lines finish fast, and what the core cannot run in linear
time is refused when the pack is loaded, naming the file, the rule and the construct."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError

SECONDS = 1.0


def _pack(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text('[pack]\nname = "hostile"\n' + rules, encoding="utf-8")
    return path


def _rule(name: str, scope: str, pattern: str, extra: str = "") -> str:
    return (
        f"[[rules]]\nname = \"{name}\"\nscope = \"{scope}\"\npattern = '''{pattern}'''\n"
        f'reason = "hostile"\nexamples = ["aab"]\n{extra}\n'
    )


def _timed(cleaner: Cleaner, text: str) -> tuple[str, float]:
    start = time.perf_counter()
    out = cleaner.clean(text)
    return out, time.perf_counter() - start


def test_nested_repetitions_do_not_backtrack(tmp_path):
    rules = (
        _rule("nested-line", "line", "(a+)+b", "max_chars = 600")
        + _rule("nested-span", "span", "(a+)+b")
        + _rule("overlapping-span", "span", "(a|aa)+$x")
    )
    cleaner = Cleaner(rules=[_pack(tmp_path, rules)], builtin_rules=False, model=None)
    for text in ("a" * 50_000, "a" * 600, ("a" * 599 + "\n") * 80):
        out, seconds = _timed(cleaner, text)
        assert seconds < SECONDS and out == text.rstrip("\n")
    assert cleaner.clean("x aaab y") == "x y"


def test_fifty_megabyte_line_and_one_megabyte_of_one_character():
    rules_only = Cleaner(model=None)
    rules_only.clean("warm up ADVERTISEMENT Share this")
    prose = "council budget. The vote passed after a long debate on the ferry. " * 380_000
    line = prose + "It ended. ADVERTISEMENT The council adjourned. " + prose
    assert len(line) > 50_000_000
    out, seconds = _timed(rules_only, line)
    # Python itself copies a 50 MB string a few times on the way (split, key, output).
    assert seconds < 3 * SECONDS and "ADVERTISEMENT" not in out
    for char in "a. é…":
        out, seconds = _timed(rules_only, "Head\n" + char * 1_000_000 + "\nEnd.")
        assert seconds < SECONDS


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("ads(?=!)", "look-ahead"),
        ("(?<!no )ads", "look-behind"),
        (r"(ad)\1", "backreference"),
        ("(?>ad|ads)", "atomic group"),
        ("a++d", "possessive"),
    ],
)
def test_backtracking_constructs_are_refused_at_load(tmp_path, pattern, construct):
    path = _pack(tmp_path, _rule("needs-backtracking", "line", pattern))
    with pytest.raises(RuleError) as caught:
        Cleaner(rules=[path], model=None)
    message = str(caught.value)
    assert "hostile.toml" in message and "needs-backtracking" in message
    assert construct in message and "rewrite" in message


def test_cut_groups_and_requires_replace_look_around(tmp_path):
    rules = _rule(
        "promo-glued",
        "span",
        r"[.!?]\s(?P<cut>PROMO)(?:\s[A-Z]|$)",
        'case_sensitive = true\nexamples = ["Done. PROMO Then"]',
    ).replace('examples = ["aab"]\n', "") + _rule(
        "gift-ask",
        "line",
        r"please .+",
        "requires = ['^.{0,40}\\bgift\\b']",
    )
    cleaner = Cleaner(rules=[_pack(tmp_path, rules)], builtin_rules=False, model=None)
    cleaned = cleaner.explain("It ended. PROMO The vote.\nPlease send a gift.\nPlease wait.")
    assert cleaned.text == "It ended. The vote.\nPlease wait."
    assert [(r.line, r.span, r.rule) for r in cleaned.removals] == [
        (0, (10, 15), "hostile/promo-glued"),
        (1, None, "hostile/gift-ask"),
    ]
    with pytest.raises(RuleError, match="'requires' applies to line and tail rules"):
        Cleaner(rules=[_pack(tmp_path, rules.replace('scope = "line"', 'scope = "span"'))])
