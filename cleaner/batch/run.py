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

import json
import time
from collections import Counter
from collections.abc import Iterator
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
    ByteSink,
    UnsafePathError,
    atomic_output,
    input_kind,
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
_FOLDER_AUDIT = "the documents of its folder"
# Problems printed by the command line; the rest are only in _errors.jsonl.
FIRST_ERRORS_KEPT = 20

Engine = Literal["local", "dask"]


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
    def ok(self) -> bool:
        return self.error_count == 0


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


def plan_tasks(source: Path, output: Path, job: Job) -> Iterator[Task | dict[str, Any]]:
    """The tasks of a run in input order, and an error entry for every input that cannot
    be a task (unreadable, escaping, or colliding with another output)."""
    claimed: dict[str, str] = {}  # output path (relative) -> the input that writes it
    for found in scan_inputs(source):
        if found.problem is not None:
            yield _error(found.rel, "unreadable", f"skipped: {found.problem}")
            continue
        shard = found.kind in ("jsonl", "jsonl.gz")
        out_rel = output_rel(found.rel, found.kind)
        audit_rel = None
        if job.removals:
            audit_rel = _shard_audit_rel(found.rel) if shard else _folder_audit_rel(found.rel)
        clash = _claim(claimed, found.rel, out_rel, audit_rel, shard)
        if clash is not None:
            yield _error(found.rel, "output-collision", f"skipped: {clash}; rename one of them")
            continue
        try:
            stat = found.path.stat()
            yield Task(
                rel=found.rel,
                kind=found.kind,
                source=found.path.absolute(),
                output=safe_output_path(output, out_rel).absolute(),
                record=safe_output_path(output, f"{STATE_DIR}/done/{found.rel}.json").absolute(),
                audit=safe_output_path(output, audit_rel).absolute()
                if shard and audit_rel
                else None,
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
            )
        except UnsafePathError as exc:
            yield _error(found.rel, "unsafe-output", f"skipped: {exc}")
        except OSError as exc:
            problem = f"cannot read it or make its output folder ({exc.strerror}: {exc.filename})"
            yield _error(found.rel, "unreadable", f"skipped: {problem}")


def _claim(
    claimed: dict[str, str], rel: str, out_rel: str, audit_rel: str | None, shard: bool
) -> str | None:
    """Claim an input's output paths, or say who already has one. The documents of a folder
    share its audit file; everything else is one input's alone."""
    top = PurePosixPath(out_rel).parts[0]
    if top in RESERVED_NAMES:
        return f"its output {out_rel} would overwrite the run's own {top}"
    if out_rel in claimed:
        return f"its output {out_rel} would overwrite that of {claimed[out_rel]}"
    if audit_rel is not None:
        owner = claimed.get(audit_rel)
        if owner is not None and (shard or owner != _FOLDER_AUDIT):
            return f"its removals audit {audit_rel} would overwrite that of {owner}"
        claimed[audit_rel] = rel if shard else _FOLDER_AUDIT
    claimed[out_rel] = rel
    return None


def _shard_audit_rel(rel: str) -> str:
    name = rel[: -len(".gz")] if rel.lower().endswith(".gz") else rel
    return f"{REMOVALS_DIR}/{name}"


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
    kind = input_kind(source.name)
    if kind not in ("jsonl", "jsonl.gz") or input_kind(target.name) != kind:
        raise BatchError(f"-o {target}: a .{kind} shard is written as .{kind}; name it so")
    stat = source.stat()
    task = Task(source.name, kind, source, target, None, None, stat.st_size, stat.st_mtime_ns)
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
) -> BatchSummary:
    """Clean the folder `source` into the folder `output` (see the module docstring).
    Rerunning the same call after an interruption finishes the job; finished inputs that
    have not changed are skipped. Raises BatchError when the run cannot start."""
    started = time.monotonic()
    check_folders(source, output)
    job = Job(config or CleanerConfig(), fields or Fields(), removals)
    jobs = jobs or default_jobs()
    if next(scan_inputs(source), None) is None:
        raise BatchError(f"{source} has no .txt, .html, .htm, .jsonl or .jsonl.gz files to clean")
    output.mkdir(parents=True, exist_ok=True)
    claim_output(output, job)
    sweep_temp_files(output)
    plan = list(plan_tasks(source, output, job))
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
    done = 0
    with atomic_output(output / ERRORS_NAME) as error_file, _FolderAudits(output) as audits:
        for entry in plan:
            if isinstance(entry, dict):
                entries = [entry]
            else:
                result = failed.get(entry.rel) or read_completion(entry) or TaskResult(entry.rel)
                done += result.done
                totals.add(result.stats)
                entries = list(result.errors)
                if result.unlisted_errors:  # one line for them, but each counts
                    more = f"{result.unlisted_errors} more problems in this file, not listed"
                    entries.append(_error(entry.rel, "more-errors", more))
                    errors["more-errors"] += result.unlisted_errors - 1
                if job.removals and entry.kind in ("text", "html") and result.done:
                    audits.write(_folder_audit_rel(entry.rel), result.audit)
            for item in entries:
                error_file.write(json_line(item))
                errors[item["kind"]] += 1
                if len(first) < FIRST_ERRORS_KEPT:
                    first.append(item)
    files = len(plan)
    report = {
        "files": {"total": files, "cleaned": done, "failed": files - done},
        "documents": {
            "in": totals.documents_in,
            "out": totals.documents_out,
            "emptied": totals.documents_emptied,
        },
        "bytes": {"in": totals.bytes_in, "out": totals.bytes_out, "files_read": totals.files_bytes},
        "removals": {
            "total": sum(totals.by_filter.values()),
            "by_filter": dict(sorted(totals.by_filter.items())),
            "by_rule": dict(sorted(totals.by_rule.items())),
        },
        "errors": {"total": sum(errors.values()), "by_kind": dict(sorted(errors.items()))},
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
