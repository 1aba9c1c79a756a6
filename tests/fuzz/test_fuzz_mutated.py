"""A short run of the input fuzzer (`bench/fuzz_inputs.py`) in the suite: mutated fixtures,
and mutated real pages when the shared data is there. Every input must come back as text
within a bound; a failure names the seed and input and saves the input to a temp folder.
The documented long run (100,000 inputs, a child process per run watching for hangs) is
`make fuzz-inputs`."""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = 2026
INPUTS = 100
# The slowest of these inputs took about half a second; a hang or a blow-up takes far longer.
BOUND_SECONDS = 5.0


def _tool() -> ModuleType:  # bench/ is not a package: load the script as a module
    spec = importlib.util.spec_from_file_location("fuzz_inputs", ROOT / "bench/fuzz_inputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


FUZZ = _tool()


def run_inputs(seeds: object, seed: int, count: int) -> None:
    """Run inputs 0..count-1 of `seed` in this process; on the first failure save the input
    and fail with its seed, index, recipe and where it was saved."""
    for index in range(count):
        case = FUZZ.make_case(seed, index, seeds)
        start = time.perf_counter()
        try:
            FUZZ.check(case)
            seconds = time.perf_counter() - start
            assert seconds < BOUND_SECONDS, f"took {seconds:.1f} s"
        except Exception:
            error = traceback.format_exc()
            folder = Path(tempfile.mkdtemp(prefix="fuzz-failure-"))
            path = FUZZ.save_case(case, seed, folder, error)
            pytest.fail(f"seed {seed} input {index} {case.recipe}: saved to {path}\n{error}")


def test_mutated_fixtures() -> None:
    seeds = FUZZ.fixture_seeds()
    assert seeds.html and seeds.text
    run_inputs(seeds, SEED, INPUTS)


def test_mutated_real_pages() -> None:
    seeds = FUZZ.data_seeds(per_dataset=3)
    if not seeds.html:
        pytest.skip("shared data not found (set CLEANER_DATA_DIR): only fixtures were mutated")
    run_inputs(seeds, SEED + 1, INPUTS)


def test_every_input_is_accounted_for_in_a_watched_run(tmp_path: Path) -> None:
    tally = FUZZ.run(SEED, range(10), FUZZ.fixture_seeds(), 30.0, 2.0, tmp_path)
    assert (tally.inputs, tally.ok, tally.crashes, tally.hangs) == (10, 10, 0, 0)
    assert "| 10 | 10 | 0 | 0 |" in tally.table(1.0, 2.0)


def test_inputs_are_reproducible_from_the_seed() -> None:
    seeds = FUZZ.fixture_seeds()
    assert FUZZ.make_case(SEED, 7, seeds) == FUZZ.make_case(SEED, 7, seeds)
    assert FUZZ.make_case(SEED, 7, seeds) != FUZZ.make_case(SEED, 8, seeds)
