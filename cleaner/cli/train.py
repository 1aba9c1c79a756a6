"""`cleaner train`: train a line model on pages with gold text (needs the train extra)."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

from cleaner.api import Cleaner
from cleaner.cli.common import CliError, check_writable, os_reason
from cleaner.cli.data_options import (
    RENDERERS,
    TRAIN_EXAMPLES,
    add_dataset_options,
    check_files,
    progress_bar,
)
from cleaner.cli.eval import from_dataset
from cleaner.training.evaluate_text import dataset_name, load_rendered, of_types

# Site folds (meta.fold) held out of training by default, so that `cleaner eval` can score
# the training datasets on sites the model has never seen.
DEFAULT_HOLDOUT_FOLDS = (8, 9)


def add_train_command(commands: Any) -> None:
    """Register `train` on the subcommand parser."""
    train = commands.add_parser(
        "train",
        help="train a line model on pages with gold text (needs the train extra)",
        epilog=TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_dataset_options(train, "used")
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


def run_train(args: argparse.Namespace) -> int:
    """Build examples, cross-fit by site folds, print fold scores, write the model."""
    # scikit-learn is imported only when training
    from cleaner.training import train_lines as training
    from cleaner.training.fitting import Recipe, fit

    check_files(args.data)
    check_writable(args.out, "--out")  # before training, not after it
    holdout = set(args.holdout_folds)
    types = frozenset(args.page_types) if args.page_types else None
    rule_filters = Cleaner(model=None).rule_filters()
    examples = []
    for path in args.data:
        for renderer in args.render:
            rendered = from_dataset(path, partial(load_rendered, path, renderer))
            pages = [
                p
                for p in rendered
                if int(p.meta.get("fold", 0)) not in holdout and of_types(p, types)
            ]
            progress = progress_bar(f"{dataset_name(path)} ({renderer})", args.quiet)
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
    info = {
        "renderers": list(args.render),
        "page_types": sorted(types) if types else None,
        "augmented": args.augment,
    }
    fitted = fit(examples, Recipe(args.family), info)
    print(f"{'folds':<8} {'pages':>6} {'P':>6} {'R':>6} {'F1':>6}   (out-of-fold, balanced)")
    for report in fitted.reports:
        folds = ",".join(map(str, report.folds))
        print(
            f"{folds:<8} {report.pages:>6} {report.precision:6.3f} {report.recall:6.3f} "
            f"{report.f1:6.3f}"
        )
    print("thresholds: " + ", ".join(f"{k} {v:.2f}" for k, v in fitted.thresholds.items()))
    model = fitted.model
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        model.save(args.out)
    except OSError as exc:
        raise CliError(
            f"cannot write {args.out} ({os_reason(exc, args.out)}); check --out"
        ) from exc
    print(f"wrote {args.out}")
    return 0
