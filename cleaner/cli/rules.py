"""`cleaner rules list` and `cleaner rules test`: the rules in force, and checking packs."""

from __future__ import annotations

import argparse
from typing import Any

from cleaner.cli.common import EXIT_FAILED, EXIT_OK, add_rule_options, make_cleaner
from cleaner.packs.check_dom import check_dom_pack
from cleaner.packs.check_text import check_pack
from cleaner.packs.dom_pack import DomPack, builtin_dom_packs, load_any_pack
from cleaner.packs.text_pack import RulePack, builtin_packs


def add_rules_command(commands: Any) -> None:
    """The `rules` subcommand and its two actions."""
    rules = commands.add_parser("rules", help="list rules, or test rule packs")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = rules_commands.add_parser("list", help="list the rules in force")
    add_rule_options(listing)
    testing = rules_commands.add_parser(
        "test",
        help="check packs: examples fire, counterexamples don't",
    )
    testing.add_argument(
        "packs",
        nargs="*",
        metavar="FILE.toml",
        help="text or DOM packs to check (default: the built-in ones)",
    )


def run_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        cleaner = make_cleaner(args)
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
