"""`cleaner eval`: score cleaner against gold text, with reference filters in the same run."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from cleaner.api import Cleaner
from cleaner.cli.common import CliError, check_model_file, check_writable
from cleaner.cli.data_options import RENDERERS, TRAIN_EXAMPLES, add_dataset_options, check_files
from cleaner.config import DEFAULT_PRESET, PRESETS
from cleaner.filters.learned import LearnedFilter
from cleaner.models.line_model import LineModel
from cleaner.training.datasets import DatasetError
from cleaner.training.evaluate_text import (
    default_methods,
    evaluate_dataset,
    format_report,
)

Result = TypeVar("Result")


def from_dataset(path: Path, read: Callable[[], Result]) -> Result:
    """`read()`, which reads the dataset file `path`; when the file is at fault (the
    loader's DatasetError: a missing field, a line that is not JSON, not gzip), one line
    naming the file, the line and what a dataset holds. Other failures are bugs."""
    try:
        return read()
    except DatasetError as exc:
        raise CliError(str(exc)) from exc


def add_eval_command(commands: Any) -> None:
    """Register `eval` on the subcommand parser."""
    evaluate = commands.add_parser(
        "eval",
        help="score cleaner against gold text, with reference filters in the same run",
        epilog=TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_dataset_options(evaluate, "scored", required=False)
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
    loo = evaluate.add_argument_group(
        "leave-one-dataset-out (--loo)",
        "score every dataset of the data folder in text (both renderings) and HTML mode with "
        "models trained without it (or, for a dataset we may not train on, on all we may), "
        "beside C4 and trafilatura; models are trained on the first run and cached under "
        ".cache/loo (most of an hour on two cores)",
    )
    loo.add_argument("--loo", action="store_true", help="print the leave-one-dataset-out table")
    loo.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="the data folder (default: $CLEANER_DATA_DIR or ../shared/data)",
    )
    loo.add_argument(
        "--datasets", nargs="+", metavar="NAME", help="score only these (default: all in DIR)"
    )
    loo.add_argument("--out", type=Path, metavar="FILE.md", help="also write the table as markdown")


def run_eval(args: argparse.Namespace) -> int:
    """Score every method on every dataset and print one table per dataset."""
    if args.loo:
        return run_loo(args)
    if not args.data:
        raise CliError("give the datasets to score with --data FILE..., or --loo for the table")
    check_files(args.data)
    model_name = None if args.model.lower() == "none" else args.model
    check_model_file(model_name)
    cleaner = Cleaner(model=model_name, preset=args.preset)
    model = next((f.model for f in cleaner.pipeline.filters if isinstance(f, LearnedFilter)), None)
    types = frozenset(args.page_types) if args.page_types else None
    if args.mode == "html":
        return run_html_eval(args, cleaner, model, types)
    methods = default_methods(cleaner)
    print(f"text mode, {args.render} rendering; scores per design.md section 3\n")
    for path in args.data:
        read = partial(evaluate_dataset, path, args.render, methods, model, args.limit, types)
        report = from_dataset(path, read)
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
        read = partial(evaluate_html_dataset, path, methods, model, args.limit, types)
        report = from_dataset(path, read)
        print(format_report(report) + "\n", flush=True)
    return 0


def run_loo(args: argparse.Namespace) -> int:
    """`cleaner eval --loo`: the leave-one-dataset-out table (`cleaner.training.loo_eval`)."""
    from cleaner.training.datasets import dataset_names, default_data_dir
    from cleaner.training.loo_eval import format_counts, format_table, loo_table
    from cleaner.training.router_eval import format_calibration, format_router

    if args.data or args.page_types or args.model != "default":
        raise CliError(
            "--loo trains its own models on whole datasets; leave out --data, --page-types "
            "and --model (choose datasets with --datasets NAME...)"
        )
    data_dir = args.data_dir or default_data_dir()
    present = dataset_names(data_dir)
    names = args.datasets or present
    missing = sorted(set(names) - set(present))
    if missing:
        raise CliError(
            f"no dataset {', '.join(missing)} in {data_dir} (present: {', '.join(present)})"
        )
    if args.out is not None:
        check_writable(args.out, "--out")
    result = loo_table(data_dir, names, args.limit, args.preset)

    def tables(markdown: bool) -> str:
        return "\n\n".join(
            (
                format_table(result.rows, markdown),
                format_router(result.routed, markdown),
                format_calibration(result.routed, markdown),
                format_counts(result.counts, markdown),
            )
        )

    print(tables(False))
    if args.out is not None:
        args.out.write_text(tables(True) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out}")
    return 0
