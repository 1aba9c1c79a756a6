"""The two real scraped articles in ../shared/examples must come out exactly as the user
wants them (same lines; blank lines ignored)."""

from __future__ import annotations

import pytest

from cleaner import clean_text
from tests.conftest import SHARED, nonblank_lines

EXAMPLES = SHARED / "examples"


@pytest.mark.parametrize("name", ["scraped-herald", "scraped-syndicated"])
def test_shared_example_comes_out_exactly(name):
    dirty, wanted = EXAMPLES / f"{name}.txt", EXAMPLES / f"{name}.clean.txt"
    if not dirty.exists():
        pytest.skip(f"{dirty} not found: the shared examples sit beside the repo, not in it")
    got = clean_text(dirty.read_text(encoding="utf-8"))
    assert nonblank_lines(got) == nonblank_lines(wanted.read_text(encoding="utf-8"))
