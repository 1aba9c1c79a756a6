"""Reading and writing corpus files: decoding bytes safely, finding inputs, atomic writes.

Scraped files arrive in any state: a BOM, cp1252 bytes in a "UTF-8" file, a NUL or two.
Nothing here raises on content; undecodable bytes become U+FFFD and are counted, so the
caller can report them instead of dying on one bad file in a folder of thousands.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Byte-order marks, longest first: UTF-32's little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with how it was done and how many bytes were unreadable."""

    text: str
    encoding: str
    replaced: int


def decode_bytes(data: bytes) -> Decoded:
    """Decode scraped bytes: a BOM decides; else strict UTF-8; else UTF-8 with U+FFFD for each
    bad byte sequence (counted). Never raises."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            text = body.decode(encoding, errors="replace")
            return Decoded(text, encoding, _replacements(body, encoding, text))
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 0)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", _replacements(data, "utf-8", text))


def _replacements(data: bytes, encoding: str, decoded: str) -> int:
    """How many U+FFFD the decoder added: the input may carry genuine U+FFFD characters."""
    return decoded.count("\ufffd") - data.count("\ufffd".encode(encoding))


def read_text(path: Path) -> Decoded:
    """Read a file as text; OSError (missing, unreadable, a folder) propagates to the caller."""
    return decode_bytes(path.read_bytes())


def find_inputs(root: Path) -> Iterator[Path]:
    """Text files under `root`, sorted for a stable order, skipping anything reached through
    a symlinked folder or file that points outside `root`."""
    root_real = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if path.suffix.lower() not in TEXT_SUFFIXES:
                continue
            if not path.resolve().is_relative_to(root_real):
                continue
            yield path


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename, so a killed run leaves
    either the old file or the complete new one, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
