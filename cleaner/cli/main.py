"""The `cleaner` command: its parser and dispatch. Each subcommand lives in its own module:
`clean`, `explain`, `rules`, `learn`, `train`, `eval`, `report`.

Every failure a user can cause (a wrong path, a broken rule pack, an output folder inside
the input) ends in one line on stderr saying what is wrong and what to do, and a non-zero
exit; never a traceback. In a folder run a bad file is reported and skipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cleaner import __version__
from cleaner.cli.clean import add_clean_command, run_clean
from cleaner.cli.common import EXIT_OK, EXIT_USAGE, CliError, user_errors
from cleaner.cli.eval import add_eval_command, run_eval
from cleaner.cli.examples import EXAMPLES
from cleaner.cli.explain import add_explain_command, run_explain
from cleaner.cli.learn import add_learn_command, run_learn
from cleaner.cli.report import add_report_command, run_report
from cleaner.cli.rules import add_rules_command, run_rules
from cleaner.cli.train import add_train_command, run_train
from cleaner.packs.dom_pack import DomRuleError
from cleaner.packs.text_pack import RuleError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Strip ads, video-player text and site tails from scraped articles.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add_clean_command(commands)
    add_explain_command(commands)
    add_rules_command(commands)
    add_train_command(commands)
    add_eval_command(commands)
    add_report_command(commands)
    add_learn_command(commands)
    return parser


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
        "train": user_errors(run_train),
        "eval": user_errors(run_eval),
        "report": user_errors(run_report),
        "learn": user_errors(run_learn),
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
