"""Site profiles: how many pages of each site carry each block, learned from the corpus.

A block is a normalised line, or a run of 2-3 consecutive non-blank lines, known by a
64-bit blake2b hash (`cleaner.profiles.block_hashes`). A profile keeps each block's hash,
the number of pages of its site it is on (a page counts once however often it repeats the
block), plus a sample of its text, so a person can read what the profile learned.

Counting is a map and a merge: a `Profile` of some pages plus a `Profile` of other pages is
the `Profile` of all of them (`merge` is exact, associative and commutative), so shards are
counted anywhere (processes, Dask workers) and added up. Memory is bounded by `prune`, the
only lossy step, which records how much it may have lost (see `Profile.prune`).

The file (`write` / `read`) is JSON Lines, sorted, one block per line, most frequent first
within a site, so it diffs and its top entries read as a list of the site's furniture.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaner.corpus.files import write_atomic
from cleaner.profiles.block_hashes import RUN_LENGTHS, page_blocks

PROFILE_FORMAT = "cleaner-profile"
PROFILE_VERSION = 1
# A profile file keeps blocks on this many pages of their site or more, and on this share
# of them: singletons are most of the table, and a block under 1% of its site's pages in
# every shard is under 1% of them all, far below what the filter needs (30%).
WRITE_MIN_PAGES = 2
WRITE_MIN_SHARE = 0.01
# Blocks held in memory (all sites, per process) before `prune` makes room: with samples,
# some 400 bytes each (`cleaner learn` of 100k generated pages peaked at 520 MB of RSS).
MAX_ENTRIES = 1_000_000
# The record field naming a page's site when its `url` gives none.
SITE_FIELD = "site"


class ProfileError(ValueError):
    """A profile file that cannot be used; the message says what to do."""


def site_of_url(url: object) -> str | None:
    """The host of a URL, lower-cased, without a leading "www." (www.example.com and
    example.com are one site); None when there is no usable host."""
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def folder_site(path: Path) -> str:
    """The site of a page that names none: the name of the folder its file is in."""
    return path.absolute().parent.name or "."


def record_site(
    record: Mapping[str, Any], site_field: str = SITE_FIELD, fallback: str | None = None
) -> str | None:
    """The site of a record: the host of its `url`, else its `site_field`, else `fallback`."""
    site = site_of_url(record.get("url"))
    if site is not None:
        return site
    named = record.get(site_field)
    if isinstance(named, str) and named.strip():
        return named.strip()
    return fallback


@dataclass(slots=True)
class SiteTable:
    """One site's counts. `pages`: pages counted; `counts`: block hash -> pages carrying
    it; `samples`: the text of each block as first seen; `undercount`: how many pages a
    block's count may lack because pruning dropped it earlier (counts are lower bounds)."""

    pages: int = 0
    undercount: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    samples: dict[int, str] = field(default_factory=dict)

    def add_page(self, lines: Sequence[str]) -> None:
        blocks = page_blocks(lines)
        counts, samples = self.counts, self.samples
        self.pages += 1
        seen: set[int] = set()
        for k, value in enumerate(blocks.hashes):
            if value in seen:
                continue
            seen.add(value)
            count = counts.get(value)
            if count is None:
                counts[value] = 1
                samples[value] = blocks.sample(k)
            else:
                counts[value] = count + 1

    def absorb(self, other: SiteTable) -> None:
        """Add `other`'s counts into this table. Samples of a hash in both: the smaller
        text, so the result does not depend on the order of merging."""
        counts, samples = self.counts, self.samples
        for value, count in other.counts.items():
            counts[value] = counts.get(value, 0) + count
        for value, text in other.samples.items():
            mine = samples.get(value)
            samples[value] = text if mine is None else min(mine, text)
        self.pages += other.pages
        self.undercount += other.undercount

    def drop_at_most(self, level: int) -> bool:
        """Forget blocks on `level` pages or fewer; True if any went (then every count of
        this table may be low by up to `level` more pages)."""
        doomed = [value for value, count in self.counts.items() if count <= level]
        for value in doomed:
            del self.counts[value]
            self.samples.pop(value, None)
        if doomed:
            self.undercount += level
        return bool(doomed)


@dataclass(slots=True)
class Profile:
    """Block counts of many sites. Add pages with `add_page`, add profiles with `merge`."""

    sites: dict[str, SiteTable] = field(default_factory=dict)

    def add_page(self, site: str, lines: Sequence[str]) -> None:
        table = self.sites.get(site)
        if table is None:
            table = self.sites[site] = SiteTable()
        table.add_page(lines)

    def merge(self, other: Profile) -> Profile:
        """The profile of both profiles' pages: counts, pages and undercounts add up.
        Exact, associative and commutative, so shards can be merged in any grouping.
        Neither input changes."""
        out = Profile({site: _copy(table) for site, table in self.sites.items()})
        out.absorb(_copy_profile(other))
        return out

    def absorb(self, other: Profile) -> None:
        """`merge` in place: add `other` into this profile, taking over its tables (do not
        use `other` afterwards). What a learner does with each shard's result."""
        for site, table in other.sites.items():
            mine = self.sites.get(site)
            if mine is None:
                self.sites[site] = table
            else:
                mine.absorb(table)

    def entries(self) -> int:
        return sum(len(table.counts) for table in self.sites.values())

    def pages(self) -> int:
        return sum(table.pages for table in self.sites.values())

    def prune(self, max_entries: int = MAX_ENTRIES) -> int:
        """Bound memory: if more than `max_entries` blocks are held, forget every block on
        `level` pages or fewer, with `level` the smallest that leaves at most half of
        `max_entries` (usually 1: the singletons). Returns the level (0: nothing done).

        Error bound: a forgotten block that comes back is counted from zero, so its count
        lacks at most `level` pages per prune; each site table adds `level` to its
        `undercount` whenever it loses a block, so every count c of a site is known to lie in
        [c, c + undercount]. Counts only ever err low, so pruning can make the filter keep a
        block, never remove one.
        """
        if self.entries() <= max_entries:
            return 0
        histogram = Counter(c for table in self.sites.values() for c in table.counts.values())
        keep = self.entries()
        level = 0
        for count in sorted(histogram):
            if keep <= max_entries // 2:
                break
            keep -= histogram[count]
            level = count
        for table in self.sites.values():
            table.drop_at_most(level)
        return level

    def write(self, path: Path, min_share: float = WRITE_MIN_SHARE) -> None:
        """Write the profile file (atomically): blocks on `WRITE_MIN_PAGES` or more pages and
        `min_share` or more of their site's pages."""
        write_atomic(path, "".join(profile_lines(self, min_share)))


