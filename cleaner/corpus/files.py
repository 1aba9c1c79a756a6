"""Reading and writing corpus files: decoding, finding inputs, safe paths, atomic writes and
streaming JSONL shards.

Scraped files arrive in any state: a BOM, cp1252 bytes in a "UTF-8" file, a NUL or two, a
shard whose gzip stream was cut off by a full disk. Nothing here raises on content:
undecodable bytes become U+FFFD and are counted, and a broken shard yields every complete
line before the damage and then says what went wrong, so the caller can report one bad
item instead of dying on it in a folder of thousands.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from cleaner.corpus.inputs import is_gzip

# Byte-order marks, longest first: UTF-32's little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Every temporary file this package writes ends so; a rerun after `kill -9` deletes the
# leftovers by this suffix, which no input kind can have.
TEMP_SUFFIX = ".cleaner-tmp"
# Raw bytes read at a time from a file: large enough that per-chunk Python work vanishes
# next to cleaning, small enough that memory stays flat.
READ_CHUNK_BYTES = 1 << 20
# One document (a file, or one JSONL line) larger than this is refused rather than read
# whole: no article is 64 MiB, and bounding it keeps a worker's memory bounded.
MAX_DOCUMENT_BYTES = 64 << 20
# Buffer of files we write: large writes, few system calls (a shard is written line by line).
WRITE_BUFFER_BYTES = 1 << 20
# gzip level for shards we write: zlib's default, within a few percent of level 9's size
# at several times its speed. mtime=0 and no file name keep the bytes reproducible.
GZIP_LEVEL = 6


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
        return decode_with_replacement(data, "utf-8")


def decode_with_replacement(data: bytes, encoding: str) -> Decoded:
    """Decode with U+FFFD for every byte sequence `encoding` cannot read, counted."""
    text = data.decode(encoding, errors="replace")
    return Decoded(text, encoding, _replacements(data, encoding, text))


def _replacements(data: bytes, encoding: str, decoded: str) -> int:
    """How many U+FFFD the decoder added: the input may carry genuine U+FFFD characters."""
    try:
        genuine = data.count("\ufffd".encode(encoding))
    except UnicodeEncodeError:  # a legacy code page has no U+FFFD of its own
        genuine = 0
    return decoded.count("\ufffd") - genuine


def read_text(path: Path) -> Decoded:
    """Read a file as text; OSError (missing, unreadable, a folder) propagates to the caller."""
    return decode_bytes(path.read_bytes())


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A document file's bytes (gunzipped for `.gz`), and `damage` when a gzip stream was cut
    or corrupt: the bytes before the damage are kept, as a shard keeps its complete lines."""

    data: bytes
    damage: tuple[str, str] | None = None  # (kind, message)


def read_document(path: Path) -> RawDocument:
    """A document file's bytes, refusing one too large to be an article (OSError says so)."""
    with path.open("rb") as stream:
        if is_gzip(path.name):
            return _gunzip_document(stream)
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise OSError(_too_large_message())
    return RawDocument(data)


def _too_large_message() -> str:
    return (
        f"larger than {MAX_DOCUMENT_BYTES >> 20} MiB, too large for one document; "
        "split it or convert it to a JSONL shard"
    )


def _gunzip_document(stream: BinaryIO) -> RawDocument:
    """A gzipped document, decompressed in bounded pieces (a gzip bomb stops at the size
    cap), keeping what came before a damaged stream."""
    pieces: list[bytes] = []
    size = 0
    damage: list[tuple[str, str]] = []
    for piece in gunzip_chunks(iter(lambda: stream.read(READ_CHUNK_BYTES), b""), damage):
        size += len(piece)
        if size > MAX_DOCUMENT_BYTES:
            raise OSError(_too_large_message() + " (uncompressed)")
        pieces.append(piece)
    if damage:
        kind, message = damage[0]
        return RawDocument(b"".join(pieces), (kind, f"{message}; cleaned what came before"))
    return RawDocument(b"".join(pieces))


