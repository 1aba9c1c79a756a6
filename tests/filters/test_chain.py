"""`clean` and `explain` of a text, and the `fast` backend on a page, run the default filters
in one core call (`cleaner.filters.chain`). The chain must give what `Pipeline.run` of the
same filters gives, text and every Removal, on every input: the fixtures, the bundled pages
(in both renderings for text), generated documents, and (with ../shared/data) pages of every
shared dataset. Cleaners whose filters are not the default ones get no chain."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.document import Document
from cleaner.filters.chain import chain_of
from cleaner.filters.learned import LearnedFilter, ModelFilter
from cleaner.html.backends.fast import fast_document
from cleaner.training.datasets import (
    dataset_names,
    default_data_dir,
    load_dataset,
    rendered_pages,
)
from cleaner.training.render import render
from tests.conftest import FIXTURES
from tests.text.test_properties import line_strategy

PAGES = Path(__file__).resolve().parents[1] / "quality" / "data" / "pages.jsonl.gz"
SHARED_PAGES_PER_DATASET = 40
# A page costs ten texts (parse, walk, both paths, the confidence of explain_html).
SHARED_HTML_PAGES_PER_DATASET = 12

DEFAULT = Cleaner()
RULES_ONLY = Cleaner(model=None)
# Another preset (another threshold) and a pack left out: the chain follows the config.
STRICT = Cleaner(preset="precision", disabled_rules=["comments"])
CLEANERS = {"default": DEFAULT, "rules-only": RULES_ONLY, "strict": STRICT}


def _same(cleaner: Cleaner, text: str) -> None:
    """The chain's text and Removals are the filters' own, one by one."""
    chain = cleaner.pipeline.chain
    assert chain is not None
    expected = cleaner.pipeline.run(Document.from_text(text))
    assert chain.explain_text(text) == expected
    assert cleaner.clean(text) == expected.text


def _same_page(cleaner: Cleaner, html: str) -> None:
    """The page chain's text and Removals are those of the filters on the `fast` Document."""
    chain = cleaner.pipeline.chain
    assert chain is not None and chain.page is not None
    expected = cleaner.pipeline.run(fast_document(html, cleaner.dom_index))
    assert chain.explain_page(html) == expected
    assert cleaner.clean_html(html, backend="fast") == expected.text
    explained = cleaner.explain_html(html, backend="fast")
    assert replace(explained, confidence=None) == expected


def test_default_configurations_have_a_chain() -> None:
    for cleaner in CLEANERS.values():
        chain = cleaner.pipeline.chain
        assert chain is not None and chain.page is not None
    assert chain_of(DEFAULT.default_filters(), DEFAULT.dom_index) is not None


class _Nothing:
    name = "nothing"

    def propose(self, document, draft):
        return ()


def test_other_filter_lists_run_the_pipeline() -> None:
    filters = DEFAULT.default_filters()
    learned = next(step for step in filters if isinstance(step, LearnedFilter))
    spared = LearnedFilter(learned.model, "balanced")
    spared.on_text = ModelFilter(learned.model, "balanced", spare_best=0.1)
    others = {
        "one of one's own": [*filters, _Nothing()],
        "reordered": [filters[0], filters[2], filters[1], *filters[3:]],
        "a rule filter missing": [step for step in filters if step.name != "tail-rules"],
        "the model spares lines": [spared if step is learned else step for step in filters],
        "model only": [learned],
    }
    for name, steps in others.items():
        assert chain_of(steps, DEFAULT.dom_index) is None, name
        cleaner = Cleaner(filters=steps)
        assert cleaner.pipeline.chain is None, name
    text = "Budget passes\nADVERTISEMENT\nThe council voted 5-2."
    assert Cleaner(filters=[*filters, _Nothing()]).clean(text) == DEFAULT.clean(text)


def test_a_profile_runs_the_pipeline(tmp_path: Path) -> None:
    from cleaner.profiles.learn import learn

    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(6):
        text = f"Site Name\nStory {n} is about the river.\nAll rights reserved."
        (pages / f"{n}.txt").write_text(text, encoding="utf-8")
    profile = tmp_path / "site.profile"
    learn([pages], jobs=1).profile.write(profile)
    assert Cleaner(profile=profile).pipeline.chain is None


