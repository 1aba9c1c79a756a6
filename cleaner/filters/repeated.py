"""The repeated-block filter: what a site repeats under many of its pages is its furniture.

A `Profile` (cleaner/profile.py) says on how many of a site's pages each block (a normalised
line, or a run of 2-3 lines) was seen. This filter removes the lines of a page whose blocks
are frequent on the page's site, and each removal says "seen on N of M pages of SITE".

Safety comes first (a quote two articles share must not vanish), so a block counts as
frequent only on a site of `MIN_SITE_PAGES` pages or more, and only when it is on both
`MIN_BLOCK_PAGES` pages and `MIN_BLOCK_SHARE` of the site's pages. Then:

- a line inside a frequent run goes: its neighbours repeat with it, as furniture does;
- a line that is frequent but whose neighbours on this page do not repeat with it (a
  page's own headline that other pages list in a "recent posts" rail, a dated byline) goes
  only with overwhelming evidence: on `ALONE_MIN_SHARE` of the site's pages and on
  `ALONE_MIN_PAGES` pages at least;
- a line that reads like article prose (long, stop-word dense, ending like a sentence)
  needs that overwhelming evidence too, run or not: a run of prose is a passage articles
  share, and a sentence on most pages of a large site is a blurb, not a quote.

Then where the lines sit on this page decides (`_inside_content`). Furniture sits around a
page's own content: header and navigation above, boxes and footer below. A template's
labels sit inside it ("Weight:", "Lifetime Guarantee", a shipping notice on every product
page of a shop, "Parameters" on every page of a reference), between the lines only this
page has, and a shop's gold keeps them. The page's own content is what it kept and does
not repeat; its span runs from the first such line to the last. Repeated lines that follow
each other (lines already removed, or repeated but kept, do not break them) make a stretch,
and a stretch with own content above and below it on this page is inside. So:

- a line inside the span goes only when a frequent run holds it: the overwhelming evidence
  that lets a line alone, or a line of prose, go elsewhere is not enough there (a label
  between two paragraphs stays, a share box of three lines goes);
- when `INTERLEAVED_STRETCHES` or more stretches lie inside the span, the page is a
  template filled in (a product sheet, a listing, a spec table): its repeated lines inside
  the span are its labels and all stay. A news page has a box or two inside (a share box
  above the photo caption): on ../shared/data, 659 of dragnet's 667 pages (of sites with 5+)
  have 3 or fewer, while 33 of wcxb_dev's 70 have 5 or more (23 have 10 or more), and
  they are where the profile cut wcxb_dev's gold;
- what lies outside the span (the header above the first own line, the footer below the
  last) goes as before, however templated the page.

The site: `Cleaner.explain(text, site=...)` binds it (`for_site`); batch runs pass the host of
a record's `url`, else its `site` field, else the input's parent folder, as `cleaner learn`
counts them. Without a site, the page is matched against the profile: the site whose frequent
lines it shares most, if it shares at least `MIN_INFERENCE_BLOCKS` of them (one shared
"Share" label proves nothing). A named site the profile does not know gets no removals:
evidence from other sites is not evidence about it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from cleaner.document import Document, Removal
from cleaner.pipeline import Draft
from cleaner.profiles.block_hashes import RUN_LENGTHS, line_digests, run_hash
from cleaner.profiles.profile import Profile
from cleaner.text.features import stopwords
from cleaner.text.lines import ends_like_sentence

PROFILE_FILTER_NAME = "profile"
# Below this many pages a site's repeats are coincidence as often as template.
MIN_SITE_PAGES = 5
# Two articles may share a quote, a fact or a standard sentence; three pages is the least
# evidence for a template block, whatever the site's size.
MIN_BLOCK_PAGES = 3
# ... and on a large site a block must also be on this share of its pages: a sentence that
# ten of 10,000 articles quote is content.
MIN_BLOCK_SHARE = 0.3
# Prose: a line of this many words or more that ends like a sentence and has this share of
# stop words reads like article text.
PROSE_MIN_WORDS = 8
PROSE_MIN_STOP_SHARE = 0.25
# Overwhelming evidence, for prose and for lines that repeat without their neighbours: on
# this share of the site's pages and on this many pages at least. The page floor matters on
# small sites crawled in one go, where a "recent posts" rail lists every page's headline on
# every page; measured on ../shared/data, 10 instead of 20 loses 0.001 more mean recall on
# dragnet for 0.008 more F1.
ALONE_MIN_SHARE = 0.6
ALONE_MIN_PAGES = 20
# A page whose repeated lines fall into this many separate stretches inside the span of its
# own content is a filled-in template, and those stretches are its labels. Measured on
# ../shared/data (bench/bench_profile.py, mean recall change): 4 and 5 both -0.0036 on
# wcxb_dev; 6 to 8 -0.0047, at the edge of the 0.005 budget, for 0.0005 more F1 on dragnet;
# 10 -0.0064; at 3, dragnet's news pages start to keep their boxes (0.0017 less F1).
INTERLEAVED_STRETCHES = 5
# An unknown site is inferred from at least this many distinct frequent lines of a site.
MIN_INFERENCE_BLOCKS = 2
# Punctuation stripped from the ends of a word before the stop-list lookup.
_WORD_EDGES = ".,;:!?\"'()\u00ab\u00bb\u201c\u201d\u2018\u2019"


@cache
def _all_stopwords() -> frozenset[str]:
    return frozenset().union(*stopwords().values())


def reads_like_prose(line: str) -> bool:
    """Long, ending like a sentence, and dense in stop words (of any shipped language)."""
    words = line.lower().split()
    if len(words) < PROSE_MIN_WORDS or not ends_like_sentence(line):
        return False
    stops = _all_stopwords()
    hits = sum(word.strip(_WORD_EDGES) in stops for word in words)
    return hits / len(words) >= PROSE_MIN_STOP_SHARE


@dataclass(frozen=True, slots=True)
class SiteBlocks:
    """The frequent blocks of one site: hash -> pages carrying it, and the site's pages."""

    site: str
    pages: int
    frequent: Mapping[int, int]