def gunzip_chunks(chunks: Iterable[bytes], damage: list[tuple[str, str]]) -> Iterator[bytes]:
    """Decompress gzip members one after another (concatenated .gz files are valid), in
    pieces of at most READ_CHUNK_BYTES, so a highly compressible input cannot blow up
    memory. A corrupt or cut stream ends the pieces and appends `(kind, message)` to
    `damage`; everything before it has been yielded."""
    inflater = zlib.decompressobj(wbits=31)
    started = False  # bytes of the current member seen: a clean end needs none pending
    for chunk in chunks:
        data = chunk
        while data:
            started = True
            try:
                yield inflater.decompress(data, READ_CHUNK_BYTES)
            except zlib.error as exc:
                damage.append(("corrupt-gzip", f"corrupt gzip data ({exc})"))
                return
            data = inflater.unconsumed_tail
            if inflater.eof:
                data = inflater.unused_data + data
                inflater = zlib.decompressobj(wbits=31)
                started = False
    if started:
        yield inflater.flush()
        damage.append(("truncated-gzip", "the gzip stream ends early (truncated file)"))


# Characters that never belong in text: C0 controls other than tab and the line breaks
# (\n, \v, \f, \r split lines), and DEL. A stray one (a NUL from a buggy scraper) is
# dropped; many of them mean the file is not text at all.
# Found with a compiled character class: `str.translate` with a table looks every character
# up in a dict and took 40% of a rules-only corpus run's time.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# A document whose characters are more than this share controls or U+FFFD (undecodable
# bytes) is not text: random bytes decoded as UTF-8 are mostly U+FFFD, as windows-1252 one
# in nine is a control. Real pages have a handful of either at most.
NOT_TEXT_SHARE = 0.05
# ...and at least this many of them: one NUL in a ten-byte file is a stray, not binary.
NOT_TEXT_MIN_CHARS = 16


def count_controls(text: str) -> int:
    """How many characters of `text` are controls that never belong in text."""
    return sum(1 for _ in _CONTROLS.finditer(text))


def drop_controls(text: str) -> str:
    """`text` without the controls that never belong in text (NUL, BEL, ESC...)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def not_text_problem(decoded: Decoded) -> tuple[str, str] | None:
    """(kind, message) when decoded bytes are not text worth cleaning, else None: mostly
    controls (`binary`) or mostly undecodable bytes (`undecodable-text`, another encoding)."""
    size = len(decoded.text)
    limit = max(NOT_TEXT_SHARE * size, NOT_TEXT_MIN_CHARS)
    controls = count_controls(decoded.text)
    if controls > limit:
        share = f"{100 * controls / size:.0f}%"
        return "binary", f"looks binary ({share} control characters); not cleaned"
    if decoded.replaced > limit:
        return "undecodable-text", (
            f"{decoded.replaced} byte sequence(s) not valid {decoded.encoding}, too many to "
            "be text in it; not cleaned (convert it to UTF-8, or check it is text)"
        )
    return None


def as_file_text(text: str) -> str:
    """Cleaned text as a file holds it: a final newline unless there is no text at all."""
    return text + "\n" if text else ""


# Writing safely ---------------------------------------------------------------------------


class UnsafePathError(ValueError):
    """An output path that would land outside the output folder."""


def safe_output_path(root: Path, rel: str) -> Path:
    """`root / rel`, refusing any `rel` that could leave `root`: absolute paths, `..` parts,
    and folders inside `root` that are symlinks leading out of it. Folders on the way are
    created one at a time and each is checked before anything goes into it (creating them
    all at once would follow such a link first). The final name may be a symlink:
    `os.replace` swaps the link itself, so the file it points at is never written."""
    path = PurePosixPath(rel)
    if not path.parts or path.is_absolute() or any(p in ("", ".", "..") for p in path.parts):
        raise UnsafePathError(f"{rel!r} is not a plain relative path")
    root.mkdir(parents=True, exist_ok=True)
    root_real = root.resolve()
    folder = root
    for part in path.parts[:-1]:
        folder = folder / part
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
        if not folder.resolve().is_relative_to(root_real) or not folder.is_dir():
            raise UnsafePathError(
                f"{folder} leads outside the output folder (a symlink?); remove it"
            )
    return folder / path.parts[-1]


class ByteSink(Protocol):
    """Where bytes go: a file, or a gzip stream over one."""

    def write(self, data: bytes, /) -> int: ...


def _umask_file_mode() -> int:
    """0o666 minus the process umask: the mode `open()` would have given a new file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


# mkstemp creates files readable by their owner only; outputs (cleaned corpora, reports) are
# meant to be shared, so they get the mode a plain open() would give. Read once at import:
# os.umask can only be read by setting it, which must not race with other threads later.
OUTPUT_FILE_MODE = _umask_file_mode()


