"""Corpus runs: clean a folder of text, HTML and JSONL shards into a mirrored folder, on every
core or a Dask cluster, resumable after `kill -9`, with a report and an error list.

The run is planned (inputs found, outputs named, collisions and unsafe paths reported),
then every task not already finished runs (`cleaner.batch.task`), then the output folder's
summary files are rebuilt from the completion records: `_errors.jsonl`, the removals audit
of document folders, and `_report.json`. Rebuilding from records rather than from memory
is what makes a resumed run's output byte-identical to an uninterrupted one.

Output folder layout, beside the mirrored inputs:
    _report.json       what the whole job did (documents, bytes, removals, errors, speed,
                       documents by confidence)
    _errors.jsonl      one line per problem: source, record (line number), kind, error
    _rejected.jsonl    one line per document left out for a confidence below
                       --min-confidence: source, record, id, confidence, reason
    _removals/         with --removals: one audit file per shard, one per document folder
    _cleaner/          run state: job.json (the settings), done/ (completion records)
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from cleaner.batch.executors.local import default_jobs, pool_map
from cleaner.batch.plan import (
    ERRORS_NAME,
    NOTICE_KINDS,
    REJECTED_NAME,
    REPORT_NAME,
    STATE_DIR,
    error_entry,
    folder_audit_rel,
    plan_tasks,
    severity,
)
from cleaner.batch.progress import Progress
from cleaner.batch.results import CONFIDENCE_BINS, Stats, TaskResult
from cleaner.batch.task import Job, Task, read_completion, run_task
from cleaner.config import CleanerConfig
from cleaner.corpus.files import (
    ByteSink,
    atomic_output,
    json_line,
    safe_output_path,
    sweep_temp_files,
    write_atomic,
)
from cleaner.corpus.inputs import (
    SUPPORTED_INPUTS,
    Include,
    input_kind,
    is_gzip,
    scan_inputs,
)
from cleaner.corpus.records import Fields

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
    min_confidence: float | None = None,
) -> BatchSummary:
    """Clean the folder `source` into the folder `output` (see the module docstring).
    Rerunning the same call after an interruption finishes the job; finished inputs that
    have not changed are skipped. `include` takes files of other formats (`--include`);
    documents judged below `min_confidence` are left out and listed in `_rejected.jsonl`.
    Raises BatchError when the run cannot start."""
    started = time.monotonic()
    check_folders(source, output)
    job = Job(
        config or CleanerConfig(), fields or Fields(), removals, tuple(include), min_confidence
    )
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
    """Rebuild `_errors.jsonl`, the folder audits, `_rejected.jsonl` (with
    `--min-confidence` only) and the report from the plan and the completion records,
    streaming, in input order."""
    totals = Stats()
    errors: Counter[str] = Counter()
    first: list[dict[str, Any]] = []
    done = skipped = 0
    files = sum(not (isinstance(e, dict) and e["kind"] in NOTICE_KINDS) for e in plan)
    rejected = 0
    rejects = output / REJECTED_NAME
    if job.min_confidence is None:
        rejects.unlink(missing_ok=True)  # an earlier run's, made with --min-confidence
    with (
        atomic_output(output / ERRORS_NAME) as error_file,
        atomic_output(rejects) if job.min_confidence is not None else nullcontext() as reject_file,
        _FolderAudits(output) as audits,
    ):
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
                    entries.append(error_entry(entry.rel, "more-errors", more))
                    errors["more-errors"] += result.unlisted_errors - 1
                if job.removals and entry.kind != "jsonl" and result.done:
                    audits.write(folder_audit_rel(entry.rel), result.audit)
                if result.done and reject_file is not None:
                    for item in result.rejected:
                        reject_file.write(json_line(item))
                        rejected += 1
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
            "rejected": totals.documents_rejected,
        },
        "confidence": {
            "min_confidence": job.min_confidence,
            "judged": sum(totals.confidence.values()),
            "rejected": rejected,
            "histogram": {b: totals.confidence[b] for b in CONFIDENCE_BINS},
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
