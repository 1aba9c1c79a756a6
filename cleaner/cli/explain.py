"""`cleaner explain`: every line of one document, kept or removed, and why."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from cleaner.cli.common import (
    EXIT_OK,
    add_rule_options,
    make_cleaner,
    read_bytes,
    read_input,
    user_errors,
    warn_replaced,
)
from cleaner.cli.learn import add_profile_options
from cleaner.cli.report import write_explain_html
from cleaner.corpus.inputs import input_kind
from cleaner.document import Cleaned
from cleaner.html.decode import decode_html


def add_explain_command(commands: Any) -> None:
    """The `explain` subcommand and its options."""
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
    add_rule_options(explain)
    add_profile_options(explain, learn_option=False)


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ


def judgement_lines(cleaned: Cleaned, dim: str, reset: str) -> list[str]:
    """The header of a listing: the result's confidence, and which extractor the router
    took and why (nothing when the result has neither)."""
    out = []
    if cleaned.confidence is not None:
        out.append(
            f"{dim}# confidence {cleaned.confidence:.2f} (predicted F1 of this cleaning){reset}"
        )
    if cleaned.route is not None:
        route = cleaned.route
        out.append(f"{dim}# extractor {route.extractor}: {route.reason}{reset}")
    return out


def explain_payload(cleaned: Cleaned) -> dict[str, object]:
    """`explain --json`: the text, every removal, the confidence and the router's choice."""
    route = cleaned.route
    return {
        "text": cleaned.text,
        "removals": [r.to_dict() for r in cleaned.removals],
        "confidence": cleaned.confidence,
        "route": {"extractor": route.extractor, "reason": route.reason} if route else None,
    }


def format_explain(cleaned: Cleaned, color: bool) -> str:
    """Every line of the document with its fate; removed lines name filter, rule and reason."""
    red, yellow, dim, reset = ("\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[0m") if color else ("",) * 4
    whole = cleaned.removed_lines()
    spans = cleaned.spans_by_line()
    out = judgement_lines(cleaned, dim, reset)
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
    cleaner = make_cleaner(args)
    if args.input != "-" and input_kind(args.input) == "html":
        name = args.input
        decoded = decode_html(read_bytes(name))
        warn_replaced(decoded, name)
        cleaned = cleaner.explain_html(decoded.text, site=args.site)
    else:
        decoded, name = read_input(args.input)
        warn_replaced(decoded, name)
        cleaned = cleaner.explain(decoded.text, site=args.site)
    if args.html:
        return user_errors(lambda _: write_explain_html(cleaned, name, args.html))(args)
    if args.json:
        payload = explain_payload(cleaned)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_explain(cleaned, _use_color(args.color, sys.stdout)) + "\n")
    return EXIT_OK
