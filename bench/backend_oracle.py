"""How far a per-page choice between trafilatura and the `fast` backend could go.

    python bench/backend_oracle.py [--datasets a,b] [--limit N]

For every scored page (``gold_recall >= 0.5``; for wcxb_dev and readability only the site
folds the DOM block model did not train on) trafilatura (comments off) and cleaner's
`fast` backend each extract the text. The first table gives their mean F1 and the mean F1
of an oracle that takes, page by page, whichever scored higher: no rule that picks one of
the two extractions per page can beat that column. The second table splits the pages by
how much of trafilatura's text the `fast` text also holds (token overlap), the signal a
picker would have, and gives both mean F1s in each band.

Like `bench/error_budget.py`, this reads the evaluation data to decide what to work on;
choosing a picker's bands from what it shows would be tuning on those datasets' scores.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.html.backends.trafilatura import extract_text
from cleaner.models.dom_model import default_dom_model
from cleaner.training.datasets import MIN_GOLD_RECALL, dataset_names, load_dataset
from cleaner.training.evaluate_text import held_out
from cleaner.training.scoring import score_tokens, tokens

DEFAULT_DATASETS = ("dragnet", "l3s_gn1", "cleanportaleval", "wcxb_dev", "readability", "cleaneval")
# Bands of overlap: the share of trafilatura's tokens that the fast backend's text holds.
BANDS = ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0))


@dataclass(frozen=True)
class PagePair:
    trafilatura: float  # F1
    fast: float  # F1
    overlap: float


def pair(cleaner_: cleaner.Cleaner, html: str, url: str | None, gold: Sequence[str]) -> PagePair:
    """Both extractions of one page, scored, and their overlap."""
    reference = tokens(extract_text(html, url))
    ours = tokens(cleaner_.clean_html(html, url, backend="fast"))
    shared = sum((Counter(reference) & Counter(ours)).values())
    return PagePair(
        score_tokens(reference, gold).f1,
        score_tokens(ours, gold).f1,
        shared / len(reference) if reference else 0.0,
    )


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def band_cell(pairs: Sequence[PagePair], low: float, high: float) -> str:
    inside = [p for p in pairs if low <= p.overlap < high or (high == 1.0 and p.overlap >= 1.0)]
    if not inside:
        return "0"
    return (
        f"{len(inside):>4} {mean([p.trafilatura for p in inside]):.2f} / "
        f"{mean([p.fast for p in inside]):.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS))
    parser.add_argument("--limit", type=int, default=None, help="first N pages (by id) each")
    args = parser.parse_args(argv)
    available = set(dataset_names(args.data_dir))
    names = [name for name in args.datasets.split(",") if name in available]
    if not names:
        print("no datasets found: put them in ../shared/data or pass --data-dir", file=sys.stderr)
        return 1
    ours = cleaner.Cleaner()
    dom_model = default_dom_model()
    results: dict[str, list[PagePair]] = {}
    for name in names:
        pages = load_dataset(name, args.data_dir, args.limit, MIN_GOLD_RECALL)
        pages, _ = held_out(pages, dom_model)
        results[name] = [pair(ours, p.html, p.url, tokens(p.gold)) for p in pages]

    print("mean F1 per page (held-out folds for wcxb_dev and readability)")
    print(f"  {'dataset':<16} {'pages':>5} {'trafilatura':>11} {'fast':>6} {'best of two':>11}")
    for name, pairs in results.items():
        best = mean([max(p.trafilatura, p.fast) for p in pairs])
        print(
            f"  {name:<16} {len(pairs):>5} {mean([p.trafilatura for p in pairs]):11.3f} "
            f"{mean([p.fast for p in pairs]):6.3f} {best:11.3f}"
        )
    print("\nby overlap (share of trafilatura's tokens in fast's text):")
    print("pages, then mean F1 of trafilatura / fast")
    header = "".join(f" {f'[{low:.1f}, {high:.1f})':>17}" for low, high in BANDS)
    print(f"  {'dataset':<16}{header}")
    for name, pairs in results.items():
        cells = "".join(f" {band_cell(pairs, low, high):>17}" for low, high in BANDS)
        print(f"  {name:<16}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
