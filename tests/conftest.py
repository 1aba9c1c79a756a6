"""Shared test helpers: where the repo's fixtures and the optional shared data live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"


def nonblank_lines(text: str) -> list[str]:
    """Lines with content, trailing whitespace removed: how expected outputs are compared."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def rules_only():
    from cleaner import Cleaner

    return Cleaner(model=None)
