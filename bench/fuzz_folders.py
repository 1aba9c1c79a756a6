"""The long run of the folder fuzzer: corpus runs over random folders until `--inputs`
inputs have been accounted for (tests/batch/folder_fuzz.py makes the folders and checks
them; the suite runs a dozen).

    python bench/fuzz_folders.py --inputs 100000            # make fuzz-folders

Each folder is cleaned with the shipped models (`--rules-only` for rules alone) on one
process; every tenth is cleaned twice to check that a rerun redoes only failed inputs and
changes no byte. A worker process does the runs and reports each folder; a folder that
takes longer than `--timeout` seconds is a hang: the worker is killed, the seed reported,
and the run goes on from the next seed. Prints a table: folders, inputs, crashes (a folder
whose run raised), hangs, unaccounted inputs, slowest folder, inputs/s. Exit status 1 when
anything went wrong; the seeds in the table rebuild the folders (`check_folder(seed, ...)`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILES_PER_FOLDER = 15


def worker(start: int, rules_only: bool, work: Path) -> None:
    """Clean folders from seed `start` on, one JSON line per folder on stdout."""
    sys.path.insert(0, str(REPO))
    import shutil

    from cleaner import CleanerConfig
    from cleaner.batch.run import run_batch
    from tests.batch.folder_fuzz import check_folder, inputs_of

    config = CleanerConfig(model=None) if rules_only else CleanerConfig()

    def run(source: Path, output: Path):
        return run_batch(source, output, config=config, jobs=1)

    seed = start
    while True:
        began = time.perf_counter()
        try:
            wrong = check_folder(seed, work, run, files=FILES_PER_FOLDER, rerun=seed % 10 == 0)
            crash = None
        except Exception:
            wrong, crash = [], traceback.format_exc(limit=8)
        inputs = len(inputs_of(work / f"in{seed}")) if (work / f"in{seed}").exists() else 0
        seconds = time.perf_counter() - began
        line = {"seed": seed, "inputs": inputs, "seconds": seconds, "wrong": wrong, "crash": crash}
        print(json.dumps(line), flush=True)
        for name in (f"in{seed}", f"out{seed}", f"outside{seed}"):
            shutil.rmtree(work / name, ignore_errors=True)
        seed += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs to account for")
    parser.add_argument("--seed", type=int, default=0, help="first folder's seed")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a folder may take")
    parser.add_argument("--rules-only", action="store_true", help="no learned filters")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.seed, args.rules_only, args.work)
        return 0

    folders = inputs = 0
    crashes: list[str] = []
    hangs: list[int] = []
    wrong: list[str] = []
    slowest = (0.0, -1)
    seed = args.seed
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cleaner-fuzz-") as work:
        while inputs < args.inputs:
            command = [sys.executable, __file__, "--worker", "--seed", str(seed), "--work", work]
            if args.rules_only:
                command.append("--rules-only")
            child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            assert child.stdout is not None
            try:
                while inputs < args.inputs:
                    line = _read_line(child, args.timeout)
                    if line is None:  # the folder did not finish in time, or killed its worker
                        if child.poll() is None:
                            hangs.append(seed)
                        else:
                            crashes.append(f"seed {seed}: the worker died ({child.returncode})")
                        seed += 1
                        break
                    result = json.loads(line)
                    folders, inputs, seed = folders + 1, inputs + result["inputs"], seed + 1
                    slowest = max(slowest, (result["seconds"], result["seed"]))
                    wrong.extend(result["wrong"])
                    if result["crash"]:
                        crashes.append(f"seed {result['seed']}: {result['crash']}")
                    if folders % 500 == 0:
                        print(f"{folders} folders, {inputs} inputs", file=sys.stderr, flush=True)
            finally:
                child.kill()
                child.wait()
    elapsed = time.perf_counter() - began
    rows = [
        ("folders", folders),
        ("inputs", inputs),
        ("crashes", len(crashes)),
        ("hangs", len(hangs)),
        ("unaccounted", len(wrong)),
        ("slowest folder (s)", f"{slowest[0]:.2f} (seed {slowest[1]})"),
        ("inputs/s", f"{inputs / elapsed:.0f}"),
        ("wall (s)", f"{elapsed:.0f}"),
    ]
    print("| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    for problem in [*crashes, *[f"seed {s}: hang" for s in hangs], *wrong][:20]:
        print(problem, file=sys.stderr)
    return 1 if crashes or hangs or wrong else 0


def _read_line(child: subprocess.Popen[str], timeout: float) -> str | None:
    """The worker's next line, or None when it took longer than `timeout` (or died)."""
    import selectors

    assert child.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return None
    line = child.stdout.readline()
    return line or None


if __name__ == "__main__":
    sys.exit(main())
