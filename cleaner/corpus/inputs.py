"""Finding a corpus run's inputs: what each file is by its name, which files and folders
are left out and why, and where each input's output goes.

Nothing under the input folder is passed over without a word: a file of another format, a
symlinked folder, a folder that cannot be listed or a FIFO each come back with the reason
it is not read, so a run can list it (see `cleaner.batch.plan`).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Literal

Kind = Literal["text", "html", "jsonl"]

# What a file is by its name, gzipped or not (`.gz` after any of these): the one table of
# supported inputs. Longest suffixes need no special order: none of them ends another.
KIND_SUFFIXES: tuple[tuple[str, Kind], ...] = (
    (".txt", "text"),
    (".html", "html"),
    (".htm", "html"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
)
GZIP_SUFFIX = ".gz"
SUPPORTED_INPUTS = ".txt, .html/.htm, .jsonl/.ndjson, each also gzipped (.gz)"


def is_gzip(name: str) -> bool:
    return name.lower().endswith(GZIP_SUFFIX)


def input_kind(name: str) -> Kind | None:
    """What a file is by its name (`.gz` or not), or None for a format a run does not read."""
    lower = name.lower()
    if lower.endswith(GZIP_SUFFIX):
        lower = lower[: -len(GZIP_SUFFIX)]
    for suffix, kind in KIND_SUFFIXES:
        if lower.endswith(suffix):
            return kind
    return None


def output_rel(rel: str, kind: Kind) -> str:
    """Where an input's output goes, relative to the output folder: the same path, except
    that HTML pages become text files (`a/page.html` -> `a/page.txt`, `.html.gz` ->
    `.txt.gz`); any other format keeps its name."""
    if kind != "html":
        return rel
    cut = len(rel) - len(GZIP_SUFFIX) if is_gzip(rel) else len(rel)
    return str(PurePosixPath(rel[:cut]).with_suffix(".txt")) + rel[cut:]


_INCLUDE_KINDS: MappingProxyType[str, Kind] = MappingProxyType(
    {":text": "text", ":html": "html", ":jsonl": "jsonl"}
)


@dataclass(frozen=True, slots=True)
class Include:
    """`--include GLOB[:KIND]`: files of another format taken as `kind` (text by default),
    matched against the path relative to the input folder and against the file name."""

    glob: str
    kind: Kind = "text"

    @classmethod
    def parse(cls, value: str) -> Include:
        """`'*.md'` (as text) or `'*.php:html'`; a glob may itself hold colons."""
        glob: str = value
        kind: Kind = "text"
        for suffix, named in _INCLUDE_KINDS.items():
            if value.endswith(suffix):
                glob, kind = value[: -len(suffix)], named
        if not glob:
            raise ValueError(f"--include {value!r}: give a glob such as '*.md' or '*.php:html'")
        return cls(glob, kind)

    def matches(self, rel: str) -> bool:
        return fnmatch.fnmatchcase(rel, self.glob) or fnmatch.fnmatchcase(
            PurePosixPath(rel).name, self.glob
        )


@dataclass(frozen=True, slots=True)
class FoundInput:
    """One file or folder found under the input root: its path, its path relative to the
    root (POSIX form) and its kind; when it cannot be cleaned, `problem` is its
    `(kind, message)` entry for the run report (and `kind` may be None)."""

    path: Path
    rel: str
    kind: Kind | None
    problem: tuple[str, str] | None = None


def scan_inputs(root: Path, include: Sequence[Include] = ()) -> Iterator[FoundInput]:
    """Everything under `root`, in a stable sorted order: each input file with its kind, and
    every file or folder that will not be cleaned with the reason, so nothing is left out
    without a word. Files of other formats are `unsupported` unless an `include` takes
    them. Symlinked folders are not entered (a loop, or the same files twice) and a
    symlinked file that leads outside `root` is not read: a corpus run reads only what is
    inside its input folder. A folder that cannot be listed is reported, as is anything
    that is not a regular file (a FIFO would block the run forever)."""
    root_real = root.resolve()
    unlisted: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted.append):
        yield from _unlisted_folders(unlisted, root)
        here = Path(dirpath)
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            rel = path.relative_to(root).as_posix()
            kind = input_kind(name) or _included_kind(rel, include)
            if kind is None:
                yield FoundInput(path, rel, None, _unsupported(path))
                continue
            yield FoundInput(path, rel, kind, _input_problem(path, root_real))
        for name in dirnames:
            path = here / name
            if path.is_symlink():
                rel = path.relative_to(root).as_posix()
                yield FoundInput(path, rel, None, _symlinked_folder(path, root, root_real))
    yield from _unlisted_folders(unlisted, root)


def _included_kind(rel: str, include: Sequence[Include]) -> Kind | None:
    return next((rule.kind for rule in include if rule.matches(rel)), None)


def _unsupported(path: Path) -> tuple[str, str]:
    return "unsupported", (
        f"skipped: not a supported input ({SUPPORTED_INPUTS}); "
        "take it with --include GLOB[:text|html|jsonl]"
    )


def _unlisted_folders(errors: list[OSError], root: Path) -> Iterator[FoundInput]:
    """A FoundInput for each folder os.walk could not list (no permission, gone, I/O)."""
    for error in errors:
        path = Path(error.filename) if error.filename else root
        rel = path.relative_to(root).as_posix() if path != root else "."
        reason = error.strerror or str(error)
        yield FoundInput(
            path, rel, None, ("unreadable", f"skipped: cannot list this folder ({reason})")
        )
    errors.clear()


def _symlinked_folder(path: Path, root: Path, root_real: Path) -> tuple[str, str]:
    """Why a symlinked folder is not entered, as a (kind, message) problem."""
    if not path.exists():
        return "unreadable", "skipped: a broken symlink to a folder; fix or remove the link"
    target = path.resolve()
    if path.parent.resolve().is_relative_to(target):
        where = (
            target.relative_to(root_real).as_posix()
            if target.is_relative_to(root_real)
            else str(target)
        )
        where = "the input folder" if where == "." else where
        return "symlink-loop", f"a symlink loop back to {where}; not followed (nothing is lost)"
    if target.is_relative_to(root_real):
        inside = target.relative_to(root_real).as_posix()
        return (
            "symlink-inside",
            f"a symlinked folder; not entered (its files are cleaned in {inside})",
        )
    return "symlink-outside", (
        "skipped: a symlinked folder leading outside the input folder; not entered "
        "(copy the files in, or give that folder as its own input)"
    )


def _input_problem(path: Path, root_real: Path) -> tuple[str, str] | None:
    if path.is_symlink():
        if not path.resolve().is_relative_to(root_real):
            return "unreadable", (
                "skipped: a symlink leading outside the input folder; not followed "
                "(copy the file in)"
            )
        if not path.exists():
            return (
                "unreadable",
                "skipped: cannot read it (a broken symlink); fix or remove the link",
            )
    if not path.is_file():
        return "unreadable", "skipped: not a regular file (a FIFO, socket or device)"
    return None


def find_inputs(root: Path) -> Iterator[Path]:
    """Usable input files under `root`, sorted (see `scan_inputs`)."""
    return (found.path for found in scan_inputs(root) if found.problem is None)
