"""The `cleaner` command: clean files, folders or stdin; explain one document; check packs.

Every failure a user can cause (a wrong path, a broken rule pack, an output folder inside
the input) ends in one line on stderr saying what is wrong and what to do, and a non-zero
exit; never a traceback. In a folder run a bad file is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from cleaner import __version__
from cleaner.api import Cleaner
from cleaner.batch.run import BatchError
from cleaner.cli.corpus import CORPUS_EXAMPLES, add_corpus_options, clean_folder, clean_one_shard
from cleaner.cli.learn import add_learn_command, add_profile_options, learn_into_output, run_learn
from cleaner.cli.model import add_model_commands, run_eval, run_train
from cleaner.cli.report import add_report_command, run_report, write_explain_html
from cleaner.corpus.files import (
    Decoded,
    as_file_text,
    decode_bytes,
    input_kind,
    output_rel,
    read_text,
    write_atomic,
)
from cleaner.document import Cleaned
from cleaner.html.backends import BACKENDS, DEFAULT_BACKEND
from cleaner.models.line_model import DEFAULT_PRESET, PRESETS
from cleaner.packs.check_dom import check_dom_pack
from cleaner.packs.check_text import check_pack
from cleaner.packs.dom_pack import DomPack, DomRuleError, builtin_dom_packs, load_any_pack
from cleaner.packs.text_pack import RuleError, RulePack, builtin_packs

EXAMPLES = """\
examples:
  cleaner clean page.txt                       clean one file to stdout
  cleaner clean page.txt -o page.clean.txt     clean one file to a file
  cat page.txt | cleaner clean -               clean stdin to stdout
  cleaner clean scraped/ -o clean/             clean a folder of .txt into a mirrored folder
  cleaner explain page.txt                     every line: kept or removed, by which rule, why
  cleaner clean page.txt --rules mysite.toml   add your own rule pack
  cleaner rules test mysite.toml               run a pack's examples and backtracking probe
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user-facing error: the message is the whole story, printed as one line."""


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rules")
    group.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE.toml",
        help="add a rule pack, text or DOM (repeatable); see README 'Writing a rule pack'",
    )
    group.add_argument(
        "--no-builtin-rules", action="store_true", help="use only the packs given with --rules"
    )
    group.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE",
        help="leave out a rule (pack/rule) or a whole pack (repeatable)",
    )
    group.add_argument(
        "--rules-only",
        action="store_true",
        help="rules alone, no learned filters (same as Cleaner(model=None))",
    )
    group.add_argument(
        "--model",
        default="default",
        metavar="MODEL",
        help="line model: 'default' (shipped) or a file from `cleaner train`",
    )
    group.add_argument(
        "--preset",
        choices=PRESETS,
        default=DEFAULT_PRESET,
        help="how eagerly the model removes lines (default: %(default)s)",
    )
    group.add_argument(
        "--backend",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help="how HTML pages are read: trafilatura extraction + rules, the fast DOM path, "
        "trafilatura guided by the DOM block model, or auto: fast with the shipped model, "
        "else trafilatura (default: %(default)s)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Strip ads, video-player text and site tails from scraped articles.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    clean = commands.add_parser(
        "clean",
        help="clean a file, a folder (text, HTML, JSONL shards), or stdin (-)",
        epilog=EXAMPLES + "\n" + CORPUS_EXAMPLES,
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
    add_corpus_options(clean)
    _add_rule_options(clean)
    add_profile_options(clean, learn_option=True)

    explain = commands.add_parser(
        "explain",
        help="show every line of one document: kept or removed, and why",
    )
    explain.add_argument("input", metavar="FILE|-", help="the document; - reads stdin")
    explain.add_argument("--json", action="store_true", help="print JSON: text and removals")
    explain.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour output (auto: only on a terminal, and not when NO_COLOR is set)",
    )
    explain.add_argument("--html", metavar="REPORT.html", help="write an HTML page instead")
    _add_rule_options(explain)
    add_profile_options(explain, learn_option=False)

    rules = commands.add_parser("rules", help="list rules, or test rule packs")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = rules_commands.add_parser("list", help="list the rules in force")
    _add_rule_options(listing)
    testing = rules_commands.add_parser(
        "test",
        help="check packs: examples fire, counterexamples don't, no backtracking",
    )
    testing.add_argument(
        "packs",
        nargs="*",
        metavar="FILE.toml",
        help="text or DOM packs to check (default: the built-in ones)",
    )
    add_model_commands(commands)
    add_report_command(commands)
    add_learn_command(commands)
    return parser


Command = Callable[[argparse.Namespace], int]


def _user_errors(command: Command) -> Command:
    """Run a model command, turning the errors a user causes (a wrong dataset path, a model
    file from elsewhere, a missing extra) into one-line CliErrors."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (ValueError, FileNotFoundError, ImportError) as exc:
            raise CliError(str(exc)) from None

    return run