def frequent_blocks(profile: Profile) -> dict[str, SiteBlocks]:
    """Per site (of MIN_SITE_PAGES or more), the blocks that pass both count thresholds.
    Counts are lower bounds (see `Profile.prune`), so a pruned profile only removes less."""
    out: dict[str, SiteBlocks] = {}
    for site, table in profile.sites.items():
        if table.pages < MIN_SITE_PAGES:
            continue
        least = max(MIN_BLOCK_PAGES, MIN_BLOCK_SHARE * table.pages)
        frequent = {value: count for value, count in table.counts.items() if count >= least}
        if frequent:
            out[site] = SiteBlocks(site, table.pages, frequent)
    return out


class ProfileFilter:
    """Removes lines whose block is frequent on the page's site (see the module docstring).
    Immutable once built; `for_site` returns a copy bound to one site."""

    name = PROFILE_FILTER_NAME

    def __init__(
        self,
        profile: Profile | None = None,
        *,
        site: str | None = None,
        _sites: dict[str, SiteBlocks] | None = None,
        _owners: dict[int, tuple[str, ...]] | None = None,
    ) -> None:
        if _sites is None:
            _sites = frequent_blocks(profile or Profile())
        if _owners is None:
            owners: dict[int, list[str]] = {}
            for name, blocks in _sites.items():
                for value in blocks.frequent:
                    owners.setdefault(value, []).append(name)
            _owners = {value: tuple(names) for value, names in owners.items()}
        self.sites = _sites
        self.owners = _owners
        self.site = site

    def for_site(self, site: str | None) -> ProfileFilter:
        """This filter for pages of `site` (None: infer it from the page)."""
        if site == self.site:
            return self
        return ProfileFilter(site=site, _sites=self.sites, _owners=self.owners)

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.sites:
            return ()
        rows, _, digests = line_digests(document.lines, document.keys)
        hashes = [int.from_bytes(digest, "big") for digest in digests]
        site = self.site if self.site is not None else self._infer(hashes)
        found = self.sites.get(site) if site is not None else None
        if found is None:
            return ()
        return _removals(document, draft, rows, hashes, digests, found, self.name)

    def _infer(self, hashes: list[int]) -> str | None:
        """The site whose frequent lines the page shares most (ties: the larger site, then
        the name), if it shares at least MIN_INFERENCE_BLOCKS."""
        votes: Counter[str] = Counter()
        for value in set(hashes):
            for name in self.owners.get(value, ()):
                votes[name] += 1
        if not votes:
            return None
        best = min(votes, key=lambda name: (-votes[name], -self.sites[name].pages, name))
        return best if votes[best] >= MIN_INFERENCE_BLOCKS else None


