"""The HTML report: escaping, sampling, totals, the commands, and the page in a real browser."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from cleaner.api import Cleaner
from cleaner.cli.main import main
from cleaner.document import Cleaned, Document, Removal
from cleaner.report.html_page import (
    PAGE_SIZE,
    SCRIPT,
    content_security_policy,
    csp_hash,
    marked_line,
    pages,
    render_report,
)
from cleaner.report.view import explain_view, run_view
from tests.conftest import FIXTURES

HOSTILE = (
    "The mayor said the plan would go ahead as soon as the money arrived, officials said "
    "Tuesday. ADVERTISEMENT The council will vote on the final budget next month.\n"
    "<script>window.__pwned=1</script>\n"
    '<img src=x onerror="window.__pwned=2">\n'
    "ADVERTISEMENT\n"
    "The vote was seven to two, and work starts in the spring.\n"
)
# Small documents with one ad label each, so the page has more than one page of documents.
FILLERS = 25


def make_input(root: Path) -> Path:
    """The fixture corpus, a hostile document and some fillers, in one input folder."""
    source = root / "in"
    shutil.copytree(FIXTURES / "sample-corpus", source)
    (source / "zz-hostile.txt").write_text(HOSTILE, encoding="utf-8")
    for i in range(FILLERS):
        text = f"Filler story number {i} about the town fair.\nADVERTISEMENT\nIt ended well.\n"
        (source / f"filler-{i:02d}.txt").write_text(text, encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report-run")
    source = make_input(root)
    code = main(["clean", str(source), "-o", str(root / "out"), "--removals", "-q", "--jobs", "1"])
    assert code == 0
    return root / "out"


def cleaned_of(text: str, removals: tuple[Removal, ...]) -> Cleaned:
    return Cleaned("", removals, Document.from_text(text))


def test_document_text_is_escaped_and_only_our_script_is_in_the_page() -> None:
    removal = Removal(1, None, "line-rules", "ads/ad-label", 'ad "slot" <b>label</b>')
    page = render_report(explain_view(cleaned_of(HOSTILE, (removal,)), "<i>name</i>"))
    assert page.count("<script") == 1 and page.count("<img") == 0
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;i&gt;name&lt;/i&gt;" in page
    assert 'title="ad &quot;slot&quot; &lt;b&gt;label&lt;/b&gt;"' in page


def test_csp_allows_exactly_the_shipped_script() -> None:
    policy = content_security_policy()
    assert f"script-src {csp_hash(SCRIPT)};" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    page = render_report(explain_view(cleaned_of("a\n", ()), "a.txt"))
    assert f"<script>{SCRIPT}</script>" in page and policy in page
    assert 'lang="en"' in page and 'name="viewport"' in page


def test_span_cuts_are_struck_in_place_with_label_and_reason() -> None:
    line = "Said Tuesday. ADVERTISEMENT The council met."
    start = line.index("ADVERTISEMENT")
    cut = Removal(0, (start, start + 14), "span-rules", "ads/glued", "ad label glued in")
    html = marked_line(line, [cut], "1-0", {"span-rules": "f1"})
    assert html.startswith('Said Tuesday. <span class="cut f1"><del tabindex="0"')
    assert ">ADVERTISEMENT </del>" in html and "span-rules · ads/glued" in html
    assert html.endswith("The council met.")


def test_pages() -> None:
    assert [pages(n) for n in (0, 1, PAGE_SIZE, PAGE_SIZE + 1, 200)] == [1, 1, 1, 2, 10]


def test_run_view_totals_sample_and_originals(run_folder: Path) -> None:
    report = json.loads((run_folder / "_report.json").read_text(encoding="utf-8"))
    view = run_view(run_folder)
    totals = dict(view.totals)
    assert totals["Documents in"] == str(report["documents"]["in"]) == str(34)
    assert totals["Removals"] == f"{report['removals']['total']:,}"
    assert view.by_rule == report["removals"]["by_rule"]
    assert view.top_lines[0] == ("ADVERTISEMENT", view.top_lines[0][1])
    assert all(doc.lines is not None for doc in view.docs), [d.note for d in view.docs]
    small = run_view(run_folder, limit=5)
    assert len(small.docs) == 5 and small == run_view(run_folder, limit=5)  # deterministic
    assert "5 of 34" in small.docs_note


def test_the_page_shows_documents_by_confidence(run_folder: Path) -> None:
    report = json.loads((run_folder / "_report.json").read_text(encoding="utf-8"))
    histogram = report["confidence"]["histogram"]
    assert sum(histogram.values()) == report["confidence"]["judged"] == 34
    view = run_view(run_folder)
    assert dict(view.totals)["Documents with a confidence"] == "34"
    page = render_report(view)
    assert "Documents by confidence (predicted F1)" in page
    for low, count in histogram.items():
        if count and low != "1.0":
            assert f'{low}-{low[:-1]}9</th><td class="num">{count:,}</td>' in page
    one = render_report(explain_view(Cleaner().explain(HOSTILE), "hostile.txt"))
    assert "Confidence (predicted F1)" in one


def test_a_changed_input_shows_removals_only(run_folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "zz-hostile.txt").write_text("something else entirely\n", encoding="utf-8")
    view = run_view(run_folder, input_dir=source)
    hostile = next(doc for doc in view.docs if doc.title == "zz-hostile.txt")
    assert hostile.lines is None and "changed" in (hostile.note or "")
    assert "ADVERTISEMENT" in hostile.texts


def test_commands_and_their_errors(
    run_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    assert main(["report", str(run_folder), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    page = tmp_path / "one.html"
    assert (
        main(
            [
                "explain",
                str(FIXTURES / "sample-corpus" / "plumhill-plum-cake.txt"),
                "--html",
                str(page),
            ]
        )
        == 0
    )
    assert "<del" in page.read_text(encoding="utf-8")
    capsys.readouterr()
    cases = [
        ["report", str(tmp_path / "missing"), "-o", str(target)],
        ["report", str(tmp_path), "-o", str(target)],
        ["report", str(run_folder), "-o", str(target / "x.html")],  # a file as folder
    ]
    for argv in cases:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("cleaner: error: ") and err.count("\n") == 1, err


# The browser test ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: run `make browser` (as root: apt-get install -y chromium)",
)
def test_report_in_headless_chromium(run_folder: Path, tmp_path: Path) -> None:
    from tests.cdp import Browser

    report = tmp_path / "report.html"
    assert main(["report", str(run_folder), "-o", str(report)]) == 0
    # The same page with the hostile text pasted in raw, as if escaping had failed.
    unescaped = tmp_path / "unescaped.html"
    raw = report.read_text(encoding="utf-8").replace("<main>", "<main>" + HOSTILE, 1)
    unescaped.write_text(raw, encoding="utf-8")
    assert CHROMIUM is not None
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        browser.open(report.as_uri())
        assert browser.evaluate("document.querySelectorAll('figure.chart svg rect').length") > 3
        assert browser.evaluate("document.querySelector('figure.chart table') !== null")
        labels = browser.evaluate(
            "[...document.querySelectorAll('.cut')].map(c => c.querySelector('del') && "
            "c.querySelector('.tag').textContent)"
        )
        assert {"line-rules · ads/ad-label", "span-rules · ads/ad-label-glued"} <= set(labels)
        # Our script ran under the CSP: the pager shows page 1 of 2, 20 documents visible.
        assert browser.evaluate("document.getElementById('page-label').textContent") == (
            "Page 1 of 2"
        )
        visible = "[...document.querySelectorAll('article.doc')].filter(a => !a.hidden).length"
        assert browser.evaluate(visible) == PAGE_SIZE
        browser.evaluate("document.getElementById('next').click()")
        assert browser.evaluate(visible) == 34 - PAGE_SIZE
        browser.evaluate("document.getElementById('prev').click()")
        # Hovering a removal shows its reason; so does focusing it (keyboard, tap).
        box = browser.evaluate(
            "(() => { const d = document.querySelector('article.doc:not([hidden]) del');"
            "d.scrollIntoView({block: 'center'}); const r = d.getBoundingClientRect();"
            "return [r.x + r.width / 2, r.y + r.height / 2, d.title]; })()"
        )
        shown = (
            f"(() => {{ const d = document.elementFromPoint({box[0]}, {box[1]}).closest('.cut');"
            "const w = d.querySelector('.reason');"
            "return getComputedStyle(w).display !== 'none' && w.textContent; })()"
        )
        assert browser.evaluate(shown) is False
        browser.hover(box[0], box[1])
        assert browser.evaluate(shown) == box[2] != ""
        browser.hover(1, 1)
        browser.evaluate("document.querySelectorAll('del')[1].focus()")
        assert browser.evaluate(
            "(() => { const d = document.activeElement; const w = document.getElementById("
            "d.getAttribute('aria-describedby'));"
            "return getComputedStyle(w).display !== 'none' && w.textContent === d.title; })()"
        )
        # The hostile document is on the page, as text, and did not run.
        assert browser.evaluate("document.body.textContent.includes('window.__pwned=1')")
        assert browser.evaluate("typeof window.__pwned") == "undefined"
        browser.screenshot(tmp_path / "report.png")
        # Even unescaped, the CSP stops the inline script and the onerror handler.
        browser.open(unescaped.as_uri())
        assert browser.evaluate("document.querySelectorAll('main script, main img').length") == 2
        assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG")


def test_documents_from_shards_and_html_are_recovered(tmp_path: Path) -> None:
    # Shards (plain and gzip) and HTML files keep their originals elsewhere than a .txt:
    # the record at the audit's line, and the page's extracted text.
    source = tmp_path / "in"
    source.mkdir()
    story = "The ferry resumes on Monday after two weeks of repairs to the ramp, the port said."
    records = [
        {"id": "a", "text": f"Ferry back\nADVERTISEMENT\n{story}", "lang": "en"},
        {"id": "b", "text": "Nothing to remove here.", "lang": "en"},
    ]
    body = "".join(json.dumps(record) + "\n" for record in records)
    (source / "plain.jsonl").write_text(body, encoding="utf-8")
    with gzip.open(source / "packed.jsonl.gz", "wt", encoding="utf-8") as stream:
        stream.write(body)
    page = f"<html><body><article><h1>Ferry back</h1><p>{story}</p><p>ADVERTISEMENT</p>"
    page += f"<p>{story.replace('Monday', 'Tuesday')}</p></article></body></html>"
    (source / "page.html").write_text(page, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["clean", str(source), "-o", str(out), "--removals", "-q", "--jobs", "1"]) == 0
    view = run_view(out)
    by_title = {doc.title: doc for doc in view.docs}
    shard_docs = [doc for title, doc in by_title.items() if "jsonl" in title]
    assert len(shard_docs) == 2, sorted(by_title)
    for doc in shard_docs:
        assert doc.lines is not None, doc.note
        assert any("ADVERTISEMENT" in str(line) for line in doc.lines)
    html_docs = [doc for title, doc in by_title.items() if "page.html" in title]
    if html_docs:  # trafilatura may drop the lone label itself, leaving nothing to audit
        assert html_docs[0].lines is not None, html_docs[0].note
