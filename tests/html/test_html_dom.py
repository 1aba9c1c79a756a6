"""DOM blocks and DOM rule packs: the shipped pack's examples and counterexamples, load-time
validation with one-line errors, and the features each block carries."""

from __future__ import annotations

import time

import pytest

from cleaner.html.dom_match import rules_in_force
from cleaner.html.walk import page_blocks
from cleaner.packs.check_dom import check_dom_pack, rule_fires
from cleaner.packs.dom_pack import (
    DomPack,
    DomRuleError,
    builtin_dom_packs,
    parse_dom_pack,
)
from cleaner.training.datasets import SHIPPABLE_DATASETS

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


def pack_of(rule: dict) -> DomPack:
    """A user pack "mine" (file mine.toml) of one rule."""
    return parse_dom_pack({"pack": {"name": "mine"}, "rules": [rule]}, "mine.toml")


def test_check_dom_pack_reports_problems():
    pack = pack_of(
        {
            "name": "promo",
            "reason": "promo box",
            "words": ["promo"],
            "examples": ['<div class="teaser">x</div>'],
            "counterexamples": ['<div class="promo">x</div>'],
        }
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
        (
            {"name": "x", "reason": "r", "tags": ["nav"], "examples": ["x"], "may_hold_page": 1},
            "true or false",
        ),
        (
            {"name": "x", "reason": "r", "tags": ["nav"], "examples": ["x"], "may_hold_prose": "y"},
            "'may_hold_prose' must be true or false",
        ),
    ],
)
def test_broken_rules_fail_at_load_time_in_one_line(rule, message):
    with pytest.raises(DomRuleError, match=message) as error:
        pack_of(rule)
    assert "\n" not in str(error.value) and "mine.toml" in str(error.value)


def test_blocks_carry_dom_features():
    page = """<html><body><div class="story-body" id="main"><h2>Section <a>head</a></h2>
    <p>Para with <a href="/x">a link</a> inside.</p><ul><li><a>Item one</a></li></ul>
    <table><tr><td>cell</td></tr></table>x<br>y</div></body></html>"""
    blocks = page_blocks(page)
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
    blocks = page_blocks(page, rules)
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
    blocks = page_blocks(page, rules)
    assert [(b.text, b.match.rule.name if b.match else None) for b in blocks] == [
        ("Comments (4)", "comments"),
        ("More One story Two", "related-rail"),
        ("After the rail.", None),
    ]


ARTICLE = " ".join(
    f"<p>Paragraph {n} of the report, in which the council weighs the harbour budget.</p>"
    for n in range(30)
)
SHORT_POST = " ".join(f"<p>Line {n} of a short post about the harbour.</p>" for n in range(14))


def texts_of(page: str, rules=None) -> list[tuple[str, str | None]]:
    return [
        (b.text, b.match.rule.name if b.match else None)
        for b in page_blocks(page, rules_in_force(PACKS) if rules is None else rules)
    ]


def test_an_xml_declaration_does_not_lose_the_page():
    page = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<html><body><p>Kept.</p></body></html>'
    assert texts_of(page) == [("Kept.", None)]


def test_an_invisible_container_that_holds_the_page_is_unwrapped():
    """libxml2 nests everything after an unclosed <button> inside it, and forum software
    serves its posts to script-less readers in <noscript>: that text is the page."""
    swallowed = f"<html><body><button class='menu-toggle'>Menu<div>{ARTICLE}</div></body></html>"
    assert sum(name is None for _, name in texts_of(swallowed)) == 31
    in_noscript = f"<html><body><noscript>{ARTICLE}</noscript><p>Enable JS.</p></body></html>"
    assert len(texts_of(in_noscript)) == 31
    small = f"<html><body><noscript>Please enable JavaScript.</noscript>{ARTICLE}</body></html>"
    assert "Please enable JavaScript." not in [text for text, _ in texts_of(small)]
    in_head = f"<html><head><title>T</title><mbox>{ARTICLE}</mbox></head></html>"
    assert len(texts_of(in_head)) == 30
    options = "".join(f"<option>Archive week {n}</option>" for n in range(300))
    dropdown = f"<html><body><p>A short post.</p><select>{options}</select></body></html>"
    assert texts_of(dropdown) == [("A short post.", None)]


