"""Our own fixtures (fixtures/README.md): dirty articles must come out as their .clean.txt,
negative cases must come out unchanged, and together they must exercise every shipped pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.packs.text_pack import builtin_packs
from cleaner.training.scoring import score
from tests.conftest import FIXTURES, nonblank_lines

RULES_ONLY = Cleaner(model=None)
ARTICLES = sorted((FIXTURES / "articles").glob("*.txt"))
DIRTY = [path for path in ARTICLES if not path.name.endswith(".clean.txt")]
NEGATIVE = sorted((FIXTURES / "negative").glob("*.txt"))


def _expected(path: Path) -> Path:
    return path.with_name(path.name[: -len(".txt")] + ".clean.txt")


def test_fixture_counts():
    assert len(DIRTY) >= 25 and len(NEGATIVE) >= 10
    # Paired both ways: every dirty article has its .clean.txt and no .clean.txt is orphaned.
    clean = {path for path in ARTICLES if path.name.endswith(".clean.txt")}
    assert clean == {_expected(path) for path in DIRTY}
    # A dirty article that is already clean would pass test_dirty_article_... by doing nothing.
    already_clean = [
        path.stem
        for path in DIRTY
        if nonblank_lines(path.read_text(encoding="utf-8"))
        == nonblank_lines(_expected(path).read_text(encoding="utf-8"))
    ]
    assert already_clean == []
    assert len(list((FIXTURES / "sample-corpus").glob("*.txt"))) >= 5


@pytest.mark.parametrize("path", DIRTY, ids=lambda path: path.stem)
def test_dirty_article_comes_out_as_expected(path):
    got = RULES_ONLY.clean(path.read_text(encoding="utf-8"))
    assert nonblank_lines(got) == nonblank_lines(_expected(path).read_text(encoding="utf-8"))


# The default pipeline (rules + model) must keep the article: at least this share of the
# expected text's tokens, on every fixture. The model may also drop a line the rules keep
# (a dateline, a caption), so the bar is recall, not equality.
DEFAULT_MIN_RECALL = 0.9
DEFAULT = Cleaner()


@pytest.mark.parametrize("path", DIRTY, ids=lambda path: path.stem)
def test_default_pipeline_keeps_the_article(path):
    got = DEFAULT.clean(path.read_text(encoding="utf-8"))
    expected = _expected(path).read_text(encoding="utf-8")
    assert score(got, expected).recall >= DEFAULT_MIN_RECALL


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda path: path.stem)
def test_negative_case_comes_out_unchanged(path):
    text = path.read_text(encoding="utf-8")
    assert RULES_ONLY.clean(text) == text.rstrip("\n")


def test_every_pack_fires_on_some_fixture():
    fired = {
        removal.rule.split("/")[0]
        for path in DIRTY
        for removal in RULES_ONLY.explain(path.read_text(encoding="utf-8")).removals
        if removal.rule
    }
    assert {pack.name for pack in builtin_packs()} <= fired
