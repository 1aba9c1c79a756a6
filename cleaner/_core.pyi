"""Type stubs of the native core (`core/python`), so mypy checks the Python side's calls."""

from collections.abc import Sequence

MATCH_KEY_MAX_CHARS: int

def split_keys(text: str) -> tuple[list[str], list[str | None]]: ...
def line_key(line: str) -> str | None: ...
def match_key(line: str) -> str: ...
def build_output(lines: list[str | None]) -> str: ...
def cut_spans(line: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]: ...

# Rules (core/python/src/rules.rs): one rule as the core takes it, (scope, pattern,
# case_sensitive, max_chars, triggers, lenient, requires); answers index the list given.
RuleSpec = tuple[str, str, bool, int, list[str], bool, list[str]]

def check_pattern(pattern: str, case_sensitive: bool) -> None: ...

class RuleSet:
    def __init__(self, specs: list[RuleSpec]) -> None: ...
    def line_rules(self, keys: list[str | None]) -> list[tuple[int, int]]: ...
    def span_cuts(self, lines: list[str | None]) -> list[tuple[int, int, int, int]]: ...
    def tail_cut(
        self, keys: list[str | None], survivors: list[str | None]
    ) -> tuple[int, int, int, int, int, bool] | None: ...

# HTML (core/python/src/html.rs)
_RawRule = tuple[
    Sequence[str],
    Sequence[str],
    Sequence[str],
    Sequence[str],
    Sequence[str],
    Sequence[str],
    Sequence[str],
    bool,
]
_Hit = tuple[int, str, str, str]
_BlockTuple = tuple[
    str, tuple[str, ...], int, int, bool, bool, tuple[str, ...], _Hit | None, tuple[int, ...]
]

class DomRuleIndex:
    def __init__(self, rules: Sequence[_RawRule]) -> None: ...

def page_blocks(page: str, rules: DomRuleIndex | None = None) -> list[_BlockTuple]: ...
