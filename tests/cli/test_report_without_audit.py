"""`cleaner report` of a run made without `--removals`: the totals the run counted, and a
plain word that the per-document numbers need the audit; never "0 documents with removals"
beside a non-zero removal count, nor "Nothing was removed"."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from tests.cli.test_cli import DIRTY, run


class PageText(HTMLParser):
    """The page's totals (dt -> dd) and the note of each section, by its heading."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self._tag, self._term, self._heading = "", "", ""
        self._note = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        self._note = tag == "p" and ("class", "note") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._tag, self._note = "", False

    def handle_data(self, data: str) -> None:
        if self._tag == "dt":
            self._term = data
        elif self._tag == "dd":
            self.totals[self._term] = data
        elif self._tag == "h2":
            self._heading = data
        elif self._note:
            self.notes[self._heading] = self.notes.get(self._heading, "") + data


def test_a_report_without_audit_says_what_it_cannot_know(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for i in range(3):
        (source / f"page-{i}.txt").write_text(DIRTY, encoding="utf-8")
    out = tmp_path / "out"
    assert run("clean", str(source), "-o", str(out), "-q").returncode == 0
    removals = json.loads((out / "_report.json").read_text(encoding="utf-8"))["removals"]
    assert removals["total"] == 3
    target = tmp_path / "report.html"
    assert run("report", str(out), "-o", str(target)).returncode == 0

    page = PageText()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.totals["Removals"] == "3"  # what the run counted is shown
    assert page.totals["Documents in"] == "3"
    assert page.totals["Documents with removals"] == "needs --removals"
    top = page.notes["Most often removed"]
    assert "--removals" in top and "Nothing was removed" not in top
    assert "--removals" in page.notes["Documents"]
    by_rule = target.read_text(encoding="utf-8")
    assert "ads/ad-label" in by_rule  # the chart of removals per rule, from _report.json


def test_a_report_with_audit_counts_documents(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.txt").write_text(DIRTY, encoding="utf-8")
    (source / "clean.txt").write_text("Nothing to remove here.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("clean", str(source), "-o", str(out), "-q", "--removals").returncode == 0
    target = tmp_path / "report.html"
    assert run("report", str(out), "-o", str(target)).returncode == 0
    page = PageText()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.totals["Documents with removals"] == "1"
    assert "Most often removed" not in page.notes  # a table, not a note
