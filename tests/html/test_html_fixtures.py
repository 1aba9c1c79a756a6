"""HTML fixtures (fixtures/html/README.md): every page, through every backend, must come out
with each of its `with` snippets and without each of its `without` snippets.

`NAME.expect.toml` beside `NAME.html` holds the snippets. Top-level `with` / `without` apply
to every backend; a `[backend.NAME]` table adds snippets for that backend only (where a
backend legitimately differs: trafilatura returns the headline as metadata, not text). A
known failure is an `[[backend.NAME.xfail]]` entry with a `reason` and the snippets that
backend gets wrong: those leave the main test and become one strict xfail each, so the
main test still guards everything else on that page, and a fix shows up as an XPASS that
fails the run until the entry is removed.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

import cleaner
from tests.conftest import FIXTURES

PAGES_DIR = FIXTURES / "html"
EXPECT_SUFFIX = ".expect.toml"
BACKENDS = ("fast", "trafilatura", "guided", "auto")
TOP_KEYS = {"with", "without", "backend"}
BACKEND_KEYS = {"with", "without", "xfail"}
XFAIL_KEYS = {"reason", "with", "without"}
KINDS = ("with", "without")


@dataclass(frozen=True)
class KnownFailure:
    page: str
    backend: str
    kind: str  # "with": the snippet goes missing; "without": it stays in
    snippet: str
    reason: str


def page_names() -> list[str]:
    return sorted(path.stem for path in PAGES_DIR.glob("*.html"))


def expect_names() -> list[str]:
    return sorted(path.name[: -len(EXPECT_SUFFIX)] for path in PAGES_DIR.glob(f"*{EXPECT_SUFFIX}"))


@cache
def expectation(name: str) -> dict[str, Any]:
    with open(PAGES_DIR / f"{name}{EXPECT_SUFFIX}", "rb") as handle:
        return tomllib.load(handle)


def backend_table(name: str, backend: str) -> dict[str, Any]:
    table: dict[str, Any] = expectation(name).get("backend", {}).get(backend, {})
    return table


def known_failures(name: str, backend: str) -> list[KnownFailure]:
    return [
        KnownFailure(name, backend, kind, snippet, entry["reason"])
        for entry in backend_table(name, backend).get("xfail", [])
        for kind in KINDS
        for snippet in entry.get(kind, [])
    ]


def snippets(name: str, backend: str, kind: str) -> list[str]:
    """The `kind` snippets this backend must satisfy, known failures left out."""
    known = {f.snippet for f in known_failures(name, backend) if f.kind == kind}
    wanted = expectation(name).get(kind, []) + backend_table(name, backend).get(kind, [])
    return [snippet for snippet in wanted if snippet not in known]


@cache
def default_cleaner() -> cleaner.Cleaner:
    return cleaner.Cleaner()


@cache
def cleaned(name: str, backend: str) -> str:
    page = (PAGES_DIR / f"{name}.html").read_text(encoding="utf-8")
    return default_cleaner().clean_html(page, backend=backend)


def _visible_source(name: str) -> str:
    """The page's source with entities decoded and whitespace runs collapsed: where every
    snippet must occur, so that a `without` snippet with a typo cannot pass vacuously."""
    source = html.unescape((PAGES_DIR / f"{name}.html").read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", source)


def _all_known_failures() -> Iterator[KnownFailure]:
    for name in expect_names():
        for backend in BACKENDS:
            yield from known_failures(name, backend)


def test_every_page_has_an_expect_file_and_every_expect_file_a_page():
    pages, expects = set(page_names()), set(expect_names())
    assert len(pages) >= 8
    assert pages - expects == set(), "pages without NAME.expect.toml"
    assert expects - pages == set(), "expect files without NAME.html"


@pytest.mark.parametrize("name", expect_names())
def test_expect_file_is_well_formed(name):
    data = expectation(name)
    assert set(data) <= TOP_KEYS, f"unknown keys {set(data) - TOP_KEYS}"
    assert data.get("with") and data.get("without"), "every page needs both lists"
    assert set(data.get("backend", {})) <= set(BACKENDS)
    source = _visible_source(name)
    for backend in BACKENDS:
        table = backend_table(name, backend)
        assert set(table) <= BACKEND_KEYS, f"[backend.{backend}]: unknown keys"
        for entry in table.get("xfail", []):
            assert set(entry) <= XFAIL_KEYS and entry.get("reason"), f"{backend} xfail: {entry}"
        for kind in KINDS:
            wanted = data.get(kind, []) + table.get(kind, [])
            for failure in (f for f in known_failures(name, backend) if f.kind == kind):
                assert failure.snippet in wanted, f"{backend} xfail names an unlisted snippet"
            for snippet in wanted:
                assert snippet.strip() and " ".join(snippet.split()) in source, (
                    f"{kind} snippet {snippet!r} does not occur in {name}.html"
                )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", expect_names())
def test_html_fixture(name, backend):
    text = cleaned(name, backend)
    missing = [s for s in snippets(name, backend, "with") if s not in text]
    leaked = [s for s in snippets(name, backend, "without") if s in text]
    assert (missing, leaked) == ([], []), f"missing (with) / leaked (without)\n---\n{text}"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(
            failure,
            marks=pytest.mark.xfail(strict=True, reason=failure.reason),
            id=f"{failure.page}-{failure.backend}-{failure.kind}:{failure.snippet[:40]}",
        )
        for failure in _all_known_failures()
    ],
)
def test_known_failure(failure):
    text = cleaned(failure.page, failure.backend)
    assert (failure.snippet in text) == (failure.kind == "with")
