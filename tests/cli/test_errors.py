"""Every failure is one line on stderr with an exit code that says which kind: 2 for what
the user can fix (a path, a pack, a model, a dataset), 3 for a bug, 130 for Ctrl-C; `--debug`
adds the traceback. Issue 23: no traceback reaches the user."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cleaner.cli import main as cli_main
from cleaner.cli.common import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)
from cleaner.models import line_model
from cleaner.training.datasets import CACHE_DIR_ENV
from tests.cli.test_cli import DIRTY, run


def one_error_line(result: subprocess.CompletedProcess, *needles: str) -> str:
    """The single stderr line of a usage error, checked to name every needle."""
    stderr = result.stderr.decode()
    assert result.returncode == EXIT_USAGE, stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("cleaner: error: "), stderr
    for needle in needles:
        assert needle in stderr, stderr
    return stderr


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "afile").write_text("a regular file\n", encoding="utf-8")
    return source


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("/proc/nope", "No such file or directory"),  # root cannot create folders in /proc
        ("/proc/nope/deeper/still", "No such file or directory"),
        ("afile/sub", "afile is a file, not a folder"),
    ],
)
def test_an_output_folder_that_cannot_be_made_is_one_line(corpus, output, reason):
    result = run("clean", str(corpus), "-o", output, cwd=corpus.parent)
    one_error_line(result, f"cannot create or write the output folder {output}", reason, "-o")


def test_an_output_file_that_cannot_be_written_is_one_line(corpus):
    page = str(corpus / "a.txt")
    one_error_line(run("clean", page, "-o", "/proc/nope/x.txt"), "/proc/nope/x.txt", "-o")
    result = run("clean", page, "-o", "afile/x.txt", cwd=corpus.parent)
    one_error_line(result, "afile/x.txt", "afile is a file, not a folder")


def test_learn_and_train_refuse_an_unwritable_output_before_working(corpus, tmp_path):
    one_error_line(run("learn", str(corpus), "-o", "/proc/nope/site.profile"), "check -o")
    data = tmp_path / "pages.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "a", "dataset": "pages", "html": "<p>x</p>", "gold": "x"}))
    result = run("train", "--data", str(data), "--out", "/proc/nope/m.npz")
    one_error_line(result, "cannot write /proc/nope/m.npz", "check --out")


def test_missing_paths_name_the_path(corpus, tmp_path):
    missing = str(tmp_path / "missing")
    one_error_line(run("clean", missing), missing, "no such file or folder")
    one_error_line(run("explain", missing), missing)
    one_error_line(run("clean", "-", "--rules", missing), missing, "file not found")
    one_error_line(run("clean", "-", "--model", missing), missing, "cleaner train")
    one_error_line(run("clean", "-", "--profile", missing), missing, "cleaner learn")
    one_error_line(run("learn", missing, "-o", str(tmp_path / "p")), missing)
    one_error_line(run("report", missing, "-o", str(tmp_path / "r.html")), missing)
    one_error_line(run("rules", "test", missing), missing)


def _model_files(folder: Path) -> dict[str, Path]:
    """Files that are not usable models, each broken in another way."""
    shipped = Path(line_model.__file__).parent / line_model.DEFAULT_MODEL_FILE
    files = {
        "empty": b"",
        "not a model": b"plain text, not an npz archive\n",
        "corrupt npz": shipped.read_bytes()[:2000],  # a truncated archive
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.npz"
        paths[name].write_bytes(data)
    other = folder / "other-format.npz"
    np.savez(other, header=np.frombuffer(json.dumps({"format": -1}).encode(), np.uint8))
    paths["wrong format"] = other
    bare = folder / "no-header.npz"
    with zipfile.ZipFile(bare, "w") as archive:
        archive.writestr("weights.npy", b"not an array")
    paths["no header"] = bare
    return paths


@pytest.mark.parametrize(
    "kind", ["empty", "not a model", "corrupt npz", "wrong format", "no header"]
)
def test_a_bad_model_file_is_one_line(tmp_path, kind):
    path = _model_files(tmp_path)[kind]
    one_error_line(run("clean", "-", "--model", str(path), stdin=DIRTY.encode()), str(path))
    one_error_line(run("explain", "-", "--model", str(path), stdin=DIRTY.encode()), str(path))


def test_a_bad_pack_is_one_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[pack\nname = "x"\n', encoding="utf-8")
    for args in (("clean", "-", "--rules", str(broken)), ("rules", "test", str(broken))):
        one_error_line(run(*args), str(broken), "not valid TOML")
    one_error_line(run("clean", "-", "--rules", str(tmp_path)), str(tmp_path))  # a folder


def test_unknown_rule_names_are_one_line():
    for command in (("clean", "-"), ("explain", "-"), ("rules", "list")):
        one_error_line(run(*command, "--disable", "nope/never"), "'nope/never'", "rules list")


def _dataset(path: Path, records: list[object]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(record) + "\n" for record in records)
    return path


def test_eval_data_with_a_missing_field_is_one_line(tmp_path):
    page = {"id": "a", "dataset": "x", "html": "<p>Text.</p>", "gold": "Text."}
    no_dataset = {key: value for key, value in page.items() if key != "dataset"}
    second_bad = _dataset(tmp_path / "second.jsonl.gz", [page, no_dataset])
    not_gzip = tmp_path / "plain.jsonl.gz"
    not_gzip.write_text(json.dumps(page) + "\n", encoding="utf-8")
    env = {**os.environ, CACHE_DIR_ENV: str(tmp_path / "cache")}
    cases = [
        (["eval", "--data", str(second_bad)], "line 2: no field dataset"),
        (["eval", "--mode", "html", "--data", str(second_bad)], "line 2: no field dataset"),
        (["train", "--data", str(second_bad), "--out", str(tmp_path / "m.npz")], "line 2"),
        (["eval", "--data", str(not_gzip)], "not a gzip-compressed JSONL file"),
    ]
    for args, message in cases:
        result = subprocess.run(
            [sys.executable, "-m", "cleaner", *args], capture_output=True, env=env, timeout=300
        )
        stderr = result.stderr.decode()
        assert result.returncode == EXIT_USAGE and "Traceback" not in stderr, stderr
        error = [line for line in stderr.splitlines() if line.startswith("cleaner:")]
        assert len(error) == 1 and message in error[0] and "id, dataset, html" in error[0]


def test_argparse_errors_are_one_line_too():
    result = run("clean", "-", "--jobs", "0")
    one_error_line(result, "--jobs", "not a whole number", "cleaner clean --help")
    one_error_line(run("clean", "-", "--preset", "nope"), "invalid choice")
    one_error_line(run("nope"), "invalid choice")


def _debug_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args], capture_output=True, timeout=120
    )


def test_debug_shows_the_traceback_before_or_after_the_command(corpus):
    for args in (
        ("--debug", "clean", str(corpus), "-o", "/proc/nope"),
        ("clean", str(corpus), "-o", "/proc/nope", "--debug"),
        ("rules", "test", "--debug", "/no/such/pack.toml"),
    ):
        result = _debug_run(*args)
        stderr = result.stderr.decode()
        assert result.returncode == EXIT_USAGE, stderr
        assert "Traceback" in stderr and stderr.splitlines()[-1].startswith("cleaner: error: ")
    assert "--debug" in run("clean", "--help").stdout.decode()


def _boom(args: object) -> int:
    raise RuntimeError("the cleaner broke\non two lines")


def test_a_bug_is_one_line_with_its_own_exit_code(monkeypatch, capsys):
    monkeypatch.setattr(cli_main, "run_rules", _boom)
    assert cli_main.main(["rules", "list"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err == (
        "cleaner: internal error: RuntimeError: the cleaner broke on two lines; "
        "rerun with --debug for the traceback and report it\n"
    )
    assert cli_main.main(["--debug", "rules", "list"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" in err and "_boom" in err and err.endswith("report it\n")


def test_an_interrupt_exits_130(monkeypatch):
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "run_rules", interrupted)
    assert cli_main.main(["rules", "list"]) == EXIT_INTERRUPTED == 130


def test_exit_codes_are_documented_where_they_are_defined():
    assert (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED) == (0, 1, 2, 3, 130)
    for args in (("--help",), ("clean", "--help")):
        help_text = run(*args).stdout.decode()
        assert "exit codes:" in help_text
        for code in ("0", "1", "2", "3", "130"):
            assert f"\n  {code} " in help_text, (code, help_text)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "3 internal error" in readme and "130 interrupted" in readme
