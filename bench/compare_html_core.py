"""The `fast` backend's blocks and output, this checkout against a baseline checkout, on every
page of ../shared/data: kinds of difference with counts and examples, and mean F1 per dataset.

    python bench/compare_html_core.py --baseline /path/to/other/checkout [--limit N]
        [--datasets a,b] [--out DIR]

Each checkout runs in its own process (`--dump`, with PYTHONPATH set to it), so the two can
have different parsers, walks and native cores; the dumps (pickles in `--out`) are then
compared here. Written to check the move of parsing and the walk from lxml (libxml2's HTML4
parser) to the core (html5ever's HTML5 parser): the blocks differ where the parsers build
different trees, and the requirement is no lower mean F1 on any dataset.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Row = tuple[Any, ...]
Dump = dict[str, dict[str, Any]]


def block_row(block: Any) -> Row:
    """A Block as plain data (its DomMatch as the rule id)."""
    match = block.match.rule.id if block.match is not None else None
    return (
        block.text,
        block.path,
        block.heading,
        block.link_chars,
        block.in_list,
        block.in_table,
        block.tokens,
        match,
        block.ancestors,
    )


def dump(path: Path, datasets: Sequence[str], limit: int | None) -> None:
    """Blocks, outputs and timings of every page in the checkout on PYTHONPATH."""
    from cleaner import Cleaner
    from cleaner.html.backends.fast import fast_document
    from cleaner.training.datasets import MIN_GOLD_RECALL, dataset_names, load_dataset

    with_model, rules_only = Cleaner(), Cleaner(model=None)
    present = set(dataset_names())
    out: Dump = {}
    for name in (n for n in datasets if n in present):
        for page in load_dataset(name, None, limit, MIN_GOLD_RECALL):
            start = time.perf_counter()
            document = fast_document(page.html, with_model.dom_index)
            walked = time.perf_counter() - start
            model = with_model.explain_html(page.html, page.url, backend="fast")
            rules = rules_only.explain_html(page.html, page.url, backend="fast")
            out[page.id] = {
                "dataset": name,
                "gold": page.gold,
                "blocks": [block_row(b) for b in document.blocks],
                "model": model.text,
                "rules": rules.text,
                "walk_seconds": walked,
            }
    path.write_bytes(pickle.dumps(out))


FIELDS = ("text", "path", "heading", "link_chars", "in_list", "in_table", "tokens", "match")


def block_difference(old: list[Row], new: list[Row]) -> str:
    """The kind of difference between two pages' blocks (the first that applies)."""
    if old == new:
        return "identical"
    old_texts, new_texts = [r[0] for r in old], [r[0] for r in new]
    if old_texts == new_texts:
        fields = [
            FIELDS[i]
            for i in range(1, len(FIELDS))
            if any(a[i] != b[i] for a, b in zip(old, new, strict=True))
        ]
        if not fields:
            return "same blocks, ancestor numbers differ"
        return "same texts, features differ: " + ",".join(fields)
    old_words, new_words = " ".join(old_texts).split(), " ".join(new_texts).split()
    if old_words == new_words:
        return "same words, split into blocks differently"
    if "".join(old_words) == "".join(new_words):
        return "same characters, spaced differently"
    extra = Counter(new_words) - Counter(old_words)
    lost = Counter(old_words) - Counter(new_words)
    if extra and not lost:
        return "new has more text"
    if lost and not extra:
        return "new has less text"
    return "text differs both ways"


def first_difference(old: list[Row], new: list[Row]) -> str:
    """The first differing block of two pages, shortly."""
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            fields = [f for k, f in enumerate(FIELDS) if a[k] != b[k]]
            return f"block {i} ({','.join(fields)}): old {a[:2]!r:.150} | new {b[:2]!r:.150}"
    longer, which = (old, "old") if len(old) > len(new) else (new, "new")
    at = min(len(old), len(new))
    return f"only {which} has block {at}: {longer[at][:2]!r:.200}"


