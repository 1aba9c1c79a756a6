"""`cleaner clean`: a file, a folder (text, HTML, JSONL shards) or stdin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleaner.api import Cleaner
from cleaner.batch.run import BatchError
from cleaner.cli.common import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    add_rule_options,
    make_cleaner,
    os_reason,
    warn_replaced,
)
from cleaner.cli.corpus import CORPUS_EXAMPLES, add_corpus_options, clean_folder, clean_one_shard
from cleaner.cli.examples import EXAMPLES
from cleaner.cli.learn import add_profile_options, learn_into_output
from cleaner.corpus.files import (
    RawDocument,
    as_file_text,
    read_document,
    write_atomic,
)
from cleaner.corpus.inputs import Kind, input_kind, output_rel
from cleaner.corpus.loss import suspicious_loss
from cleaner.corpus.records import NotText, clean_bytes


def add_clean_command(commands: Any) -> None:
    """The `clean` subcommand and its options."""
    clean = commands.add_parser(
        "clean",
        help="clean a file, a folder (text, HTML, JSONL shards), or stdin (-)",
        epilog=EXAMPLES + "\n" + CORPUS_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clean.add_argument("input", metavar="FILE|DIR|-", help="what to clean; - reads stdin")
    clean.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file (or folder, for a folder input); default: stdout for a file",
    )
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    clean.add_argument(
        "--html",
        action="store_true",
        help="the input is one HTML page, whatever its name: for stdin (cleaner clean --html -), "
        "which is otherwise read as text; files ending .html/.htm are HTML anyway",
    )
    add_corpus_options(clean)
    add_rule_options(clean)
    add_profile_options(clean, learn_option=True)


def read_one(source: str) -> RawDocument:
    """The bytes of one input: stdin, or a file (gunzipped when it ends .gz)."""
    if source == "-":
        return RawDocument(sys.stdin.buffer.read())
    if Path(source).is_dir():
        raise CliError(f"{source} is a folder; give one file")
    try:
        return read_document(Path(source))
    except OSError as exc:
        raise CliError(f"{source}: cannot read it ({exc.strerror or exc})") from None


def input_kind_of(args: argparse.Namespace) -> Kind | None:
    """What the one input is: HTML when `--html` says so, else by its name (stdin is text)."""
    kind = None if args.input == "-" else input_kind(args.input)
    if args.html and kind == "jsonl":
        raise CliError(
            f"--html reads one HTML page, and {args.input} is a JSONL shard; "
            "use --html-field NAME for records that hold HTML"
        )
    return "html" if args.html else kind


def _clean_one(cleaner: Cleaner, args: argparse.Namespace) -> int:
    kind = input_kind_of(args)
    if kind == "jsonl":
        return clean_one_shard(cleaner, args)
    name = "<stdin>" if args.input == "-" else args.input
    raw = read_one(args.input)
    try:
        decoded, _, cleaned = clean_bytes(raw.data, kind == "html", cleaner, args.site)
    except NotText as exc:
        print(f"cleaner: {name}: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    text = as_file_text(cleaned.text)
    warn_replaced(decoded, name)
    if raw.damage is not None:
        print(f"cleaner: warning: {name}: {raw.damage[1]}", file=sys.stderr)
    loss = suspicious_loss(cleaned)
    if loss is not None:
        print(f"cleaner: warning: {name}: suspicious loss: {loss.message()}", file=sys.stderr)
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    if target.is_dir():
        if args.input == "-":
            raise CliError("-o is a folder; give a file name when cleaning stdin")
        target = target / output_rel(Path(args.input).name, kind or "text")
    if args.input != "-" and target.exists() and target.samefile(args.input):
        raise CliError(f"-o {args.output} is the input file; choose another output path")
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise CliError(f"cannot write {target} ({os_reason(exc, target)}); check -o") from exc
    return EXIT_OK


def output_folder_error(exc: OSError, output: Path) -> CliError:
    """A folder run's OSError as one line. The run isolates every input's problems, so what
    escapes it is about the output folder: it, a parent or something in it cannot be made
    or written (a parent that is a file, a read-only or full disk)."""
    where = Path(exc.filename) if exc.filename else output
    if where == output or where in output.parents or output in where.parents:
        return CliError(
            f"cannot create or write the output folder {output} ({os_reason(exc, where)}); check -o"
        )
    return CliError(f"cannot read or write {where} ({os_reason(exc, where)})")


def run_clean(args: argparse.Namespace) -> int:
    if args.learn:  # learn the input's profile into the output folder, then clean with it
        try:
            args.profile = learn_into_output(args)
        except BatchError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise output_folder_error(exc, Path(args.output)) from exc
    cleaner = make_cleaner(args)
    if args.input != "-" and not Path(args.input).exists():
        raise CliError(f"{args.input}: no such file or folder; check the path")
    try:
        if args.input != "-" and Path(args.input).is_dir():
            if args.site is not None:
                raise CliError("--site names one document's site; a folder run finds each one's")
            if args.html:
                raise CliError(
                    "--html reads one page; a folder run reads .html/.htm files as HTML "
                    "(and --html-field NAME reads HTML from JSONL records)"
                )
            return clean_folder_here(cleaner, args)
        single_file_refused = (
            ("--removals", args.removals),
            ("--engine dask", args.engine == "dask"),
            ("--min-confidence", args.min_confidence is not None),
        )
        for flag, used in single_file_refused:
            if used:
                raise CliError(f"{flag} works on folder runs; put the file in a folder")
        return _clean_one(cleaner, args)
    except BatchError as exc:  # what cli_corpus refuses, said the same way as the rest
        raise CliError(str(exc)) from None


def clean_folder_here(cleaner: Cleaner, args: argparse.Namespace) -> int:
    """A folder run, its output-folder failures said in one line (`output_folder_error`)."""
    try:
        return clean_folder(cleaner, args)
    except ConnectionError:
        raise  # a Dask scheduler gone mid-run: not the folder's fault
    except OSError as exc:
        raise output_folder_error(exc, Path(args.output)) from exc
