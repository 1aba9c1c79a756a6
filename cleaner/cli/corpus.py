"""The corpus side of `cleaner clean`: its options, folder runs and one shard to one shard.

Kept apart from `cli.py` so that the command file stays a dispatcher. Problems a user can fix
are raised as BatchError, which `cli.py` prints as one line with exit code 2; problems with
the data are listed (the first few here, all in OUT/_errors.jsonl) and give exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleaner.api import Cleaner
from cleaner.batch.plan import ERRORS_NAME, REJECTED_NAME, REPORT_NAME
from cleaner.batch.run import (
    FIRST_ERRORS_KEPT,
    BatchError,
    BatchSummary,
    clean_shard_file,
    run_batch,
)
from cleaner.corpus.inputs import Include
from cleaner.corpus.records import DEFAULT_TEXT_FIELD, Fields

CORPUS_EXAMPLES = """\
corpus runs (folders of .txt, .html/.htm and JSONL shards .jsonl/.ndjson, each also .gz):
  cleaner clean scraped/ -o clean/ --jobs 4    mirror the tree on 4 processes; rerun to resume
  cleaner clean shards/ -o clean/ --removals   also write why each line went, in clean/_removals/
  cleaner clean pages/ -o clean/ --html-field html   records with HTML: text goes to 'text'
  cleaner clean shards/ -o clean/ --engine dask --scheduler tcp://host:8786
  cleaner clean site/ -o clean/ --include '*.php:html'   pages saved under other names
  every run writes clean/_report.json; every file not cleaned, and every warning
  (suspicious loss, renamed output, replaced bytes), is listed in clean/_errors.jsonl;
  exit status: 0 nothing failed, 1 some inputs failed, 2 usage error
"""

EXIT_OK, EXIT_FAILED = 0, 1


def positive(value: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return int(value)


def include_rule(value: str) -> Include:
    """An argparse type: an --include value."""
    try:
        return Include.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("corpus runs")
    group.add_argument(
        "--jobs",
        type=positive,
        default=None,
        metavar="N",
        help="worker processes for a folder (default: all cores); the output is the same",
    )
    group.add_argument(
        "--text-field",
        default=DEFAULT_TEXT_FIELD,
        metavar="NAME",
        help="JSONL field holding the text to clean, and receiving it (default: text)",
    )
    group.add_argument(
        "--html-field",
        metavar="NAME",
        help="JSONL field holding HTML: its main text is cleaned into --text-field",
    )
    group.add_argument(
        "--include",
        action="append",
        default=[],
        type=include_rule,
        metavar="GLOB[:KIND]",
        help="also clean files matching GLOB (e.g. '*.md', or '*.php:html'), as text unless "
        "KIND says html or jsonl (repeatable); other formats are listed as skipped",
    )
    group.add_argument(
        "--removals",
        action="store_true",
        help="write why each line went to OUT/_removals/ (one JSONL per shard or folder)",
    )
    group.add_argument(
        "--min-confidence",
        type=confidence_bar,
        metavar="X",
        help="leave out documents whose confidence (the predicted F1 of their cleaning, 0-1) is "
        "below X; each is listed with its reason in OUT/_rejected.jsonl",
    )
    add_engine_options(group)


def confidence_bar(value: str) -> float:
    """`--min-confidence`: a number from 0 to 1."""
    try:
        bar = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number (give e.g. 0.6)") from None
    if not 0.0 <= bar <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1 (give e.g. 0.6)")
    return bar


def add_engine_options(group: argparse._ArgumentGroup) -> None:
    """--engine and --scheduler: where a corpus run's tasks go (`clean` and `learn`)."""
    group.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local processes, or Dask (needs the dask extra; default: local)",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler to use (default: a local cluster of --jobs)",
    )


def print_problems(problems: list[dict[str, Any]], total: int, more_in: str) -> None:
    for problem in problems:
        where = f" line {problem['record']}" if problem.get("record") is not None else ""
        print(f"cleaner: {problem['source']}{where}: {problem['error']}", file=sys.stderr)
    if total > len(problems):
        print(f"cleaner: {total - len(problems)} more problem(s) in {more_in}", file=sys.stderr)


def clean_one_shard(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """`cleaner clean part.jsonl[.gz] -o OUT`: one shard, same format, problems on stderr."""
    if args.output is None or args.output == "-":
        raise BatchError("cleaning a JSONL shard needs -o OUT.jsonl (or OUT.jsonl.gz)")
    source, target = Path(args.input), Path(args.output)
    if target.is_dir():
        target = target / source.name
    if target.exists() and target.samefile(source):
        raise BatchError(f"-o {args.output} is the input file; choose another output path")
    fields = Fields(args.text_field, args.html_field)
    try:
        result = clean_shard_file(source, target, config=cleaner.config, fields=fields)
    except OSError as exc:
        raise BatchError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    count = len(result.errors) + result.unlisted_errors
    print_problems(result.errors[:FIRST_ERRORS_KEPT], count, "this shard (not listed)")
    return EXIT_OK if count == 0 else EXIT_FAILED


def clean_folder(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """`cleaner clean IN/ -o OUT/`: a corpus run (see cleaner.batch.run)."""
    if args.output is None:
        raise BatchError("cleaning a folder needs -o OUT_FOLDER (the mirrored output folder)")
    if args.scheduler and args.engine != "dask":
        raise BatchError("--scheduler goes with --engine dask; add --engine dask")
    output = Path(args.output)
    if args.min_confidence is not None and cleaner.quality is None:
        raise BatchError(
            "--min-confidence needs the shipped models: confidence is predicted for their "
            "results only; leave out --model (or --min-confidence)"
        )
    try:
        summary = run_batch(
            Path(args.input),
            output,
            config=cleaner.config,
            fields=Fields(args.text_field, args.html_field),
            removals=args.removals,
            jobs=args.jobs,
            engine=args.engine,
            scheduler=args.scheduler,
            show_progress=not args.quiet and sys.stderr.isatty(),
            include=args.include,
            min_confidence=args.min_confidence,
        )
    except KeyboardInterrupt:
        print("\ncleaner: interrupted; rerun the same command to resume", file=sys.stderr)
        raise
    print_problems(summary.first_errors, summary.error_count, str(output / ERRORS_NAME))
    if not args.quiet:
        print(summary_line(summary, output), file=sys.stderr)
    return EXIT_OK if summary.ok else EXIT_FAILED


def summary_line(summary: BatchSummary, output: Path) -> str:
    """The run in one line: what was cleaned, what failed or was skipped, and where the
    details are. Every input is in exactly one of cleaned, failed and skipped."""
    report = summary.report
    files, documents, run = report["files"], report["documents"], report["run"]
    severities = report["errors"]["by_severity"]
    losses = report["suspicious_loss"]["documents"]
    outcome = (
        f"{files['failed']} failed, {files['skipped']} skipped, "
        f"{severities.get('warning', 0)} warning(s) ({losses} suspicious loss(es))"
    )
    where = f"listed in {output / ERRORS_NAME}; " if summary.error_count else ""
    rejected = ""
    if report["confidence"]["min_confidence"] is not None:
        rejected = f"{documents['rejected']:,} rejected (in {output / REJECTED_NAME}), "
    return (
        f"cleaner: cleaned {files['cleaned']} of {files['total']} files into {output} "
        f"({documents['in']:,} documents, {documents['emptied']:,} emptied, {rejected}"
        f"{report['removals']['total']:,} removals; "
        f"{run['tasks_already_done']} file(s) were already done); {outcome}; "
        f"{where}report in {output / REPORT_NAME}"
    )