@contextmanager
def atomic_output(path: Path, compress: bool = False) -> Iterator[ByteSink]:
    """A binary stream that becomes `path` only when the block ends without error, through a
    temporary file in the same folder and a rename: a killed run leaves either the old file
    or the complete new one, never half a file. With `compress`, the bytes are gzipped
    reproducibly (no time stamp, no name), so reruns give identical files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb", buffering=WRITE_BUFFER_BYTES) as raw:
            if compress:
                with _gzip_writer(raw) as stream:
                    yield stream
            else:
                yield raw
        os.chmod(temp_name, OUTPUT_FILE_MODE)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


@contextmanager
def _gzip_writer(raw: BinaryIO) -> Iterator[ByteSink]:
    with gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
    ) as out:
        yield out


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8, `\\n` line ends as given) to `path` atomically (see atomic_output)."""
    with atomic_output(path) as stream:
        stream.write(text.encode("utf-8"))


def json_line(value: object, escape_non_ascii: bool = False) -> bytes:
    """One JSON value as a UTF-8 line. Non-ASCII stays readable unless `escape_non_ascii`
    (for records that came escaped: a shard keeps its producer's style, and escaped output
    is also the faster to write). A string holding a lone surrogate (legal in JSON escapes,
    not in UTF-8) falls back to escaping, which round-trips, instead of failing the record."""
    if not escape_non_ascii:
        try:
            return (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError:
            pass
    return (json.dumps(value) + "\n").encode("ascii")


def sweep_temp_files(root: Path) -> int:
    """Delete temporary files a killed run left under `root`; returns how many."""
    removed = 0
    for dirpath, _dirnames, filenames in os.walk(root, followlinks=False):
        for name in filenames:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                (Path(dirpath) / name).unlink(missing_ok=True)
                removed += 1
    return removed


# Streaming JSONL shards -------------------------------------------------------------------


class ShardLines:
    """The lines of a `.jsonl` or `.jsonl.gz` shard, streamed: `(line_number, bytes)` pairs,
    1-based, without the newline; blank lines included (the caller skips them).

    Damage never loses the lines before it: a truncated or corrupt gzip stream, or a line
    over `MAX_DOCUMENT_BYTES`, ends up in `problems` as `(line_number, kind, message)`
    (line None for damage to the stream as a whole), and every complete line before it is
    still yielded. `bytes_read` counts raw file bytes consumed, for progress. OSError from
    the file itself propagates.
    """

    def __init__(self, path: Path, compressed: bool) -> None:
        self.path = path
        self.compressed = compressed
        self.bytes_read = 0
        self.problems: list[tuple[int | None, str, str]] = []
        self._broken: tuple[str, str] | None = None  # (kind, message) of a damaged stream

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        number = 0
        pending = b""
        oversize = False  # inside a line too long to keep: drop bytes up to its end
        with self.path.open("rb") as raw:
            chunks = self._gunzip(raw) if self.compressed else self._raw(raw)
            for chunk in chunks:
                pieces = chunk.split(b"\n")
                for piece in pieces[:-1]:
                    number += 1
                    if oversize:
                        oversize, pending = False, b""
                        self._too_long(number)
                        continue
                    line, pending = pending + piece, b""
                    yield number, line
                pending += pieces[-1]
                if len(pending) > MAX_DOCUMENT_BYTES:
                    oversize, pending = True, b""
        if oversize:
            self._too_long(number + 1)
        elif pending and self._broken is None:
            yield number + 1, pending
        if self._broken is not None:
            kind, message = self._broken
            where = f"after line {number}" if number else "before the first line"
            if pending:
                where = f"inside line {number + 1}, which is left out"
            self.problems.append((None, kind, f"{message}, {where}; what follows is lost"))

    def _too_long(self, number: int) -> None:
        self.problems.append(
            (number, "too-large", f"line over {MAX_DOCUMENT_BYTES >> 20} MiB; left out")
        )

    def _raw(self, raw: BinaryIO) -> Iterator[bytes]:
        while chunk := raw.read(READ_CHUNK_BYTES):
            self.bytes_read += len(chunk)
            yield chunk

    def _gunzip(self, raw: BinaryIO) -> Iterator[bytes]:
        damage: list[tuple[str, str]] = []
        yield from gunzip_chunks(self._raw(raw), damage)
        if damage:
            self._broken = damage[0]
