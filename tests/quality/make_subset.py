"""Regenerate the bundled quality-gate pages, tests/quality/data/pages.jsonl.gz and NOTICE.

    python tests/quality/make_subset.py [--data-dir ../shared/data]

The gate in tests/quality/test_bundled_gate.py runs on a fresh clone, so it needs a few real
pages in the repository. This script picks them from the shared data folder (data/README.md
describes it; default ``$CLEANER_DATA_DIR`` or ``../shared/data``), writes them in the same
record format, and writes the NOTICE that attributes each one. Standard library only.

Which pages may be committed: only licence-eligible sets (design.md section 3): ``wcxb_dev``
(CC-BY-4.0), ``readability`` (Apache-2.0) and the extra sets except ``extra_snacktory``
(no LICENSE file). Of those, the gate uses ``wcxb_dev``, ``readability``, ``extra_fundus``,
``extra_newspaper``, ``extra_newspaper4k`` and ``extra_go_goose``.

How they are chosen, deterministically and without looking at any score:

1. candidates: full gold (``gold`` a string), ``meta.gold_recall >= 0.5``, not one of
   readability's synthetic unit-test fixtures (``meta.synthetic``), and HTML of at most
   ``MAX_HTML_CHARS`` characters (keeps the file near 1-2 MB compressed);
2. candidates are ordered by the sha1 of their id, and the first ones that fill each quota
   in ``QUOTAS`` are taken: a quota names a dataset, how many pages, and which pages count
   (a wcxb page type, English or not English). For the non-English quotas a language is
   taken once before any language is taken twice, so they cover several languages.

Changing a quota, the cap or the eligibility rules changes the subset: rerun this script,
re-measure the gate and re-pin its floors (tests/quality/test_bundled_gate.py) in the same
commit.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "data"
PAGES_FILE = OUT_DIR / "pages.jsonl.gz"
NOTICE_FILE = OUT_DIR / "NOTICE"
MIN_GOLD_RECALL = 0.5
# Pages larger than this are skipped: WCXB and fundus pages reach 1-2 MB of inline scripts
# and styles, and the committed file should stay small. 250k keeps most pages eligible
# (the median page of the six sets is 75-255k characters).
MAX_HTML_CHARS = 250_000

Record = dict[str, Any]
Wanted = Callable[[Record], bool]


def _any(record: Record) -> bool:
    return True


def _page_type(kind: str) -> Wanted:
    return lambda record: record["meta"].get("page_type") == kind


def _english(record: Record) -> bool:
    return record.get("lang") == "en"


def _not_english(record: Record) -> bool:
    return record.get("lang") not in (None, "en")


@dataclass(frozen=True)
class Quota:
    """`count` pages of `dataset` for which `wanted` holds; `spread_langs` takes each
    language once before any twice."""

    dataset: str
    count: int
    wanted: Wanted
    label: str
    spread_langs: bool = False


WCXB_TYPES = ("collection", "documentation", "forum", "listing", "product", "service")
QUOTAS: tuple[Quota, ...] = (
    # wcxb_dev: 12, half articles (what cleaner is for), one of each other page type.
    Quota("wcxb_dev", 6, _page_type("article"), "page_type article"),
    *(Quota("wcxb_dev", 1, _page_type(kind), f"page_type {kind}") for kind in WCXB_TYPES),
    # readability: 8, 2 of them not English.
    Quota("readability", 6, _english, "English"),
    Quota("readability", 2, _not_english, "not English", spread_langs=True),
    # fundus: 10, 4 of them not English.
    Quota("extra_fundus", 6, _english, "English"),
    Quota("extra_fundus", 4, _not_english, "not English", spread_langs=True),
    # The older news sets whose gold is an extractor's expected output: 2 each.
    Quota("extra_newspaper", 2, _any, "any"),
    Quota("extra_newspaper4k", 2, _any, "any"),
    Quota("extra_go_goose", 2, _any, "any"),
)

# Source repository, commit and licence of the sets whose records do not carry them in
# `meta` (data/README.md, "Datasets" table). The extra sets have meta.repo/commit/licence.
SOURCES = {
    "wcxb_dev": (
        "Murrough-Foley/web-content-extraction-benchmark",
        "c039d5ee",
        "CC-BY-4.0",
        "WCXB v1.0 (Web Content eXtraction Benchmark), dev/ split, by Murrough Foley",
    ),
    "readability": (
        "mozilla/readability",
        "ab4027a8",
        "Apache-2.0",
        "Mozilla Readability.js test pages (test/test-pages), by Mozilla and contributors",
    ),
}
# Extra sets: the file name has an `extra_` prefix, the records' `dataset` field does not.
EXTRA_ATTRIBUTION = {
    "extra_fundus": "fundus parser test data, by flairNLP and contributors",
    "extra_newspaper": "newspaper test data, by Lucas Ou-Yang and contributors",
    "extra_newspaper4k": "newspaper4k test data, by Andrei Paraschiv and contributors",
    "extra_go_goose": "GoOse test pages, by advancedlogic and contributors",
}


def default_data_dir() -> Path:
    override = os.environ.get("CLEANER_DATA_DIR")
    return Path(override) if override else HERE.parent.parent.parent / "shared" / "data"


def sha1_key(record: Record) -> str:
    return hashlib.sha1(record["id"].encode("utf-8")).hexdigest()


def eligible(record: Record) -> bool:
    meta = record.get("meta") or {}
    return (
        isinstance(record.get("gold"), str)
        and float(meta.get("gold_recall", 0.0)) >= MIN_GOLD_RECALL
        and not meta.get("synthetic", False)
        and len(record["html"]) <= MAX_HTML_CHARS
    )


def read_records(path: Path) -> Iterator[Record]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def choose(candidates: list[Record], quota: Quota, taken: set[str]) -> list[Record]:
    """The first `quota.count` wanted candidates in sha1 order not already taken."""
    pool = [r for r in candidates if quota.wanted(r) and r["id"] not in taken]
    if not quota.spread_langs:
        chosen = pool[: quota.count]
    else:
        chosen, langs = [], set()
        for repeat in (False, True):  # one per language first, then fill up in order
            for record in pool:
                if len(chosen) == quota.count:
                    break
                if record in chosen or (not repeat and record.get("lang") in langs):
                    continue
                chosen.append(record)
                langs.add(record.get("lang"))
    if len(chosen) < quota.count:
        raise SystemExit(f"{quota.dataset} ({quota.label}): only {len(chosen)} candidates")
    return chosen


def select(data_dir: Path) -> list[tuple[Record, Quota]]:
    """Every quota's pages, in the order of QUOTAS."""
    chosen: list[tuple[Record, Quota]] = []
    for dataset in dict.fromkeys(q.dataset for q in QUOTAS):
        records = read_records(data_dir / f"{dataset}.jsonl.gz")
        candidates = sorted((r for r in records if eligible(r)), key=sha1_key)
        taken: set[str] = set()
        for quota in (q for q in QUOTAS if q.dataset == dataset):
            for record in choose(candidates, quota, taken):
                taken.add(record["id"])
                chosen.append((record, quota))
    return chosen


