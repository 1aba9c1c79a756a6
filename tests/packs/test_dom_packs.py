"""A user's own DOM rule packs: passed with `rules=` / `--rules` like text packs, sorted by
their keys, applied by the HTML backends that read the DOM, listed, disabled and checked
like the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.filters.dom_rules import DOM_FILTER_NAME
from cleaner.packs.text_pack import RuleError
from tests.cli.test_cli import run

DOM_PACK = """
[pack]
name = "harbourside"
description = "Furniture of the Harbourside Gazette's pages"

[[rules]]
name = "promo-box"
reason = "house promotion box"
words = ["promo"]
examples = ['<div class="promo-box">Win a weekend on the lakes!</div>']
counterexamples = ['<div class="story-body">The ferry runs again.</div>']
"""

TEXT_PACK = """
[pack]
name = "harbourside-text"

[[rules]]
name = "tide-table"
scope = "line"
pattern = "Tide table for .+"
reason = "daily tide table label"
examples = ["Tide table for Saturday"]
counterexamples = ["The tide turned late on Saturday."]
"""

PROMO = "Win a weekend on the lakes: enter the Gazette draw before Friday."
PARAGRAPHS = [
    "The harbour ferry resumed its winter timetable on Monday after three weeks of repairs "
    "to the landing stage, the port authority said.",
    "Passengers had been taken across by a chartered launch, which carried fewer than half "
    "the usual number of people on each crossing and left commuters waiting in the rain.",
    "The repairs cost more than planned because the engineers found rot in two of the "
    "timber piles once the old decking was lifted, a spokesperson for the authority said.",
]
PAGE = (
    "<html><body><article><h1>Ferry back on its winter timetable</h1>"
    + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    + f'<div class="promo-box"><p>{PROMO}</p></div>'
    + "</article></body></html>"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def dom_pack(tmp_path: Path) -> Path:
    return write(tmp_path, "harbourside-dom.toml", DOM_PACK)


def promo_removal(cleaner: Cleaner):
    cleaned = cleaner.explain_html(PAGE, backend="fast")
    line = next(i for i, text in enumerate(cleaned.document.lines) if text == PROMO)
    return cleaned, cleaned.removed_lines().get(line)


def test_a_user_dom_pack_removes_the_subtree_and_names_its_rule(dom_pack):
    cleaned, removal = promo_removal(Cleaner(rules=[dom_pack]))
    assert removal is not None
    assert (removal.filter, removal.rule) == (DOM_FILTER_NAME, "harbourside/promo-box")
    assert removal.reason == "house promotion box (DOM word 'promo' of class/id 'promo-box')"
    assert PROMO not in cleaned.text
    assert all(text in cleaned.text for text in PARAGRAPHS)
    # Without the pack no DOM rule names the box.
    _, before = promo_removal(Cleaner())
    assert before is None or before.filter != DOM_FILTER_NAME


def test_rules_sorts_text_and_dom_packs(dom_pack, tmp_path):
    text_pack = write(tmp_path, "harbourside-text.toml", TEXT_PACK)
    cleaner = Cleaner(rules=[text_pack, dom_pack])
    assert [pack.name for pack in cleaner.config.rules] == ["harbourside-text"]
    assert [pack.name for pack in cleaner.config.dom_rules] == ["harbourside"]
    assert cleaner.clean("Tide table for Saturday\nThe tide turned late.") == (
        "The tide turned late."
    )
    # A worker process rebuilds the Cleaner from its config alone.
    rebuilt = Cleaner.from_config(cleaner.config)
    assert promo_removal(rebuilt)[1].rule == "harbourside/promo-box"


def test_user_dom_rules_can_be_disabled_and_stand_alone(dom_pack):
    _, removal = promo_removal(Cleaner(rules=[dom_pack], disabled_rules=["harbourside"]))
    assert removal is None or removal.filter != DOM_FILTER_NAME
    alone = Cleaner(rules=[dom_pack], builtin_rules=False)
    assert [pack.name for pack in alone.config.dom_packs()] == ["harbourside"]
    assert promo_removal(alone)[1].rule == "harbourside/promo-box"


def test_a_dom_pack_may_not_take_the_shipped_packs_name(tmp_path):
    clash = write(tmp_path, "clash.toml", DOM_PACK.replace('"harbourside"', '"dom"'))
    with pytest.raises(RuleError, match="pack name 'dom' is already used"):
        Cleaner(rules=[clash])


def test_cli_lists_tests_and_applies_a_dom_pack(dom_pack, tmp_path):
    assert (
        run("rules", "test", str(dom_pack))
        .stdout.decode()
        .startswith("1 pack(s), 1 rule(s), 0 problem(s)")
    )
    listing = run("rules", "list", "--rules", str(dom_pack)).stdout.decode()
    assert "harbourside/promo-box" in listing and "words=promo" in listing
    broken = write(
        tmp_path,
        "broken.toml",
        DOM_PACK.replace('\'<div class="promo-box">', '\'<div class="teaser">'),
    )
    result = run("rules", "test", str(broken))
    assert result.returncode != 0
    assert "FAIL harbourside/promo-box: example does not match" in result.stdout.decode()
    page = write(tmp_path, "ferry.html", PAGE)
    shown = run("explain", str(page), "--backend", "fast", "--rules", str(dom_pack))
    assert shown.returncode == 0 and "harbourside/promo-box" in shown.stdout.decode()


def test_a_bad_dom_pack_is_a_one_line_error(tmp_path):
    bad = write(tmp_path, "bad.toml", DOM_PACK.replace('words = ["promo"]', 'words = ["Promo"]'))
    result = run("clean", str(write(tmp_path, "a.txt", "text\n")), "--rules", str(bad))
    assert result.returncode == 2
    assert "words value 'Promo': write it in lower case" in result.stderr.decode()
