"""The headline block: found from the page's own titles, kept by the DOM block model, and the
link lists above it removed (cleaner.html.titles, cleaner.html.headline,
cleaner.filters.headline)."""

from __future__ import annotations

from cleaner import Cleaner
from cleaner.document import DOM, Block, Document
from cleaner.filters.headline import HeadlineFilter
from cleaner.html.headline import headline_line
from cleaner.html.titles import page_titles
from cleaner.pipeline import Draft

HEAD = """<html><head><title>Ferry crews vote to strike &amp; walk out | Harbour Post</title>
<meta content="Ferry crews vote to strike" property="og:title">
<meta name='twitter:title' content='Ferry crews vote to strike'>
</head><body><meta property="og:title" content="Not the head"></body></html>"""


def test_page_titles_reads_meta_in_any_attribute_order_and_the_title_once() -> None:
    assert page_titles(HEAD) == (
        "Ferry crews vote to strike",
        "Ferry crews vote to strike & walk out | Harbour Post",
    )
    assert page_titles("<p>no head at all</p>") == ()
    assert page_titles("<title>   </title>") == ()


def _block(text: str, heading: int = 0, links: int = 0, in_list: bool = False) -> Block:
    return Block(text, ("html", "body", "div"), heading, links, in_list, False, ())


def _document(blocks: list[Block], titles: tuple[str, ...]) -> Document:
    return Document.from_blocks(blocks, titles)


def _draft(document: Document, removed: set[int] = frozenset()) -> Draft:
    return Draft(document.lines, tuple(i in removed for i in range(len(document))))


def test_a_headline_part_beats_the_site_name_and_a_lone_h1_beats_a_title_part() -> None:
    titles = ("Ferry crews vote to strike | Harbour Post Online",)
    site = _document([_block("Harbour Post Online"), _block("Ferry crews vote to strike")], titles)
    assert headline_line(site, _draft(site)) == 1
    other = _document([_block("Harbour Post Online"), _block("Crews walk out", heading=1)], titles)
    assert headline_line(other, _draft(other)) == 1  # the page's one <h1>, not a title part
    whole = _document([_block("Ferry crews vote to strike | Harbour Post Online")], titles)
    assert headline_line(whole, _draft(whole)) == 0
    blog = ("Official Blog of the League", "Rookie agrees the start is embarrassing - League.com")
    nfl = _document(
        [_block("Official Blog of the League"), _block("Rookie agrees the start is embarrassing")],
        blog,
    )
    assert headline_line(nfl, _draft(nfl)) == 1  # most of <title> beats an og:title site name


def test_headline_line_prefers_a_heading_and_skips_removed_blocks() -> None:
    titles = ("Ferry crews vote to strike",)
    blocks = [
        _block("Ferry crews vote to strike", links=26, in_list=True),  # a "latest" strip
        _block("Ferry crews vote to strike", heading=1),
        _block("Crews on the island ferries voted on Tuesday to strike for two days."),
    ]
    document = _document(blocks, titles)
    assert headline_line(document, _draft(document)) == 1
    assert headline_line(document, _draft(document, {1})) == 0
    assert headline_line(_document(blocks, ()), _draft(document)) == 1  # the lone <h1>
    no_h1 = [blocks[0], blocks[2]]
    assert headline_line(_document(no_h1, ()), _draft(_document(no_h1, ()))) is None


def test_the_filter_drops_link_lists_above_the_headline_and_keeps_the_byline() -> None:
    blocks = [
        _block("Harbour Post", links=12),
        _block("News Sport Weather", links=18, in_list=True),
        _block("By Ann Reed, transport correspondent"),
        _block("Ferry crews vote to strike", heading=1),
        _block("More news", links=9),  # below the headline: not this filter's business
    ]
    document = _document(blocks, ("Ferry crews vote to strike - Harbour Post",))
    removals = list(HeadlineFilter().propose(document, _draft(document)))
    assert [r.line for r in removals] == [0, 1]
    assert {r.rule for r in removals} == {"headline/furniture-above"}
    text_document = Document.from_text("\n".join(document.lines))
    assert document.origin == DOM and not list(
        HeadlineFilter().propose(text_document, _draft(text_document))
    )


def test_clean_html_starts_with_the_headline_not_the_menu_above_it() -> None:
    page = f"""<html><head><title>Ferry crews vote to strike | Harbour Post</title></head>
    <body><header><a href="/">Harbour Post</a><ul><li><a href="/n">News</a></li>
    <li><a href="/s">Sport</a></li></ul></header>
    <h1>Ferry crews vote to strike</h1>
    {
        "".join(
            f"<p>Crews on the island ferries voted on Tuesday to strike for two days over "
            f"pay and rosters, the union said, paragraph {i} of the story.</p>"
            for i in range(6)
        )
    }
    </body></html>"""
    text = Cleaner().clean_html(page, backend="fast")
    assert text.startswith("Ferry crews vote to strike")
