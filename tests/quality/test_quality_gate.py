"""Quality gate on real pages: the rules must raise precision without losing article text.

For every dataset file in the data directory (``$CLEANER_DATA_DIR`` or ``../shared/data``)
the gate takes a fixed subset: the first ``GATE_PAGES`` pages in id order among those with
``meta.gold_recall >= 0.5`` (lower means the gold is not in the HTML, data/README.md). The
pages are rendered with ``innertext`` through the shared cache (``.cache/rendered``).

It compares ``Cleaner(model=None).clean`` (rules only, without the policy packs, see
``POLICY_PACKS``) with keep-everything and requires, per dataset:

- mean precision strictly higher; equal only if no rule changed any page;
- mean recall at most ``MAX_RECALL_LOSS`` lower (users rank never losing article text
  first, design.md section 1).

Run with ``pytest -s`` to see the table of numbers. Also here: tests of the rendered-text
cache on a tiny dataset written by the test, which need no real data.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import cleaner
from cleaner.training import datasets as evaldata
from cleaner.training.baselines import keep_everything
from cleaner.training.datasets import (
    DATA_DIR_ENV,
    MIN_GOLD_RECALL,
    MIN_PAGES_FOR_POOL,
    dataset_names,
    default_data_dir,
    load_dataset,
    render_all,
    rendered_pages,
)
from cleaner.training.scoring import Summary, score, summarize

GATE_PAGES = 40
# Packs that remove text by policy rather than by name: reader comments are not the
# article, but the gold of cleaneval (and of some dragnet and readability pages) keeps them,
# so cutting them costs "recall" there by the gold's definition (cleaneval -0.028 on this
# subset). They are judged where it matters, in the default pipeline's F1 gate
# (tests/quality/test_model_gate.py); users who keep comments pass --disable comments.
POLICY_PACKS = ("comments",)
MAX_RECALL_LOSS = 0.01
GATED = frozenset(
    {
        *("cleaneval", "cleanportaleval", "dragnet", "l3s_gn1", "readability", "wcxb_dev"),
        *("extra_fundus", "extra_newspaper", "extra_newspaper4k"),
    }
)
MISSING_DATA = "../shared/data not found; set CLEANER_DATA_DIR to run the quality gate"


@dataclass(frozen=True)
class GateResult:
    """Keep-everything vs rules-only on one dataset's gate subset."""

    dataset: str
    keep: Summary
    rules: Summary
    pages_changed: int


def _data_dir_or_none() -> Path | None:
    directory = default_data_dir()
    return directory if directory.is_dir() else None


def _gate_datasets() -> list[str]:
    """Dataset names for parametrization; empty when there is no data (the test skips).
    Sets with fewer than a dozen pages of full gold (the goose-family, postlight and
    snacktory extras: mostly prefix-only gold) have too few pages to gate on. extra_go_goose
    is left out too: its gold is GoOse's own output, teaser headlines included, so the
    teaser rules cost it "recall" (0.018 on this subset, 2026-12-06)."""
    directory = _data_dir_or_none()
    present = dataset_names(directory) if directory else []
    return [name for name in present if name in GATED]


def _skip_without_data_or_renderer() -> Path:
    directory = _data_dir_or_none()
    if directory is None:
        if os.environ.get(DATA_DIR_ENV):
            pytest.skip(
                f"{default_data_dir()} ({DATA_DIR_ENV}) not found; point "
                f"{DATA_DIR_ENV} at the folder of *.jsonl.gz files"
            )
        pytest.skip(MISSING_DATA)
    pytest.importorskip(
        "html_text", reason="html-text not installed: pip install 'cleaner[eval]' to run the gate"
    )
    return directory


def _gate(dataset: str, data_dir: Path) -> GateResult:
    pages = rendered_pages(
        dataset, "innertext", data_dir, limit=GATE_PAGES, min_gold_recall=MIN_GOLD_RECALL
    )
    rules_only = cleaner.Cleaner(model=None, disabled_rules=POLICY_PACKS)
    outputs = [rules_only.clean(page.text) for page in pages]
    return GateResult(
        dataset=dataset,
        keep=summarize(score(keep_everything(p.text), p.gold) for p in pages),
        rules=summarize(score(out, p.gold) for out, p in zip(outputs, pages, strict=True)),
        pages_changed=sum(out != p.text for out, p in zip(outputs, pages, strict=True)),
    )


