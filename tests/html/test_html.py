"""HTML mode through every door: the API (`clean_html`, `explain_html`, Cleaner methods),
every backend, the CLI (`--backend`, files and folders of .html, JSONL `--html-field`), and
the config that worker processes rebuild their Cleaner from."""

from __future__ import annotations

import json
import pickle

import pytest

import cleaner
from cleaner import Cleaner, CleanerConfig
from cleaner.cli.main import main
from cleaner.config import BACKENDS, DEFAULT_BACKEND
from cleaner.corpus.records import clean_record
from tests.html_pages import PAGE, PROSE_1, PROSE_2

RULES_ONLY = Cleaner(model=None)
FAST = Cleaner(model=None, backend="fast")


def test_package_exports_html_functions():
    # a heading and two paragraphs: a blank line between each (tests/html/test_paragraphs.py)
    assert cleaner.clean_html(PAGE) == f"Council backs the footbridge\n\n{PROSE_1}\n\n{PROSE_2}"
    assert "clean_html" in cleaner.__all__
    assert "explain_html" in cleaner.__all__
    assert CleanerConfig().html_backend == DEFAULT_BACKEND
    assert cleaner.clean_html(PAGE) == cleaner.explain_html(PAGE).text


def test_auto_is_the_router_with_the_shipped_models_and_trafilatura_otherwise():
    from cleaner.html.backends import resolve_backend

    assert DEFAULT_BACKEND == "auto"
    assert resolve_backend("auto", Cleaner().config) == "router"
    # Filters of one's own: the quality predictor cannot judge their results.
    assert resolve_backend("auto", Cleaner().config, judged=False) == "fast"
    assert resolve_backend("router", Cleaner().config, judged=False) == "fast"
    assert resolve_backend("auto", RULES_ONLY.config) == "trafilatura"
    assert resolve_backend("router", RULES_ONLY.config) == "trafilatura"
    # guided needs the shipped DOM block model; without it, it is trafilatura
    assert resolve_backend("guided", Cleaner().config) == "guided"
    assert resolve_backend("guided", RULES_ONLY.config) == "trafilatura"
    # Every backend returns the same text for PAGE, so compare documents: `fast` keeps the
    # DOM-removed blocks as lines, trafilatura's document is its extract. That tells which
    # extractor a call without `backend=` ran.
    for subject, expected, other in (
        (Cleaner(), "fast", "trafilatura"),
        (RULES_ONLY, "trafilatura", "fast"),
    ):
        ran = subject.explain_html(PAGE).document
        assert ran == subject.explain_html(PAGE, backend=expected).document
        assert ran != subject.explain_html(PAGE, backend=other).document
    with pytest.raises(ValueError, match="choose one of auto, trafilatura, fast, guided, router"):
        resolve_backend("lxml", RULES_ONLY.config)


@pytest.mark.parametrize("backend", BACKENDS)
def test_both_backends_keep_the_article_and_drop_the_furniture(backend):
    cleaned = RULES_ONLY.explain_html(PAGE, backend=backend)
    assert PROSE_1 in cleaned.text and PROSE_2 in cleaned.text
    for junk in ("ADVERTISEMENT", "Advertisement", "Facebook", "Other story", "Copyright"):
        assert junk not in cleaned.text
    assert RULES_ONLY.clean_html(PAGE.encode(), backend=backend) == cleaned.text


def test_fast_backend_explains_dom_removals_with_the_selector():
    cleaned = FAST.explain_html(PAGE)
    by_rule = {r.rule: r for r in cleaned.removals}
    assert {"dom/navigation", "dom/ad-slot", "dom/share-bar", "dom/related-rail"} <= set(by_rule)
    assert by_rule["dom/navigation"].filter == "dom-rules"
    assert "tag <nav>" in by_rule["dom/navigation"].reason
    assert "'ad-slot'" in by_rule["dom/ad-slot"].reason
    assert by_rule["ads/ad-label"].filter == "line-rules"  # the text packs still run
    lines = cleaned.document.lines
    assert lines[by_rule["dom/ad-slot"].line] == "Advertisement"
    kept = [i for i in range(len(lines)) if i not in cleaned.removed_lines()]
    # the kept lines, in order, with blank lines between paragraphs
    assert [line for line in cleaned.text.split("\n") if line] == [lines[i] for i in kept]