def _make_cleaner(args: argparse.Namespace) -> Cleaner:
    try:
        return Cleaner(
            model=None if args.rules_only else args.model,
            preset=args.preset,
            backend=args.backend,
            rules=args.rules,
            builtin_rules=not args.no_builtin_rules,
            disabled_rules=args.disable,
            profile=getattr(args, "profile", None),
        )
    except (ValueError, FileNotFoundError) as exc:
        raise CliError(str(exc)) from None


def _read_input(source: str) -> tuple[Decoded, str]:
    if source == "-":
        return decode_bytes(sys.stdin.buffer.read()), "<stdin>"
    path = Path(source)
    if path.is_dir():
        raise CliError(f"{source} is a folder; explain takes one file")
    try:
        return read_text(path), source
    except FileNotFoundError:
        raise CliError(f"{source}: no such file; check the path") from None
    except OSError as exc:
        raise CliError(f"{source}: cannot read it ({exc.strerror or exc})") from None


def _warn_replaced(decoded: Decoded, name: str) -> None:
    if decoded.replaced:
        print(
            f"cleaner: warning: {name}: {decoded.replaced} undecodable byte sequence(s) "
            "replaced with U+FFFD (the file is not valid UTF-8)",
            file=sys.stderr,
        )


def _clean_one(cleaner: Cleaner, args: argparse.Namespace) -> int:
    kind = None if args.input == "-" else input_kind(args.input)
    if kind in ("jsonl", "jsonl.gz"):
        return clean_one_shard(cleaner, args)
    if kind == "html":
        from cleaner.html.page import clean_html, decode_html  # trafilatura only when needed

        name = args.input
        decoded = decode_html(_read_bytes(name))
        text = as_file_text(clean_html(decoded.text, cleaner=cleaner))
    else:
        decoded, name = _read_input(args.input)
        text = as_file_text(cleaner.clean(decoded.text, site=args.site))
    _warn_replaced(decoded, name)
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
        raise CliError(f"cannot write {target} ({exc.strerror or exc})") from None
    return EXIT_OK


def _read_bytes(source: str) -> bytes:
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise CliError(f"{source}: cannot read it ({exc.strerror or exc})") from None


def run_clean(args: argparse.Namespace) -> int:
    if args.learn:  # learn the input's profile into the output folder, then clean with it
        try:
            args.profile = learn_into_output(args)
        except BatchError as exc:
            raise CliError(str(exc)) from None
    cleaner = _make_cleaner(args)
    if args.input != "-" and not Path(args.input).exists():
        raise CliError(f"{args.input}: no such file or folder; check the path")
    try:
        if args.input != "-" and Path(args.input).is_dir():
            if args.site is not None:
                raise CliError("--site names one document's site; a folder run finds each one's")
            return clean_folder(cleaner, args)
        for flag, used in (("--removals", args.removals), ("--engine dask", args.engine == "dask")):
            if used:
                raise CliError(f"{flag} works on folder runs; put the file in a folder")
        return _clean_one(cleaner, args)
    except BatchError as exc:  # what cli_corpus refuses, said the same way as the rest
        raise CliError(str(exc)) from None


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ


