"""`cleaner learn`: count a corpus's repeated blocks per site into a profile.

Learning reads exactly the text cleaning reads (a text file as it is, an HTML page's main
text, a record's `--text-field` or extracted `--html-field`), so the blocks it counts are the
blocks the filter later meets. Each input file or shard is one task (`count_input`), run in
this process, on a pool of processes (`--jobs`) or on Dask; each returns a Profile and the
parent adds them up (`Profile.absorb`), pruning when memory runs over its bound.

The site of a page: the host of a record's `url` field (without "www."), else the record's
`site` field, else the name of the folder holding the input file. `cleaner clean --profile`
finds a page's site by the same rule (`cleaner.profiles.profile.record_site`, `folder_site`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from cleaner.batch.executors.local import default_jobs, pool_map
from cleaner.batch.plan import severity
from cleaner.corpus.files import (
    ShardLines,
    decode_bytes,
    drop_controls,
    not_text_problem,
    read_document,
)
from cleaner.corpus.inputs import SUPPORTED_INPUTS, input_kind, is_gzip, scan_inputs
from cleaner.corpus.records import URL_FIELD, Fields
from cleaner.profiles.profile import MAX_ENTRIES, SITE_FIELD, Profile, folder_site, record_site
from cleaner.text.lines import split_lines

# A shard checks its memory bound every this many pages (the check sums the site tables).
PRUNE_EVERY_PAGES = 100
# Problems of one input listed one by one; the rest are only counted.
MAX_LISTED_PROBLEMS = 20

Engine = Literal["local", "dask"]


@dataclass(frozen=True, slots=True)
class LearnJob:
    """What every learning task shares (picklable): which fields to read, and the bound
    on blocks held in memory (see `Profile.prune`)."""

    fields: Fields = field(default_factory=Fields)
    max_entries: int = MAX_ENTRIES


@dataclass(frozen=True, slots=True)
class LearnInput:
    """One input file or shard to count."""

    path: Path
    kind: str
    rel: str


@dataclass(slots=True)
class LearnResult:
    """A task's counts, pages read and problems (the first few listed, all counted)."""

    profile: Profile = field(default_factory=Profile)
    pages: int = 0
    bytes_read: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    skipped: int = 0  # files of other formats and symlinked folders, not read

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(message)

    def absorb(self, other: LearnResult, max_entries: int) -> None:
        self.profile.absorb(other.profile)
        self.profile.prune(max_entries)
        self.pages += other.pages
        self.bytes_read += other.bytes_read
        self.problem_count += other.problem_count
        room = MAX_LISTED_PROBLEMS - len(self.problems)
        self.problems.extend(other.problems[: max(0, room)])


def find_learn_inputs(
    paths: Sequence[Path],
) -> tuple[list[LearnInput], list[tuple[str, str]]]:
    """The inputs under the given files and folders, in a stable order, and a line for each
    file or folder under them that is not read (other formats, symlinked folders, ...: see
    `scan_inputs`) as (kind, line); a path that is neither an input file nor a folder is
    refused with what to give instead."""
    found: list[LearnInput] = []
    not_read: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for item in scan_inputs(path):
                rel = f"{path.name}/{item.rel}"
                if item.problem is not None or item.kind is None:
                    problem, message = item.problem or ("unsupported", "skipped")
                    not_read.append((problem, f"{rel}: {message}"))
                else:
                    found.append(LearnInput(item.path.absolute(), item.kind, rel))
            continue
        kind = input_kind(path.name)
        if not path.is_file() or kind is None:
            raise ValueError(
                f"{path}: not a folder nor a file of {SUPPORTED_INPUTS}; "
                "give the corpus files or folders to learn from"
            )
        found.append(LearnInput(path.absolute(), kind, path.name))
    return found, not_read


def page_text(value: str, fields: Fields, url: object) -> str:
    """The text cleaning would see: the value itself, or an HTML page's main text."""
    if fields.html is None:
        return value
    from cleaner.html.backends.trafilatura import extract_text  # trafilatura only for HTML work

    return extract_text(value, url if isinstance(url, str) else None)