def test_a_text_chain_without_the_dom_filters_has_no_page_chain() -> None:
    filters = [step for step in DEFAULT.default_filters() if step.name not in ("dom-rules",)]
    chain = chain_of(filters, DEFAULT.dom_index)
    assert chain is not None and chain.page is None
    text = "Budget passes\nADVERTISEMENT\nThe council voted 5-2."
    assert Cleaner(filters=filters).clean(text) == DEFAULT.clean(text)


def test_not_text_is_refused_as_before() -> None:
    with pytest.raises(TypeError, match="decode bytes first"):
        DEFAULT.clean(b"bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(CLEANERS))
def test_fixtures_give_the_same_text(name: str) -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.rglob("*.txt"))]
    assert len(texts) > 50
    for text in texts:
        _same(CLEANERS[name], text)


def test_html_fixtures_and_bundled_pages_give_the_same_page() -> None:
    pages = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.rglob("*.html"))]
    with gzip.open(PAGES, "rt", encoding="utf-8") as rows:
        pages += [json.loads(row)["html"] for row in rows]
    assert len(pages) > 40
    pages += ["", "<html></html>", "<p>one line</p>", "\x00<div>" * 50]
    for html in pages:
        for cleaner in CLEANERS.values():
            _same_page(cleaner, html)


@pytest.mark.parametrize("renderer", ["innertext", "soup"])
def test_bundled_pages_give_the_same_text(renderer: str) -> None:
    with gzip.open(PAGES, "rt", encoding="utf-8") as rows:
        pages = [json.loads(row) for row in rows]
    for page in pages:
        text = render(renderer, page["html"])
        for cleaner in CLEANERS.values():
            _same(cleaner, text)


# The property tests' lines (rule examples, prose, arbitrary text, boilerplate inside
# prose), and long prose in other scripts, so the model judges pages of every kind.
PROSE = [
    "Residents on both banks said the crossing would cut their commute by half an hour, and "
    "the mayor promised that work would start before the end of the year.",
    "Der Gemeinderat hat am Dienstag mit fünf zu zwei Stimmen die neue Brücke beschlossen.",
    "市议会周二以五比二的投票结果批准了新桥的资金。",
]
line = st.one_of(line_strategy, st.sampled_from(PROSE))
documents = st.tuples(
    st.lists(line, max_size=60), st.sampled_from(["\n", "\r\n", "\u2028", "\x85"])
).map(lambda parts: parts[1].join(parts[0]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_give_the_same_text(text: str) -> None:
    for cleaner in CLEANERS.values():
        _same(cleaner, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(["p", "li", "h1", "h2", "div", "td"]), line), max_size=30)
)
def test_generated_pages_give_the_same_page(blocks: list[tuple[str, str]]) -> None:
    import html as escape

    body = "".join(f"<{tag}>{escape.escape(text)}</{tag}>" for tag, text in blocks)
    page = f"<html><head><title>{escape.escape(blocks[0][1]) if blocks else ''}</title></head>"
    page += f"<body><ul>{body}</ul></body></html>"
    for cleaner in CLEANERS.values():
        _same_page(cleaner, page)


def _shared() -> list[str]:
    directory = default_data_dir()
    return dataset_names(directory) if directory.is_dir() else []


@pytest.mark.skipif(
    not _shared(), reason="shared data not found (set CLEANER_DATA_DIR to compare on its pages)"
)
@pytest.mark.parametrize("renderer", ["innertext", "soup"])
def test_shared_pages_give_the_same_text(renderer: str) -> None:
    for name in _shared():
        for page in rendered_pages(name, renderer, limit=SHARED_PAGES_PER_DATASET):
            for cleaner in (DEFAULT, RULES_ONLY):
                _same(cleaner, page.text)


@pytest.mark.skipif(
    not _shared(), reason="shared data not found (set CLEANER_DATA_DIR to compare on its pages)"
)
def test_shared_pages_give_the_same_page() -> None:
    for name in _shared():
        for page in load_dataset(name, limit=SHARED_HTML_PAGES_PER_DATASET):
            for cleaner in (DEFAULT, RULES_ONLY):
                _same_page(cleaner, page.html)