def format_explain(cleaned: Cleaned, color: bool) -> str:
    """Every line of the document with its fate; removed lines name filter, rule and reason."""
    red, yellow, dim, reset = ("\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[0m") if color else ("",) * 4
    whole = cleaned.removed_lines()
    spans = cleaned.spans_by_line()
    out = []
    for index, line in enumerate(cleaned.document.lines):
        number = f"{index + 1:>5}"
        if index in whole:
            why = whole[index]
            out.append(f"{number}  {red}DROP{reset}  {red}{line}{reset}")
            decided_by = why.rule or why.score
            out.append(f"{'':>13}{dim}↳ {why.filter} · {decided_by} · {why.reason}{reset}")
        elif index in spans:
            out.append(f"{number}  {yellow}CUT{reset}   {line}")
            for cut in spans[index]:
                start, end = cut.span or (0, 0)
                out.append(
                    f"{'':>5}        {dim}↳ {cut.filter} · {cut.rule} · [{start}:{end}] "
                    f"{line[start:end]!r} · {cut.reason}{reset}"
                )
        elif line.strip():
            out.append(f"{number}  keep  {line}")
        else:
            out.append(f"{number}")
    return "\n".join(out)


def run_explain(args: argparse.Namespace) -> int:
    cleaner = _make_cleaner(args)
    if args.input != "-" and input_kind(args.input) == "html":
        from cleaner.html.page import decode_html  # HTML pages: the backend's blocks, explained

        name = args.input
        decoded = decode_html(_read_bytes(name))
        _warn_replaced(decoded, name)
        cleaned = cleaner.explain_html(decoded.text)
    else:
        decoded, name = _read_input(args.input)
        _warn_replaced(decoded, name)
        cleaned = cleaner.explain(decoded.text, site=args.site)
    if args.html:
        return _user_errors(lambda _: write_explain_html(cleaned, name, args.html))(args)
    if args.json:
        payload = {"text": cleaned.text, "removals": [r.to_dict() for r in cleaned.removals]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_explain(cleaned, _use_color(args.color, sys.stdout)) + "\n")
    return EXIT_OK


def run_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        cleaner = _make_cleaner(args)
        for pack in cleaner.config.packs():
            print(f"{pack.name}  ({pack.source}): {pack.description}")
            for rule in pack.rules:
                print(f"  {rule.id:<40} {rule.scope:<5} {rule.reason}")
        for dom_pack in cleaner.config.dom_packs():  # HTML (--backend fast, guided) only
            print(f"{dom_pack.name}  ({dom_pack.source}, HTML): {dom_pack.description}")
            for dom_rule in dom_pack.rules:
                print(f"  {dom_rule.id:<40} dom   {dom_rule.reason}: {dom_rule.selector()}")
        return EXIT_OK
    packs: list[RulePack | DomPack] = (
        [load_any_pack(path) for path in args.packs]
        if args.packs
        else [*builtin_packs(), *builtin_dom_packs()]
    )
    problems = [
        problem
        for pack in packs
        for problem in (check_dom_pack(pack) if isinstance(pack, DomPack) else check_pack(pack))
    ]
    for problem in problems:
        print(f"FAIL {problem}")
    rules = sum(len(pack.rules) for pack in packs)
    print(f"{len(packs)} pack(s), {rules} rule(s), {len(problems)} problem(s)")
    return EXIT_FAILED if problems else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    handlers = {
        "clean": run_clean,
        "explain": run_explain,
        "rules": run_rules,
        "train": _user_errors(run_train),
        "eval": _user_errors(run_eval),
        "report": _user_errors(run_report),
        "learn": _user_errors(run_learn),
    }
    try:
        return handlers[args.command](args)
    except (CliError, RuleError, DomRuleError) as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`cleaner clean x | head`): not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
