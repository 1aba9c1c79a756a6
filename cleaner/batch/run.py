"""Corpus runs: clean a folder of text, HTML and JSONL shards into a mirrored folder, on every
core or a Dask cluster, resumable after `kill -9`, with a report and an error list.

The run is planned (inputs found, outputs named, collisions and unsafe paths reported),
then every task not already finished runs (`cleaner.batch.task`), then the output folder's
summary files are rebuilt from the completion records: `_errors.jsonl`, the removals audit
of document folders, and `_report.json`. Rebuilding from records rather than from memory
is what makes a resumed run's output byte-identical to an uninterrupted one.

Output folder layout, beside the mirrored inputs:
    _report.json       what the whole job did (documents, bytes, removals, errors, speed)
    _errors.jsonl      one line per problem: source, record (line number), kind, error
    _removals/         with --removals: one audit file per shard, one per document folder
    _cleaner/          run state: job.json (the settings), done/ (completion records)
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from cleaner.batch.executors.local import default_jobs, pool_map
from cleaner.batch.progress import Progress
from cleaner.batch.results import Stats, TaskResult
from cleaner.batch.task import Job, Task, read_completion, run_task
from cleaner.config import CleanerConfig
from cleaner.corpus.files import (
    GZIP_SUFFIX,
    SUPPORTED_INPUTS,
    ByteSink,
    Include,
    Kind,
    UnsafePathError,
    atomic_output,
    input_kind,
    is_gzip,
    json_line,
    output_rel,
    safe_output_path,
    scan_inputs,
    sweep_temp_files,
    write_atomic,
)
from cleaner.corpus.records import Fields

REPORT_NAME = "_report.json"
ERRORS_NAME = "_errors.jsonl"
REMOVALS_DIR = "_removals"
STATE_DIR = "_cleaner"
# The audit file of the text and HTML documents of one folder (shards have their own).
FOLDER_AUDIT_NAME = "_documents.jsonl"
# Output names the run keeps for itself; an input that would land on one is reported.
RESERVED_NAMES = (REPORT_NAME, ERRORS_NAME, REMOVALS_DIR, STATE_DIR)
# Problems printed by the command line; the rest are only in _errors.jsonl.
FIRST_ERRORS_KEPT = 20

Engine = Literal["local", "dask"]

Severity = Literal["failed", "warning", "skipped"]
# How each kind of entry in `_errors.jsonl` counts. `failed`: something the user may want
# was not cleaned, or not all of it; the run's exit status is 1. `warning`: cleaned, but
# worth a look. `skipped`: not an input by design (another format; a symlinked folder whose
# files are read where it points), listed so that nothing goes unmentioned. Kinds not
# named here are failures.
SEVERITIES: dict[str, Severity] = {
    "unsupported": "skipped",
    "symlink-loop": "skipped",
    "symlink-inside": "skipped",
    "undecodable": "warning",
    "renamed-output": "warning",
    "suspicious-loss": "warning",
}
# Entries that are about an input that also has a task (not an input of their own).
NOTICE_KINDS = frozenset({"renamed-output"})


def severity(kind: str) -> Severity:
    return SEVERITIES.get(kind, "failed")


class BatchError(ValueError):
    """A run that cannot start; the message says what to change."""


@dataclass(slots=True)
class BatchSummary:
    """What a run returns: the report it wrote, the number of problems, and the first few
    problems (for a console; the full list is in `_errors.jsonl`)."""

    report: dict[str, Any]
    error_count: int
    first_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failures(self) -> int:
        """Entries that are failures (see SEVERITIES); warnings and skips are not."""
        return int(self.report["errors"]["by_severity"].get("failed", 0))

    @property
    def ok(self) -> bool:
        return self.failures == 0


def check_folders(source: Path, output: Path) -> None:
    """Refuse an output folder inside the input (outputs would be read back as inputs) or
    around it (outputs could overwrite inputs)."""
    source_real, output_real = source.resolve(), output.resolve()
    if output_real == source_real or output_real.is_relative_to(source_real):
        raise BatchError(
            f"-o {output} is inside the input folder {source}; choose an output folder "
            "outside it (outputs would be read back as inputs)"
        )
    if source_real.is_relative_to(output_real):
        raise BatchError(
            f"the input folder {source} is inside -o {output}; choose an output folder "
            "that does not contain the input (outputs could overwrite inputs)"
        )
    if output.exists() and not output.is_dir():
        raise BatchError(
            f"-o {output} exists and is not a folder; give a folder for a folder input"
        )


def check_has_inputs(source: Path, include: Sequence[Include]) -> None:
    """Refuse a folder with nothing to clean, saying what it does hold."""
    others = 0
    for item in scan_inputs(source, include):
        if item.kind is not None:
            return
        others += 1
    held = f" (it holds {others} file(s) of other formats)" if others else ""
    raise BatchError(
        f"{source} has no files to clean{held}: give a folder of {SUPPORTED_INPUTS}, "
        "or take other files with --include GLOB[:text|html|jsonl]"
    )


def claim_output(output: Path, job: Job) -> None:
    """Record the run's settings in the output folder, or check them on a rerun: finished
    outputs made with other settings must not be mixed with new ones."""
    path = output / STATE_DIR / "job.json"
    wanted = job.fingerprint()
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        write_atomic(path, json.dumps(wanted, indent=2, sort_keys=True) + "\n")
        return
    except ValueError:
        found = None
    if found != wanted:
        changed = sorted(
            k for k in wanted if not isinstance(found, dict) or found.get(k) != wanted[k]
        )
        raise BatchError(
            f"{output} holds a run made with other settings (changed: {', '.join(changed)}); "
            "rerun with the same options to resume it, or choose a new output folder"
        )


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
    audits = {_folder_audit_rel(item.rel) for item in usable if item.kind != "jsonl"}
    names = _OutputNames(kept, audits if job.removals else set())
    for item in found:
        if item.problem is not None or item.kind is None:
            kind, message = item.problem or ("unsupported", "skipped")
            yield _error(item.rel, kind, message)
            continue
        shard = item.kind == "jsonl"
        out_rel = names.claim_output(item.rel, item.kind)
        if out_rel != output_rel(item.rel, item.kind):
            yield _error(item.rel, "renamed-output", _renamed(item.rel, item.kind, out_rel))
        audit_rel = None
        if job.removals:
            audit_rel = names.claim_audit(out_rel) if shard else _folder_audit_rel(item.rel)
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
            yield _error(item.rel, "unsafe-output", f"skipped: {exc}")
        except OSError as exc:
            problem = f"cannot read it or make its output folder ({exc.strerror}: {exc.filename})"
            yield _error(item.rel, "unreadable", f"skipped: {problem}")


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


def _folder_audit_rel(rel: str) -> str:
    folder = PurePosixPath(rel).parent
    return str(PurePosixPath(REMOVALS_DIR) / folder / FOLDER_AUDIT_NAME)


def _error(rel: str, kind: str, message: str) -> dict[str, Any]:
    return {"source": rel, "record": None, "kind": kind, "error": message}


def clean_shard_file(
    source: Path, target: Path, *, config: CleanerConfig, fields: Fields | None = None
) -> TaskResult:
    """Clean one JSONL shard into `target` (same format; nothing to resume, no report):
    problems are in the result's `errors`, as a folder run would list them."""
    if input_kind(source.name) != "jsonl":
        raise BatchError(f"{source}: not a JSONL shard (.jsonl or .ndjson, maybe .gz)")
    if input_kind(target.name) != "jsonl" or is_gzip(target.name) != is_gzip(source.name):
        form = "gzipped JSONL (.jsonl.gz)" if is_gzip(source.name) else "JSONL (.jsonl)"
        raise BatchError(f"-o {target}: the shard is written as {form}; name it so")
    stat = source.stat()
    task = Task(source.name, "jsonl", source, target, None, None, stat.st_size, stat.st_mtime_ns)
    return run_task(Job(config, fields or Fields()), task)


