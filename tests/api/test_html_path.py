"""One HTML path: a backend only produces the Document's blocks; the Cleaner's own filters,
exactly as given, clean every backend's Document; the site reaches them for HTML too."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from cleaner import Cleaner, Removal
from cleaner.config import BACKENDS
from cleaner.corpus.records import Fields, clean_record
from cleaner.document import Document
from cleaner.pipeline import Draft
from tests.html_pages import PAGE, PROSE_1, PROSE_2


class DropMentions:
    """A user's filter: drops every line that mentions a word, and notes what it saw."""

    name = "drop-mentions"

    def __init__(self, word: str, seen: list[Document] | None = None) -> None:
        self.word = word
        self.seen = seen if seen is not None else []

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        self.seen.append(document)
        return [
            Removal(i, None, self.name, None, f"mentions {self.word}")
            for i, line in enumerate(document.lines)
            if self.word in line
        ]


class SiteNoter:
    """A site-aware filter (it has `for_site`) that records the site it was bound to."""

    name = "site-noter"

    def __init__(self, sites: list[str | None], site: str | None = None) -> None:
        self.sites, self.site = sites, site

    def for_site(self, site: str) -> SiteNoter:
        return SiteNoter(self.sites, site)

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        self.sites.append(self.site)
        return ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_users_filters_run_exactly_as_given(backend):
    seen: list[Document] = []
    mine = DropMentions("Construction", seen)
    cleaner = Cleaner(filters=[mine])
    cleaned = cleaner.explain_html(PAGE, backend=backend)
    assert cleaner.pipeline.filters == (mine,)
    assert seen == [cleaned.document]  # called once, on the backend's Document
    assert PROSE_1 in cleaned.text and PROSE_2 not in cleaned.text
    assert {r.filter for r in cleaned.removals} == {"drop-mentions"}


def test_without_the_dom_rule_filter_the_dom_matches_stay():
    own = Cleaner(filters=[DropMentions("Construction")]).clean_html(PAGE, backend="fast")
    assert "Most read" in own and "Facebook" in own
    default = Cleaner().clean_html(PAGE, backend="fast")
    assert "Most read" not in default and "Facebook" not in default


@pytest.mark.parametrize("backend", BACKENDS)
def test_default_filters_are_one_list_for_every_input(backend):
    cleaner = Cleaner()
    names = [f.name for f in cleaner.pipeline.filters]
    assert names[0] == "dom-rules" and names[-2:] == ["model", "headline"]
    assert Cleaner(filters=cleaner.default_filters()).clean_html(PAGE, backend=backend) == (
        cleaner.clean_html(PAGE, backend=backend)
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_site_reaches_the_filters_for_html(backend):
    sites: list[str | None] = []
    cleaner = Cleaner(filters=[SiteNoter(sites)])
    cleaner.explain_html(PAGE, backend=backend, site="riverside.example")
    record = {"html": PAGE, "url": "https://news.riverside.example/footbridge"}
    clean_record(record, cleaner, Fields(html="html"))
    clean_record({"html": PAGE, "site": "named.example"}, cleaner, Fields(html="html"))
    assert sites == ["riverside.example", "news.riverside.example", "named.example"]
