"""The `cleaner` command: its parser and dispatch. Each subcommand lives in its own module:
`clean`, `explain`, `rules`, `learn`, `train`, `eval`, `report`.

Every failure a user can cause (a wrong path, a broken rule pack, an output folder inside
the input) ends in one line on stderr saying what is wrong and what to do, and exit code 2;
never a traceback. Anything else is a bug: one line too, exit code 3, and `--debug` shows
its traceback. In a folder run a bad file is reported and skipped (exit code 1).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from cleaner import __version__
from cleaner.cli.clean import add_clean_command, run_clean
from cleaner.cli.common import (
    EXIT_CODES,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Command,
    user_errors,
)
from cleaner.cli.eval import add_eval_command, run_eval
from cleaner.cli.examples import EXAMPLES
from cleaner.cli.explain import add_explain_command, run_explain
from cleaner.cli.learn import add_learn_command, run_learn
from cleaner.cli.report import add_report_command, run_report
from cleaner.cli.rules import add_rules_command, run_rules
from cleaner.cli.train import add_train_command, run_train
from cleaner.packs.dom_pack import DomRuleError
from cleaner.packs.text_pack import RuleError

# What a user can cause and fix; everything else reaching `main` is a bug of ours.
USER_ERRORS = (CliError, RuleError, DomRuleError)


def handler(command: str) -> Command:
    """The function that runs a subcommand (looked up when called, so a test can swap one)."""
    handlers: dict[str, Command] = {
        "clean": run_clean,
        "explain": run_explain,
        "rules": run_rules,
        "train": user_errors(run_train),
        "eval": user_errors(run_eval),
        "report": user_errors(run_report),
        "learn": user_errors(run_learn),
    }
    return handlers[command]


DEBUG_HELP = "on an error, also print the traceback (for bug reports)"


class Parser(argparse.ArgumentParser):
    """argparse, with its errors said as every other usage error is: one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"cleaner: error: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="cleaner",
        description="Strip ads, video-player text and site tails from scraped articles.",
        epilog=EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add_clean_command(commands)
    add_explain_command(commands)
    add_rules_command(commands)
    add_train_command(commands)
    add_eval_command(commands)
    add_report_command(commands)
    add_learn_command(commands)
    for command in subcommands(parser):
        # After the subcommand too; SUPPRESS keeps the top-level value when it is left out.
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
        )
    return parser


def subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below `parser` (`clean`, `rules`, `rules list`, ...)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found += [command, *subcommands(command)]
    return found


def one_line(exc: BaseException) -> str:
    """An exception's message on one line, whatever it holds (a TOML error spans lines)."""
    return " ".join(str(exc).splitlines()).strip()


def report_error(exc: Exception, debug: bool) -> int:
    """Say what went wrong in one line and return the exit code: a usage error the user
    can fix, or a bug (anything else), which `--debug` shows in full."""
    if debug:
        traceback.print_exception(exc)
    if isinstance(exc, USER_ERRORS):
        print(f"cleaner: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"cleaner: internal error: {type(exc).__name__}: {one_line(exc)}; "
        "rerun with --debug for the traceback and report it",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args.command)(args)
    except BrokenPipeError:
        # The reader went away (`cleaner clean x | head`): not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        return report_error(exc, args.debug)
