"""`cleaner train` and `cleaner eval`: the commands around the learned model.

Kept apart from `cli.py` because they need the evaluation datasets and, for training,
scikit-learn (the `train` extra); `cli.py` imports this module only to register them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cleaner import __version__
from cleaner.api import Cleaner
from cleaner.config import DEFAULT_PRESET, PRESETS
from cleaner.filters.learned import LearnedFilter
from cleaner.models.line_model import LineModel
from cleaner.training.datasets import RenderedPage
from cleaner.training.evaluate_text import (
    dataset_name,
    default_methods,
    evaluate_dataset,
    format_report,
    load_rendered,
    of_types,
)

RENDERERS = ("innertext", "soup")
# Site folds (meta.fold) held out of training by default, so that `cleaner eval` can score
# the training datasets on sites the model has never seen.
DEFAULT_HOLDOUT_FOLDS = (8, 9)

TRAIN_EXAMPLES = """\
examples:
  cleaner train --data ../shared/data/wcxb_dev.jsonl.gz ../shared/data/readability.jsonl.gz \\
      --out my-model.npz
  cleaner eval --data ../shared/data/dragnet.jsonl.gz --model my-model.npz
"""


def _add_dataset_options(parser: argparse.ArgumentParser, what: str) -> None:
    """`--data` and `--page-types`, shared by train and eval."""
    parser.add_argument(
        "--data",
        nargs="+",
        required=True,
        metavar="FILE",
        type=Path,
        help="dataset files NAME.jsonl.gz (fields html, gold, meta.fold)",
    )
    parser.add_argument(
        "--page-types",
        nargs="*",
        metavar="TYPE",
        help=f"only pages whose meta.page_type is one of these (pages without a page type "
        f"are always {what}), e.g. article for wcxb_dev",
    )


def add_model_commands(commands: Any) -> None:
    """Register `train` and `eval` on the subcommand parser of `cli.build_parser`."""
    train = commands.add_parser(
        "train",
        help="train a line model on pages with gold text (needs the train extra)",
        epilog=TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_dataset_options(train, "used")
    train.add_argument(
        "--out", required=True, metavar="MODEL", type=Path, help="where to write the model (.npz)"
    )
    train.add_argument(
        "--render",
        nargs="+",
        default=list(RENDERERS),
        choices=RENDERERS,
        help="renderings to train on (default: both)",
    )
    train.add_argument(
        "--holdout-folds",
        nargs="*",
        type=int,
        default=list(DEFAULT_HOLDOUT_FOLDS),
        metavar="FOLD",
        help="site folds left out for validation (default: 8 9)",
    )
    train.add_argument(
        "--no-augment",
        dest="augment",
        action="store_false",
        help="train on whole pages only, not also on their trimmed versions",
    )
    train.add_argument(
        "--family",
        choices=("trees", "linear"),
        default="trees",
        help="stage one: boosted trees over the line features (default, as shipped) or the "
        "logistic stage with hashed words",
    )
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bars")

    evaluate = commands.add_parser(
        "eval",
        help="score cleaner against gold text, with reference filters in the same run",
        epilog=TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_dataset_options(evaluate, "scored")
    evaluate.add_argument(
        "--mode",
        choices=("text", "html"),
        default="text",
        help="text: pages rendered to text first; html: the raw pages, our backends against "
        "trafilatura and readability-lxml",
    )
    evaluate.add_argument(
        "--render",
        choices=RENDERERS,
        default="innertext",
        help="how pages become text (design.md section 3)",
    )
    evaluate.add_argument(
        "--model",
        default="default",
        metavar="MODEL",
        help="'default', a model file, or 'none' for rules only",
    )
    evaluate.add_argument("--preset", choices=PRESETS, default=DEFAULT_PRESET)
    evaluate.add_argument(
        "--limit", type=int, metavar="N", help="only the first N pages (by id) of each dataset"
    )


def _check_files(paths: Sequence[Path]) -> None:
    for path in paths:
        dataset_name(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such dataset file; check the path")


def run_train(args: argparse.Namespace) -> int:
    """Build examples, cross-fit by site folds, print fold scores, write the model."""
    from cleaner.training import (
        train_lines as training,  # scikit-learn is imported only when training
    )

    _check_files(args.data)
    holdout = set(args.holdout_folds)
    types = frozenset(args.page_types) if args.page_types else None
    rule_filters = Cleaner(model=None).default_filters()
    examples = []
    trained_folds: dict[str, list[int]] = {}
    for path in args.data:
        for renderer in args.render:
            pages = [
                p
                for p in load_rendered(path, renderer)
                if int(p.meta.get("fold", 0)) not in holdout and of_types(p, types)
            ]
            trained_folds[dataset_name(path)] = sorted({int(p.meta.get("fold", 0)) for p in pages})
            progress = _progress(f"{dataset_name(path)} ({renderer})", args.quiet)
            examples.extend(
                training.page_examples(pages, rule_filters, progress, augment=args.augment)
            )
    if not examples:
        raise ValueError("no training pages left after --holdout-folds and --page-types")
    print(
        f"training on {len(examples)} examples (rendered pages and trimmed versions); "
        "cross-fitting by site folds",
        file=sys.stderr,
    )
    logits = training.out_of_fold_logits(examples, args.family)
    probabilities = training.cross_fit(examples, logits)
    thresholds = training.tune_thresholds(examples, probabilities)
    reports = training.fold_reports(examples, probabilities, thresholds["balanced"])
    print(f"{'folds':<8} {'pages':>6} {'P':>6} {'R':>6} {'F1':>6}   (out-of-fold, balanced)")
    for report in reports:
        folds = ",".join(map(str, report.folds))
        print(
            f"{folds:<8} {report.pages:>6} {report.precision:6.3f} {report.recall:6.3f} "
            f"{report.f1:6.3f}"
        )
    print("thresholds: " + ", ".join(f"{k} {v:.2f}" for k, v in thresholds.items()))
    info = {
        "cleaner_version": __version__,
        "trained_folds": trained_folds,
        "renderers": list(args.render),
        "page_types": sorted(types) if types else None,
        "examples": len(examples),
        "augmented": args.augment,
        "family": args.family,
        "seed": training.SEED,
        "fold_scores": [
            {"folds": list(r.folds), "pages": r.pages, "f1": round(r.f1, 4)} for r in reports
        ],
    }
    model = training.fit_model(examples, logits, thresholds, info, args.family)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out}")
    return 0


def _progress(label: str, quiet: bool) -> Any:
    def wrap(items: Iterable[RenderedPage]) -> Iterable[RenderedPage]:
        return tqdm(items, desc=label, unit="page", disable=quiet or not sys.stderr.isatty())

    return wrap


def run_eval(args: argparse.Namespace) -> int:
    """Score every method on every dataset and print one table per dataset."""
    _check_files(args.data)
    cleaner = Cleaner(
        model=None if args.model.lower() == "none" else args.model, preset=args.preset
    )
    model = next((f.model for f in cleaner.pipeline.filters if isinstance(f, LearnedFilter)), None)
    types = frozenset(args.page_types) if args.page_types else None
    if args.mode == "html":
        return run_html_eval(args, cleaner, model, types)
    methods = default_methods(cleaner)
    print(f"text mode, {args.render} rendering; scores per design.md section 3\n")
    for path in args.data:
        report = evaluate_dataset(path, args.render, methods, model, args.limit, types)
        print(format_report(report) + "\n", flush=True)
    return 0


def run_html_eval(
    args: argparse.Namespace,
    cleaner: Cleaner,
    model: LineModel | None,
    types: frozenset[str] | None,
) -> int:
    """`cleaner eval --mode html`: one table per dataset, reference rows included."""
    from cleaner.training.evaluate_html import evaluate_html_dataset, html_methods  # trafilatura

    methods, notes = html_methods(cleaner)
    print("html mode, raw pages; scores per design.md section 3")
    for note in notes:
        print(note)
    print()
    for path in args.data:
        report = evaluate_html_dataset(path, methods, model, args.limit, types)
        print(format_report(report) + "\n", flush=True)
    return 0
