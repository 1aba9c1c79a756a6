"""`cleaner report OUT -o report.html` and `cleaner explain FILE --html report.html`.

Kept apart from `cli.py` so the command file stays a dispatcher. Problems a user can fix
are raised as ReportError (a ValueError), which `cli.py` prints as one line with exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleaner.document import Cleaned
from cleaner.report.view import MAX_DOCUMENTS, explain_view, run_view, write_report

REPORT_EXAMPLES = """\
examples:
  cleaner clean scraped/ -o clean/ --removals && cleaner report clean/ -o report.html
  cleaner report clean/ -o report.html --input scraped/    inputs moved since the run
  cleaner explain page.txt --html page.html                one document as a page
"""


def add_report_command(commands: Any) -> None:
    """Register `report` on the `cleaner` subcommands (an argparse subparsers action)."""
    report = commands.add_parser(
        "report",
        help="an HTML page of a folder run: totals, chart, documents with removals struck",
        epilog=REPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("output_folder", metavar="OUT", help="the -o folder of a folder run")
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html")
    report.add_argument(
        "--input",
        metavar="DIR",
        help="the run's input folder, for the original text (default: as recorded in the run)",
    )
    report.add_argument(
        "--documents",
        type=int,
        default=MAX_DOCUMENTS,
        metavar="N",
        help="documents on the page, a fixed sample (default: %(default)s)",
    )


def run_report(args: argparse.Namespace) -> int:
    given = Path(args.input) if args.input else None
    if given is not None and not given.is_dir():
        raise ValueError(f"--input {args.input}: no such folder; give the run's input folder")
    view = run_view(Path(args.output_folder), given, max(0, args.documents))
    write_report(Path(args.output), view)
    print(f"cleaner: report of {len(view.docs)} document(s) in {args.output}", file=sys.stderr)
    return 0


def write_explain_html(cleaned: Cleaned, name: str, target: str) -> int:
    """`explain --html`: the one-document page instead of the terminal listing."""
    write_report(Path(target), explain_view(cleaned, name), "--html")
    return 0
