"""Same results, one implementation: the native core against the Python code it replaced.

    python bench/core_identity.py record REF.jsonl.gz [--limit N] [--datasets a,b]
    python bench/core_identity.py compare REF.jsonl.gz [--limit N] [--datasets a,b] [--diffs F]

`record` runs whatever `cleaner` is importable (run it at the last pure-Python commit) on
every page of ../shared/data and writes, per page and mode, a digest of the kept text, a
digest of the removals (line, span, filter, rule) and the page's F1 against its gold: no page
text, so the file may be committed. `compare` runs the current code the same way and prints,
per dataset and mode, how many pages are identical, and the mean F1 before and after.

The verdict (exit status 1 when it fails): the text modes must be identical on every page
but those listed with a reason in `tests/quality/data/core_differences.toml`; every mode
must keep its mean F1 on every dataset (the HTML parser changed, so the `fast` modes are
judged by F1 alone, with their differences counted).

The HTML modes' text digests are taken with blank lines dropped (`without_blank_lines`): the
`fast` output puts a blank line between paragraphs since the reference was recorded, a change
of layout only (same lines, same words), which should not count as a different text.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.config import DEFAULT_PRESET
from cleaner.document import Cleaned
from cleaner.models.dom_model import load_dom_model
from cleaner.models.line_model import load_model
from cleaner.training.datasets import dataset_names, load_dataset, rendered_pages
from cleaner.training.loo import GroupModels
from cleaner.training.scoring import score

# Modes: (name, the rendering it reads or "html", whether it runs the model).
MODES = (
    ("text_innertext", "innertext", True),
    ("text_soup", "soup", True),
    ("rules_text_innertext", "innertext", False),
    ("html_fast", "html", True),
    ("rules_html_fast", "html", False),
)
TEXT_MODES = frozenset(name for name, source, _ in MODES if source != "html")
# The shipped models when the reference was recorded, kept so that model modes compare the
# port and not a retraining.
REFERENCE_MODELS = Path(__file__).resolve().parent.parent / "tests/quality/data/reference_models"
DIFFERENCES = Path(__file__).resolve().parent.parent / "tests/quality/data/core_differences.toml"
# Mean F1 may move by this much through float rounding alone before it counts as lower.
F1_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Outcome:
    """One page in one mode: digests of what came out, and its F1."""

    dataset: str
    page: str
    mode: str
    text: str
    removals: str
    f1: float

    def key(self) -> tuple[str, str, str]:
        return (self.dataset, self.page, self.mode)


def digest(value: object) -> str:
    data = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def without_blank_lines(text: str) -> str:
    """`text` with its blank lines dropped: the lines of an HTML mode's output whatever its
    paragraph breaks (the reference predates them)."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def removal_rows(cleaned: Cleaned) -> list[list[object]]:
    return [[r.line, r.span, r.filter, r.rule] for r in cleaned.removals]


def reference_models_cleaner() -> cleaner.Cleaner:
    """The default pipeline with the models the reference was recorded with
    (`REFERENCE_MODELS`): the gate checks the port, and retraining the shipped models is not
    a port change."""
    line = load_model(REFERENCE_MODELS / "default.npz")
    dom = load_dom_model(REFERENCE_MODELS / "dom.npz")
    return GroupModels("reference", line, dom).cleaner(DEFAULT_PRESET)


def run(
    datasets: list[str], limit: int | None, modes: frozenset[str] | None = None
) -> Iterator[Outcome]:
    """Every page of `datasets` in every mode (or those in `modes`), with the importable
    cleaner."""
    cleaners = {True: reference_models_cleaner(), False: cleaner.Cleaner(model=None)}
    for name in datasets:
        pages = {p.id: p for p in load_dataset(name, limit=limit)}
        texts = {
            renderer: {r.id: r.text for r in rendered_pages(name, renderer, limit=limit)}
            for renderer in ("innertext", "soup")
        }
        for page in pages.values():
            for mode, source, model in MODES:
                if modes is not None and mode not in modes:
                    continue
                run_one: Callable[[], Cleaned]
                if source == "html":
                    run_one = lambda c=cleaners[model], p=page: c.explain_html(  # noqa: E731
                        p.html, p.url, backend="fast"
                    )
                else:
                    run_one = lambda c=cleaners[model], t=texts[source][page.id]: c.explain(t)  # noqa: E731
                cleaned = run_one()
                f1 = score(cleaned.text, page.gold).f1
                text = without_blank_lines(cleaned.text) if source == "html" else cleaned.text
                yield Outcome(name, page.id, mode, digest(text), digest(removal_rows(cleaned)), f1)
        print(f"  {name}: {len(pages)} pages", file=sys.stderr, flush=True)


