"""What a task of a corpus run did: its counts for the run report and the problems it met,
and the completion record that lets a rerun skip it (`cleaner.batch.task` writes it last).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from typing import Any

from cleaner.document import Cleaned

# How many problems of one input are listed one by one; past that they are counted, so a
# shard that is all garbage cannot fill the memory of the worker reading it.
MAX_LISTED_ERRORS = 1000
# The `rule` reported for scored removals (a learned filter names no rule).
SCORED = "(scored)"

# A removal's (filter, rule) pair, read in C: counting is per removal, so it must be cheap.
_FILTER_RULE = attrgetter("filter", "rule")


@dataclass(slots=True)
class Stats:
    """Counts for the run report, added up over tasks. `bytes_in`/`bytes_out` are the
    documents as read and as written (a file, or a record's line without its line end,
    uncompressed); `files_bytes` the input file bytes read (compressed, for .gz), which is
    what throughput is measured in. `removals` counts (filter, rule) pairs; the report's
    per-filter and per-rule totals are derived from it (`by_filter`, `by_rule`). `losses`
    counts documents with a suspicious loss by the rule that took the most
    (`cleaner.corpus.loss`); `confidence` the documents judged, by confidence bin (its
    first digit: "0.8" holds 0.80-0.89, "1.0" only 1); `documents_rejected` those left out
    for a confidence below `--min-confidence`."""

    files_bytes: int = 0
    documents_in: int = 0
    documents_out: int = 0
    documents_emptied: int = 0
    documents_rejected: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removals: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    losses: Counter[str] = field(default_factory=Counter)  # suspicious losses, by rule
    confidence: Counter[str] = field(default_factory=Counter)  # documents by confidence bin

    def add(self, other: Stats) -> None:
        for item in dataclass_fields(self):  # numbers add up, and so do Counters
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def count(self, source: str, cleaned: Cleaned | None, bytes_in: int, bytes_out: int) -> None:
        """Count one document written: its bytes, and what cleaning removed (None: it was
        passed through uncleaned). `source.strip()` copies a page: only done when needed.
        The removals are counted by `Counter.update` over a C-level map: a per-removal
        Python loop here cost a tenth of the rules-only cleaning time."""
        self.documents_out += 1
        self.bytes_in += bytes_in
        self.bytes_out += bytes_out
        if cleaned is None:
            return
        self.documents_emptied += not cleaned.text and bool(source.strip())
        self.removals.update(map(_FILTER_RULE, cleaned.removals))
        self.judged(cleaned)

    def judged(self, cleaned: Cleaned) -> None:
        """Count a document's confidence in its bin (none when it has no confidence)."""
        if cleaned.confidence is not None:
            self.confidence[confidence_bin(cleaned.confidence)] += 1

    @property
    def by_filter(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for (name, _rule), count in self.removals.items():
            totals[name] += count
        return totals

    @property
    def by_rule(self) -> Counter[str]:
        """Removals per rule id; a learned filter's removals name no rule and are counted
        as `FILTER (scored)`."""
        totals: Counter[str] = Counter()
        for (name, rule), count in self.removals.items():
            totals[rule or f"{name} {SCORED}"] += count
        return totals

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            item.name: getattr(self, item.name)
            for item in dataclass_fields(self)
            if item.name not in ("removals", "losses", "confidence")
        }
        pairs = sorted(self.removals.items(), key=lambda item: (item[0][0], item[0][1] or ""))
        out["removals"] = [[name, rule, count] for (name, rule), count in pairs]
        out["losses"] = dict(sorted(self.losses.items()))
        out["confidence"] = dict(sorted(self.confidence.items()))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stats:
        data = dict(data)
        removals = Counter({(name, rule): count for name, rule, count in data.pop("removals")})
        losses = Counter(data.pop("losses"))
        confidence = Counter(data.pop("confidence"))
        return cls(**data, removals=removals, losses=losses, confidence=confidence)


# The bins of the report's confidence histogram, every one listed even when empty.
CONFIDENCE_BINS = tuple(f"{tenth / 10:.1f}" for tenth in range(11))


def confidence_bin(confidence: float) -> str:
    """The report's bin of a confidence: "0.0" ... "0.9" (tenths, rounded down), "1.0"."""
    return f"{min(int(confidence * 10), 10) / 10:.1f}"


@dataclass(slots=True)
class TaskResult:
    """What a task did. `done` means its outputs and completion record are in place;
    otherwise nothing it wrote counts and a rerun tries again. `errors` are the entries for
    `_errors.jsonl`; `audit` the removals of a document file (shards write their own);
    `rejected` the entries for `_rejected.jsonl` (documents below `--min-confidence`)."""

    rel: str
    done: bool = False
    stats: Stats = field(default_factory=Stats)
    errors: list[dict[str, Any]] = field(default_factory=list)
    unlisted_errors: int = 0
    audit: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    progress_sent: bool = False

    def problem(self, kind: str, message: str, record: int | None = None) -> None:
        if len(self.errors) >= MAX_LISTED_ERRORS:
            self.unlisted_errors += 1
            return
        self.errors.append({"source": self.rel, "record": record, "kind": kind, "error": message})

    def completion_record(self, size: int, mtime_ns: int) -> str:
        """The completion record of the input version (`size`, `mtime_ns`) cleaned: one
        JSON line, the task's last write."""
        body = {
            "input": self.rel,
            "size": size,
            "mtime_ns": mtime_ns,
            "stats": self.stats.to_dict(),
            "errors": self.errors,
            "unlisted_errors": self.unlisted_errors,
            "audit": self.audit,
            "rejected": self.rejected,
        }
        return json.dumps(body, ensure_ascii=True) + "\n"  # insertion order is deterministic

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> TaskResult:
        return cls(
            rel=data["input"],
            done=True,
            stats=Stats.from_dict(data["stats"]),
            errors=data["errors"],
            unlisted_errors=data["unlisted_errors"],
            audit=data["audit"],
            rejected=data["rejected"],
        )
