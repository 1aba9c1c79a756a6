"""Random input folders for corpus runs, and the check that every input was accounted for.

Shared by the short run in the suite (tests/batch/test_folder_fuzz.py) and the documented
long run (bench/fuzz_folders.py). A folder mixes what real scrapes hold: pages and shards
(some damaged: cut or corrupt gzip, broken JSON lines, invalid UTF-8, stray NULs), binary
files named `.txt`, other formats, names that collide, names of the run's own files, empty
files, FIFOs and symlinks of every sort (inside, outside, broken, looping).
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleaner.batch.plan import ERRORS_NAME, REPORT_NAME, RESERVED_NAMES, STATE_DIR, severity

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
_ARTICLES = sorted(
    p for p in (FIXTURES / "articles").glob("*.txt") if not p.name.endswith(".clean.txt")
)
_PAGE = (
    "<html><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1><p>{body}</p>"
    "<p>ADVERTISEMENT</p></article><footer>Contact us</footer></body></html>"
)
_STEMS = ["story", "page", "a", "index", "_errors", "Ünïcode page", "x y", ".hidden"]


def _text(rng: random.Random) -> bytes:
    text = rng.choice(_ARTICLES).read_bytes()
    return text[: rng.randrange(1, len(text) + 1)] if rng.random() < 0.2 else text


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Damage real bytes the ways scrapes are damaged."""
    choice = rng.randrange(6)
    if choice == 0 or not data:
        return data
    at = rng.randrange(len(data))
    if choice == 1:
        return data[:at] + b"\x00" + data[at:]
    if choice == 2:
        return data[:at] + bytes(rng.randrange(128, 256) for _ in range(3)) + data[at:]
    if choice == 3:
        return data[:at] + data[at:] * 2
    if choice == 4:
        return data[:at]
    return data[:at] + b"\n4 Comments\n" + data[at:]


def _page(rng: random.Random) -> bytes:
    body = _text(rng).decode("utf-8", "replace").replace("\n\n", "</p><p>")
    return _PAGE.format(title="Harbour wall", body=body).encode()


def _gz(rng: random.Random, data: bytes) -> bytes:
    packed = gzip.compress(data, mtime=0)
    roll = rng.random()
    if roll < 0.15:
        return packed[: rng.randrange(1, len(packed))]  # truncated
    if roll < 0.25:
        at = rng.randrange(10, max(11, len(packed) - 8))
        return packed[:at] + b"\xff" * 8 + packed[at + 8 :]  # corrupt
    return packed


def _shard(rng: random.Random) -> bytes:
    lines = []
    for index in range(rng.randrange(0, 6)):
        roll = rng.random()
        if roll < 0.1:
            lines.append(b'{"text": "cut off')
        elif roll < 0.15:
            lines.append(b"[1, 2]")
        elif roll < 0.2:
            lines.append(json.dumps({"id": index, "body": "no text field"}).encode())
        elif roll < 0.25:
            lines.append(b'{"text": "caf\xe9 ok"}')
        else:
            text = _mutate(rng, _text(rng)).decode("utf-8", "replace")
            lines.append(json.dumps({"id": index, "text": text}).encode())
    return b"\n".join(lines) + (b"\n" if rng.random() < 0.8 else b"")


def _file(rng: random.Random) -> tuple[str, bytes]:
    """A file name (without folder) and its bytes."""
    stem = rng.choice(_STEMS)
    kind = rng.randrange(9)
    if kind == 0:
        return f"{stem}.txt", _mutate(rng, _text(rng))
    if kind == 1:
        return f"{stem}.{rng.choice(['html', 'htm', 'HTML'])}", _mutate(rng, _page(rng))
    if kind == 2:
        return f"{stem}.{rng.choice(['txt', 'html'])}.gz", _gz(rng, _page(rng))
    if kind == 3:
        return f"{stem}.{rng.choice(['jsonl', 'ndjson'])}", _shard(rng)
    if kind == 4:
        return f"{stem}.{rng.choice(['jsonl', 'ndjson'])}.gz", _gz(rng, _shard(rng))
    if kind == 5:
        return f"{stem}.txt", bytes(rng.randrange(256) for _ in range(rng.randrange(0, 4000)))
    if kind == 6:
        return f"{stem}.{rng.choice(['md', 'json', 'pdf', 'tar.gz', ''])}", b"other format"
    if kind == 7:
        return f"{stem}.txt", b""
    return f"{stem}.txt", b"A stray \x00 NUL and \x1b escape in one line of text.\n"


