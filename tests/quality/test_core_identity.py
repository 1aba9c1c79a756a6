"""The native core against the Python code it replaced, on real pages (skips without
../shared/data): the reference holds, per page and mode, digests of the pure-Python output
and its F1 (`tests/quality/data/python_reference.jsonl.gz`, recorded by
`bench/core_identity.py record` at the last pure-Python commit). Text modes must give the
same text and removals except where `core_differences.toml` explains why; every mode keeps its
mean F1. HTML modes' texts are compared with blank lines dropped: the `fast` output's
paragraph breaks came after the reference and change only layout. The full run over every
page is `python bench/core_identity.py compare ...`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cleaner.training.datasets import dataset_names, default_data_dir

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "quality" / "data" / "python_reference.jsonl.gz"
PAGES_PER_DATASET = 12
DATASETS = ("cleaneval", "dragnet", "extra_fundus", "l3s_gn1", "wcxb_dev")


def _present() -> list[str]:
    directory = default_data_dir()
    present = dataset_names(directory) if directory.is_dir() else []
    return [name for name in DATASETS if name in present]


def _tool():  # bench/ is not a package: load the script as a module
    spec = importlib.util.spec_from_file_location("core_identity", ROOT / "bench/core_identity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not _present(), reason="shared data not found (set CLEANER_DATA_DIR to run the identity gate)"
)
def test_core_matches_the_python_reference_on_real_pages() -> None:
    tool = _tool()
    current = list(tool.run(_present(), PAGES_PER_DATASET))
    lines, failures, _ = tool.compare(tool.read(REFERENCE), current)
    assert len(lines) == 2 + 5 * len(_present()), "every dataset and mode compared"
    assert not failures, "\n".join([*lines, *failures])
