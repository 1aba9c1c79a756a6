# Types of the native core (core/python/src). Only what Python calls is declared.
from collections.abc import Sequence

def split_keys(text: str) -> tuple[list[str], list[str | None]]: ...
def line_key(line: str) -> str | None: ...
def build_output(lines_: Sequence[str | None]) -> str: ...
def cut_spans(line: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]: ...

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