def make_folder(rng: random.Random, root: Path, outside: Path, files: int) -> None:
    """A random input folder of about `files` entries under `root`; `outside` is a folder
    beside it that links may point into."""
    folders = [root]
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("Outside text.\n")
    root.mkdir(parents=True, exist_ok=True)
    for _ in range(files):
        roll = rng.random()
        here = rng.choice(folders)
        if roll < 0.1:
            name = rng.choice(["sub", "deep", STATE_DIR, "_removals", "Ünï"])
            folder = here / name
            folder.mkdir(exist_ok=True)
            folders.append(folder)
            continue
        if roll < 0.18:
            _link(rng, here, root, outside, folders)
            continue
        if roll < 0.19:
            target = here / f"fifo{rng.randrange(1000)}.txt"
            if not target.exists():
                os.mkfifo(target)
            continue
        name, data = _file(rng)
        (here / name).write_bytes(data)


def _link(rng: random.Random, here: Path, root: Path, outside: Path, folders: list[Path]) -> None:
    name = f"link{rng.randrange(1000)}"
    targets: list[tuple[str, Path, bool]] = [
        (".txt", outside / "secret.txt", False),
        (".txt", root / "missing.txt", False),
        ("", root, True),
        ("", rng.choice(folders), True),
        ("", outside, True),
    ]
    existing = [p for p in here.iterdir() if p.is_file() and not p.is_symlink()]
    if existing:
        targets.append((existing[0].suffix, existing[0], False))
    suffix, target, is_dir = rng.choice(targets)
    path = here / f"{name}{suffix}"
    if not path.exists() and not path.is_symlink():
        path.symlink_to(target, target_is_directory=is_dir)


def inputs_of(root: Path) -> set[str]:
    """What a run must account for: every file, and every symlinked folder (not entered)."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for name in filenames:
            found.add((here / name).relative_to(root).as_posix())
        for name in dirnames:
            if (here / name).is_symlink():
                found.add((here / name).relative_to(root).as_posix())
    return found


def unaccounted(source: Path, output: Path, report: dict[str, Any]) -> list[str]:
    """Every way the run broke "each input cleaned or listed with a reason"; [] when none."""
    inputs = inputs_of(source)
    entries: dict[str, list[str]] = {}
    for line in (output / ERRORS_NAME).read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        entries.setdefault(entry["source"], []).append(entry["kind"])
    done = {rel for rel in inputs if (output / STATE_DIR / "done" / f"{rel}.json").exists()}
    wrong = [f"{rel}: listed but not an input" for rel in sorted(set(entries) - inputs)]
    for rel in sorted(inputs - done):
        if not any(severity(kind) in ("failed", "skipped") for kind in entries.get(rel, [])):
            wrong.append(f"{rel}: neither cleaned nor listed as failed or skipped")
    files = report["files"]
    if files["total"] != len(inputs) or files["cleaned"] != len(done):
        wrong.append(f"report files {files} for {len(inputs)} inputs, {len(done)} cleaned")
    if files["cleaned"] + files["failed"] + files["skipped"] != files["total"]:
        wrong.append(f"report files {files} do not add up")
    written = [p for p in output.rglob("*") if p.is_file() and not _own(output, p)]
    if len(written) != len(done):
        wrong.append(f"{len(written)} output files for {len(done)} cleaned inputs")
    return wrong


def _own(output: Path, path: Path) -> bool:
    top = path.relative_to(output).parts[0]
    return top in RESERVED_NAMES


def check_folder(
    seed: int, work: Path, run: Callable[..., Any], files: int = 12, rerun: bool = False
) -> list[str]:
    """Make folder `seed` under `work`, clean it with `run(source, output)` (run_batch with
    options bound), and return what was not accounted for; with `rerun`, also that a second
    run redoes only the failed inputs and leaves the same bytes."""
    rng = random.Random(seed)
    source, output = work / f"in{seed}", work / f"out{seed}"
    make_folder(rng, source, work / f"outside{seed}", files)
    summary = run(source, output)
    wrong = unaccounted(source, output, summary.report)
    if rerun and not wrong:
        before = _tree(output)
        again = run(source, output)
        failed_tasks = again.report["run"]["tasks_run"]
        if failed_tasks > summary.report["files"]["failed"]:
            wrong.append(f"a rerun ran {failed_tasks} tasks; only failed ones should run")
        if _tree(output) != before:
            wrong.append("a rerun changed the output")
    return [f"seed {seed}: {problem}" for problem in wrong]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != REPORT_NAME
    }
