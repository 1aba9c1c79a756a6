"""DOM blocks and DOM rule packs: the shipped pack's examples and counterexamples, load-time
validation with one-line errors, and the features each block carries."""

from __future__ import annotations

import pytest

from cleaner.dom import page_blocks, parse
from cleaner.domcheck import check_dom_pack, rule_fires
from cleaner.domrules import (
    DomRuleError,
    builtin_dom_packs,
    parse_dom_pack,
    rules_in_force,
)

PACKS = builtin_dom_packs()
RULES = [rule for pack in PACKS for rule in pack.rules]


def test_the_shipped_pack_covers_the_furniture_kinds():
    names = {rule.name for rule in RULES}
    kinds = {"ad-slot", "video-player", "share-bar", "newsletter", "related-rail"}
    assert kinds | {"cookie-banner", "comments"} <= names


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_examples_match_and_counterexamples_do_not(rule):
    for example in rule.examples:
        assert rule_fires(rule, example), example
    for counter in rule.counterexamples:
        assert not rule_fires(rule, counter), counter


def test_check_dom_pack_reports_problems():
    pack = parse_dom_pack(
        {
            "pack": {"name": "mine"},
            "rules": [
                {
                    "name": "promo",
                    "reason": "promo box",
                    "words": ["promo"],
                    "examples": ['<div class="teaser">x</div>'],
                    "counterexamples": ['<div class="promo">x</div>'],
                }
            ],
        },
        "mine.toml",
    )
    assert check_dom_pack(pack) == [
        'mine/promo: example does not match: <div class="teaser">x</div>',
        'mine/promo: counterexample matches: <div class="promo">x</div>',
    ]
    assert all(check_dom_pack(p) == [] for p in PACKS)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"reason": "r", "tags": ["nav"], "examples": ["<nav>x</nav>"]}, "'name' is required"),
        ({"name": "x", "reason": "r", "examples": ["<p>x</p>"]}, "at least one selector"),
        ({"name": "x", "reason": "r", "tags": ["nav"]}, "at least one HTML snippet"),
        ({"name": "x", "reason": "r", "tags": ["body"], "examples": ["x"]}, "never furniture"),
        ({"name": "x", "reason": "r", "tags": ["Nav"], "examples": ["x"]}, "lower case"),
        ({"name": "x", "reason": "r", "css": ".ad", "examples": ["x"]}, "unknown key"),
        ({"name": "x", "reason": "r", "words": "ad", "examples": ["x"]}, "list of non-empty"),
    ],
)
def test_broken_rules_fail_at_load_time_in_one_line(rule, message):
    with pytest.raises(DomRuleError, match=message) as error:
        parse_dom_pack({"pack": {"name": "mine"}, "rules": [rule]}, "mine.toml")
    assert "\n" not in str(error.value) and "mine.toml" in str(error.value)


def test_blocks_carry_dom_features():
    page = """<html><body><div class="story-body" id="main"><h2>Section <a>head</a></h2>
    <p>Para with <a href="/x">a link</a> inside.</p><ul><li><a>Item one</a></li></ul>
    <table><tr><td>cell</td></tr></table>x<br>y</div></body></html>"""
    blocks = page_blocks(parse(page))
    by_text = {block.text: block for block in blocks}
    assert list(by_text) == [
        "Section head",
        "Para with a link inside.",
        "Item one",
        "cell",
        "x",
        "y",
    ]
    assert by_text["Section head"].heading == 2
    assert by_text["Item one"].in_list and by_text["Item one"].link_density == 1.0
    assert by_text["cell"].in_table and not by_text["cell"].in_list
    assert by_text["Para with a link inside."].link_chars == len("a link")
    assert by_text["Para with a link inside."].path[-2:] == ("div", "p")
    assert set(by_text["x"].tokens) == {"story-body", "main"}


def test_outermost_match_wins_and_inline_matches_keep_the_sentence():
    rules = rules_in_force(PACKS)
    page = (
        '<p>Before <span class="ad">AD</span> after.</p>'
        '<div class="sidebar"><div class="ad">x</div></div>'
    )
    blocks = page_blocks(parse(page), rules)
    assert [(b.text, b.match.rule.name if b.match else None) for b in blocks] == [
        ("Before", None),
        ("AD", "ad-slot"),
        ("after.", None),
        ("x", "related-rail"),
    ]


def test_a_matched_subtree_is_one_block_with_every_word_inside_it():
    """The walk skips a matched subtree and takes its text in one call: descendants' text
    and tails are all in the block (words kept apart), the subtree's own tail is not."""
    rules = rules_in_force(PACKS)
    page = (
        '<div class="comment_bar"><a name="comments"></a>Comments (4)</div>'
        '<div class="related"><h3>More</h3><ul><li><a href="/1">One</a> story</li>'
        "<li>Two</li></ul></div>After the rail."
    )
    blocks = page_blocks(parse(page), rules)
    assert [(b.text, b.match.rule.name if b.match else None) for b in blocks] == [
        ("Comments (4)", "comments"),
        ("More One story Two", "related-rail"),
        ("After the rail.", None),
    ]


def test_an_xml_declaration_does_not_lose_the_page():
    page = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<html><body><p>Kept.</p></body></html>'
    assert [block.text for block in page_blocks(parse(page))] == ["Kept."]


def test_shipped_dom_model_round_trips_and_refuses_other_features(tmp_path):
    import json

    import numpy as np

    from cleaner.dommodel import default_dom_model, load_dom_model, save_dom_model

    model = default_dom_model()
    assert model is not None
    assert set(model.info["trained_folds"]) == {"wcxb_dev", "readability"}  # licences
    assert all(8 not in f and 9 not in f for f in model.info["trained_folds"].values())
    path = tmp_path / "dom.npz"
    save_dom_model(model, path)
    again = load_dom_model(path)
    assert np.array_equal(again.first.weights, model.first.weights)
    assert again.thresholds == model.thresholds
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(bytes(arrays.pop("header")).decode())
    header["features"] = header["features"][:-1]
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="retrain it"):
        load_dom_model(path)
