"""The command line, run for real in a subprocess: files, folders, stdin, explain, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.html_pages import PAGE, PROSE_1

DIRTY = (
    "Bridge vote\n\nThe council voted 5-2 on Tuesday.\n\nADVERTISEMENT\n\n"
    "The bridge opens in May.\n"
)
CLEAN = "Bridge vote\n\nThe council voted 5-2 on Tuesday.\n\nThe bridge opens in May.\n"


def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result


def test_version_and_help():
    assert run("--version").stdout.decode().startswith("cleaner ")
    help_text = run("--help").stdout.decode()
    assert "examples:" in help_text and "cleaner clean scraped/ -o clean/" in help_text
    assert run("clean", "--help").returncode == 0


def test_no_command_prints_help_and_fails():
    result = run()
    assert result.returncode == 2 and b"usage:" in result.stderr


def test_clean_file_to_stdout_and_to_file(tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(DIRTY, encoding="utf-8")
    result = run("clean", str(source))
    assert result.returncode == 0 and result.stdout.decode() == CLEAN
    target = tmp_path / "page.clean.txt"
    assert run("clean", str(source), "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8") == CLEAN


def test_clean_stdin_to_stdout():
    result = run("clean", "-", stdin=DIRTY.encode())
    assert result.returncode == 0 and result.stdout.decode() == CLEAN


def test_undecodable_bytes_are_replaced_and_reported():
    result = run("clean", "-", stdin=b"Caf\xe9 opens\nADVERTISEMENT\nMore soon.\n")
    assert result.returncode == 0
    assert result.stdout.decode() == "Caf\ufffd opens\nMore soon.\n"
    assert b"1 undecodable byte sequence(s) replaced" in result.stderr


def test_folder_mirrors_tree_and_isolates_bad_files(tmp_path):
    source = tmp_path / "in"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text(DIRTY, encoding="utf-8")
    (source / "sub" / "b.txt").write_bytes(b"Caf\xe9\nShare\nText.\n")
    (source / "notes.md").write_text("not a .txt file", encoding="utf-8")
    (source / "broken.txt").symlink_to(source / "missing.txt")
    out = tmp_path / "out"
    result = run("clean", str(source), "-o", str(out))
    assert result.returncode == 1, "a failed file must make the exit code non-zero"
    assert (out / "a.txt").read_text(encoding="utf-8") == CLEAN
    assert (out / "sub" / "b.txt").read_text(encoding="utf-8") == "Caf\ufffd\nText.\n"
    assert not (out / "notes.md").exists()
    stderr = result.stderr.decode()
    assert "skipped" in stderr and "broken.txt" in stderr
    assert "cleaned 2 of 4 files" in stderr and "1 failed, 1 skipped" in stderr


def test_explain_lists_every_line_with_reason(tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(DIRTY, encoding="utf-8")
    result = run("explain", str(source))
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    assert any("keep  Bridge vote" in line for line in lines)
    assert any("DROP  ADVERTISEMENT" in line for line in lines)
    assert any("ads/ad-label" in line and "ad slot label" in line for line in lines)
    assert "\x1b[" not in result.stdout.decode(), "no colour when stdout is not a terminal"
    coloured = run("explain", str(source), "--color", "always").stdout.decode()
    assert "\x1b[31m" in coloured
    payload = json.loads(run("explain", str(source), "--json").stdout)
    assert payload["text"] + "\n" == CLEAN
    assert payload["removals"][0]["rule"] == "ads/ad-label"


def test_user_rules_from_the_command_line(tmp_path):
    pack = tmp_path / "mysite.toml"
    pack.write_text(
        '[pack]\nname = "mysite"\n[[rules]]\nname = "promo"\nscope = "line"\n'
        "pattern = 'get 3 months for \\$1'\nreason = \"promo box\"\n"
        'examples = ["Get 3 months for $1"]\ncounterexamples = ["Get well"]\n',
        encoding="utf-8",
    )
    result = run("clean", "-", "--rules", str(pack), stdin=b"Head\nGet 3 months for $1\nBody.\n")
    assert result.stdout.decode() == "Head\nBody.\n"
    assert run("rules", "test", str(pack)).returncode == 0
    listing = run("rules", "list", "--rules", str(pack)).stdout.decode()
    assert "mysite/promo" in listing and "ads/ad-label" in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("clean", "no-such-file.txt"), "no such file or folder"),
        (("clean", "-", "--rules", "no-such-pack.toml"), "file not found"),
        (("explain", "."), "is a folder"),
    ],
)
def test_bad_input_gets_one_clear_line(args, message):
    result = run(*args)
    assert result.returncode == 2
    stderr = result.stderr.decode().strip()
    assert message in stderr and len(stderr.splitlines()) == 1


def test_folder_output_inside_input_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and b"inside the input folder" in result.stderr
    assert run("clean", str(tmp_path)).returncode == 2


def test_output_file_equal_to_input_is_refused(tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(DIRTY, encoding="utf-8")
    result = run("clean", str(source), "-o", str(source))
    assert result.returncode == 2 and b"is the input file" in result.stderr
    assert source.read_text(encoding="utf-8") == DIRTY


def test_broken_rule_pack_names_the_rule(tmp_path):
    pack = tmp_path / "bad.toml"
    pack.write_text(
        '[pack]\nname = "bad"\n[[rules]]\nname = "oops"\nscope = "line"\n'
        "pattern = '(unclosed'\nreason = \"x\"\n",
        encoding="utf-8",
    )
    result = run("clean", "-", "--rules", str(pack))
    assert result.returncode == 2
    assert b"rule 'oops': pattern does not compile" in result.stderr


def test_html_from_stdin_is_cleaned_as_a_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    as_file = run("clean", str(page))
    assert as_file.returncode == 0 and PROSE_1.encode() in as_file.stdout
    for args in (("clean", "--html", "-"), ("clean", "-", "--html")):
        result = run(*args, stdin=PAGE.encode())
        assert result.returncode == 0 and result.stdout == as_file.stdout
    assert b"<p>" in run("clean", "-", stdin=PAGE.encode()).stdout  # without it: text
    # Bytes are decoded as a browser would, from the page's own <meta charset>.
    legacy = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace("river,", "rivière,")
    result = run("clean", "--html", "-", stdin=legacy.encode("cp1252"))
    assert "rivière," in result.stdout.decode() and b"undecodable" not in result.stderr
    assert "--html" in run("clean", "--help").stdout.decode()


def test_html_flag_is_for_one_page(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--html")
    assert result.returncode == 2 and b"--html reads one page" in result.stderr
    shard = tmp_path / "part.jsonl"
    shard.write_text('{"text": "x"}\n', encoding="utf-8")
    result = run("clean", str(shard), "-o", str(tmp_path / "o.jsonl"), "--html")
    assert result.returncode == 2 and b"--html-field" in result.stderr
