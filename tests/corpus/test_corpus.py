"""Corpus I/O: input discovery, safe output paths, atomic writes, and JSONL shards that stream
and survive damage (truncated or corrupt gzip, giant lines) without losing good lines."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path

import pytest

from cleaner.corpus import files as corpus
from cleaner.corpus.files import (
    OUTPUT_FILE_MODE,
    RawDocument,
    ShardLines,
    UnsafePathError,
    atomic_output,
    decode_bytes,
    drop_controls,
    json_line,
    not_text_problem,
    read_document,
    safe_output_path,
    sweep_temp_files,
    write_atomic,
)
from cleaner.corpus.inputs import Include, input_kind, output_rel, scan_inputs

LINES = [json.dumps({"id": i, "text": f"Paragraph number {i} of the shard."}) for i in range(200)]


def gz_bytes(lines: list[str]) -> bytes:
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)


def read_all(path: Path, compressed: bool) -> tuple[list[tuple[int, bytes]], ShardLines]:
    reader = ShardLines(path, compressed)
    return list(reader), reader


@pytest.mark.parametrize(
    ("name", "kind", "out"),
    [
        ("a/page.txt", "text", "a/page.txt"),
        ("a/page.HTML", "html", "a/page.txt"),
        ("page.htm", "html", "page.txt"),
        ("s/part-0.jsonl", "jsonl", "s/part-0.jsonl"),
        ("s/part-0.JSONL.GZ", "jsonl", "s/part-0.JSONL.GZ"),
        ("s/part-1.ndjson", "jsonl", "s/part-1.ndjson"),
        ("s/part-1.ndjson.gz", "jsonl", "s/part-1.ndjson.gz"),
        ("a/page.txt.gz", "text", "a/page.txt.gz"),
        ("a/page.html.gz", "html", "a/page.txt.gz"),
        ("a/page.HTM.GZ", "html", "a/page.txt.GZ"),
        ("notes.md", None, None),
        ("data.json", None, None),
        ("archive.tar.gz", None, None),
    ],
)
def test_input_kinds_and_where_outputs_go(name, kind, out):
    assert input_kind(name) == kind
    if kind is not None:
        assert output_rel(name, kind) == out


def test_shard_lines_stream_every_line_with_numbers(tmp_path):
    plain = tmp_path / "a.jsonl"
    plain.write_text("\n".join(LINES))  # no final newline: the last line still counts
    got, reader = read_all(plain, compressed=False)
    assert [number for number, _ in got] == list(range(1, 201))
    assert [line.decode() for _, line in got] == LINES
    assert reader.problems == [] and reader.bytes_read == plain.stat().st_size


def test_concatenated_gzip_members_are_one_stream(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gz_bytes(LINES[:50]) + gz_bytes(LINES[50:]))
    got, reader = read_all(path, compressed=True)
    assert [line.decode() for _, line in got] == LINES and reader.problems == []


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9, -4])
def test_truncated_gzip_keeps_every_complete_line_before_the_cut(tmp_path, cut):
    whole = gz_bytes(LINES)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: int(len(whole) * cut) if cut > 0 else cut])
    got, reader = read_all(path, compressed=True)
    lines = [line.decode() for _, line in got]
    assert lines == LINES[: len(lines)], "lines before the cut come out intact and in order"
    # Cutting only the trailer (checksum and size) loses no line, but is still reported.
    assert len(lines) == len(LINES) if cut < 0 else len(lines) < len(LINES)
    ((record, kind, message),) = reader.problems
    assert record is None and kind == "truncated-gzip"
    assert "truncated" in message and "lost" in message


def test_corrupt_gzip_reports_and_keeps_what_came_before(tmp_path):
    whole = bytearray(gz_bytes(LINES))
    middle = len(whole) // 2
    whole[middle : middle + 40] = b"\xff" * 40
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(bytes(whole))
    got, reader = read_all(path, compressed=True)
    lines = [line.decode() for _, line in got]
    assert lines == LINES[: len(lines)]
    assert [kind for _, kind, _ in reader.problems] == ["corrupt-gzip"]


def test_not_gzip_at_all_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "plain.jsonl.gz"
    path.write_text("\n".join(LINES))
    got, reader = read_all(path, compressed=True)
    assert got == [] and reader.problems[0][1] == "corrupt-gzip"


def test_a_giant_line_is_left_out_and_the_next_lines_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_DOCUMENT_BYTES", 1000)
    monkeypatch.setattr(corpus, "READ_CHUNK_BYTES", 64)
    path = tmp_path / "big.jsonl"
    path.write_text(LINES[0] + "\n" + "x" * 5000 + "\n" + LINES[1] + "\n")
    got, reader = read_all(path, compressed=False)
    assert [(n, line.decode()) for n, line in got] == [(1, LINES[0]), (3, LINES[1])]
    assert reader.problems == [(2, "too-large", "line over 0 MiB; left out")]


def test_atomic_output_leaves_nothing_when_the_block_fails(tmp_path):
    target = tmp_path / "sub" / "out.jsonl"
    with pytest.raises(RuntimeError), atomic_output(target) as stream:
        stream.write(b"half a file")
        raise RuntimeError("killed")
    assert not target.exists() and os.listdir(target.parent) == []


def test_gzip_output_is_reproducible(tmp_path):
    outputs = []
    for name in ("one.jsonl.gz", "two.jsonl.gz"):
        with atomic_output(tmp_path / name, compress=True) as stream:
            stream.write(b'{"text": "x"}\n')
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1], "no time stamp or file name in the gzip header"
    assert gzip.decompress(outputs[0]) == b'{"text": "x"}\n'


def test_sweep_removes_only_our_temporary_files(tmp_path):
    (tmp_path / "d").mkdir()
    leftover = tmp_path / "d" / f".a.jsonl.x1y2{corpus.TEMP_SUFFIX}"
    leftover.write_text("partial")
    keep = tmp_path / "d" / "a.jsonl"
    keep.write_text("done")
    assert sweep_temp_files(tmp_path) == 1
    assert not leftover.exists() and keep.exists()


@pytest.mark.parametrize("rel", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "", "."])
def test_safe_output_path_refuses_escaping_names(tmp_path, rel):
    with pytest.raises(UnsafePathError):
        safe_output_path(tmp_path / "out", rel)


def test_safe_output_path_refuses_a_symlinked_folder_leading_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    (root / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="leads outside"):
        safe_output_path(root, "sub/page.txt")
    assert safe_output_path(root, "other/page.txt") == root / "other" / "page.txt"


def test_scan_inputs_reports_what_it_will_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not yours")
    root = tmp_path / "in"
    (root / "b").mkdir(parents=True)
    (root / "b" / "z.jsonl").write_text("{}\n")
    (root / "a.txt").write_text("text")
    (root / "notes.md").write_text("ignored")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "gone.txt").symlink_to(root / "missing.txt")
    os.mkfifo(root / "pipe.txt")
    (root / "b" / "up").symlink_to(root, target_is_directory=True)
    found = {item.rel: item for item in scan_inputs(root)}
    assert list(found) == [
        "a.txt", "gone.txt", "leak.txt", "notes.md", "pipe.txt", "linked", "b/z.jsonl", "b/up"
    ]  # fmt: skip
    assert found["a.txt"].problem is None and found["b/z.jsonl"].kind == "jsonl"
    problems = {rel: item.problem for rel, item in found.items() if item.problem}
    assert {rel: kind for rel, (kind, _) in problems.items()} == {
        "gone.txt": "unreadable",
        "leak.txt": "unreadable",
        "notes.md": "unsupported",
        "pipe.txt": "unreadable",
        "linked": "symlink-outside",
        "b/up": "symlink-loop",
    }
    assert "outside the input folder" in problems["leak.txt"][1]
    assert "broken symlink" in problems["gone.txt"][1]
    assert "not a regular file" in problems["pipe.txt"][1]
    assert "--include" in problems["notes.md"][1]
    assert "loop back to the input folder" in problems["b/up"][1]


def test_scan_inputs_takes_included_formats_as_the_kind_given(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.php").write_text("<p>x</p>")
    (tmp_path / "notes.md").write_text("text")
    (tmp_path / "other.rst").write_text("text")
    include = [Include.parse("*.md"), Include.parse("site/*.php:html")]
    kinds = {item.rel: item.kind for item in scan_inputs(tmp_path, include)}
    assert kinds == {"notes.md": "text", "other.rst": None, "site/page.php": "html"}
    with pytest.raises(ValueError, match="give a glob"):
        Include.parse(":html")


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    # Root reads any folder, so the refusal is simulated where os.walk lists folders.
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text("text")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("text")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = {item.rel: item.problem for item in scan_inputs(tmp_path)}
    assert found["open/a.txt"] is None
    kind, message = found["locked"] or ("", "")
    assert kind == "unreadable" and "cannot list this folder (Permission denied)" in message
    assert "locked/b.txt" not in found


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (bytes(range(256)) * 8, "binary"),
        ("\u00e9t\u00e9 ".encode("utf-16-le") * 50, "binary"),  # UTF-16 with no BOM
        (b"plain \x81\x82\x83 words " * 20, "undecodable-text"),
        (b"A page with a stray \x00 NUL and an \x1b escape.\n" * 3, None),
        ("Caf\u00e9 words\n".encode() * 100, None),
    ],
)
def test_not_text_is_told_apart_from_text_with_a_few_strays(data, kind):
    problem = not_text_problem(decode_bytes(data))
    assert (problem[0] if problem else None) == kind


def test_drop_controls_keeps_tabs_and_line_breaks():
    assert drop_controls("a\x00b\tc\nd\x1b[0m\x7fe\r\n\x0cf") == "ab\tc\nd[0me\r\n\x0cf"


def test_gzipped_documents_are_read_and_damage_keeps_what_came_before(tmp_path):
    body = ("Paragraph of the page. " * 4000).encode()
    whole = gzip.compress(body, mtime=0)
    (tmp_path / "a.txt.gz").write_bytes(whole + gzip.compress(b"More.", mtime=0))
    assert read_document(tmp_path / "a.txt.gz") == RawDocument(body + b"More.")
    (tmp_path / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    cut = read_document(tmp_path / "cut.txt.gz")
    assert cut.damage is not None and cut.damage[0] == "truncated-gzip"
    assert cut.data and body.startswith(cut.data)
    (tmp_path / "bad.txt.gz").write_bytes(whole[:20] + b"\x00" * 50 + whole[70:])
    assert (read_document(tmp_path / "bad.txt.gz").damage or ("",))[0] == "corrupt-gzip"


def test_a_gzip_bomb_stops_at_the_document_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_DOCUMENT_BYTES", 1 << 20)
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"\x00" * (8 << 20)))
    with pytest.raises(OSError, match="too large for one document"):
        read_document(tmp_path / "bomb.html.gz")


def test_json_line_keeps_unicode_and_survives_lone_surrogates():
    assert json_line({"t": "café"}) == '{"t": "café"}\n'.encode()
    escaped = json_line({"t": "a\ud800b"})
    assert json.loads(escaped) == {"t": "a\ud800b"}


def test_zlib_is_what_gzip_writes():
    # The reader decodes with zlib's gzip mode; the writer uses the gzip module. Same format.
    data = gz_bytes(LINES[:3])
    assert zlib.decompress(data, wbits=31) == ("\n".join(LINES[:3]) + "\n").encode()


def test_outputs_get_the_mode_open_would_give(tmp_path: Path) -> None:
    # mkstemp makes owner-only files; a cleaned corpus or a report is meant to be shared.
    target = tmp_path / "out.txt"
    write_atomic(target, "text\n")
    assert target.stat().st_mode & 0o777 == OUTPUT_FILE_MODE
    assert OUTPUT_FILE_MODE & 0o400
