"""Site-profile benchmark: what the repeated-block filter adds on real pages, and its cost.

    python bench/bench_profile.py [--data-dir D] [--datasets a,b] [--min-pages 5]
                                  [--generated-pages 100000] [--preset balanced]

1. Quality: per dataset, pages (innertext rendering, as `cleaner eval`; gold_recall >= 0.5)
   are grouped by the host of their `url`; for each site with `--min-pages` pages or more a
   profile is learned on those pages, and the pages are cleaned by the default pipeline
   with and without it. Mean P / R / F1 per dataset (design.md section 3), and the content
   lost: gold tokens the default pipeline kept and the profile removed, as a share of all
   gold tokens of those pages.
2. Throughput, in this one process on the same pages: learning (counting) vs cleaning with
   the default pipeline, pages/s.
3. Size: the profile of a generated corpus of `--generated-pages` pages (100 sites, each
   with its own furniture and a rail of its recent headlines around article lines of random
   words), learned as `cleaner learn` learns a JSONL shard: size on disk, pages/s, memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

try:
    import cleaner  # noqa: F401
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner import Cleaner
from cleaner.profiles.learn import LearnJob, learn
from cleaner.profiles.profile import Profile, site_of_url
from cleaner.text.lines import split_lines
from cleaner.training.datasets import MIN_GOLD_RECALL, RenderedPage, dataset_names, rendered_pages
from cleaner.training.scoring import Score, score_tokens, tokens

GENERATED_SITES = 100
GENERATED_ARTICLE_LINES = 14
RAIL = 4
VOCABULARY = 5000


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=here.parent / "shared" / "data")
    parser.add_argument("--datasets", help="comma-separated names (default: all)")
    parser.add_argument("--min-pages", type=int, default=5)
    parser.add_argument("--generated-pages", type=int, default=100_000)
    parser.add_argument("--preset", default="balanced")
    return parser.parse_args(argv)


def by_site(pages: Sequence[RenderedPage], min_pages: int) -> dict[str, list[RenderedPage]]:
    groups: dict[str, list[RenderedPage]] = defaultdict(list)
    for page in pages:
        site = site_of_url(page.url)
        if site is not None:
            groups[site].append(page)
    return {site: group for site, group in groups.items() if len(group) >= min_pages}


def overlap(output: list[str], gold: Counter[str]) -> int:
    return sum((Counter(output) & gold).values())


def quality(
    name: str, args: argparse.Namespace, base: Cleaner, page_type: str | None = None
) -> list[str] | None:
    pages = rendered_pages(name, "innertext", args.data_dir, min_gold_recall=MIN_GOLD_RECALL)
    if page_type is not None:
        pages = [page for page in pages if page.meta.get("page_type") == page_type]
    sites = by_site(pages, args.min_pages)
    if not sites:
        return None
    profile = Profile()
    for site, group in sites.items():
        for page in group:
            profile.add_page(site, split_lines(page.text))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profile.jsonl"
        profile.write(path)
        with_profile = Cleaner(preset=args.preset, profile=path)
    without: list[Score] = []
    with_: list[Score] = []
    gold_total = lost = removals = 0
    for site, group in sites.items():
        for page in group:
            gold = tokens(page.gold)
            gold_bag = Counter(gold)
            plain = tokens(base.clean(page.text))
            cleaned = with_profile.explain(page.text, site=site)
            removals += sum(r.filter == "profile" for r in cleaned.removals)
            profiled = tokens(cleaned.text)
            without.append(score_tokens(plain, gold))
            with_.append(score_tokens(profiled, gold))
            gold_total += len(gold)
            lost += max(0, overlap(plain, gold_bag) - overlap(profiled, gold_bag))
    parts = ("precision", "recall", "f1")
    means = [
        [statistics.fmean(getattr(s, part) for s in scores) for part in parts]
        for scores in (without, with_)
    ]
    return [
        name if page_type is None else f"{name} ({page_type} pages)",
        str(len(sites)),
        str(len(without)),
        *(" / ".join(f"{value:.3f}" for value in row) for row in means),
        f"{means[1][2] - means[0][2]:+.4f}",
        f"{means[1][1] - means[0][1]:+.4f}",
        f"{lost / max(1, gold_total):.3%}",
        str(removals),
    ]


def throughput(pages: Sequence[RenderedPage], base: Cleaner) -> tuple[float, float]:
    texts = [page.text for page in pages]
    start = time.perf_counter()
    profile = Profile()
    for page, text in zip(pages, texts, strict=True):
        profile.add_page(site_of_url(page.url) or "unknown", split_lines(text))
    learned = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    for text in texts:
        base.clean(text)
    cleaned = len(texts) / (time.perf_counter() - start)
    return learned, cleaned


def generated_page(rng: random.Random, site: int, number: int, words: Sequence[str]) -> str:
    """A page of site `site`: its furniture, a "recent stories" rail naming the site's last
    RAIL pages (so every headline repeats on RAIL + 1 pages, in shifting runs), and
    article lines of random words."""
    top = [f"Site {site} News", f"Home · World · Sport · Site {site} Shop"]
    box = [f"Read more from the site {site} desk", f"Join {site} thousand readers of our letter"]
    footer = [f"Copyright site {site} media", "Privacy · Terms · Contact", f"Office {site}"]
    rail = ["Recent stories", *(headline(site, number - k) for k in range(1, RAIL + 1))]
    article = [
        " ".join(rng.choices(words, k=rng.randint(6, 30))).capitalize() + "."
        for _ in range(GENERATED_ARTICLE_LINES)
    ]
    return "\n".join([*top, headline(site, number), *article, *rail, *box, *footer])


def headline(site: int, number: int) -> str:
    letters = "".join(chr(97 + int(digit)) for digit in str(abs(number)))  # digits read as 0
    return f"Story {letters} of site {site} makes the headlines"


def profile_size(pages: int) -> tuple[float, float, float, float, int, int]:
    """Learn the generated corpus the way `cleaner learn` does (a JSONL shard, one process,
    pruning on): profile size on disk (as written, and with every block on 2+ pages
    whatever its share), pages/s, peak RSS, blocks held, sites' undercount bound."""
    rng = random.Random(6)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9)))
        for _ in range(VOCABULARY)
    ]
    with tempfile.TemporaryDirectory() as folder:
        shard = Path(folder) / "generated.jsonl"
        with shard.open("w", encoding="utf-8") as out:
            for i in range(pages):
                site = i % GENERATED_SITES
                text = generated_page(rng, site, i // GENERATED_SITES, words)
                out.write(json.dumps({"url": f"https://site{site}.example/{i}", "text": text}))
                out.write("\n")
        start = time.perf_counter()
        result = learn([shard], LearnJob(), jobs=1)
        elapsed = time.perf_counter() - start
        path = Path(folder) / "profile.jsonl"
        result.profile.write(path)
        size = path.stat().st_size
        result.profile.write(path, min_share=0.0)
        size_all = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    undercount = max(table.undercount for table in result.profile.sites.values())
    entries = result.profile.entries()
    return size / 1e6, size_all / 1e6, result.pages / elapsed, peak, entries, undercount


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"bench_profile: no data in {args.data_dir}; pass --data-dir", file=sys.stderr)
        return 2
    names = args.datasets.split(",") if args.datasets else dataset_names(args.data_dir)
    base = Cleaner(preset=args.preset)
    rows = [row for name in names if (row := quality(name, args, base)) is not None]
    if "wcxb_dev" in names:  # the README scores wcxb_dev on its article pages
        row = quality("wcxb_dev", args, base, "article")
        rows += [row] if row is not None else []
    print(f"Sites with {args.min_pages}+ pages, innertext, profile learned on those pages")
    header = [
        "dataset",
        "sites",
        "pages",
        "default P / R / F1",
        "+ profile P / R / F1",
        "dF1",
        "dR",
        "gold tokens lost",
        "profile removals",
    ]
    print(table(header, rows))
    timed = "dragnet" if "dragnet" in names else names[0]
    pages = rendered_pages(timed, "innertext", args.data_dir, min_gold_recall=MIN_GOLD_RECALL)
    learned, cleaned = throughput(pages, base)
    print(
        f"\nThroughput on {len(pages)} pages of {timed}, one process: learning "
        f"{learned:,.0f} pages/s, cleaning (default pipeline) {cleaned:,.0f} pages/s "
        f"({learned / cleaned:.1f}x)"
    )
    size, size_all, rate, peak, entries, undercount = profile_size(args.generated_pages)
    print(
        f"Generated corpus, {args.generated_pages:,} pages of {GENERATED_SITES} sites "
        f"(`cleaner learn` on one JSONL shard, one process): profile {size:.2f} MB on "
        f"disk ({size_all:.2f} MB with every block on 2+ pages), {entries:,} blocks held "
        f"at the end, counts low by at most {undercount} page(s) after pruning; "
        f"{rate:,.0f} pages/s, peak RSS of the bench {peak:,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