def test_a_matched_subtree_that_holds_the_page_is_not_furniture():
    layout = f'<html><body><div class="sidebar-right">{ARTICLE}</div></body></html>'
    assert all(name is None for _, name in texts_of(layout))
    links = " ".join(f'<li><a href="/{n}">Archive page number {n}</a></li>' for n in range(80))
    rail = f'<html><body><p>A short post.</p><ul class="sidebar">{links}</ul></body></html>'
    assert texts_of(rail)[-1] == (texts_of(rail)[-1][0], "related-rail")
    own = pack_of(
        {
            "name": "thread",
            "reason": "the site's reader thread",
            "tokens": ["thread"],
            "may_hold_page": True,
            "examples": ['<div class="thread"><p>First!</p></div>'],
        }
    )
    thread = f'<html><body><p>A short post.</p><div class="thread">{ARTICLE}</div></body></html>'
    assert texts_of(thread, rules_in_force([own]))[-1][1] == "thread"


MENU = (
    "<ul>"
    + "".join(f'<li><a href="/{n}">Section {n} of the site</a></li>' for n in range(300))
    + "</ul>"
)


def test_a_box_holding_most_of_a_menu_heavy_page_s_paragraphs_is_the_article():
    """Menus outweigh the story (so the box holds under half of the page's text), but the
    box holds nearly all of its paragraphs: kept for the model to judge, unless the rule
    that matched may hold prose (comments, footers, dialogs)."""
    for box in ('<aside class="rightcolumn">', '<div class="col sidebar-right">'):
        page = f"<html><body>{MENU}{box}{ARTICLE}</div><p>Short line.</p></body></html>"
        assert all(name is None for _, name in texts_of(page)), box
    for box, rule in (
        ('<div id="comments">', "comments"),
        ("<footer>", "site-footer"),
        ('<div role="dialog">', "dialog"),
    ):
        page = f"<html><body>{MENU}{box}{ARTICLE}</div><p>Short line.</p></body></html>"
        assert rule in {name for _, name in texts_of(page)}, box


def test_paywall_marks_the_story_not_a_box():
    """Publishers mark the paywalled paragraphs themselves `paywall`; the prompt that asks
    for a subscription is a separate, named box."""
    story = "".join(f'<p class="paywall">Paragraph {n} behind the meter.</p>' for n in range(3))
    prompt = '<div class="paywall-prompt">Subscribe to keep reading</div>'
    assert texts_of(f"<html><body>{story}{prompt}</body></html>") == [
        *((f"Paragraph {n} behind the meter.", None) for n in range(3)),
        ("Subscribe to keep reading", "newsletter"),
    ]


def test_an_article_body_decides_what_holds_the_page():
    """An article body (`ARTICLE_TOKENS`) with most of a match's text makes the match a
    wrapper; one outside a match that holds most of the page makes it furniture again."""
    wrapper = f'<div class="share_wrapper"><div class="article">{ARTICLE}</div></div>'
    page = f"<html><body>{wrapper}{'<p>Sidebar text about other things.</p>' * 200}</body></html>"
    assert all(name is None for _, name in texts_of(page))
    teasers = "".join(f'<div class="article"><a href="/{n}">Teaser {n}</a></div>' for n in range(5))
    assert {name for _, name in texts_of(f'<div class="related">{teasers}</div>')} == {
        "related-rail"
    }
    thread = "".join(f"<p>Reader {n}: I could not agree more with this.</p>" for n in range(80))
    post = f'<div class="entry-content">{SHORT_POST}</div>'
    under_post = f'<html><body>{post}<div id="comments">{thread}</div></body></html>'
    assert texts_of(under_post)[-1][1] == "comments"
    forum = f'<html><body><h1>Thread</h1><div id="comments">{thread}</div></body></html>'
    assert all(name is None for _, name in texts_of(forum))


