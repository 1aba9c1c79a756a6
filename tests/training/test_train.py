"""`cleaner train` and `cleaner eval` end to end, on a small dataset built from our fixtures.

The fixture articles (dirty text plus the expected clean text) become a dataset file in the
format of shared/data: the dirty lines as HTML paragraphs, the clean text as gold. That
needs no real data, so these tests run everywhere.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.models.line_model import load_model
from cleaner.training.datasets import CACHE_DIR_ENV
from tests.conftest import FIXTURES

pytest.importorskip(
    "sklearn", reason="training needs the train extra: pip install 'cleaner[train]'"
)
pytest.importorskip("html_text", reason="rendering needs html-text: pip install 'cleaner[eval]'")


SECTIONS = ("Front page", "Harbour and coast", "Schools", "Weather desk", "Letters")


def _headline(path: Path) -> str:
    """The first line of the expected clean text long enough to be a headline."""
    clean = path.with_name(path.name[: -len(".txt")] + ".clean.txt")
    lines = [line for line in clean.read_text(encoding="utf-8").splitlines() if line.strip()]
    return next(line for line in lines if len(line.split()) >= 4)


def _write_dataset(path: Path) -> int:
    """A dataset file of the fixture articles; site folds spread over 0-9."""
    records = []
    dirty_files = sorted(
        p for p in (FIXTURES / "articles").glob("*.txt") if not p.name.endswith(".clean.txt")
    )
    # Furniture no rule names, so that the model has boilerplate to learn after the rules:
    # a section menu above each story and the headlines of three other stories below it.
    headlines = [_headline(path) for path in dirty_files]
    for number, dirty in enumerate(dirty_files):
        gold = dirty.with_name(dirty.name[: -len(".txt")] + ".clean.txt")
        lines = [line for line in dirty.read_text(encoding="utf-8").splitlines() if line.strip()]
        teasers = [headlines[(number + k) % len(headlines)] for k in (1, 2, 3)]
        furniture_above = "".join(f"<li>{item}</li>" for item in SECTIONS)
        furniture_below = "".join(f"<li>{html.escape(item)}</li>" for item in teasers)
        body = (
            f"<ul>{furniture_above}</ul>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in lines)
            + f"<ul>{furniture_below}</ul>"
        )
        gold_lines = [
            line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        records.append(
            {
                "id": f"fixtures/{dirty.stem}",
                "dataset": "fixtures",
                "url": None,
                "lang": None,
                "html": f"<html><body>{body}</body></html>",
                "gold": "\n".join(gold_lines),
                "meta": {"fold": number % 10, "gold_recall": 1.0},
            }
        )
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return len(records)


def _cleaner(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, CACHE_DIR_ENV: str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    path = folder / "fixtures.jsonl.gz"
    assert _write_dataset(path) >= 30
    return path


@pytest.fixture(scope="module")
def trained(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("models")
    cache = folder / "cache"
    first = _cleaner(
        "train",
        "--data",
        str(dataset),
        "--out",
        str(folder / "a.npz"),
        "--holdout-folds",
        "9",
        cache=cache,
    )
    assert first.returncode == 0, first.stderr
    second = _cleaner(
        "train",
        "--data",
        str(dataset),
        "--out",
        str(folder / "b.npz"),
        "--holdout-folds",
        "9",
        cache=cache,
    )
    assert second.returncode == 0, second.stderr
    return folder / "a.npz", folder / "b.npz", first.stdout


def test_training_is_reproducible_to_the_byte(trained: tuple[Path, Path, str]) -> None:
    first, second, _ = trained
    assert first.read_bytes() == second.read_bytes()


def test_training_prints_fold_scores_and_thresholds(trained: tuple[Path, Path, str]) -> None:
    _, _, stdout = trained
    assert "out-of-fold" in stdout
    assert "thresholds: precision" in stdout
    fold_rows = [line for line in stdout.splitlines() if line[:1].isdigit()]
    assert len(fold_rows) == 5  # folds 0-8 in five groups (fold 9 held out)


def test_trained_model_records_what_it_was_trained_on(trained: tuple[Path, Path, str]) -> None:
    model = load_model(trained[0])
    assert model.info["trained_folds"] == {"fixtures": list(range(9))}
    assert model.info["renderers"] == ["innertext", "soup"]
    assert model.threshold("precision") <= model.threshold("balanced")


def test_eval_scores_held_out_folds_with_reference_rows(
    dataset: Path, trained: tuple[Path, Path, str], tmp_path: Path
) -> None:
    result = _cleaner(
        "eval",
        "--data",
        str(dataset),
        "--model",
        str(trained[0]),
        cache=trained[0].parent / "cache",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "validation folds 9 only" in out
    for row in ("keep-everything", "C4 line filter", "cleaner rules-only", "rules+model"):
        assert row in out
    model_row = next(line for line in out.splitlines() if "rules+model" in line)
    numbers = [float(x.replace(",", "")) for x in model_row.split()[-5:]]
    assert all(0.0 <= value <= 1.0 for value in numbers[:4])  # P, R, F1, median F1
    assert numbers[4] > 0  # pages per second


def test_eval_and_train_refuse_bad_inputs_in_one_line(tmp_path: Path) -> None:
    missing = _cleaner("eval", "--data", str(tmp_path / "none.jsonl.gz"), cache=tmp_path)
    assert missing.returncode == 2
    assert "no such dataset file" in missing.stderr and "Traceback" not in missing.stderr
    wrong = _cleaner(
        "train", "--data", str(tmp_path / "pages.csv"), "--out", "m.npz", cache=tmp_path
    )
    assert wrong.returncode == 2
    assert "NAME.jsonl.gz" in wrong.stderr
    model = _cleaner("clean", "-", "--model", str(tmp_path / "nope.npz"), cache=tmp_path)
    assert model.returncode == 2 and "cleaner train" in model.stderr
