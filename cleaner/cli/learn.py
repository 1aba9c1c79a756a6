"""`cleaner learn` and the profile options of `cleaner clean` / `explain` (`--profile`,
`--learn`, `--site`).

Kept apart from `cli.py` so that the command file stays a dispatcher. Problems a user can fix
raise ValueError (a wrong path, a profile of another version), which `cli.py` prints as one
line with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cleaner.batch.plan import STATE_DIR
from cleaner.batch.run import BatchError, check_folders
from cleaner.cli.common import CliError, check_writable, os_reason
from cleaner.cli.corpus import add_engine_options, positive, print_problems
from cleaner.corpus.files import write_atomic
from cleaner.corpus.records import DEFAULT_TEXT_FIELD, Fields
from cleaner.filters.repeated import frequent_blocks
from cleaner.profiles.learn import LearnJob, LearnResult, learn
from cleaner.profiles.profile import profile_lines

LEARN_EXAMPLES = """\
examples:
  cleaner learn scraped/ -o site.profile           count each site's repeated blocks
  cleaner learn a.jsonl.gz b.jsonl.gz -o site.profile --jobs 4
  cleaner clean scraped/ -o clean/ --profile site.profile
  cleaner clean scraped/ -o clean/ --learn         both passes; profile in clean/_cleaner/
  a page's site: its record's url host, else its 'site' field, else its file's folder name
"""
# Where `cleaner clean --learn` keeps the profile it learned: with the run's state, whose
# name no input can take.
LEARNED_PROFILE = "profile.jsonl"


def add_learn_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    learn_parser = commands.add_parser(
        "learn",
        help="learn each site's repeated blocks (footers, boxes) from a corpus into a profile",
        epilog=LEARN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    learn_parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="folders, text/HTML files or JSONL shards"
    )
    learn_parser.add_argument(
        "-o", "--output", required=True, metavar="PROFILE", help="the profile file to write"
    )
    learn_parser.add_argument("-q", "--quiet", action="store_true", help="no summary")
    group = learn_parser.add_argument_group("corpus runs")
    group.add_argument(
        "--jobs",
        type=positive,
        default=None,
        metavar="N",
        help="worker processes (default: all cores); the profile is the same",
    )
    group.add_argument(
        "--text-field",
        default=DEFAULT_TEXT_FIELD,
        metavar="NAME",
        help="JSONL field holding the text (default: text), as `cleaner clean` reads it",
    )
    group.add_argument(
        "--html-field", metavar="NAME", help="JSONL field holding HTML: its main text is read"
    )
    add_engine_options(group)


def add_profile_options(parser: argparse.ArgumentParser, *, learn_option: bool) -> None:
    group = parser.add_argument_group("site profile")
    group.add_argument(
        "--profile",
        metavar="PROFILE",
        help="remove blocks a site repeats, as counted by `cleaner learn` into PROFILE",
    )
    if learn_option:
        group.add_argument(
            "--learn",
            action="store_true",
            help="folder runs: learn a profile from the input first (written to "
            f"OUT/{STATE_DIR}/{LEARNED_PROFILE}), then clean with it",
        )
    group.add_argument(
        "--site",
        metavar="SITE",
        help="one document: the site it belongs to (default: guessed from the profile)",
    )


def _learn(args: argparse.Namespace, inputs: list[Path]) -> LearnResult:
    if args.scheduler and args.engine != "dask":
        raise ValueError("--scheduler goes with --engine dask; add --engine dask")
    job = LearnJob(Fields(args.text_field, args.html_field))
    try:
        return learn(inputs, job, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler)
    except ConnectionError as exc:
        raise ValueError(str(exc)) from None


def _summary(result: LearnResult, target: Path) -> str:
    profile = result.profile
    usable = frequent_blocks(profile)
    blocks = sum(len(site.frequent) for site in usable.values())
    return (
        f"cleaner: learned {result.pages:,} pages of {len(profile.sites):,} site(s) into "
        f"{target}: {len(usable):,} site(s) with frequent blocks, {blocks:,} frequent "
        f"block(s); {result.problem_count} problem(s), {result.skipped} file(s) of other "
        "formats or symlinked folder(s) skipped"
    )


def run_learn(args: argparse.Namespace) -> int:
    """`cleaner learn INPUT... -o PROFILE`."""
    inputs = [Path(name) for name in args.inputs]
    for path in inputs:
        if not path.exists():
            raise ValueError(f"{path}: no such file or folder; check the path")
    target = Path(args.output)
    check_writable(target, "-o")  # before counting a corpus, not after it
    result = _learn(args, inputs)
    try:
        result.profile.write(target)
    except OSError as exc:
        raise CliError(f"cannot write {target} ({os_reason(exc, target)}); check -o") from exc
    print_problems([_problem(p) for p in result.problems], result.problem_count, "the inputs")
    if not args.quiet:
        print(_summary(result, target), file=sys.stderr)
    return 0 if result.problem_count == 0 else 1


def learn_into_output(args: argparse.Namespace) -> str:
    """`cleaner clean IN/ -o OUT/ --learn`: learn IN's profile into OUT and return its path.
    A rerun learns again; a profile that came out different (the inputs changed) is refused
    when OUT holds a run, as other settings would be."""
    if args.profile is not None:
        raise BatchError("--learn learns its own profile; leave out --profile (or --learn)")
    source = Path(args.input)
    if args.input == "-" or not source.is_dir() or args.output is None:
        raise BatchError("--learn works on folder runs: cleaner clean IN/ -o OUT/ --learn")
    output = Path(args.output)
    check_folders(source, output)
    try:
        result = _learn(args, [source])
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    target = output / STATE_DIR / LEARNED_PROFILE
    text = "".join(profile_lines(result.profile))
    if target.exists() and target.read_text(encoding="utf-8") != text:
        raise BatchError(
            f"{output} holds a run cleaned with a profile learned from other inputs; "
            "choose a new output folder"
        )
    write_atomic(target, text)
    if not args.quiet:
        print(_summary(result, target), file=sys.stderr)
    return str(target)


def _problem(message: str) -> dict[str, object]:
    source, _, error = message.partition(": ")
    return {"source": source, "record": None, "error": error}