def source_of(record: Record) -> tuple[str, str, str, str]:
    """(repository, commit, licence, attribution) of a record."""
    dataset = record["dataset"]
    if dataset in SOURCES:
        return SOURCES[dataset]
    meta = record["meta"]
    return (meta["repo"], meta["commit"], meta["licence"], EXTRA_ATTRIBUTION[f"extra_{dataset}"])


def notice(chosen: list[tuple[Record, Quota]]) -> str:
    lines = [
        "Third-party pages bundled for the quality gate (tests/quality/test_bundled_gate.py)",
        "",
        "pages.jsonl.gz holds web pages with gold main-content text copied, unchanged, from",
        "the converted datasets described in ../shared/data/README.md. They come from the test",
        "suites and benchmarks of the open-source projects below and are redistributed under",
        "those projects' licences (CC-BY-4.0, Apache-2.0, MIT). The pages themselves are",
        "third-party web content (news and other sites) that those projects saved as test",
        "fixtures; rights in that content stay with its publishers. When you redistribute",
        "this file, keep this NOTICE with it and credit the projects below.",
        "Chosen by tests/quality/make_subset.py (deterministic: sha1 of the id, see there).",
        "",
        "Sources (repository @ commit, licence as stated by the source, attribution):",
    ]
    seen: dict[str, tuple[str, str, str, str]] = {}
    for record, _ in chosen:
        seen.setdefault(record["dataset"], source_of(record))
    for dataset, (repo, commit, licence, attribution) in seen.items():
        lines.append(f"- {dataset}: https://github.com/{repo} @ {commit}, {licence}.")
        lines.append(f"  Attribution: {attribution}.")
    lines += [
        "",
        "Pages (id | dataset | source repository @ commit | licence | path in the repository):",
    ]
    for record, _ in chosen:
        repo, commit, licence, _ = source_of(record)
        src = record["meta"].get("src", "")
        fields = (record["id"], record["dataset"], f"{repo} @ {commit}", licence, src)
        lines.append(" | ".join(fields))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    args = parser.parse_args(argv)
    chosen = select(args.data_dir)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the gzip header: the same pages give the same bytes.
    with (
        open(PAGES_FILE, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out,
    ):
        for record, _ in chosen:
            out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    NOTICE_FILE.write_text(notice(chosen), encoding="utf-8")
    for record, quota in chosen:
        print(f"{record['dataset']:18} {quota.label:26} {record.get('lang')!s:5} {record['id']}")
    print(f"{len(chosen)} pages, {PAGES_FILE.stat().st_size / 1e6:.2f} MB -> {PAGES_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