def _removals(
    document: Document,
    draft: Draft,
    rows: list[int],
    hashes: list[int],
    digests: list[bytes],
    site: SiteBlocks,
    name: str,
) -> list[Removal]:
    frequent = site.frequent
    counts = [frequent.get(value) for value in hashes]
    # Every line of a frequent run is itself frequent (on at least the run's pages), so runs
    # are hashed only where frequent lines follow each other: a few per page, not all.
    best_run: dict[int, tuple[int, int]] = {}  # row -> (count, size) of its best run
    prose = cache(lambda row: reads_like_prose(document.lines[row]))
    for size in RUN_LENGTHS:
        for start in range(len(rows) - size + 1):
            if None in counts[start : start + size]:
                continue
            count = frequent.get(run_hash(digests[start : start + size]))
            if count is None:
                continue
            for row in rows[start : start + size]:
                if (count, size) > best_run.get(row, (0, 0)) and not prose(row):
                    best_run[row] = (count, size)
    why = {
        row: (
            "profile/run",
            f"repeated block: in a run of {size} lines seen on {count} of {site.pages} "
            f"pages of {site.site}",
        )
        for row, (count, size) in best_run.items()
    }
    overwhelming = max(ALONE_MIN_PAGES, ALONE_MIN_SHARE * site.pages)
    for row, line_count in zip(rows, counts, strict=True):
        if line_count is None or line_count < overwhelming or row in why:
            continue
        why[row] = (
            "profile/line",
            f"repeated block: seen on {line_count} of {site.pages} pages of {site.site}",
        )
    removed = draft.removed
    kept = _inside_content(rows, counts, removed, why)
    return [
        Removal(row, None, name, rule, reason)
        for row, (rule, reason) in sorted(why.items())
        if not removed[row] and row not in kept
    ]


def _inside_content(
    rows: list[int],
    counts: list[int | None],
    removed: tuple[bool, ...],
    why: Mapping[int, tuple[str, str]],
) -> set[int]:
    """The proposed rows to keep because they sit inside the page's own content: those only
    the evidence for a line alone (or for prose) proposed, and on a page with
    INTERLEAVED_STRETCHES or more inside stretches, all of theirs (see the module docstring)."""
    own = [r for r, count in zip(rows, counts, strict=True) if count is None and not removed[r]]
    if not own:
        return set()
    first, last = own[0], own[-1]
    inside = [
        stretch
        for stretch in _stretches(rows, counts, removed, why)
        if first < stretch[0] and stretch[-1] < last
    ]
    if len(inside) >= INTERLEAVED_STRETCHES:
        return {row for stretch in inside for row in stretch}
    return {row for stretch in inside for row in stretch if why[row][0] == "profile/line"}


def _stretches(
    rows: list[int],
    counts: list[int | None],
    removed: tuple[bool, ...],
    why: Mapping[int, tuple[str, str]],
) -> list[list[int]]:
    """The stretches of a page: maximal sequences of proposed rows, in page order. A line of
    the page's own content ends one; a line already removed, or one that repeats but was not
    proposed, does not."""
    out: list[list[int]] = []
    current: list[int] = []
    for row, count in zip(rows, counts, strict=True):
        if row in why and not removed[row]:
            current.append(row)
        elif count is None and not removed[row]:
            if current:
                out.append(current)
            current = []
    if current:
        out.append(current)
    return out
