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
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from cleaner import __version__
from cleaner.api import Cleaner
from cleaner.corpus import Decoded, decode_bytes, find_inputs, read_text, write_atomic
from cleaner.document import Cleaned
from cleaner.rulecheck import check_pack
from cleaner.rulepack import RuleError, builtin_packs, load_pack

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
        help="add a rule pack (repeatable); see README 'Writing a rule pack'",
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
        help="clean a file, a folder of .txt files, or stdin (-)",
        epilog=EXAMPLES,
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
    _add_rule_options(clean)

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
    _add_rule_options(explain)

    rules = commands.add_parser("rules", help="list rules, or test rule packs")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = rules_commands.add_parser("list", help="list the rules in force")
    _add_rule_options(listing)
    testing = rules_commands.add_parser(
        "test",
        help="check packs: examples fire, counterexamples don't, no backtracking",
    )
    testing.add_argument(
        "packs", nargs="*", metavar="FILE.toml", help="packs to check (default: built-in packs)"
    )
    return parser


def _make_cleaner(args: argparse.Namespace) -> Cleaner:
    return Cleaner(
        model=None if args.rules_only else "default",
        rules=args.rules,
        builtin_rules=not args.no_builtin_rules,
        disabled_rules=args.disable,
    )


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


def _as_file_text(text: str) -> str:
    return text + "\n" if text else ""


def _clean_one(cleaner: Cleaner, args: argparse.Namespace) -> int:
    decoded, name = _read_input(args.input)
    _warn_replaced(decoded, name)
    text = _as_file_text(cleaner.clean(decoded.text))
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    if target.is_dir():
        if args.input == "-":
            raise CliError("-o is a folder; give a file name when cleaning stdin")
        target = target / Path(args.input).name
    if args.input != "-" and target.exists() and target.samefile(args.input):
        raise CliError(f"-o {args.output} is the input file; choose another output path")
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise CliError(f"cannot write {target} ({exc.strerror or exc})") from None
    return EXIT_OK


def _check_folders(source: Path, output: Path) -> None:
    source_real, output_real = source.resolve(), output.resolve()
    if output_real == source_real or output_real.is_relative_to(source_real):
        raise CliError(
            f"-o {output} is inside the input folder {source}; choose an output folder "
            "outside it (outputs would be read back as inputs)"
        )
    if source_real.is_relative_to(output_real):
        raise CliError(
            f"the input folder {source} is inside -o {output}; choose an output folder "
            "that does not contain the input (outputs could overwrite inputs)"
        )
    if output.exists() and not output.is_dir():
        raise CliError(f"-o {output} exists and is not a folder; give a folder for a folder input")


def _clean_folder(cleaner: Cleaner, args: argparse.Namespace) -> int:
    source = Path(args.input)
    if args.output is None:
        raise CliError("cleaning a folder needs -o OUT_FOLDER (the mirrored output folder)")
    output = Path(args.output)
    _check_folders(source, output)
    inputs = list(find_inputs(source))
    if not inputs:
        raise CliError(f"{source} has no .txt files to clean")
    failed = removed = 0
    show_progress = not args.quiet and sys.stderr.isatty()
    for path in tqdm(inputs, unit="doc", disable=not show_progress, file=sys.stderr):
        name = str(path)
        try:
            decoded = read_text(path)
            _warn_replaced(decoded, name)
            cleaned = cleaner.explain(decoded.text)
            write_atomic(output / path.relative_to(source), _as_file_text(cleaned.text))
            removed += len(cleaned.removals)
        except OSError as exc:
            failed += 1
            print(f"cleaner: skipped {name}: {exc.strerror or exc}", file=sys.stderr)
        except Exception as exc:  # one bad file must never stop the folder
            failed += 1
            print(f"cleaner: skipped {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    if not args.quiet:
        print(
            f"cleaner: cleaned {len(inputs) - failed} of {len(inputs)} files into {output} "
            f"({removed} removals, {failed} failed)",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def run_clean(args: argparse.Namespace) -> int:
    cleaner = _make_cleaner(args)
    if args.input != "-" and not Path(args.input).exists():
        raise CliError(f"{args.input}: no such file or folder; check the path")
    if args.input != "-" and Path(args.input).is_dir():
        return _clean_folder(cleaner, args)
    return _clean_one(cleaner, args)


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
    decoded, name = _read_input(args.input)
    _warn_replaced(decoded, name)
    cleaned = cleaner.explain(decoded.text)
    if args.json:
        payload = {"text": cleaned.text, "removals": [r.to_dict() for r in cleaned.removals]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_explain(cleaned, _use_color(args.color, sys.stdout)) + "\n")
    return EXIT_OK


def run_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        for pack in _make_cleaner(args).config.packs():
            print(f"{pack.name}  ({pack.source}): {pack.description}")
            for rule in pack.rules:
                print(f"  {rule.id:<40} {rule.scope:<5} {rule.reason}")
        return EXIT_OK
    packs = [load_pack(path) for path in args.packs] if args.packs else list(builtin_packs())
    problems = [problem for pack in packs for problem in check_pack(pack)]
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
    handlers = {"clean": run_clean, "explain": run_explain, "rules": run_rules}
    try:
        return handlers[args.command](args)
    except (CliError, RuleError) as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`cleaner clean x | head`): not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
