"""Planning a corpus run: the output folder's own names, one distinct output path per
input, an entry for every file or folder that will not be cleaned, and how each kind of
entry counts (a failure, a warning, or skipped by design).

The plan is a pure function of the input folder and the settings, so a rerun after
`kill -9` plans the same tasks and names, and its output is byte-identical.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Literal

from cleaner.batch.task import Job, Task
from cleaner.corpus.files import UnsafePathError, safe_output_path
from cleaner.corpus.inputs import GZIP_SUFFIX, Include, Kind, is_gzip, output_rel, scan_inputs

REPORT_NAME = "_report.json"
ERRORS_NAME = "_errors.jsonl"
REJECTED_NAME = "_rejected.jsonl"
REMOVALS_DIR = "_removals"
STATE_DIR = "_cleaner"
# The audit file of the text and HTML documents of one folder (shards have their own).
FOLDER_AUDIT_NAME = "_documents.jsonl"
# Output names the run keeps for itself; an input that would land on one is reported.
RESERVED_NAMES = (REPORT_NAME, ERRORS_NAME, REJECTED_NAME, REMOVALS_DIR, STATE_DIR)
Severity = Literal["failed", "warning", "skipped"]
# How each kind of entry in `_errors.jsonl` counts. `failed`: something the user may want
# was not cleaned, or not all of it; the run's exit status is 1. `warning`: cleaned, but
# worth a look. `skipped`: not an input by design (another format; a symlinked folder whose
# files are read where it points), listed so that nothing goes unmentioned. Kinds not
# named here are failures.
SEVERITIES: MappingProxyType[str, Severity] = MappingProxyType(
    {
        "unsupported": "skipped",
        "symlink-loop": "skipped",
        "symlink-inside": "skipped",
        "undecodable": "warning",
        "renamed-output": "warning",
        "suspicious-loss": "warning",
    }
)
# Entries that are about an input that also has a task (not an input of their own).
NOTICE_KINDS = frozenset({"renamed-output"})


def severity(kind: str) -> Severity:
    return SEVERITIES.get(kind, "failed")


def plan_tasks(
    source: Path, output: Path, job: Job, include: Sequence[Include] = ()
) -> Iterator[Task | dict[str, Any]]:
    """The tasks of a run in input order, and an entry for every file or folder that will
    not be cleaned (see `scan_inputs`) or whose output had to be renamed.

    Output names never collide: an input whose output keeps its own name (`a.txt`) gets
    it; an input whose name changes (`a.html` -> `a.txt`) and would land on another's
    output gets a longer one (`a.html.txt`), as does one that would land on the run's own
    files (`_errors.jsonl` -> `_errors~2.jsonl`). The plan is the same on every rerun."""
    found = list(scan_inputs(source, include))
    usable = [item for item in found if item.problem is None and item.kind is not None]
    kept = {item.rel for item in usable if output_rel(item.rel, item.kind or "text") == item.rel}
    audits = {folder_audit_rel(item.rel) for item in usable if item.kind != "jsonl"}
    names = _OutputNames(kept, audits if job.removals else set())
    for item in found:
        if item.problem is not None or item.kind is None:
            kind, message = item.problem or ("unsupported", "skipped")
            yield error_entry(item.rel, kind, message)
            continue
        shard = item.kind == "jsonl"
        out_rel = names.claim_output(item.rel, item.kind)
        if out_rel != output_rel(item.rel, item.kind):
            yield error_entry(item.rel, "renamed-output", _renamed(item.rel, item.kind, out_rel))
        audit_rel = None
        if job.removals:
            audit_rel = names.claim_audit(out_rel) if shard else folder_audit_rel(item.rel)
        try:
            stat = item.path.stat()
            yield Task(
                rel=item.rel,
                kind=item.kind,
                source=item.path.absolute(),
                output=safe_output_path(output, out_rel).absolute(),
                record=safe_output_path(output, f"{STATE_DIR}/done/{item.rel}.json").absolute(),
                audit=safe_output_path(output, audit_rel).absolute()
                if shard and audit_rel
                else None,
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
            )
        except UnsafePathError as exc:
            yield error_entry(item.rel, "unsafe-output", f"skipped: {exc}")
        except OSError as exc:
            problem = f"cannot read it or make its output folder ({exc.strerror}: {exc.filename})"
            yield error_entry(item.rel, "unreadable", f"skipped: {problem}")


def _renamed(rel: str, kind: Kind, out_rel: str) -> str:
    natural = output_rel(rel, kind)
    return f"written to {out_rel}: {natural} is another input's output or the run's own"


class _OutputNames:
    """Hands out distinct output paths (relative to the output folder). `kept` are the
    inputs whose output keeps their own name: those names are theirs whatever the order;
    `audits` the folder audit files, which the documents of a folder share."""

    def __init__(self, kept: set[str], audits: set[str]) -> None:
        self.kept = kept
        self.taken: set[str] = set(audits)

    def claim_output(self, rel: str, kind: Kind) -> str:
        natural = output_rel(rel, kind)
        mine = rel if natural == rel else None
        candidates = [natural] if natural == rel else [natural, _with_text_suffix(rel)]
        for candidate in itertools.chain(candidates, _numbered_names(natural)):
            taken = candidate in self.taken or (candidate in self.kept and candidate != mine)
            if not taken and PurePosixPath(candidate).parts[0] not in RESERVED_NAMES:
                self.taken.add(candidate)
                return candidate
        raise AssertionError("unreachable: numbered names never run out")

    def claim_audit(self, out_rel: str) -> str:
        """A shard's removals audit: `_removals/<its output, without .gz>`, or a free name."""
        name = out_rel[: -len(GZIP_SUFFIX)] if is_gzip(out_rel) else out_rel
        numbered = (f"{REMOVALS_DIR}/{_numbered(name, n)}" for n in itertools.count(2))
        for candidate in itertools.chain([f"{REMOVALS_DIR}/{name}"], numbered):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise AssertionError("unreachable: numbered names never run out")


