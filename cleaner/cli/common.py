"""What every `cleaner` subcommand shares: exit codes, one-line errors, the rule and model
options, and the one way they become a config (`config_from_args`, through `resolve_config`
like the API's keywords)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cleaner.api import Cleaner
from cleaner.config import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_MODEL,
    DEFAULT_PRESET,
    PRESETS,
    UNSET,
    CleanerConfig,
    resolve_config,
)
from cleaner.corpus.files import Decoded, decode_bytes, read_text
from cleaner.models.line_model import load_model

# The one place the exit codes are defined; EXIT_CODES says the same to people (--help).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}    all clean
  {EXIT_FAILED}    some inputs failed (listed on stderr, and in OUT/_errors.jsonl for a folder)
  {EXIT_USAGE}    usage error: a bad option, path, rule pack, model or profile (one line says which)
  {EXIT_INTERNAL}    internal error, a bug: rerun with --debug for the traceback and report it
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); a folder run resumes when rerun
"""


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
        except (ValueError, ImportError) as exc:
            raise CliError(str(exc)) from exc
        except OSError as exc:  # a message of our own, or the OS's reason and the path
            if exc.strerror is None:
                raise CliError(str(exc)) from exc
            raise CliError(f"{exc.filename}: {exc.strerror}; check the path") from exc

    return run


def os_reason(exc: OSError, path: Path) -> str:
    """Why `path` could not be made or written, in words. A parent that is a file makes the
    OS say 'File exists' or 'Not a directory', which points nowhere; that case names it."""
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        return f"{blocker} is a file, not a folder"
    return exc.strerror or str(exc)


def check_writable(path: Path, flag: str) -> None:
    """Fail before a long run rather than after it when `path` cannot be written: its
    folder is made (as the write would) and a temporary file is tried in it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise CliError(f"cannot write {path} ({os_reason(exc, path)}); check {flag}") from exc
    if path.is_dir():
        raise CliError(f"{flag} {path} is a folder; give a file name")


def check_model_file(model: str | None) -> None:
    """Read a model file the user named once, up front. Whatever reading it raises (not a
    model, a damaged npz, a header of another shape) is the file's fault, so it becomes one
    line naming the file rather than numpy's traceback."""
    if model is None or model == DEFAULT_MODEL or not Path(model).is_file():
        return  # the default, rules only, or a missing file, which resolve_config names
    try:
        load_model(model)
    except ValueError as exc:  # load_model's own message names the file and what to do
        raise CliError(str(exc)) from exc
    except Exception as exc:
        raise CliError(
            f"cannot read model {model}: not a model file ({type(exc).__name__}: {exc}); "
            "pass a file written by `cleaner train`"
        ) from exc


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
    check_model_file(config.model)
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
