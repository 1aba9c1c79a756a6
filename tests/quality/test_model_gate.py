"""Quality gate of the default pipeline (rules + shipped model) on real pages.

Pinned mean-F1 floors per dataset and rendering on a fixed subset: the first ``GATE_PAGES``
pages by id among those the shipped model never trained on (the eval-only sets) with
``gold_recall >= 0.5``. A change that costs more than ``MARGIN`` F1 on any of them fails
CI; a change that gains should raise the floor in the same commit.

The floors were measured with the shipped model (`cleaner eval` prints the full-dataset
numbers, README "Quality"); they sit ``MARGIN`` below the subset's measured F1. The gate
also requires the model to beat the rules alone on every dataset, and the two renderings to
stay within ``MAX_RENDER_GAP`` of each other. It skips with a message without the data.
"""

from __future__ import annotations

import pytest

import cleaner
from cleaner.models.line_model import default_model
from cleaner.training.datasets import (
    MIN_GOLD_RECALL,
    RenderedPage,
    dataset_names,
    default_data_dir,
    load_dataset,
    render_all,
)
from cleaner.training.evaluate_text import held_out, of_types
from cleaner.training.scoring import Summary, score, summarize

GATE_PAGES = 40
MARGIN = 0.02
MAX_RENDER_GAP = 0.05  # on 40 pages; the full datasets stay within 0.03 (README)
# cleaneval's 40 gate pages include a golf-course directory, which the article model drops,
# and a page whose paragraphs are hard-wrapped in the HTML source, so that soup splits them
# into fragments the trees take for furniture (README "Model families"); over all 730 cleaneval
# pages the gap is 0.022.
RENDER_GAP_EXCEPTIONS = {"cleaneval": 0.09}
PAGE_TYPES = frozenset({"article"})
# Measured F1 of rules + model on the gate subset (innertext, soup) with the shipped models,
# trained on every eligible set (2026-12-06); the test subtracts MARGIN. Only the eval-only
# sets are gated: the shipped models trained on every page of the others. (cleaneval's soup
# figure is low: some of its gold keeps reader comments, see RENDER_GAP_EXCEPTIONS.)
MEASURED_F1 = {
    "cleaneval": (0.926, 0.855),
    "cleanportaleval": (0.979, 0.960),
    "dragnet": (0.802, 0.801),
    "l3s_gn1": (0.865, 0.883),
}
RENDERERS = ("innertext", "soup")


def _datasets() -> list[str]:
    """The gated datasets present (the data folder may hold more, without floors here)."""
    directory = default_data_dir()
    present = set(dataset_names(directory)) if directory.is_dir() else set()
    return sorted(present & set(MEASURED_F1))


def _gate_pages(dataset: str, renderer: str) -> list[RenderedPage]:
    """The gate's pages: chosen from the stored HTML (fast), then only those rendered, so a
    fresh checkout renders 40 pages per dataset, not the whole dataset."""
    pages = load_dataset(dataset, min_gold_recall=MIN_GOLD_RECALL)
    typed = [p for p in pages if of_types(p, PAGE_TYPES)]
    chosen = held_out(typed, default_model())[0][:GATE_PAGES]
    texts = render_all(renderer, [(p.id, p.html) for p in chosen])
    return [
        RenderedPage(p.id, p.dataset, p.url, p.lang, text, p.gold, p.meta)
        for p, text in zip(chosen, texts, strict=True)
    ]


def _summaries(dataset: str, renderer: str) -> tuple[Summary, Summary]:
    pages = _gate_pages(dataset, renderer)
    rules, full = cleaner.Cleaner(model=None), cleaner.Cleaner()
    return (
        summarize(score(rules.clean(p.text), p.gold) for p in pages),
        summarize(score(full.clean(p.text), p.gold) for p in pages),
    )


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], tuple[Summary, Summary]]:
    if not default_data_dir().is_dir():
        pytest.skip("../shared/data not found; set CLEANER_DATA_DIR to run the model gate")
    pytest.importorskip("html_text", reason="the gate renders pages: pip install 'cleaner[eval]'")
    table = {(d, r): _summaries(d, r) for d in _datasets() for r in RENDERERS}
    print(f"\nmodel gate: first {GATE_PAGES} unseen pages per dataset; F1 rules -> rules+model")
    for (dataset, renderer), (rules, full) in table.items():
        print(
            f"  {dataset:<16} {renderer:<9} n={full.n:<3} {rules.mean_f1:.3f} -> "
            f"{full.mean_f1:.3f}  (P {full.mean_precision:.3f} R {full.mean_recall:.3f})"
        )
    return table


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("dataset", sorted(MEASURED_F1))
def test_f1_stays_above_its_floor(
    results: dict[tuple[str, str], tuple[Summary, Summary]], dataset: str, renderer: str
) -> None:
    if (dataset, renderer) not in results:
        pytest.skip(f"dataset {dataset} not in the data folder")
    _, full = results[(dataset, renderer)]
    floor = MEASURED_F1[dataset][RENDERERS.index(renderer)] - MARGIN
    assert full.mean_f1 >= floor, f"{dataset}/{renderer}: F1 {full.mean_f1:.3f} < floor {floor:.3f}"


@pytest.mark.parametrize("dataset", sorted(MEASURED_F1))
def test_model_beats_rules_alone(
    results: dict[tuple[str, str], tuple[Summary, Summary]], dataset: str
) -> None:
    if (dataset, "innertext") not in results:
        pytest.skip(f"dataset {dataset} not in the data folder")
    rules, full = results[(dataset, "innertext")]
    assert full.mean_f1 > rules.mean_f1


@pytest.mark.parametrize("dataset", sorted(MEASURED_F1))
def test_renderings_agree(
    results: dict[tuple[str, str], tuple[Summary, Summary]], dataset: str
) -> None:
    if (dataset, "soup") not in results:
        pytest.skip(f"dataset {dataset} not in the data folder")
    inner, soup = results[(dataset, "innertext")][1], results[(dataset, "soup")][1]
    assert abs(inner.mean_f1 - soup.mean_f1) <= RENDER_GAP_EXCEPTIONS.get(dataset, MAX_RENDER_GAP)
