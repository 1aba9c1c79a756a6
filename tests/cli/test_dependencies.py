"""What `pip install cleaner` brings must cover what cleaner imports: every third-party
module imported anywhere in cleaner/ comes from a dependency in pyproject.toml, required or
an extra (`cleaner[train]`, ...). An import nobody declared works on the machine it was
written on and fails on a fresh install; this test fails first."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Distributions whose import name is not their own name (after lower-casing, `-` -> `_`).
IMPORT_NAMES = {
    "beautifulsoup4": "bs4",
    "scikit-learn": "sklearn",
    "readability-lxml": "readability",
    "types-regex": None,  # type stubs: nothing to import
}
# The import names an extra of a distribution adds (`lxml[html_clean]` -> lxml_html_clean,
# which jusText, under trafilatura, imports as lxml.html.clean since lxml 5.2).
EXTRA_IMPORTS = {
    ("lxml", "html_clean"): "lxml_html_clean",
    ("dask", "distributed"): "distributed",
}


def normal(name: str) -> str:
    """A distribution or extra name as compared here: lower case, `_` for `-` and `.`."""
    return re.sub(r"[-_.]+", "_", name).lower()


def parse_requirement(text: str) -> tuple[str, list[str]]:
    """A requirement's distribution name and extras: `dask[distributed]>=2024.1`."""
    match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?", text)
    assert match, text
    extras = [extra.strip() for extra in (match.group(2) or "").split(",") if extra.strip()]
    return match.group(1), extras


def declared_imports() -> set[str]:
    """The top-level modules the declared dependencies (all extras included) provide."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    provided = set()
    for requirement in requirements:
        name, extras = parse_requirement(requirement)
        module = IMPORT_NAMES.get(name.lower(), normal(name))
        if module is not None:
            provided.add(module)
        for extra in extras:
            if (normal(name), normal(extra)) in EXTRA_IMPORTS:
                provided.add(EXTRA_IMPORTS[(normal(name), normal(extra))])
    return provided


def imported_modules() -> dict[str, str]:
    """Every third-party top-level module cleaner/ imports, with one file importing it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "cleaner").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "cleaner":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_imported_module_is_declared():
    declared = declared_imports()
    undeclared = {m: where for m, where in imported_modules().items() if m not in declared}
    assert not undeclared, f"imported but not in pyproject.toml dependencies: {undeclared}"


def test_the_html_fallback_of_trafilatura_is_declared():
    # jusText (trafilatura's fallback) imports lxml.html.clean: with lxml 5.2 and later it
    # is only there when lxml_html_clean is installed.
    assert "lxml_html_clean" in declared_imports()
    import lxml.html.clean  # noqa: F401  (the test environment has it, as installs will)


def test_the_parser_reads_requirements():
    assert parse_requirement("lxml[html_clean]>=5.2") == ("lxml", ["html_clean"])
    assert parse_requirement("regex>=2024.5.15") == ("regex", [])
    assert parse_requirement("dask[distributed, diagnostics]") == (
        "dask",
        ["distributed", "diagnostics"],
    )