def test_a_match_around_the_page_s_largest_article_body_is_a_wrapper():
    """A site skin (`ad-wallpaper`) wraps the layout: it holds a third of the page and the
    article is a sixth of it, but the article is the page's largest body, so not an ad."""
    menu = "".join(f"<p>Section {n} of the site menu</p>" for n in range(60))
    skin = f'<div id="ad-wallpaper">{menu}<div class="entry-content">{SHORT_POST}</div>{menu}</div>'
    footer = "<p>Footer text about the publisher and its other titles.</p>" * 160
    texts = texts_of(f"<html><body>{skin}{footer}</body></html>")
    assert {name for text, name in texts if "harbour" in text} == {None}
    ad = f'<html><body><div id="ad-wallpaper">{menu}</div>{footer}</body></html>'
    assert texts_of(ad)[0][1] == "ad-slot"


def test_nested_page_holders_are_checked_a_bounded_number_of_times():
    """Each check reads its subtree: 2,000 nested matching wrappers must not cost 2,000
    checks of the page (quadratic), so after `MAX_PAGE_HOLDERS` (64, in the core) a match is
    a match: the 65th wrapper from the top is furniture with the article inside it."""
    depth = 2000
    page = "<html><body>" + '<div class="sidebar">' * depth + ARTICLE + "</div>" * depth
    start = time.perf_counter()
    blocks = page_blocks(page, rules_in_force(PACKS))
    assert time.perf_counter() - start < 1.0
    assert {b.match.rule.name for b in blocks if b.match} == {"related-rail"}
    assert len(blocks[0].path) == 2 + 64  # placed in its parent, the 64th wrapper


def test_shipped_dom_model_round_trips_and_refuses_other_features(tmp_path):
    import json

    import numpy as np

    from cleaner.models.dom_model import default_dom_model, load_dom_model, save_dom_model

    model = default_dom_model()
    assert model is not None
    # Licences: only the eligible sets (the records' own names: fundus is extra_fundus).
    eligible = {name.removeprefix("extra_") for name in SHIPPABLE_DATASETS}
    assert set(model.info["trained_folds"]) <= eligible
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


def _dom_columns(words, prose, links, ancestors):
    """The DOM model's dense columns by name for a page of one block per line: `words[k]`
    words, ending like a sentence if `prose[k]`, `links[k]` of its characters link text."""
    from cleaner.document import Block, Document
    from cleaner.models.dom_model import ALL_FEATURES, dom_features
    from cleaner.pipeline import Draft

    texts = [" ".join(["word"] * n) + ("." if p else "") for n, p in zip(words, prose, strict=True)]
    blocks = [
        Block(text, ("html", "body", "p"), 0, round(share * len(text)), False, False, (), None, a)
        for text, share, a in zip(texts, links, ancestors, strict=True)
    ]
    document = Document.from_blocks(blocks)
    features = dom_features(document, Draft(tuple(texts), (False,) * len(texts)))
    return {name: features.dense[:, k].tolist() for k, name in enumerate(ALL_FEATURES)}


def test_prose_container_columns_place_rows_against_the_article_box():
    import numpy as np

    # nav (element 2), three paragraphs in element 3, a footer line (element 8)
    ancestors = [(0, 1, 2), (0, 3, 4), (0, 3, 5), (0, 3, 6), (0, 7, 8)]
    columns = _dom_columns([5, 40, 40, 40, 10], [0, 1, 1, 1, 1], [0] * 5, ancestors)
    # element 3 holds 120 of the 130 prose words
    assert columns["in_prose_container_50"] == [0, 1, 1, 1, 0]
    assert columns["before_prose_container_50"] == [1, 0, 0, 0, 0]
    assert columns["after_prose_container_50"] == [0, 0, 0, 0, 1]
    assert columns["shares_prose_container_chain_50"] == [0.5, 1, 1, 1, 0.5]
    rows_after = columns["log_rows_after_prose_container_50"]
    assert rows_after[-1] == pytest.approx(np.log1p(1)) and not any(rows_after[:-1])
    no_chains = _dom_columns([5, 40, 40, 40, 10], [0, 1, 1, 1, 1], [0] * 5, [()] * 5)
    assert not any(no_chains["in_prose_container_50"] + no_chains["in_prose_container_80"])


