"""Compare model families for the learned line filter (issue 3) on the shipped model's data.

Run from the repository root (needs the train extra, scikit-learn and scipy):

    .venv/bin/python bench/compare_models.py [--data-dir ../shared/data]
        [--renderers innertext soup] [--eval-datasets dragnet,l3s_gn1,cleanportaleval]
        [--eval-renderer innertext] [--repeat 3] [--limit N]

Training data is the shipped model's: `wcxb_dev` pages with `meta.page_type == "article"`
plus all `readability` pages, each renderer in `--renderers`, `gold_recall >= 0.5`, site folds
(`meta.fold`) 8 and 9 held out. Families (every stage fitted with fixed seeds):

- `linear-1stage`: logistic stage one only (`train.fit_first_stage(..., "linear")`: dense
  features, their bins, hashed words);
- `linear-2stage`: that plus the logistic revision stage (the design shipped before trees);
- `trees-1stage`: boosted trees on the dense features only (`cleaner.models.trees.fit_trees`: 100
  trees of depth 6, learning rate 0.1, no early stopping, random_state 0; no words);
- `trees-2stage`: the shipped design, trees as stage one and the same logistic revision
  stage on their log-odds (`cleaner train`'s default `--family trees`), without any
  training-data augmentation the shipped file has.

Columns of the printed markdown table (every F1 is the mean over pages of `train.page_score`,
bag-of-tokens F1 of design.md section 3, of the lines the rules kept and the model scored
at least `thr`; "(n)" after a column name is its number of pages):

- `thr`: the threshold (grid of `train.tune_thresholds`) with the best out-of-fold mean F1;
- `OOF F1`: mean F1 on the training pages, each scored by a model fitted without its fold
  group (`train.fold_groups`); for two-stage families both stages are cross-fitted;
- `wcxb 8-9`, `readab. 8-9`: held-out folds 8-9 (wcxb_dev article pages; readability),
  `--eval-renderer` text, model fitted on all training pages, at `thr`;
- one column per `--eval-datasets` entry: all its pages with `gold_recall >= 0.5`, same;
- `lines/s`, `pages/s`: scoring only, from ready features, page by page as the pipeline
  calls it, over all held-out and eval pages (best of `--repeat` passes);
- `train s`: wall time to fit the model one would ship: the final fit plus, for two-stage
  families, the out-of-fold stage-one fits the revision stage learns from.

Below the table: the shared cost of rules plus `page_features`, measured once.

Everything runs on one thread (threadpoolctl), as the pipeline does with one process per
core: HGB's OpenMP threads otherwise spin on a busy 2-core machine (4x slower fits, 8x
slower per-page predictions in a test here), which would measure the neighbours, not the model.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

try:
    import cleaner  # noqa: F401
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.api import Cleaner
from cleaner.document import Document
from cleaner.models.line_model import LineModel, sigmoid
from cleaner.pipeline import Filter, Pipeline
from cleaner.text.features import PageFeatures, page_features
from cleaner.training import train_lines as train
from cleaner.training.datasets import RenderedPage, rendered_pages
from cleaner.training.scoring import tokens

REPO = Path(__file__).resolve().parent.parent
HOLDOUT = (8, 9)
Scorer = Callable[[PageFeatures], np.ndarray]  # content probability of each feature row


def scoring_example(
    page: RenderedPage, rules: Sequence[Filter], clock: list[float]
) -> train.Example:
    """An Example for scoring only (no alignment, labels unused); adds rule and feature
    seconds to `clock`."""
    start = time.perf_counter()
    document, tap = Document.from_text(page.text), train.DraftTap()
    Pipeline([*rules, tap]).run(document)
    middle = time.perf_counter()
    assert tap.draft is not None
    draft = tap.draft
    features = page_features(document, draft)
    clock[0] += middle - start
    clock[1] += time.perf_counter() - middle
    n = len(features.lines)
    return train.Example(
        page_id=page.id,
        dataset=page.dataset,
        fold=int(page.meta.get("fold", 0)),
        features=features,
        labels=np.zeros(n, np.int8),
        weights=np.ones(n, np.float32),
        row_tokens=tuple(tuple(tokens(draft.texts[i])) for i in features.lines),
        kept_by_rules=np.array([not draft.removed[i] for i in features.lines], dtype=bool),
        gold_tokens=tuple(tokens(page.gold)),
    )


def mean_f1(
    examples: Sequence[train.Example], probabilities: Sequence[np.ndarray], thr: float
) -> float:
    pairs = zip(examples, probabilities, strict=True)
    return statistics.fmean(train.page_score(e, p, thr).f1 for e, p in pairs)


@dataclass(frozen=True)
class Family:
    name: str
    threshold: float
    oof_f1: float
    train_seconds: float
    scorer: Scorer


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    return fn(), time.perf_counter() - start


def fit_families(examples: Sequence[train.Example]) -> list[Family]:
    """Fit every family; out-of-fold probabilities pick its threshold and give its OOF F1."""
    specs: list[tuple[str, Sequence[np.ndarray], float, Scorer]] = []
    for family in ("linear", "trees"):
        oof, t_oof = timed(lambda f=family: train.out_of_fold_logits(examples, f))
        first, t_first = timed(lambda f=family: train.fit_first_stage(examples, f))
        second, t_second = timed(lambda o=oof: train.fit_second_stage(examples, o))
        two_stage = LineModel(first, second)
        specs.append(
            (
                f"{family}-1stage",
                [sigmoid(s) for s in oof],
                t_first,
                lambda f, stage=first: sigmoid(stage.logits(f.dense, f)),
            )
        )
        specs.append(
            (
                f"{family}-2stage",
                train.cross_fit(examples, oof),
                t_oof + t_first + t_second,
                two_stage.content_probability,
            )
        )
    families = []
    for name, oof_probabilities, seconds, scorer in specs:
        thr = train.tune_thresholds(examples, oof_probabilities)["balanced"]
        families.append(
            Family(name, thr, mean_f1(examples, oof_probabilities, thr), seconds, scorer)
        )
        print(
            f"{name}: thr {thr:.2f}, OOF F1 {families[-1].oof_f1:.4f}, train {seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return families


def score_all(
    scorer: Scorer, sets: Sequence[Sequence[train.Example]], repeat: int
) -> tuple[list[list[np.ndarray]], float]:
    """Probabilities for every example of every set, and the best pass's seconds."""
    best, result = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        result = [[scorer(e.features) for e in examples] for examples in sets]
        best = min(best, time.perf_counter() - start)
    return result, best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--renderers",
        nargs="+",
        default=["innertext", "soup"],
        choices=("innertext", "soup"),
        help="renderings trained on",
    )
    parser.add_argument("--eval-datasets", default="dragnet,l3s_gn1,cleanportaleval")
    parser.add_argument("--eval-renderer", default="innertext", choices=("innertext", "soup"))
    parser.add_argument("--repeat", type=int, default=3, help="scoring passes timed")
    parser.add_argument("--limit", type=int, help="first N pages per file (smoke tests only)")
    args = parser.parse_args(argv)
    threadpool_limits(1)  # one thread per process, as the pipeline runs (see the docstring)

    def pages(name: str, renderer: str) -> list[RenderedPage]:
        return rendered_pages(
            name,
            renderer,
            data_dir=args.data_dir,
            limit=args.limit,
            min_gold_recall=train.MIN_GOLD_RECALL,
        )

    def wanted(page: RenderedPage) -> bool:
        return page.dataset != "wcxb_dev" or page.meta.get("page_type") == "article"

    rules = Cleaner(model=None).rule_filters()
    start = time.perf_counter()
    examples: list[train.Example] = []
    for name in ("wcxb_dev", "readability"):
        for renderer in args.renderers:
            chosen = [
                p
                for p in pages(name, renderer)
                if wanted(p) and int(p.meta.get("fold", 0)) not in HOLDOUT
            ]
            print(f"examples: {name} {renderer}, {len(chosen)} pages", file=sys.stderr, flush=True)
            examples.extend(train.page_examples(chosen, rules))
    lines = sum(len(e.labels) for e in examples)
    print(
        f"{len(examples)} training pages, {lines} lines, built in "
        f"{time.perf_counter() - start:.0f} s",
        file=sys.stderr,
        flush=True,
    )

    clock = [0.0, 0.0]
    columns: dict[str, list[train.Example]] = {}
    for name, label in (("wcxb_dev", "wcxb 8-9"), ("readability", "readab. 8-9")):
        held = [
            p
            for p in pages(name, args.eval_renderer)
            if wanted(p) and int(p.meta.get("fold", 0)) in HOLDOUT
        ]
        columns[label] = [scoring_example(p, rules, clock) for p in held]
    for name in args.eval_datasets.split(","):
        columns[name] = [scoring_example(p, rules, clock) for p in pages(name, args.eval_renderer)]
    sets = list(columns.values())
    n_pages = sum(len(s) for s in sets)
    n_lines = sum(len(e.features.lines) for s in sets for e in s)

    rows = []
    for fam in fit_families(examples):
        probabilities, seconds = score_all(fam.scorer, sets, args.repeat)
        f1s = [mean_f1(s, p, fam.threshold) for s, p in zip(sets, probabilities, strict=True)]
        rows.append(
            [
                fam.name,
                f"{fam.threshold:.2f}",
                f"{fam.oof_f1:.3f}",
                *(f"{f:.3f}" for f in f1s),
                f"{n_lines / seconds:,.0f}",
                f"{n_pages / seconds:,.0f}",
                f"{fam.train_seconds:.1f}",
            ]
        )
    header = [
        "family",
        "thr",
        "OOF F1",
        *(f"{k} ({len(v)})" for k, v in columns.items()),
        "lines/s",
        "pages/s",
        "train s",
    ]
    print(
        f"\nTraining: {len(examples)} pages ({', '.join(args.renderers)}), {lines} lines; "
        f"eval text: {args.eval_renderer}; (n) = pages.\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    rules_s, features_s = clock
    shared = rules_s + features_s
    print(
        f"\nShared, once over the same {n_pages} pages / {n_lines} lines: rules "
        f"{rules_s:.1f} s + page_features {features_s:.1f} s = {n_pages / shared:,.0f} "
        f"pages/s, {n_lines / shared:,.0f} lines/s."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