def run_batch(
    source: Path,
    output: Path,
    *,
    config: CleanerConfig | None = None,
    fields: Fields | None = None,
    removals: bool = False,
    jobs: int | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
    show_progress: bool = False,
    include: Sequence[Include] = (),
) -> BatchSummary:
    """Clean the folder `source` into the folder `output` (see the module docstring).
    Rerunning the same call after an interruption finishes the job; finished inputs that
    have not changed are skipped. `include` takes files of other formats (`--include`).
    Raises BatchError when the run cannot start."""
    started = time.monotonic()
    check_folders(source, output)
    job = Job(config or CleanerConfig(), fields or Fields(), removals, tuple(include))
    jobs = jobs or default_jobs()
    check_has_inputs(source, include)
    output.mkdir(parents=True, exist_ok=True)
    claim_output(output, job)
    sweep_temp_files(output)
    plan = list(plan_tasks(source, output, job, include))
    todo = [entry for entry in plan if isinstance(entry, Task) and read_completion(entry) is None]
    failed: dict[str, TaskResult] = {}
    this_run = Stats()
    pooled = engine == "local" and min(jobs, len(todo)) > 1  # shards report from workers
    with Progress(show_progress, sum(task.size for task in todo), pooled) as progress:
        for task, outcome in _execute(job, todo, jobs, engine, scheduler, progress):
            result = _as_result(task, outcome)
            progress.finished(task.size, result)
            this_run.add(result.stats)
            if not result.done:
                failed[task.rel] = result
    elapsed = time.monotonic() - started
    summary = finalize(output, plan, failed, job)
    tasks_total = sum(isinstance(entry, Task) for entry in plan)
    summary.report["run"] = {
        "engine": engine,
        "jobs": jobs,
        "tasks_run": len(todo),
        "tasks_already_done": tasks_total - len(todo),
        "wall_seconds": round(elapsed, 3),
        "documents_per_second": round(this_run.documents_in / elapsed, 1) if todo else None,
        "megabytes_per_second": round(this_run.files_bytes / 1e6 / elapsed, 3) if todo else None,
    }
    summary.report["input"], summary.report["output"] = str(source), str(output)
    write_atomic(output / REPORT_NAME, json.dumps(summary.report, indent=2, sort_keys=True) + "\n")
    return summary


