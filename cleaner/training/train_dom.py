"""Train the DOM block model for the `fast` backend (needs the `train` extra).

    python -m cleaner.training.train_dom --data ../shared/data/wcxb_dev.jsonl.gz \\
        ../shared/data/readability.jsonl.gz --out cleaner/models/dom.npz

Pages become DOM blocks exactly as the `fast` backend makes them (DOM rules and text rules
applied first, their removals left out of the rows), each block is labelled by aligning the
page's blocks with the gold (`cleaner.training.labels`), and `cleaner.training.train_lines`'s
cross-fitted two-stage
logistic model is fitted on text + DOM features. Site folds 8 and 9 are held out, and the
model records the folds it trained on, so `cleaner eval` scores only the others. Shipped
weights may only come from `SHIPPABLE_DATASETS` (design.md section 3, licences).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cleaner.api import Cleaner
from cleaner.html.backends.fast import fast_document
from cleaner.html.dom_match import DomRuleIndex, rules_in_force
from cleaner.models.dom_model import dom_features, save_dom_model
from cleaner.packs.dom_pack import builtin_dom_packs
from cleaner.pipeline import Filter, Pipeline
from cleaner.training.datasets import MIN_GOLD_RECALL, SHIPPABLE_DATASETS, Page, load_dataset
from cleaner.training.evaluate_text import dataset_name, of_types
from cleaner.training.fitting import Recipe, fit
from cleaner.training.labels import align_lines
from cleaner.training.train_lines import DraftTap, Example, example_of

HOLDOUT_FOLDS = (8, 9)
# L2 strength of both stages: thirty times the line model's
# (`cleaner.training.train_lines.L2_ALPHA`).
# Out of fold on the training folds, 1e-5 ... 3e-3 all score within 0.004 of mean F1
# (3e-4 the best, 0.855), but the weak penalty let stage one lean on huge opposed weights
# (page words -77, page lines +71 in one logit) and hashed tokens (+30 to +40), so pages
# unlike the training sites' came out all 0 or all 1: a short post beside a long rail of
# headline links kept the whole rail. At 3e-4 the held-out news sets gained (dragnet
# +0.004, l3s_gn1 +0.004 with the same features) and no held-out set lost.
DOM_L2_ALPHA = 3e-4
# Most blocks of a raw page are furniture and the model is sure of most of them, so its
# probabilities crowd both ends: the grid reaches down to 0.001 and up to 0.98.
DOM_THRESHOLD_GRID = (
    *(0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07),
    *(round(0.05 * k, 2) for k in range(2, 19)),
    *(0.95, 0.98),
)
# Thresholds are tuned on these page types (untyped pages count too): `clean_html` is for
# articles. Tuned on all of wcxb_dev's types (forums, listings, product pages), "balanced"
# fell to 0.001, where the model removes only what it is all but certain of; articles and
# the news sets want far more removed (docs/decisions.md, "The `fast` backend").
TUNING_PAGE_TYPES = frozenset(("article",))
DOM_RECIPE = Recipe("linear", DOM_L2_ALPHA, DOM_THRESHOLD_GRID)


def label_text(page: Page) -> str:
    """What blocks are labelled against: the gold plus title and author where the dataset
    keeps them apart (as `cleaner.training.train_lines.label_gold` does for rendered pages)."""
    extra = [
        value
        for value in (str(page.meta.get(key) or "").strip() for key in ("title", "author"))
        if value and value not in page.gold
    ]
    return "\n".join([*extra, page.gold])


def page_example(
    page: Page, rule_filters: Sequence[Filter], dom_rules: DomRuleIndex | None = None
) -> Example | None:
    """Features and labels of one page's blocks after the DOM and text rules: `rule_filters`
    are `Cleaner.rule_filters()` (the DOM-rule filter first), `dom_rules` the DOM rules the
    page is walked with (the shipped ones unless given)."""
    if dom_rules is None:
        dom_rules = rules_in_force(builtin_dom_packs())
    document = fast_document(page.html, dom_rules)
    if not document.lines:
        return None
    tap = DraftTap()
    Pipeline([*rule_filters, tap]).run(document)
    assert tap.draft is not None
    draft = tap.draft
    features = dom_features(document, draft)
    if not features.lines:
        return None
    content = align_lines(document.lines, label_text(page)).content
    return example_of(page, features, draft, content, np.ones(len(features.lines), dtype=bool))


def dom_examples(
    pages: Sequence[Page], rule_filters: Sequence[Filter]
) -> tuple[list[Example], set[str]]:
    """Examples of the pages' DOM blocks, and the ids of the pages thresholds are tuned on
    (`TUNING_PAGE_TYPES`)."""
    examples: list[Example] = []
    tuning_ids: set[str] = set()
    for page in pages:
        example = page_example(page, rule_filters)
        if example is not None:
            examples.append(example)
            if of_types(page, TUNING_PAGE_TYPES):
                tuning_ids.add(page.id)
    return examples, tuning_ids


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cleaner.training.train_dom", description=__doc__
    )
    parser.add_argument("--data", nargs="+", type=Path, required=True, metavar="FILE")
    parser.add_argument("--out", type=Path, required=True, metavar="MODEL.npz")
    parser.add_argument("--limit", type=int, default=None, help="first N pages per dataset")
    parser.add_argument(
        "--holdout-folds",
        nargs="*",
        type=int,
        default=list(HOLDOUT_FOLDS),
        metavar="FOLD",
        help="site folds left out for validation (default: 8 9; none for a shipped model "
        "whose evaluation is leave-one-dataset-out)",
    )
    args = parser.parse_args(argv)
    rule_filters = Cleaner(model=None).rule_filters()
    examples: list[Example] = []
    tuning_ids: set[str] = set()
    for path in args.data:
        name = dataset_name(path)
        if name not in SHIPPABLE_DATASETS:
            print(f"note: {name} is not licensed for shipped weights", file=sys.stderr)
        pages = [
            p
            for p in load_dataset(name, path.parent, args.limit, MIN_GOLD_RECALL)
            if int(p.meta.get("fold", 0)) not in args.holdout_folds
        ]
        found, tuning = dom_examples(pages, rule_filters)
        examples.extend(found)
        tuning_ids |= tuning
        print(f"{name}: {len(pages)} pages", file=sys.stderr, flush=True)
    fitted = fit(examples, DOM_RECIPE, tuning_ids=tuning_ids)
    for report in fitted.reports:
        print(f"folds {report.folds}: {report.pages} pages, F1 {report.f1:.3f} (out-of-fold)")
    print("thresholds: " + ", ".join(f"{k} {v:.2f}" for k, v in fitted.thresholds.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_dom_model(fitted.model, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
