"""Every shipped rule runs its own examples and counterexamples; pack
loading rejects broken packs with a message that names the file and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError, load_pack
from cleaner.packs.check_text import check_rule
from cleaner.packs.text_pack import SCOPES, builtin_packs

ALL_RULES = [rule for pack in builtin_packs() for rule in pack.rules]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_rule_examples_and_counterexamples(rule):
    assert check_rule(rule) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_rule_has_counterexamples_and_reason(rule):
    # A rule without counterexamples has never been asked what it must leave alone.
    assert rule.counterexamples, f"{rule.id} needs counterexamples"
    assert rule.reason and rule.scope in SCOPES


def test_builtin_packs_cover_the_issue_categories():
    names = {pack.name for pack in builtin_packs()}
    assert {
        "ads",
        "video",
        "social",
        "subscribe",
        "consent",
        "engagement",
        "syndication",
        "teasers",
    } <= names
    for pack in builtin_packs():
        assert len(pack.rules) >= 2, f"pack {pack.name} is a token few"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD_RULE = """
[[rules]]
name = "promo-box"
scope = "line"
pattern = 'get 3 months for \\$1'
reason = "site promo box"
examples = ["Get 3 months for $1"]
counterexamples = ["Get well soon"]
"""


def test_user_pack_loads_and_removes(tmp_path):
    path = _write(tmp_path, '[pack]\nname = "mysite"\n' + GOOD_RULE)
    cleaner = Cleaner(rules=[path])
    cleaned = cleaner.explain("Headline\nGet 3 months for $1\nBody text.")
    assert cleaned.text == "Headline\nBody text."
    assert cleaned.removals[0].rule == "mysite/promo-box"
    assert cleaned.removals[0].reason == "site promo box"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[pack]\nname = "x"\n' + GOOD_RULE.replace("get 3 months for \\$1", "(unclosed"),
            "rule 'promo-box': pattern does not compile",
        ),
        (
            '[pack]\nname = "x"\n' + GOOD_RULE.replace('scope = "line"', 'scope = "page"'),
            "scope must be one of",
        ),
        ('[pack]\nname = "x"\n' + GOOD_RULE.replace("reason", "reasons"), "unknown key"),
        (
            '[pack]\nname = "x"\n' + GOOD_RULE.replace("get 3 months for \\$1", "a*"),
            "matches the empty string",
        ),
        ('[pack]\nname = "x"\n' + GOOD_RULE + GOOD_RULE, "used twice"),
        ("[pack]\nname = \n", "not valid TOML"),
        (GOOD_RULE, "a [pack] table"),
        ('[pack]\nname = "x"\n', "at least one [[rules]]"),
        ('[pack]\nname = "ads"\n' + GOOD_RULE, "already used"),
    ],
)
def test_broken_packs_fail_at_load_naming_the_problem(tmp_path, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(RuleError) as caught:
        Cleaner(rules=[path])
    assert message in str(caught.value)
    assert "mine.toml" in str(caught.value)


def test_missing_pack_file_says_so(tmp_path):
    with pytest.raises(RuleError, match="file not found"):
        load_pack(tmp_path / "absent.toml")


def test_disabled_rules_and_packs():
    text = "Headline\nADVERTISEMENT\nShare\nBody text."
    only_label_rules_off = Cleaner(disabled_rules=["ads/ad-label", "ads/ad-label-glued"])
    assert only_label_rules_off.clean(text) == "Headline\nADVERTISEMENT\nBody text."
    assert Cleaner(disabled_rules=["ads", "social"]).clean(text) == text
    assert Cleaner(builtin_rules=False).clean(text) == text
