# Types of the native core (core/python/src). Only what Python calls is declared.
from collections.abc import Sequence

HASH_BUCKETS: int

def split_keys(text: str) -> tuple[list[str], list[str | None]]: ...
def line_key(line: str) -> str | None: ...
def build_output(lines_: Sequence[str | None]) -> str: ...
def cut_spans(line: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]: ...
def feature_names() -> list[str]: ...
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
