"""What every `cleaner` subcommand shares: exit codes, one-line errors, the rule and model
options, and the one way they become a config (`config_from_args`, through `resolve_config`
like the API's keywords)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from cleaner.api import Cleaner
from cleaner.config import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_PRESET,
    PRESETS,
    UNSET,
    CleanerConfig,
    resolve_config,
)
from cleaner.corpus.files import Decoded, decode_bytes, read_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user-facing error: the message is the whole story, printed as one line."""


def add_rule_options(parser: argparse.ArgumentParser) -> None:
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
    # No defaults here: a flag left out keeps CleanerConfig's value (`config_from_args`).
    group.add_argument(
        "--model",
        metavar="MODEL",
        help="line model: 'default' (shipped) or a file from `cleaner train`",
    )
    group.add_argument(
        "--preset",
        choices=PRESETS,
        help=f"how eagerly the model removes lines (default: {DEFAULT_PRESET})",
    )
    group.add_argument(
        "--backend",
        choices=BACKENDS,
        help="how HTML pages are read: trafilatura extraction + rules, the fast DOM path, "
        "trafilatura guided by the DOM block model, or auto: fast with the shipped model, "
        f"else trafilatura (default: {DEFAULT_BACKEND})",
    )


Command = Callable[[argparse.Namespace], int]


def user_errors(command: Command) -> Command:
    """Run a model command, turning the errors a user causes (a wrong dataset path, a model
    file from elsewhere, a missing extra) into one-line CliErrors."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (ValueError, FileNotFoundError, ImportError) as exc:
            raise CliError(str(exc)) from None

    return run


def config_from_args(args: argparse.Namespace) -> CleanerConfig:
    """The config the rule and model flags describe, resolved as the API resolves keywords
    (`resolve_config`): a flag left out keeps the default."""
    if args.rules_only and args.model is not None:
        raise CliError("--rules-only and --model contradict each other; give one of them")
    profile = getattr(args, "profile", None)
    try:
        return resolve_config(
            model=None if args.rules_only else (UNSET if args.model is None else args.model),
            preset=UNSET if args.preset is None else args.preset,
            backend=UNSET if args.backend is None else args.backend,
            rules=args.rules,
            builtin_rules=False if args.no_builtin_rules else UNSET,
            disabled_rules=args.disable,
            profile=UNSET if profile is None else profile,
        )
    except (ValueError, FileNotFoundError) as exc:
        raise CliError(str(exc)) from None


def make_cleaner(args: argparse.Namespace) -> Cleaner:
    config = config_from_args(args)
    try:
        return Cleaner(config=config)
    except (ValueError, FileNotFoundError) as exc:
        raise CliError(str(exc)) from None


def read_input(source: str) -> tuple[Decoded, str]:
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


def read_bytes(source: str) -> bytes:
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise CliError(f"{source}: cannot read it ({exc.strerror or exc})") from None


def warn_replaced(decoded: Decoded, name: str) -> None:
    if decoded.replaced:
        print(
            f"cleaner: warning: {name}: {decoded.replaced} undecodable byte sequence(s) "
            "replaced with U+FFFD (the file is not valid UTF-8)",
            file=sys.stderr,
        )