def read(path: Path) -> dict[tuple[str, str, str], Outcome]:
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        outcomes = (Outcome(**json.loads(line)) for line in rows)
        return {o.key(): o for o in outcomes}


def allowed_differences(path: Path = DIFFERENCES) -> dict[tuple[str, str], str]:
    """(page, mode) -> reason, for text-mode differences that were explained."""
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {(row["page"], row["mode"]): row["reason"] for row in data.get("difference", [])}


def f1_floors(path: Path = DIFFERENCES) -> dict[tuple[str, str], float]:
    """(dataset, mode) -> the mean F1 it must keep instead of the reference's, for changes
    made on purpose after the port that cost F1 on these pages (each entry says why)."""
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {(row["dataset"], row["mode"]): float(row["f1"]) for row in data.get("f1_change", [])}


def compare(
    reference: dict[tuple[str, str, str], Outcome], current: list[Outcome]
) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
    """The table's lines, the failures, and every differing (dataset, page, mode)."""
    allowed = allowed_differences()
    floors = f1_floors()
    cells: dict[tuple[str, str], list[tuple[Outcome, Outcome]]] = defaultdict(list)
    for outcome in current:
        before = reference.get(outcome.key())
        if before is not None:
            cells[(outcome.dataset, outcome.mode)].append((before, outcome))
    lines = [
        "| dataset | mode | pages | identical | text differs | explained | F1 before | F1 now |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    failures: list[str] = []
    differing: list[tuple[str, str, str]] = []
    for (dataset, mode), pairs in sorted(cells.items()):
        same = sum(a.text == b.text and a.removals == b.removals for a, b in pairs)
        changed = [b for a, b in pairs if a.text != b.text or a.removals != b.removals]
        text_changed = sum(a.text != b.text for a, b in pairs)
        explained = sum((b.page, mode) in allowed for b in changed)
        differing.extend(b.key() for b in changed)
        f1_before = sum(a.f1 for a, _ in pairs) / len(pairs)
        f1_now = sum(b.f1 for _, b in pairs) / len(pairs)
        lines.append(
            f"| {dataset} | {mode} | {len(pairs)} | {same} | {text_changed} | {explained} "
            f"| {f1_before:.4f} | {f1_now:.4f} |"
        )
        if mode in TEXT_MODES and explained < len(changed):
            failures.append(f"{dataset} {mode}: {len(changed) - explained} unexplained changes")
        floor = floors.get((dataset, mode), f1_before)
        if f1_now < floor - F1_TOLERANCE:
            failures.append(f"{dataset} {mode}: mean F1 {f1_now:.4f} < {floor:.4f}")
    return lines, failures, differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("record", "compare"))
    parser.add_argument("reference", type=Path)
    parser.add_argument("--limit", type=int, help="first N pages (by id) of each dataset")
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--diffs", type=Path, help="compare: write differing pages here")
    parser.add_argument(
        "--modes", type=lambda s: frozenset(s.split(",")), help="comma-separated (default: all)"
    )
    args = parser.parse_args(argv)
    datasets = args.datasets.split(",") if args.datasets else dataset_names()
    if args.command == "record":
        with gzip.open(args.reference, "wt", encoding="utf-8") as out:
            for outcome in run(datasets, args.limit, args.modes):
                out.write(json.dumps(outcome.__dict__) + "\n")
        return 0
    current = list(run(datasets, args.limit, args.modes))
    lines, failures, differing = compare(read(args.reference), current)
    print("\n".join(lines))
    if args.diffs:
        args.diffs.write_text("".join(f"{d}\t{p}\t{m}\n" for d, p, m in differing))
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