def _execute(
    job: Job, todo: list[Task], jobs: int, engine: Engine, scheduler: str | None, progress: Progress
) -> Iterator[tuple[Task, TaskResult | BaseException]]:
    """Run the tasks on the chosen engine; every engine runs the same `run_task`."""
    if engine == "dask":
        try:
            from cleaner.batch.executors.dask import run_tasks
        except ImportError as exc:
            raise BatchError(
                f"--engine dask needs Dask ({exc}); install it with pip install 'cleaner[dask]'"
            ) from None
        try:
            yield from run_tasks(job, todo, jobs=jobs, scheduler=scheduler)
        except ConnectionError as exc:
            raise BatchError(str(exc)) from None
    elif jobs == 1 or len(todo) <= 1:
        sink = progress.sink()
        for task in todo:  # in this process: no pool to start for one worker or one task
            yield task, run_task(job, task, sink)
    else:
        workers = min(jobs, len(todo))  # no idle workers to start for a handful of inputs
        yield from pool_map(partial(run_task, job, progress=progress.sink()), todo, workers)


def _as_result(task: Task, outcome: TaskResult | BaseException) -> TaskResult:
    """A task's result, or a failed one saying why there is none: `run_task` reports every
    problem with the input itself, so an exception here means its worker died or broke."""
    if isinstance(outcome, TaskResult):
        return outcome
    result = TaskResult(task.rel)
    result.problem(
        "worker-died",
        f"skipped: the worker cleaning it died or failed ({type(outcome).__name__}: "
        f"{outcome}); out of memory? Rerun the same command to retry it",
    )
    return result


def finalize(
    output: Path, plan: list[Task | dict[str, Any]], failed: dict[str, TaskResult], job: Job
) -> BatchSummary:
    """Rebuild `_errors.jsonl`, the folder audits and the report from the plan and the
    completion records, streaming, in input order."""
    totals = Stats()
    errors: Counter[str] = Counter()
    first: list[dict[str, Any]] = []
    done = skipped = 0
    files = sum(not (isinstance(e, dict) and e["kind"] in NOTICE_KINDS) for e in plan)
    with atomic_output(output / ERRORS_NAME) as error_file, _FolderAudits(output) as audits:
        for entry in plan:
            if isinstance(entry, dict):
                entries = [entry]
                skipped += severity(entry["kind"]) == "skipped"
            else:
                result = failed.get(entry.rel) or read_completion(entry) or TaskResult(entry.rel)
                done += result.done
                totals.add(result.stats)
                entries = list(result.errors)
                if result.unlisted_errors:  # one line for them, but each counts
                    more = f"{result.unlisted_errors} more problems in this file, not listed"
                    entries.append(_error(entry.rel, "more-errors", more))
                    errors["more-errors"] += result.unlisted_errors - 1
                if job.removals and entry.kind != "jsonl" and result.done:
                    audits.write(_folder_audit_rel(entry.rel), result.audit)
            for item in entries:
                error_file.write(json_line(item))
                errors[item["kind"]] += 1
                if len(first) < FIRST_ERRORS_KEPT:
                    first.append(item)
    by_severity: Counter[str] = Counter()
    for kind, count in errors.items():
        by_severity[severity(kind)] += count
    report = {
        "files": {
            "total": files,
            "cleaned": done,
            "failed": files - done - skipped,
            "skipped": skipped,
        },
        "documents": {
            "in": totals.documents_in,
            "out": totals.documents_out,
            "emptied": totals.documents_emptied,
        },
        "suspicious_loss": {
            "documents": sum(totals.losses.values()),
            "by_rule": dict(sorted(totals.losses.items())),
        },
        "bytes": {"in": totals.bytes_in, "out": totals.bytes_out, "files_read": totals.files_bytes},
        "removals": {
            "total": sum(totals.by_filter.values()),
            "by_filter": dict(sorted(totals.by_filter.items())),
            "by_rule": dict(sorted(totals.by_rule.items())),
        },
        "errors": {
            "total": sum(errors.values()),
            "by_kind": dict(sorted(errors.items())),
            "by_severity": dict(sorted(by_severity.items())),
        },
    }
    return BatchSummary(report, sum(errors.values()), first)


class _FolderAudits(ExitStack):
    """Writes the audit file of each document folder. The plan lists a folder's files
    together (a directory's files come before its subfolders), so one file is open at a
    time and memory stays flat; leaving the `with` block commits the last one."""

    def __init__(self, output: Path) -> None:
        super().__init__()
        self.output = output
        self.current: str | None = None
        self.stream: ByteSink | None = None

    def write(self, rel: str, entries: list[dict[str, Any]]) -> None:
        if rel != self.current or self.stream is None:
            self.close()  # commits the previous folder's file; the stack is reusable
            self.stream = self.enter_context(atomic_output(safe_output_path(self.output, rel)))
            self.current = rel
        for item in entries:
            self.stream.write(json_line(item))
