"""Where the default pipeline's remaining F1 goes: an error budget per dataset.

    python bench/error_budget.py [--datasets a,b] [--render innertext|soup] [--page-types T]

For every scored page (``gold_recall >= 0.5``; for datasets the shipped model trained on,
only the folds it did not see) the default Cleaner's output is compared line by line with
the training labels (``cleaner.training.labels``: a line is content when half its tokens align with
the gold). Each column is the mean F1 an oracle would reach by undoing one kind of error and
nothing else, so the differences from the first column say which error costs most:

- *after*: boilerplate kept below the page's last content line (comments, teasers, footers);
- *before*: boilerplate kept above the first content line (navigation, headers);
- *inside*: boilerplate kept between the first and last content lines;
- *model lost* / *rules lost*: content lines the learned model / a rule removed;
- *perfect*: exactly the content lines, the ceiling of a line classifier.

This reads the evaluation data to decide what to work on next; tuning a rule or a threshold
on what it shows for one dataset would be tuning on that dataset's scores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.filters.learned import LearnedFilter
from cleaner.models.line_model import default_model
from cleaner.training.datasets import MIN_GOLD_RECALL, RenderedPage, dataset_names, rendered_pages
from cleaner.training.evaluate_text import held_out, of_types
from cleaner.training.labels import ceiling
from cleaner.training.scoring import score_tokens, tokens
from cleaner.training.train_lines import page_labels

Keep = Callable[[int], bool]
ORACLES = ("after", "before", "inside", "model lost", "rules lost", "perfect")
MODEL_FILTER = LearnedFilter.name


def oracle_keeps(content: Sequence[bool | None], removed: dict[int, str]) -> dict[str, Keep]:
    """For each oracle, which lines it keeps. `content`: each line's label (None: no
    tokens); `removed`: the filter that removed each removed line."""
    labelled = [i for i, label in enumerate(content) if label]
    first, last = (labelled[0], labelled[-1]) if labelled else (0, -1)

    def kept(i: int) -> bool:
        return i not in removed

    def boiler(i: int) -> bool:
        return content[i] is False

    return {
        "pipeline": kept,
        "after": lambda i: kept(i) and not (i > last and boiler(i)),
        "before": lambda i: kept(i) and not (i < first and boiler(i)),
        "inside": lambda i: kept(i) and not (first <= i <= last and boiler(i)),
        "model lost": lambda i: kept(i) or (bool(content[i]) and removed[i] == MODEL_FILTER),
        "rules lost": lambda i: kept(i) or (bool(content[i]) and removed[i] != MODEL_FILTER),
    }


def page_budget(page: RenderedPage, default: cleaner.Cleaner) -> dict[str, float]:
    """Each oracle's F1 on one page (whole-line removals; span cuts count as kept lines),
    and the labels' ceiling (`cleaner.training.labels.ceiling`, as bench/label_ceiling.py
    reports)."""
    explained = default.explain(page.text)
    lines = explained.document.lines
    removed = {i: r.filter for i, r in explained.removed_lines().items()}
    labels = page_labels(page)
    gold = tokens(page.gold)
    budget = {
        name: score_tokens(
            tokens("\n".join(line for i, line in enumerate(lines) if keep(i))), gold
        ).f1
        for name, keep in oracle_keeps(labels.content, removed).items()
    }
    budget["perfect"] = ceiling(lines, labels, page.gold).f1
    return budget


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", help="comma-separated names (default: all)")
    parser.add_argument("--render", default="innertext", choices=("innertext", "soup"))
    parser.add_argument("--page-types", help="comma-separated page types (e.g. article)")
    args = parser.parse_args(argv)
    names = args.datasets.split(",") if args.datasets else dataset_names()
    types = frozenset(args.page_types.split(",")) if args.page_types else None
    default = cleaner.Cleaner()
    print(f"error budget, {args.render}, default pipeline: mean F1 with one error undone")
    print("| dataset | pages | pipeline | " + " | ".join(ORACLES) + " |")
    print("|---|---:|" + "---:|" * (len(ORACLES) + 1))
    for name in names:
        pages = [
            page
            for page in rendered_pages(name, args.render, min_gold_recall=MIN_GOLD_RECALL)
            if of_types(page, types)
        ]
        pages, _ = held_out(pages, default_model())
        budgets = [page_budget(page, default) for page in pages]
        if not budgets:
            continue
        means = {key: statistics.mean(b[key] for b in budgets) for key in budgets[0]}
        cells = " | ".join(f"{means[key]:.3f}" for key in ORACLES)
        print(f"| {name} | {len(budgets)} | {means['pipeline']:.3f} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