def _numbered_names(rel: str) -> Iterator[str]:
    return (_numbered(rel, n) for n in itertools.count(2))


def _with_text_suffix(rel: str) -> str:
    """`a.html` -> `a.html.txt`; `a.html.gz` -> `a.html.txt.gz`."""
    cut = len(rel) - len(GZIP_SUFFIX) if is_gzip(rel) else len(rel)
    return rel[:cut] + ".txt" + rel[cut:]


def _numbered(rel: str, n: int) -> str:
    """`rel` with `~n` added where it frees the name: to the first folder when that is one
    of the run's own (`_cleaner/x.txt` -> `_cleaner~2/x.txt`), else to the file's name
    before its suffixes (`a.txt` -> `a~2.txt`, `.x.txt` -> `.x~2.txt`)."""
    parts = list(PurePosixPath(rel).parts)
    if len(parts) > 1 and parts[0] in RESERVED_NAMES:
        parts[0] += f"~{n}"
        return str(PurePosixPath(*parts))
    name = parts[-1]
    cut = name.find(".", 1)
    parts[-1] = f"{name}~{n}" if cut < 0 else f"{name[:cut]}~{n}{name[cut:]}"
    return str(PurePosixPath(*parts))


def folder_audit_rel(rel: str) -> str:
    """The removals audit file the documents of `rel`'s folder share."""
    folder = PurePosixPath(rel).parent
    return str(PurePosixPath(REMOVALS_DIR) / folder / FOLDER_AUDIT_NAME)


def error_entry(rel: str, kind: str, message: str) -> dict[str, Any]:
    """A line of `_errors.jsonl` about a whole input (`record` None)."""
    return {"source": rel, "record": None, "kind": kind, "error": message}
