"""Type stubs of the native core (`core/python`), so mypy checks the Python side's calls."""

from collections.abc import Sequence

MATCH_KEY_MAX_CHARS: int

def split_keys(text: str) -> tuple[list[str], list[str | None]]: ...
def split_lines(text: str) -> list[str]: ...
def ends_like_sentence(line: str) -> bool: ...
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
    Sequence[str],
    bool,
    bool,
]
_Hit = tuple[int, str, str, str]
_BlockTuple = tuple[
    str, tuple[str, ...], int, int, bool, bool, tuple[str, ...], _Hit | None, tuple[int, ...]
]

class DomRuleIndex:
    def __init__(self, rules: Sequence[_RawRule]) -> None: ...

def page_blocks(page: str, rules: DomRuleIndex | None = None) -> list[_BlockTuple]: ...

# Line features and models (core/python/src/features.rs, model.rs)
HASH_BUCKETS: int

def feature_names() -> list[str]: ...
def word_count(line: str) -> int: ...
def word_counts(texts: list[str]) -> list[int]: ...
def split_counts(texts: list[str]) -> list[int]: ...
def has_unspaced(text: str) -> bool: ...
def bucket(key: str) -> int: ...

class Featurizer:
    def __init__(self, lists: Sequence[tuple[str, Sequence[str]]]) -> None: ...
    def page_features(
        self, texts: Sequence[str], removed: Sequence[bool], cut: Sequence[int], words: bool
    ) -> tuple[list[int], bytearray, int, bytearray, bytearray]: ...
    def guess_language(self, texts: Sequence[str]) -> str | None: ...

_Linear = tuple[bytes, bytes, bytes, bytes, float]

REVISION_WIDTH: int

def revision_columns(logits: bytes, wide: bool, dense: bytes, width: int) -> bytearray: ...

class CoreStage:
    @staticmethod
    def trees(
        feature: bytes,
        threshold: bytes,
        children: bytes,
        value: bytes,
        roots: bytes,
        depth: int,
        bias: float,
    ) -> CoreStage: ...
    @staticmethod
    def linear(stage: _Linear) -> CoreStage: ...
    def logits(
        self, dense: bytes, width: int, hash_rows: bytes, hash_buckets: bytes, words: bool
    ) -> tuple[bytearray, bool]: ...

class CoreModel:
    def __init__(self, first: CoreStage, revision: CoreStage) -> None: ...
    @property
    def uses_words(self) -> bool: ...
    def probability(
        self, dense: bytes, width: int, hash_rows: bytes, hash_buckets: bytes
    ) -> bytearray: ...
    def first_stage(
        self, dense: bytes, width: int, hash_rows: bytes, hash_buckets: bytes
    ) -> bytearray: ...
    def judge_text(
        self,
        featurizer: Featurizer,
        texts: Sequence[str],
        removed: Sequence[bool],
        cut: Sequence[int],
        min_words: int,
    ) -> tuple[list[int], int, bytearray]: ...

# DOM block model features (core/python/src/dom_features.rs): `blocks` are
# `cleaner.document.Block`s, one per line of the draft.
def dom_feature_names() -> list[str]: ...
def dom_features(
    featurizer: Featurizer,
    texts: Sequence[str],
    removed: Sequence[bool],
    cut: Sequence[int],
    blocks: Sequence[object],
    words: bool,
) -> tuple[list[int], bytearray, int, bytearray, bytearray]: ...
def judge_dom(
    model: CoreModel,
    featurizer: Featurizer,
    texts: Sequence[str],
    removed: Sequence[bool],
    cut: Sequence[int],
    blocks: Sequence[object],
    min_words: int,
) -> tuple[list[int], int, bytearray]: ...

# The default text filters in one call (core/python/src/chain.rs)
class TextChain:
    def __init__(
        self,
        rules: RuleSet,
        model: CoreModel | None = None,
        featurizer: Featurizer | None = None,
        threshold: float | None = None,
        min_words: int | None = None,
    ) -> None: ...
    def clean(self, text: str) -> str: ...
    def run(
        self, text: str
    ) -> tuple[
        str,
        list[tuple[int, str, int, int, int, float]],
        tuple[int, int, int, int, int, bool] | None,
    ]: ...

class PageChain:
    def __init__(
        self,
        rules: RuleSet,
        dom_rules: DomRuleIndex | None = None,
        model: CoreModel | None = None,
        featurizer: Featurizer | None = None,
        threshold: float | None = None,
        min_words: int | None = None,
        spare_best: float | None = None,
    ) -> None: ...
    def clean(self, page: str, titles: list[str]) -> str: ...
    def run(
        self, page: str, titles: list[str]
    ) -> tuple[
        str,
        list[_BlockTuple],
        list[tuple[int, str, int, int, int, float]],
        tuple[int, int, int, int, int, bool] | None,
    ]: ...

def headline_line(
    titles: list[str], headings: list[int], texts: list[str], removed: list[bool]
) -> int | None: ...
def paragraph_breaks(
    blocks: list[tuple[tuple[str, ...], tuple[int, ...], bool, bool]], kept: list[bool]
) -> list[bool]: ...
