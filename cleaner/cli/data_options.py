"""What `cleaner train` and `cleaner eval` share: the dataset options and their checks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cleaner.training.datasets import RenderedPage
from cleaner.training.evaluate_text import dataset_name

RENDERERS = ("innertext", "soup")

TRAIN_EXAMPLES = """\
examples:
  cleaner train --data ../shared/data/wcxb_dev.jsonl.gz ../shared/data/readability.jsonl.gz \\
      --out my-model.npz
  cleaner eval --data ../shared/data/dragnet.jsonl.gz --model my-model.npz
"""


def add_dataset_options(parser: argparse.ArgumentParser, what: str, required: bool = True) -> None:
    """`--data` and `--page-types`, shared by train and eval."""
    parser.add_argument(
        "--data",
        nargs="+",
        required=required,
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


def check_files(paths: Sequence[Path]) -> None:
    for path in paths:
        dataset_name(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such dataset file; check the path")


def progress_bar(label: str, quiet: bool) -> Any:
    def wrap(items: Iterable[RenderedPage]) -> Iterable[RenderedPage]:
        return tqdm(items, desc=label, unit="page", disable=quiet or not sys.stderr.isatty())

    return wrap