def f1_table(old: Dump, new: Dump) -> list[str]:
    """Mean F1 per dataset, old and new, with the model and rules only."""
    from cleaner.training.scoring import score

    by_dataset: dict[str, list[str]] = {}
    for page_id, page in old.items():
        by_dataset.setdefault(page["dataset"], []).append(page_id)
    lines = [
        "| dataset | pages | F1 model old | new | delta | F1 rules old | new | delta |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, ids in sorted(by_dataset.items()):
        cells = [name, str(len(ids))]
        for key in ("model", "rules"):
            before = statistics.fmean(score(old[i][key], old[i]["gold"]).f1 for i in ids)
            after = statistics.fmean(score(new[i][key], new[i]["gold"]).f1 for i in ids)
            cells += [f"{before:.4f}", f"{after:.4f}", f"{after - before:+.4f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def report(old: Dump, new: Dump, examples: int) -> str:
    kinds: Counter[str] = Counter()
    shown: dict[str, list[str]] = {}
    outputs: Counter[str] = Counter()
    for page_id, before in old.items():
        after = new[page_id]
        kind = block_difference(before["blocks"], after["blocks"])
        kinds[kind] += 1
        if kind != "identical" and len(shown.setdefault(kind, [])) < examples:
            shown[kind].append(f"{page_id}: {first_difference(before['blocks'], after['blocks'])}")
        for key in ("model", "rules"):
            outputs[f"{key} output {'same' if before[key] == after[key] else 'differs'}"] += 1
    walk_old = sum(p["walk_seconds"] for p in old.values())
    walk_new = sum(p["walk_seconds"] for p in new.values())
    lines = [f"{len(old)} pages", "", "Blocks:"]
    lines += [f"  {count:5d}  {kind}" for kind, count in kinds.most_common()]
    lines += ["", "Outputs:"] + [f"  {c:5d}  {k}" for k, c in sorted(outputs.items())]
    lines += ["", f"parse+walk seconds, all pages: old {walk_old:.1f}, new {walk_new:.1f}", ""]
    lines += f1_table(old, new)
    lines += ["", "Examples:"]
    for kind, found in shown.items():
        lines += [f"  {kind}:"] + [f"    {line}" for line in found]
    return "\n".join(lines)


def run_dump(checkout: Path, out: Path, datasets: str, limit: int | None) -> None:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, __file__, "--dump", str(out), "--datasets", datasets]
    if limit:
        command += ["--limit", str(limit)]
    subprocess.run(command, env=env, check=True, cwd=checkout)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="the checkout to compare against")
    parser.add_argument("--datasets", default="", help="comma-separated (default: all)")
    parser.add_argument("--limit", type=int, default=None, help="pages per dataset")
    parser.add_argument("--out", type=Path, default=Path("/tmp/compare_html_core"))
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help="compare existing dumps only")
    args = parser.parse_args(argv)
    if args.dump:
        from cleaner.training.datasets import dataset_names

        names = args.datasets.split(",") if args.datasets else dataset_names()
        dump(args.dump, names, args.limit)
        return 0
    here = Path(__file__).resolve().parent.parent
    data = Path(os.environ.get("CLEANER_DATA_DIR", here.parent / "shared" / "data"))
    if not data.is_dir():
        print(f"compare_html_core: no data in {data}; set CLEANER_DATA_DIR", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    old_path, new_path = args.out / "baseline.pkl", args.out / "candidate.pkl"
    if not args.reuse:
        if args.baseline is None:
            parser.error("--baseline is required (a checkout of the code to compare against)")
        run_dump(args.baseline.resolve(), old_path, args.datasets, args.limit)
        run_dump(here, new_path, args.datasets, args.limit)
    old, new = pickle.loads(old_path.read_bytes()), pickle.loads(new_path.read_bytes())
    sys.path.insert(0, str(here))
    print(report(old, new, args.examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
