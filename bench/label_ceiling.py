"""How good are the line labels the model learns from? Noise and ceiling per dataset.

    python bench/label_ceiling.py [--datasets a,b] [--renderers innertext,soup]

For every page with ``gold_recall >= 0.5`` it aligns the rendered lines with the gold
(``cleaner.training.labels``, the same labels ``cleaner train`` uses) and prints per dataset and
rendering: labelled lines, the share that is ambiguous (between 20% and 80% of the line's
tokens aligned), the share labelled content, the F1 of keeping exactly the content lines
(the ceiling a perfect line classifier would reach) and keep-everything's F1 for scale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

try:
    import cleaner  # noqa: F401
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.training.datasets import dataset_names, rendered_pages
from cleaner.training.labels import align_lines, ceiling
from cleaner.training.scoring import score, summarize
from cleaner.training.train_lines import label_gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", help="comma-separated names (default: all)")
    parser.add_argument("--renderers", default="innertext,soup")
    args = parser.parse_args()
    names = args.datasets.split(",") if args.datasets else dataset_names()
    print(
        "| dataset | render | pages | labelled lines | ambiguous | content | ceiling P / R / F1 "
        "| keep-all F1 |"
    )
    print("|---|---|---:|---:|---:|---:|---|---:|")
    for name in names:
        for renderer in args.renderers.split(","):
            pages = rendered_pages(name, renderer, min_gold_recall=0.5)
            ceilings, keeps = [], []
            labelled = ambiguous = content = 0
            for page in pages:
                lines = page.text.splitlines()
                labels = align_lines(lines, label_gold(page))
                labelled += labels.labelled
                ambiguous += labels.ambiguous
                content += sum(1 for verdict in labels.content if verdict)
                ceilings.append(ceiling(lines, labels, page.gold))
                keeps.append(score(page.text, page.gold))
            top, keep = summarize(ceilings), summarize(keeps)
            print(
                f"| {name} | {renderer} | {len(pages)} | {labelled:,} | "
                f"{100 * ambiguous / labelled:.1f}% | {100 * content / labelled:.1f}% | "
                f"{top.mean_precision:.3f} / {top.mean_recall:.3f} / {top.mean_f1:.3f} | "
                f"{keep.mean_f1:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