def _copy(table: SiteTable) -> SiteTable:
    return SiteTable(table.pages, table.undercount, dict(table.counts), dict(table.samples))


def _copy_profile(profile: Profile) -> Profile:
    return Profile({site: _copy(table) for site, table in profile.sites.items()})


def profile_lines(profile: Profile, min_share: float = WRITE_MIN_SHARE) -> Iterator[str]:
    """The file's lines: a header, then per site (sorted) a site line and its blocks, most
    frequent first (ties by hash). A block is `[hash, pages, lines, sample]`."""
    header = {
        "format": PROFILE_FORMAT,
        "version": PROFILE_VERSION,
        "hash": "blake2b-64 of the normalised line; runs: of their lines' digests",
        "normalise": "casefold, punctuation and symbols dropped, digits as 0, spaces collapsed",
        "runs": list(RUN_LENGTHS),
        "written": f"blocks on {WRITE_MIN_PAGES}+ pages and {min_share:.0%}+ of their site's",
        "sites": len(profile.sites),
        "pages": profile.pages(),
    }
    yield json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n"
    for site in sorted(profile.sites):
        table = profile.sites[site]
        floor = max(WRITE_MIN_PAGES, math.ceil(min_share * table.pages))
        kept = [(c, v) for v, c in table.counts.items() if c >= floor]
        # A block left out of this file lacks up to floor - 1 pages when files are merged;
        # say so in the site's bound.
        dropped = len(kept) < len(table.counts)
        undercount = table.undercount + (floor - 1 if dropped else 0)
        head = {"site": site, "pages": table.pages, "undercount": undercount}
        yield json.dumps(head, ensure_ascii=False, sort_keys=True) + "\n"
        for count, value in sorted(kept, key=lambda item: (-item[0], item[1])):
            sample = table.samples.get(value)
            lines = sample.count("\n") + 1 if sample is not None else None
            entry = [f"{value:016x}", count, lines, sample]
            yield json.dumps(entry, ensure_ascii=False) + "\n"


def read_profile(path: str | Path) -> Profile:
    """Read a profile file; a file of another format or version is refused with what to do."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as stream:
            return parse_profile(stream, str(path))
    except FileNotFoundError:
        raise ProfileError(
            f"{path}: no such profile; learn one with `cleaner learn INPUT -o {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc})") from None


def parse_profile(lines: Iterable[str], name: str = "<profile>") -> Profile:
    """A profile from the lines of its file (see `profile_lines`)."""
    stream = iter(lines)
    header = _json(next(stream, ""), name, 1)
    if not isinstance(header, dict) or header.get("format") != PROFILE_FORMAT:
        raise ProfileError(
            f"{name}: not a cleaner profile (no {PROFILE_FORMAT!r} header); learn one with "
            "`cleaner learn INPUT -o PROFILE`"
        )
    version = header.get("version")
    if version != PROFILE_VERSION:
        raise ProfileError(
            f"{name}: profile format version {version!r}, but this cleaner reads version "
            f"{PROFILE_VERSION}; learn it again with `cleaner learn` (profiles are rebuilt "
            "from the corpus, not converted)"
        )
    profile = Profile()
    table: SiteTable | None = None
    for number, line in enumerate(stream, start=2):
        if not line.strip():
            continue
        item = _json(line, name, number)
        if isinstance(item, dict) and isinstance(item.get("site"), str):
            table = profile.sites.setdefault(item["site"], SiteTable())
            table.pages += int(item.get("pages", 0))
            table.undercount += int(item.get("undercount", 0))
        elif isinstance(item, list) and len(item) == 4 and table is not None:
            try:
                value, count = int(item[0], 16), int(item[1])
            except (TypeError, ValueError):
                raise ProfileError(
                    f"{name} line {number}: a block needs a hex hash and a count"
                ) from None
            table.counts[value] = table.counts.get(value, 0) + count
            if isinstance(item[3], str):
                table.samples[value] = item[3]
        else:
            raise ProfileError(
                f"{name} line {number}: expected a site line or a block "
                "[hash, pages, lines, sample] after one; was the file edited by hand?"
            )
    return profile


def _json(line: str, name: str, number: int) -> object:
    try:
        return json.loads(line)
    except ValueError:
        raise ProfileError(
            f"{name} line {number}: not JSON; a profile is written by `cleaner learn`"
        ) from None