def test_disabled_dom_rules_stay_in():
    def dom_rules(disabled: list[str]) -> set[str | None]:
        cleaner = Cleaner(model=None, backend="fast", disabled_rules=disabled)
        return {r.rule for r in cleaner.explain_html(PAGE).removals if r.filter == "dom-rules"}

    assert "dom/share-bar" in dom_rules([])
    assert "dom/share-bar" not in dom_rules(["dom/share-bar"])
    assert dom_rules(["dom"]) == set()


def test_backend_survives_the_config_round_trip():
    config = pickle.loads(pickle.dumps(FAST.config))
    assert Cleaner.from_config(config).config.html_backend == "fast"
    assert Cleaner.from_config(config).clean_html(PAGE) == FAST.clean_html(PAGE)


def test_html_records_use_the_configured_backend():
    from cleaner.corpus.records import Fields

    record = {"id": 1, "html": PAGE, "url": "https://example.org/a"}
    outcome = clean_record(record, FAST, Fields("text", "html"))
    assert outcome.problem is None
    assert outcome.record["text"] == FAST.clean_html(PAGE)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_cleans_html_files_and_folders_with_backend(tmp_path, backend, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(PAGE, encoding="utf-8")
    (pages / "b.htm").write_bytes(PAGE.encode("utf-8"))
    assert main(["clean", str(pages / "a.html"), "--backend", backend, "--rules-only"]) == 0
    out = capsys.readouterr().out
    assert PROSE_1 in out and "ADVERTISEMENT" not in out
    target = tmp_path / "out"
    args = ["clean", str(pages), "-o", str(target), "--backend", backend, "-q", "--jobs", "1"]
    assert main(args) == 0
    assert PROSE_2 in (target / "a.txt").read_text(encoding="utf-8")
    assert (target / "b.txt").is_file()


def test_cli_jsonl_html_field_with_fast_backend(tmp_path):
    shard = tmp_path / "pages.jsonl"
    shard.write_text(json.dumps({"id": 1, "html": PAGE}) + "\n", encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    args = ["clean", str(shard), "-o", str(out), "--html-field", "html", "--backend", "fast"]
    assert main([*args, "--rules-only"]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert PROSE_1 in record["text"] and "Other story" not in record["text"]


def test_cli_rejects_an_unknown_backend(capsys):
    with pytest.raises(SystemExit):
        main(["clean", "x.html", "--backend", "nope"])
    assert "invalid choice" in capsys.readouterr().err


def test_cli_explains_an_html_page_with_the_dom_selectors(tmp_path, capsys):
    page = tmp_path / "a.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["explain", str(page), "--backend", "fast", "--json", "--rules-only"]) == 0
    payload = json.loads(capsys.readouterr().out)
    rules = {removal["rule"] for removal in payload["removals"]}
    assert "dom/navigation" in rules and PROSE_1 in payload["text"]


def test_html_eval_rows_and_the_note_when_readability_is_missing(monkeypatch):
    from cleaner.training import evaluate_html

    names = [name for name, _ in evaluate_html.html_methods(RULES_ONLY)[0]]
    assert names[0] == "trafilatura (no comments)"
    assert names[-4:] == [
        "cleaner --backend trafilatura",
        "cleaner --backend fast",
        "cleaner --backend guided",
        "cleaner --backend router",
    ]
    monkeypatch.setattr(evaluate_html, "readability_fn", lambda: None)
    methods, notes = evaluate_html.html_methods(RULES_ONLY)
    assert "readability-lxml" not in [name for name, _ in methods]
    assert notes == [evaluate_html.READABILITY_MISSING]
