"""Same removals from the core's rule matching as from the Python matching it replaced.

    python bench/rules_identity.py record REF.jsonl.gz [--datasets a,b] [--cache-dir D]
    python bench/rules_identity.py compare REF.jsonl.gz [--datasets a,b] [--cache-dir D]

`record` runs whatever `cleaner` is importable (run it on a checkout from before the rules
moved into the core, e.g. `git archive main`) with `Cleaner(model=None).explain` (rules
only) on every page of ../shared/data rendered with `innertext` and `soup`, and writes per
page a digest of the kept text and every removal (line, span, filter, rule). `compare`
runs the current code the same way and prints, per dataset and rendering, the pages and
the pages that differ, then the first differing removals of each differing page, so the
reason can be read off (which rule, which line, which span).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.training.datasets import dataset_names, rendered_pages

RENDERINGS = ("innertext", "soup")
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def outcomes(datasets: list[str], data: Path, cache: Path | None) -> Iterator[dict[str, object]]:
    """Every page of `datasets` in both renderings, cleaned by rules only."""
    rules_only = cleaner.Cleaner(model=None)
    for name in datasets:
        for rendering in RENDERINGS:
            for page in rendered_pages(name, rendering, data, cache, processes=1):
                cleaned = rules_only.explain(page.text)
                yield {
                    "dataset": name,
                    "rendering": rendering,
                    "page": page.id,
                    "text": digest(cleaned.text),
                    # Through JSON, so a span compares the same read back ([s, e]) as fresh.
                    "removals": json.loads(
                        json.dumps([[r.line, r.span, r.filter, r.rule] for r in cleaned.removals])
                    ),
                }


def record(path: Path, datasets: list[str], data: Path, cache: Path | None) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for row in outcomes(datasets, data, cache):
            out.write(json.dumps(row) + "\n")


def first_difference(old: list[list[object]], new: list[list[object]]) -> str:
    """The removals only one side has, a few of each: enough to name the rule and line."""
    old_set = {json.dumps(r) for r in old}
    new_set = {json.dumps(r) for r in new}
    only_old = sorted(old_set - new_set)[:3]
    only_new = sorted(new_set - old_set)[:3]
    return f"only before: {only_old}  only now: {only_new}"


def compare(path: Path, datasets: list[str], data: Path, cache: Path | None) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        before = {(r["dataset"], r["rendering"], r["page"]): r for r in map(json.loads, lines)}
    pages: Counter[tuple[str, str]] = Counter()
    differing: dict[tuple[str, str], list[str]] = defaultdict(list)
    wanted = {name for name, _, _ in before} if not datasets else set(datasets)
    for row in outcomes(sorted(wanted), data, cache):
        key = (str(row["dataset"]), str(row["rendering"]))
        pages[key] += 1
        old = before.get((key[0], key[1], row["page"]))
        if old is None:
            differing[key].append(f"{row['page']}: not recorded")
        elif old["text"] != row["text"] or old["removals"] != row["removals"]:
            removals = first_difference(old["removals"], row["removals"])  # type: ignore[arg-type]
            differing[key].append(f"{row['page']}: {removals}")
    print(f"{'dataset':24} {'rendering':10} {'pages':>6} {'differ':>6}")
    for key in sorted(pages):
        print(f"{key[0]:24} {key[1]:10} {pages[key]:6} {len(differing[key]):6}")
    for key in sorted(differing):
        for line in differing[key]:
            print(f"{key[0]}/{key[1]} {line}")
    return 1 if any(differing.values()) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("reference", type=Path)
    parser.add_argument("--datasets", default="", help="comma-separated; default all")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        print(f"no datasets at {args.data_dir}: pass --data-dir", file=sys.stderr)
        return 2
    datasets = [name for name in args.datasets.split(",") if name]
    if args.action == "record":
        record(
            args.reference, datasets or dataset_names(args.data_dir), args.data_dir, args.cache_dir
        )
        return 0
    return compare(args.reference, datasets, args.data_dir, args.cache_dir)


if __name__ == "__main__":
    sys.exit(main())
