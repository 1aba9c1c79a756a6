"""The one-call chain against the filters run one by one, on every page of ../shared/data.

    python bench/chain_identity.py [--datasets a,b] [--limit N]

For each dataset, with the default Cleaner and the rules-only one: every page's text in both
renderings (`innertext`, `soup`) through `Chain.explain_text` and through `Pipeline.run` of
the same filters, and every page's HTML through `Chain.explain_page` and through
`Pipeline.run` of its `fast` Document. Prints, per dataset and mode, how many results were
compared and how many differ in text or in any Removal (`cleaner.filters.chain`: they must
not). `tests/filters/test_chain.py` runs the same comparison on the first pages of each set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

try:
    import cleaner  # noqa: F401
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner import Cleaner
from cleaner.document import Document
from cleaner.html.backends.fast import fast_document
from cleaner.training.datasets import dataset_names, load_dataset, rendered_pages

MODES = ("innertext", "soup", "html")


def differences(cleaner: Cleaner, mode: str, content: str) -> bool:
    """Whether the chain's result for `content` differs from the filters'."""
    chain = cleaner.pipeline.chain
    if chain is None or (mode == "html" and chain.page is None):
        raise SystemExit("the Cleaner has no chain: its filters are not the default ones")
    if mode == "html":
        expected = cleaner.pipeline.run(fast_document(content, cleaner.dom_index))
        return chain.explain_page(content) != expected
    return chain.explain_text(content) != cleaner.pipeline.run(Document.from_text(content))


def contents(name: str, mode: str, limit: int | None) -> list[str]:
    if mode == "html":
        return [page.html for page in load_dataset(name, limit=limit)]
    return [page.text for page in rendered_pages(name, mode, limit=limit)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", help="comma-separated names (default: all)")
    parser.add_argument("--limit", type=int, help="pages per dataset (default: all)")
    args = parser.parse_args(argv)
    names = args.datasets.split(",") if args.datasets else dataset_names()
    cleaners = {"default": Cleaner(), "rules only": Cleaner(model=None)}
    print("| dataset | mode | results | differ |\n|---|---|---:|---:|")
    total = 0
    for name in names:
        for mode in MODES:
            items = contents(name, mode, args.limit)
            differ = sum(
                differences(cleaner, mode, item) for cleaner in cleaners.values() for item in items
            )
            total += differ
            print(f"| {name} | {mode} | {len(items) * len(cleaners):,} | {differ} |", flush=True)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