def count_input(job: LearnJob, item: LearnInput) -> LearnResult:
    """Count one input file or shard; problems with the input are in the result."""
    result = LearnResult()
    try:
        if item.kind == "jsonl":
            _count_shard(job, item, result)
        else:
            data = read_document(item.path).data
            result.bytes_read += len(data)
            if item.kind == "html":
                from cleaner.html.decode import decode_html

                decoded = decode_html(data)
            else:
                decoded = decode_bytes(data)
            not_text = not_text_problem(decoded)
            if not_text is not None:
                result.problem(f"{item.rel}: {not_text[1]}")
                return result
            text = drop_controls(decoded.text)
            if item.kind == "html":
                text = page_text(text, Fields(html="html"), None)
            result.profile.add_page(folder_site(item.path), split_lines(text))
            result.pages += 1
    except OSError as exc:
        result.problem(f"{item.rel}: skipped: cannot read it ({exc.strerror or exc})")
    result.profile.prune(job.max_entries)
    return result


def _count_shard(job: LearnJob, item: LearnInput, result: LearnResult) -> None:
    from cleaner.batch.task import parse_line  # the batch reader's rules for a JSONL line

    lines = ShardLines(item.path, compressed=is_gzip(item.path.name))
    fallback = folder_site(item.path)
    source = job.fields.source
    profile = result.profile
    for number, raw in lines:
        if not raw.strip():
            continue
        record, problem, _ = parse_line(raw)
        if record is None:
            result.problem(f"{item.rel} line {number}: {problem}")
            continue
        value = record.get(source)
        if not isinstance(value, str):
            result.problem(f"{item.rel} line {number}: no text in field {source!r}; left out")
            continue
        site = record_site(record, SITE_FIELD, fallback) or fallback
        text = page_text(value, job.fields, record.get(URL_FIELD))
        profile.add_page(site, split_lines(text))
        result.pages += 1
        if result.pages % PRUNE_EVERY_PAGES == 0:
            profile.prune(job.max_entries)
    for line_number, _, message in lines.problems:
        where = f" line {line_number}" if line_number is not None else ""
        result.problem(f"{item.rel}{where}: {message}")
    result.bytes_read += lines.bytes_read


def learn(
    paths: Sequence[Path],
    job: LearnJob | None = None,
    *,
    jobs: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
) -> LearnResult:
    """Count every input under `paths` into one profile (`result.profile`). The profile is
    the same whatever `jobs` or engine, unless memory ran over `job.max_entries` (then
    counts are lower bounds, see `Profile.prune`)."""
    job = job or LearnJob()
    inputs, not_read = find_learn_inputs(paths)
    if not inputs:
        raise ValueError(f"no files of {SUPPORTED_INPUTS} in {', '.join(map(str, paths))}")
    total = LearnResult()
    for kind, line in not_read:  # other formats are skipped, as a clean run skips them
        if severity(kind) == "skipped":
            total.skipped += 1
        else:
            total.problem(line)
    for item, outcome in _execute(job, inputs, jobs or default_jobs(), engine, scheduler):
        if isinstance(outcome, LearnResult):
            total.absorb(outcome, job.max_entries)
        else:
            total.problem(f"{item.rel}: skipped: its worker failed ({outcome})")
    return total


def _execute(
    job: LearnJob, inputs: list[LearnInput], jobs: int, engine: Engine, scheduler: str | None
) -> Iterator[tuple[LearnInput, LearnResult | BaseException]]:
    if engine == "dask":
        try:
            from cleaner.batch.executors.dask import map_on_cluster
        except ImportError as exc:
            raise ValueError(
                f"--engine dask needs Dask ({exc}); install it with pip install 'cleaner[dask]'"
            ) from None
        yield from map_on_cluster(partial(count_input, job), inputs, jobs=jobs, scheduler=scheduler)
    elif jobs == 1 or len(inputs) == 1:
        for item in inputs:
            yield item, count_input(job, item)
    else:
        yield from pool_map(partial(count_input, job), inputs, min(jobs, len(inputs)))