def test_prose_container_skips_a_rail_of_links_longer_than_the_article():
    """A short post beside a long rail of headline links: the links' words are not prose,
    so the post's box, not the rail's, is the prose container."""
    # two paragraphs in element 1, four headline links in element 4
    ancestors = [(0, 1, 2), (0, 1, 3), (0, 4, 5), (0, 4, 6), (0, 4, 7), (0, 4, 8)]
    links = [0.1, 0.1, 1.0, 1.0, 0.8, 1.0]
    columns = _dom_columns([30, 30, 25, 25, 25, 25], [1] * 6, links, ancestors)
    assert columns["in_prose_container_50"] == [1, 1, 0, 0, 0, 0]
    parent_links = columns["parent_link_share"]
    assert parent_links[0] == pytest.approx(0.1) and parent_links[2] == pytest.approx(0.95)
    assert columns["grandparent_link_share"][0] == pytest.approx((6 + 95) / 160)


class _FixedModel:
    """A stand-in line model whose content probabilities are given."""

    uses_words = False

    def __init__(self, probabilities: list[float]) -> None:
        self.probabilities = probabilities

    def threshold(self, preset: str) -> float:
        return 0.5

    def content_probability(self, features):
        import numpy as np

        return np.array(self.probabilities)


def _verdict(probabilities: list[float], spare_best: float | None, removed: tuple[bool, ...]):
    import numpy as np

    from cleaner.document import Document
    from cleaner.filters.learned import ModelFilter
    from cleaner.pipeline import Draft
    from cleaner.text.features import FEATURE_NAMES, PageFeatures

    lines = tuple(f"line {k} " + "word " * 20 for k in range(len(probabilities)))
    dense = np.zeros((len(lines), len(FEATURE_NAMES)), np.float32)
    dense[:, FEATURE_NAMES.index("log_words")] = np.log1p(22)
    empty = np.zeros(0, np.int64)

    def features(document, draft):
        return PageFeatures(tuple(range(len(lines))), dense, empty, empty)

    step = ModelFilter(_FixedModel(probabilities), "balanced", features, spare_best=spare_best)  # type: ignore[arg-type]
    proposals = step.propose(Document.from_text("\n".join(lines)), Draft(lines, removed))
    return {removal.line for removal in proposals}


def test_spare_best_keeps_the_likeliest_lines_when_all_would_go():
    none_removed = (False, False, False, False)
    # everything below the threshold: without spare_best the page comes out empty
    assert _verdict([0.1, 0.45, 0.4, 0.2], None, none_removed) == {0, 1, 2, 3}
    # with it, the lines within 0.1 of the best (0.45) stay
    assert _verdict([0.1, 0.45, 0.4, 0.2], 0.1, none_removed) == {0, 3}
    # a line a rule removed is not proposed
    assert _verdict([0.1, 0.45, 0.4, 0.2], 0.1, (False, True, False, False)) == {0, 3}
    # once one line reaches the threshold, nothing is spared
    assert _verdict([0.1, 0.6, 0.45, 0.2], 0.1, none_removed) == {0, 2, 3}


def test_fast_backend_spares_its_best_lines():
    from cleaner import Cleaner
    from cleaner.filters.learned import SPARE_BEST_MARGIN, LearnedFilter
    from cleaner.models.dom_model import default_dom_model

    learned = [f for f in Cleaner().pipeline.filters if isinstance(f, LearnedFilter)]
    assert learned and learned[0].dom_model is default_dom_model()
    assert learned[0].on_dom.spare_best == SPARE_BEST_MARGIN
    assert learned[0].on_text.spare_best is None


def test_fast_cleans_a_chinese_page_like_any_other():
    # Counted by spaces, the four paragraphs were a dozen words: the model abstained (too
    # few words to judge) and the menu, the popular-articles box and the footer stayed.
    from cleaner import clean_html
    from tests.html_pages import ZH_PAGE, ZH_PARAGRAPHS

    lines = clean_html(ZH_PAGE, backend="fast").split("\n")
    assert all(paragraph in lines for paragraph in ZH_PARAGRAPHS)
    assert not {"首页", "热门文章", "地铁五号线今天开通"} & set(lines)
    assert not any("版权所有" in line for line in lines)
