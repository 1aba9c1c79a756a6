"""The leave-one-dataset-out table (`cleaner eval --loo`) end to end, and its headline check.

The data folder is built from the bundled licence-eligible pages (tests/quality/data), one
file per dataset as in shared/data, plus one set under a name we may not train on, so the
run trains real models for every group, scores every mode, and caches what it trained.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner.cli.main import main
from cleaner.html.headline import contains_run
from cleaner.models.dom_model import load_dom_model
from cleaner.models.line_model import load_model
from cleaner.training import train_router
from cleaner.training.datasets import CACHE_DIR_ENV
from cleaner.training.headline import gold_headline, headline_kept
from cleaner.training.loo import ALL, TrainingData, holdout_group, is_held_out
from cleaner.training.scoring import tokens

BUNDLED = Path(__file__).resolve().parents[1] / "quality" / "data" / "pages.jsonl.gz"
# Bundled dataset name -> the name it gets in the test's data folder. The small news sets
# become one set under a name that is not licence-eligible, scored as eval-only.
RENAMED = {
    "wcxb_dev": "wcxb_dev",
    "readability": "readability",
    "fundus": "extra_fundus",
    "newspaper": "other_news",
    "newspaper4k": "other_news",
    "go_goose": "other_news",
}

PAGE = """<html><head><title>Harbour wall to be rebuilt | Coast Gazette</title>
<meta property="og:title" content="Harbour wall to be rebuilt before winter"></head>
<body><h1>Harbour wall to be rebuilt before winter</h1><p>Work starts on Monday.</p>
</body></html>"""


def test_gold_headline_matches_h1_or_og_title_whole_and_title_in_part() -> None:
    assert gold_headline(PAGE, "Harbour wall to be rebuilt before winter\nWork starts.") == tuple(
        tokens("Harbour wall to be rebuilt before winter")
    )
    assert gold_headline(PAGE, "Harbour wall to be rebuilt\nWork starts.") is not None
    assert gold_headline(PAGE, "Harbour wall\nWork starts on Monday.") is None  # too short
    assert gold_headline(PAGE, "Work starts on Monday.\nHarbour wall") is None
    assert gold_headline("", "Harbour wall to be rebuilt") is None


def test_headline_kept_needs_the_tokens_in_order_and_together() -> None:
    headline = tokens("Harbour wall to be rebuilt")
    assert headline_kept(tokens("Coast Gazette\nHarbour wall to be rebuilt\nText"), headline)
    assert not headline_kept(tokens("Harbour wall\nto be rebuilt"), headline[::-1])
    assert not headline_kept(tokens("Harbour wall"), headline)
    assert not contains_run(["a", "b"], [])


def test_groups_hold_out_the_scored_dataset_and_only_it() -> None:
    assert holdout_group("readability") == "readability"
    assert holdout_group("extra_goose3") == holdout_group("extra_go_goose") == "small_extras"
    assert holdout_group("dragnet") == holdout_group("extra_snacktory") == ALL
    assert is_held_out("readability", "readability")
    assert not is_held_out("wcxb_dev", "readability")
    assert not any(is_held_out(name, ALL) for name in ("wcxb_dev", "dragnet"))
    data = TrainingData((), (), frozenset(), {"fundus": "extra_fundus"})
    assert data.without("readability") == data


def _data_folder(folder: Path) -> dict[str, int]:
    """Write the bundled pages as one dataset file per (renamed) dataset; pages per file."""
    records: dict[str, list[dict]] = {}
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)  # keeps its dataset name: "fundus" in extra_fundus
            records.setdefault(RENAMED[record["dataset"]], []).append(record)
    folder.mkdir()
    for name, found in records.items():
        with gzip.open(folder / f"{name}.jsonl.gz", "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
    return {name: len(found) for name, found in records.items()}


def _table_rows(output: str) -> dict[str, list[list[str]]]:
    """Rows of each printed table, by its title line, split into columns."""
    tables: dict[str, list[list[str]]] = {}
    title = ""
    for line in output.splitlines():
        if line and not line.startswith(" "):
            title = line
            tables[title] = []
        elif line.strip() and not line.strip().startswith("dataset"):
            tables[title].append(line.split())
    return tables


def test_loo_table_trains_without_each_dataset_scores_every_mode_and_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn", reason="training needs the train extra")
    pytest.importorskip("html_text", reason="rendering needs html-text")
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(train_router, "TREES", 20)  # a few dozen pages: the shape is tested
    sizes = _data_folder(tmp_path / "data")
    markdown = tmp_path / "loo.md"
    argv = ["eval", "--loo", "--data-dir", str(tmp_path / "data"), "--out", str(markdown)]

    assert main(argv) == 0
    first = capsys.readouterr()
    tables = _table_rows(first.out.split("\nwrote ")[0])
    counts = {row[0]: row[1:] for row in tables.pop(next(t for t in tables if "training" in t))}
    assert set(counts) == {"wcxb_dev", "readability", "extra_fundus"}  # other_news: eval-only
    assert all(int(value.replace(",", "")) > 0 for row in counts.values() for value in row)
    router = tables.pop(next(t for t in tables if t.startswith("HTML default: the router")))
    calibration = [tables.pop(t) for t in list(tables) if t.startswith("confidence calibration")]
    assert len(tables) == 3  # innertext, soup, html (fast)
    routed = {row[0]: row for row in router}
    assert set(routed) == set(sizes)  # every dataset, each by a predictor held out like its models
    for name, row in routed.items():
        assert row[1] == ("eval-only" if name == "other_news" else "leave-one-out")
        assert row[2] == str(sizes[name]) and all(0 <= float(v) <= 1 for v in row[3:6])
    # html and text, eval-only and held-out pages; every page in one bin of each
    assert len(calibration) == 4
    for bins in calibration:
        rows = [row for row in bins if row[0] != "confidence"]  # the header
        assert rows and all(0 <= float(row[-2]) <= 1 and 0 <= float(row[-1]) <= 1 for row in rows)
    for rows in tables.values():
        by_name = {row[0] if row[1] != "[non-en]" else row[0] + " [non-en]": row for row in rows}
        for name, pages in sizes.items():
            row = by_name[name]
            scheme = "eval-only" if name == "other_news" else "leave-one-out"
            assert scheme in row and str(pages) in row
            assert all(0.0 <= float(value) <= 1.0 for value in row[3:7])
        assert "extra_fundus [non-en]" in by_name  # the bundled fundus pages are multilingual
    # three mode tables with a non-English row each, and the router table
    assert markdown.read_text(encoding="utf-8").count("| extra_fundus |") == 5

    (key,) = (tmp_path / "cache" / "loo").iterdir()
    for group, name in (
        ("wcxb_dev", "wcxb_dev"),
        ("readability", "readability"),
        ("extra_fundus", "fundus"),
    ):  # file name, name in the records
        for kind, load in (("line", load_model), ("dom", load_dom_model)):
            trained = load(key / f"{kind}-{group}.npz").info["trained_folds"]
            assert name not in trained and trained, (kind, group)
    assert set(load_model(key / "line-all.npz").info["trained_folds"]) == {
        "wcxb_dev",
        "readability",
        "fundus",
    }

    assert main(argv) == 0  # the second run reads the models it cached
    second = capsys.readouterr()
    assert "training the models" in first.err
    assert "training the models" not in second.err
    assert second.out == first.out


def test_loo_refuses_options_it_would_ignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--loo", "--model", "none"]) != 0
    assert "--loo trains its own models" in capsys.readouterr().err
    assert main(["eval", "--loo", "--data-dir", str(tmp_path), "--datasets", "no_such_set"]) != 0
    assert "no dataset no_such_set" in capsys.readouterr().err
    assert main(["eval"]) != 0
    assert "--data FILE" in capsys.readouterr().err
