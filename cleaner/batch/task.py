"""One unit of a corpus run: clean one input file or JSONL shard into its output.

A task runs the same in the parent process, in a pool worker or on a Dask worker: it gets a
picklable `Job` (the settings) and `Task` (the paths), builds its Cleaner from the config,
streams the input, writes every output through a temporary name and a rename, and writes
its completion record last. The record holds what the run report and `_errors.jsonl` need,
so a rerun after `kill -9` skips finished tasks and still reports the whole job exactly
(what a task did, and that record: `cleaner.batch.results`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.api import Cleaner
from cleaner.batch.results import TaskResult
from cleaner.config import CleanerConfig
from cleaner.corpus.files import (
    ByteSink,
    ShardLines,
    as_file_text,
    atomic_output,
    decode_with_replacement,
    json_line,
    read_document,
    write_atomic,
)
from cleaner.corpus.inputs import Include, Kind, is_gzip
from cleaner.corpus.loss import suspicious_loss
from cleaner.corpus.records import ID_FIELD, Fields, NotText, clean_bytes, clean_record, cleaner_for
from cleaner.document import Cleaned
from cleaner.profiles.profile import folder_site

# A worker tells the progress bar how far a shard has got every this many bytes read.
PROGRESS_EVERY_BYTES = 4 << 20

# (file bytes read since the last call, documents since the last call)
ProgressSink = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Job:
    """What every task of a run shares: the settings that decide the output bytes."""

    config: CleanerConfig
    fields: Fields = field(default_factory=Fields)
    removals: bool = False
    include: tuple[Include, ...] = ()  # decides what an included file is read as
    min_confidence: float | None = None  # documents judged below it go to _rejected.jsonl

    def fingerprint(self) -> dict[str, Any]:
        """What a finished output depends on, in JSON form: a rerun with different settings
        must not mix its outputs with these. Rule packs count by content (the packs in
        force after disabling), so an edited pack file counts as a change."""
        packs = repr([(pack.name, pack.rules) for pack in self.config.packs()]).encode()
        others = {
            f.name: repr(getattr(self.config, f.name))
            for f in dataclass_fields(self.config)
            if f.name not in ("rules", "builtin_rules", "disabled_rules", "profile")
        }
        if self.config.profile is not None:  # a profile counts by content, like the packs
            profile = Path(self.config.profile).read_bytes()
            others["profile_sha256"] = hashlib.sha256(profile).hexdigest()
        return {
            "cleaner": __version__,
            "rules_sha256": hashlib.sha256(packs).hexdigest(),
            "config": others,
            "text_field": self.fields.text,
            "html_field": self.fields.html,
            "removals": self.removals,
            "include": [f"{rule.glob}:{rule.kind}" for rule in self.include],
            "min_confidence": self.min_confidence,
        }

    def rejects(self, cleaned: Cleaned) -> bool:
        """Whether `cleaned` falls below `min_confidence` (never, without a confidence)."""
        bar, confidence = self.min_confidence, cleaned.confidence
        return bar is not None and confidence is not None and confidence < bar


@dataclass(frozen=True, slots=True)
class Task:
    """One input and where its results go. `size` and `mtime_ns` identify the input version
    a completion record was made from: an input changed since is cleaned again. `record`
    is None when nothing is to be resumed (cleaning one file to one file)."""

    rel: str
    kind: Kind
    source: Path
    output: Path
    record: Path | None
    audit: Path | None
    size: int
    mtime_ns: int


def read_completion(task: Task) -> TaskResult | None:
    """The finished result of `task` if its record exists, matches the input as it is now,
    and its outputs are still there; None means the task must run (again)."""
    if task.record is None:
        return None
    if task.audit is not None and not task.audit.exists():
        return None
    try:
        data = json.loads(task.record.read_bytes())
        if data["input"] == task.rel and (data["size"], data["mtime_ns"]) == (
            task.size,
            task.mtime_ns,
        ):
            result = TaskResult.from_record(data)
            # A document file left out for its confidence has no output, by design.
            whole_file_rejected = task.kind != "jsonl" and bool(result.rejected)
            if whole_file_rejected or task.output.exists():
                return result
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or unreadable (a crash cannot leave it half-written): run the task
    return None


def audit_entry(
    source: str, record: int | None, doc_id: object, cleaned: Cleaned
) -> dict[str, Any]:
    """One line of a removals audit file: the document and every removal with the text it
    took away; the same facts `cleaner explain --json` gives."""
    lines = cleaned.document.lines
    removals = []
    for removal in cleaned.removals:
        entry = removal.to_dict()
        line = lines[removal.line]
        entry["text"] = line if removal.span is None else line[removal.span[0] : removal.span[1]]
        removals.append(entry)
    return {"source": source, "record": record, "id": doc_id, "removals": removals}


def rejected_entry(
    source: str, record: int | None, doc_id: object, cleaned: Cleaned, bar: float
) -> dict[str, Any]:
    """One line of `_rejected.jsonl`: which document was left out, and why. The document
    itself is still in the input (`source`, line `record` of a shard)."""
    assert cleaned.confidence is not None
    reason = f"confidence {cleaned.confidence:.2f} is below --min-confidence {bar:g}"
    route = cleaned.route
    return {
        "source": source,
        "record": record,
        "id": doc_id,
        "confidence": cleaned.confidence,
        "reason": reason,
        "extractor": route.extractor if route else None,
        "route": route.reason if route else None,
    }


def run_task(job: Job, task: Task, progress: ProgressSink | None = None) -> TaskResult:
    """Clean one input into its outputs and record completion; never raises for a problem
    with the input (it is in the result), so one bad file cannot stop a batch."""
    result = TaskResult(task.rel)
    if task.record is not None:  # a stale record must not outlive a failed retry
        task.record.unlink(missing_ok=True)
    try:
        cleaner = cleaner_for(job.config)
        if task.kind == "jsonl":
            _clean_shard(job, task, cleaner, result, progress)
        else:
            _clean_document(job, task, cleaner, result)
        if task.record is not None:
            write_atomic(task.record, result.completion_record(task.size, task.mtime_ns))
    except NotText as exc:
        return _failed(result, exc.kind, exc.message)
    except OSError as exc:
        return _failed(result, "unreadable", f"cannot read or write it ({exc.strerror or exc})")
    except Exception as exc:  # a bug must cost one file, not the batch
        return _failed(result, "cleaning-failed", f"{type(exc).__name__}: {exc}")
    result.done = True
    return result


def _failed(result: TaskResult, kind: str, message: str) -> TaskResult:
    """The task produced nothing that counts: one error, no partial counts."""
    failed = TaskResult(result.rel, progress_sent=result.progress_sent)
    failed.problem(kind, message if message.startswith("skipped") else f"skipped: {message}")
    return failed


def _clean_document(job: Job, task: Task, cleaner: Cleaner, result: TaskResult) -> None:
    raw = read_document(task.source)
    site = _fallback_site(task, cleaner)
    decoded, text, cleaned = clean_bytes(raw.data, task.kind == "html", cleaner, site)
    if decoded.replaced:
        result.problem(
            "undecodable",
            f"{decoded.replaced} byte sequence(s) not valid {decoded.encoding}, replaced "
            "with U+FFFD; the file was cleaned",
        )
    if raw.damage is not None:
        result.problem(*raw.damage)
    stats = result.stats
    if job.rejects(cleaned):
        assert job.min_confidence is not None
        task.output.unlink(missing_ok=True)  # a previous run's output of this input
        stats.files_bytes += task.size
        stats.documents_in += 1
        stats.documents_rejected += 1
        stats.judged(cleaned)
        result.rejected.append(
            rejected_entry(task.rel, None, task.rel, cleaned, job.min_confidence)
        )
        return
    written = as_file_text(cleaned.text).encode("utf-8")
    with atomic_output(task.output, compress=is_gzip(task.output.name)) as out:
        out.write(written)
    stats.files_bytes += task.size
    stats.documents_in += 1
    stats.count(text, cleaned, len(raw.data), len(written))
    _check_loss(result, cleaned, None)
    if job.removals and cleaned.removals:
        result.audit.append(audit_entry(task.rel, None, task.rel, cleaned))


def _check_loss(result: TaskResult, cleaned: Cleaned, record: int | None) -> None:
    """A `suspicious-loss` warning when cleaning lost suspiciously much (corpus.loss)."""
    loss = suspicious_loss(cleaned)
    if loss is not None:
        result.stats.losses[loss.rule] += 1
        result.problem("suspicious-loss", loss.message(), record)


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None, int]:
    """A JSONL line as a record: (record, problem, undecodable byte sequences replaced).
    Invalid UTF-8 is replaced rather than fatal; anything but a JSON object is a problem."""
    replaced = 0
    try:
        value = json.loads(raw)
    except UnicodeDecodeError:
        decoded = decode_with_replacement(raw, "utf-8")
        replaced = decoded.replaced
        try:
            value = json.loads(decoded.text)
        except ValueError as exc:
            return None, f"malformed JSON ({exc}); line left out", replaced
    except ValueError as exc:
        return None, f"malformed JSON ({exc}); line left out", replaced
    if not isinstance(value, dict):
        return None, f"a JSON {type(value).__name__}, not an object; line left out", replaced
    return value, None, replaced


def _fallback_site(task: Task, cleaner: Cleaner) -> str | None:
    """The site of an input's pages that name none (its folder's name), for a profile
    filter; None when the Cleaner has no filter that asks."""
    return folder_site(task.source) if cleaner.site_aware else None


def _clean_shard(
    job: Job, task: Task, cleaner: Cleaner, result: TaskResult, progress: ProgressSink | None
) -> None:
    lines = ShardLines(task.source, compressed=is_gzip(task.source.name))
    ticker = _Ticker(progress)
    site = _fallback_site(task, cleaner)  # once per shard, not per record
    with ExitStack() as stack:
        out = stack.enter_context(atomic_output(task.output, compress=is_gzip(task.output.name)))
        audit = stack.enter_context(atomic_output(task.audit)) if task.audit else None
        for number, record, raw in _records(lines, result):
            _clean_one_record(job, task, cleaner, result, out, audit, number, record, raw, site)
            ticker.advance(lines.bytes_read)
        for line_number, kind, message in lines.problems:
            result.problem(kind, message, line_number)
        # In line order (the reader reports its own problems as it can), the stream last.
        result.errors.sort(key=lambda error: (error["record"] is None, error["record"] or 0))
    result.stats.files_bytes += lines.bytes_read
    ticker.finish(lines.bytes_read)
    result.progress_sent = progress is not None


def _records(lines: ShardLines, result: TaskResult) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    """Parsed records with their line numbers and raw lines."""
    for number, raw in lines:
        if not raw.strip():
            continue  # a blank line holds no record
        record, problem, replaced = parse_line(raw)
        if replaced:
            result.problem(
                "undecodable",
                f"{replaced} byte sequence(s) not valid UTF-8, replaced with U+FFFD; "
                "the record was cleaned",
                number,
            )
        if record is None:
            result.problem("malformed-json", problem or "", number)
            continue
        result.stats.documents_in += 1
        yield number, record, raw


def _clean_one_record(
    job: Job,
    task: Task,
    cleaner: Cleaner,
    result: TaskResult,
    out: ByteSink,
    audit: ByteSink | None,
    number: int,
    record: dict[str, Any],
    raw: bytes,
    site: str | None,
) -> None:
    try:
        outcome = clean_record(record, cleaner, job.fields, site)
    except Exception as exc:  # one record's failure must not lose the rest of the shard
        result.problem("cleaning-failed", f"{type(exc).__name__}: {exc}; left out", number)
        return
    cleaned = outcome.cleaned
    if cleaned is not None and job.rejects(cleaned):
        assert job.min_confidence is not None
        result.stats.documents_rejected += 1
        result.stats.judged(cleaned)
        doc_id = record.get(ID_FIELD)
        entry = rejected_entry(task.rel, number, doc_id, cleaned, job.min_confidence)
        result.rejected.append(entry)
        return
    # An all-ASCII line was written with non-ASCII escaped: keep the producer's style.
    line = json_line(outcome.record, escape_non_ascii=raw.isascii())
    out.write(line)
    result.stats.count(
        record.get(job.fields.source) or "", outcome.cleaned, len(raw), len(line) - 1
    )
    if outcome.cleaned is None:
        result.problem("missing-field", outcome.problem or "", number)
        return
    _check_loss(result, outcome.cleaned, number)
    if audit is not None and outcome.cleaned.removals:
        doc_id = record.get(ID_FIELD)
        audit.write(json_line(audit_entry(task.rel, number, doc_id, outcome.cleaned)))


class _Ticker:
    """Batches progress reports from inside a shard: one message per few MB, not per record."""

    def __init__(self, sink: ProgressSink | None) -> None:
        self.sink = sink
        self.sent_bytes = 0
        self.documents = 0

    def advance(self, bytes_read: int) -> None:
        self.documents += 1
        if self.sink is not None and bytes_read - self.sent_bytes >= PROGRESS_EVERY_BYTES:
            self.sink(bytes_read - self.sent_bytes, self.documents)
            self.sent_bytes, self.documents = bytes_read, 0

    def finish(self, bytes_read: int) -> None:
        if self.sink is not None:
            self.sink(bytes_read - self.sent_bytes, self.documents)
