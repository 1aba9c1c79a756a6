"""One line number for one removal, wherever it is shown: `explain`'s listing, `explain
--json`, and a folder run's removals audit all count from 1, as editors do; the report
that reads the audit back strikes the right line. (`Removal.line` stays a 0-based index.)"""

from __future__ import annotations

import json
import re

from cleaner import explain_text
from cleaner.cli.main import main
from cleaner.report.view import run_view
from tests.cli.test_cli import run

# Line 5 goes whole (an ad label), line 7 loses a glued ad label inside it.
TEXT = (
    "Bridge vote\n\nThe council voted 5-2 on Tuesday.\n\nADVERTISEMENT\n\n"
    "The bridge opens in May. ADVERTISEMENT Work starts in March.\n"
)


def test_explain_text_json_and_audit_name_the_same_lines(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.txt").write_text(TEXT, encoding="utf-8")
    page = str(source / "page.txt")

    listing = run("explain", page).stdout.decode()
    shown = {int(m.group(1)) for m in re.finditer(r"^\s+(\d+)  (?:DROP|CUT) ", listing, re.M)}
    as_json = json.loads(run("explain", page, "--json").stdout)
    json_lines = {removal["line"] for removal in as_json["removals"]}
    out = tmp_path / "out"
    assert run("clean", str(source), "-o", str(out), "--removals", "-q").returncode == 0
    audit_path = out / "_removals" / "_documents.jsonl"
    (audit,) = [json.loads(line) for line in audit_path.read_text(encoding="utf-8").splitlines()]
    audit_lines = {removal["line"] for removal in audit["removals"]}

    assert shown == json_lines == audit_lines == {5, 7}
    lines = TEXT.splitlines()
    for removal in audit["removals"]:
        assert removal["text"] in lines[removal["line"] - 1]
    # The Python attribute is the index into the document's lines.
    assert sorted(r.line for r in explain_text(TEXT).removals) == [4, 6]


def test_the_report_strikes_the_audited_lines(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["clean", str(source), "-o", str(out), "--removals", "-q", "--jobs", "1"]) == 0
    (doc,) = run_view(out).docs
    assert doc.lines is not None and doc.note is None, doc.note  # the audit matched the input
    for removal, text in zip(doc.removals, doc.texts, strict=True):
        line = doc.lines[removal.line]
        assert (line if removal.span is None else line[removal.span[0] : removal.span[1]]) == text