@pytest.fixture(scope="module")
def gate_results() -> dict[str, GateResult]:
    """Every dataset's gate numbers, computed once and printed as one table."""
    data_dir = _skip_without_data_or_renderer()
    results = {name: _gate(name, data_dir) for name in _gate_datasets()}
    print(
        f"\nquality gate: first {GATE_PAGES} pages by id with gold_recall >= "
        f"{MIN_GOLD_RECALL}, innertext, rules-only vs keep-everything"
    )
    print("| dataset | pages | changed | P keep | P rules | ΔP | R keep | R rules | ΔR |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results.values():
        k, c = r.keep, r.rules
        print(
            f"| {r.dataset} | {c.n} | {r.pages_changed} | {k.mean_precision:.4f} | "
            f"{c.mean_precision:.4f} | {c.mean_precision - k.mean_precision:+.4f} | "
            f"{k.mean_recall:.4f} | {c.mean_recall:.4f} | "
            f"{c.mean_recall - k.mean_recall:+.4f} |"
        )
    return results


@pytest.mark.parametrize("dataset", _gate_datasets() or [pytest.param("(no data)")])
def test_rules_raise_precision_without_losing_recall(
    dataset: str, gate_results: dict[str, GateResult]
) -> None:
    result = gate_results[dataset]
    keep, rules = result.keep, result.rules
    if result.pages_changed == 0:
        assert rules.mean_precision == keep.mean_precision
    else:
        assert rules.mean_precision > keep.mean_precision, (
            f"{dataset}: rules changed {result.pages_changed} pages but mean precision went "
            f"{keep.mean_precision:.4f} -> {rules.mean_precision:.4f}; run "
            "`cleaner explain` on those pages to find the rule that keeps or cuts wrongly"
        )
    loss = keep.mean_recall - rules.mean_recall
    assert loss <= MAX_RECALL_LOSS, (
        f"{dataset}: rules lost {loss:.4f} mean recall (limit {MAX_RECALL_LOSS}); a rule "
        "removes article text: find it with `cleaner.explain_text` on the worst pages"
    )


# --- the rendered-text cache, on a tiny dataset written here ---------------------------


def _write_dataset(directory: Path, name: str, count: int) -> Path:
    path = directory / f"{name}.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for number in reversed(range(count)):  # file order differs from id order on purpose
            record = {
                "id": f"{name}/{number:03d}",
                "dataset": name,
                "url": None,
                "lang": "en",
                "html": f"<p>Page {number} text.</p><script>x()</script>",
                "gold": f"Page {number} text.",
                "meta": {"gold_recall": 0.2 if number == 1 else 1.0, "fold": number % 10},
            }
            out.write(json.dumps(record) + "\n")
    return path


def test_load_dataset_orders_by_id_and_filters(tmp_path: Path) -> None:
    _write_dataset(tmp_path, "tiny", 5)
    pages = load_dataset("tiny", tmp_path, limit=3, min_gold_recall=MIN_GOLD_RECALL)
    assert [p.id for p in pages] == ["tiny/000", "tiny/002", "tiny/003"]


def test_missing_dataset_lists_available(tmp_path: Path) -> None:
    _write_dataset(tmp_path, "tiny", 1)
    with pytest.raises(FileNotFoundError, match=r"available: tiny"):
        load_dataset("other", tmp_path)


def test_rendered_pages_cache_is_reused_and_invalidated(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    source = _write_dataset(data, "tiny", 4)
    first = rendered_pages("tiny", "soup", data, cache)
    assert [p.text for p in first] == [f"Page {n} text." for n in range(4)]
    cache_file = cache / "tiny.soup.jsonl.gz"
    stamp = cache_file.stat().st_mtime_ns
    assert rendered_pages("tiny", "soup", data, cache) == first
    assert cache_file.stat().st_mtime_ns == stamp  # served from the cache
    # a selection is served from the whole-dataset cache, not rendered again
    assert [p.id for p in rendered_pages("tiny", "soup", data, cache, limit=2)] == [
        "tiny/000",
        "tiny/001",
    ]
    assert sorted(f.name for f in cache.iterdir()) == ["tiny.soup.jsonl.gz"]
    # a changed dataset file invalidates the cache
    _write_dataset(data, "tiny", 2)
    os.utime(source, ns=(stamp + 10**9, stamp + 10**9))
    assert [p.id for p in rendered_pages("tiny", "soup", data, cache)] == ["tiny/000", "tiny/001"]


def test_rendered_selection_is_cached_on_its_own(tmp_path: Path) -> None:
    _write_dataset(tmp_path, "tiny", 5)
    cache = tmp_path / "cache"
    pages = rendered_pages("tiny", "soup", tmp_path, cache, limit=2, min_gold_recall=0.5)
    assert [p.id for p in pages] == ["tiny/000", "tiny/002"]
    assert [f.name for f in cache.iterdir()] == ["tiny.soup.gr0.5-first2.jsonl.gz"]
    assert rendered_pages("tiny", "soup", tmp_path, cache, limit=2, min_gold_recall=0.5) == pages


def test_pool_rendering_matches_in_process() -> None:
    pages = [(f"p/{n}", f"<p>Page <b>{n}</b> text.</p>") for n in range(MIN_PAGES_FOR_POOL)]
    pooled = render_all("soup", pages, processes=2)
    assert pooled == render_all("soup", pages, processes=1)
    assert pooled[5] == "Page\n5\n text."  # soup keeps the space before " text."


def test_unknown_renderer_fails_before_rendering() -> None:
    with pytest.raises(KeyError, match="unknown renderer 'nope'; choose one of"):
        render_all("nope", [("p/1", "<p>x</p>")])


def test_render_failure_names_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(renderer: str, html: str) -> str:
        raise ValueError("bad bytes")

    monkeypatch.setattr(evaldata, "render", broken)
    with pytest.raises(RuntimeError, match="rendering p/7 with 'soup' failed"):
        render_all("soup", [("p/7", "<p>x</p>")], processes=1)
