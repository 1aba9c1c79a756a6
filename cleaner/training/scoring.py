"""Bag-of-tokens quality score of a cleaner's output against gold text (design.md section 3).

One definition, used by the tests, the quality gate and the benchmarks, so that every number
the project reports can be compared with every other one and with the reference points in
``data/README.md``:

- tokens are ``regex.findall(r"\\w+", text.lower())``: Unicode word characters, so accents,
  CJK and digits count, punctuation and layout (line breaks, spacing) do not;
- overlap is the size of the multiset intersection of output and gold tokens, so a word kept
  twice when the gold has it once earns credit once;
- precision = overlap / |output tokens| (how much of what we kept is article),
  recall = overlap / |gold tokens| (how much of the article we kept), F1 their harmonic mean.

Scores are per page; ``summarize`` averages them per dataset. Never pool datasets: their gold
definitions differ (data/README.md).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from cleaner.text.lines import word_tokens


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of one output against its gold, each in [0, 1]."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Summary:
    """Per-dataset aggregate of page scores: means of P, R, F1, the median F1 and the count.

    The median F1 is reported next to the mean because a handful of broken pages (F1 near 0)
    move the mean a lot while the typical page is unchanged.
    """

    mean_precision: float
    mean_recall: float
    mean_f1: float
    median_f1: float
    n: int


def tokens(text: str) -> list[str]:
    """Lower-cased Unicode word tokens of ``text``: the unit every score counts."""
    return word_tokens(text)


def _f1(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0 (instead of dividing by zero)."""
    total = precision + recall
    return 0.0 if total == 0 else 2 * precision * recall / total


def score_tokens(output_tokens: list[str], gold_tokens: list[str]) -> Score:
    """Score pre-tokenized output against pre-tokenized gold.

    Split out from ``score`` so that callers scoring many outputs against one gold (the
    benchmark runs several methods per page) tokenize the gold once.

    Edge cases, chosen so that averages stay meaningful:

    - empty output: P = R = F1 = 0 (design.md: deleting everything must never look good),
      unless the gold is empty too, see below;
    - empty gold and empty output: P = R = F1 = 1, because keeping nothing is the only
      correct answer for a page without main content;
    - empty gold and non-empty output: P = 0 (everything kept is wrong), R = 1 (there was
      nothing to miss), F1 = 0.

    The datasets in ``shared/data`` drop pages with empty gold, so the gold cases only
    matter for hand-made inputs.
    """
    if not gold_tokens:
        return Score(1.0, 1.0, 1.0) if not output_tokens else Score(0.0, 1.0, 0.0)
    if not output_tokens:
        return Score(0.0, 0.0, 0.0)
    overlap = sum((Counter(output_tokens) & Counter(gold_tokens)).values())
    precision = overlap / len(output_tokens)
    recall = overlap / len(gold_tokens)
    return Score(precision, recall, _f1(precision, recall))


def score(output: str, gold: str) -> Score:
    """Bag-of-tokens precision, recall and F1 of ``output`` against ``gold`` (design.md 3)."""
    return score_tokens(tokens(output), tokens(gold))


def summarize(scores: Iterable[Score]) -> Summary:
    """Mean P, R, F1 and median F1 over pages of one dataset.

    Raises ValueError on an empty input: a mean over no pages would be a number that
    means nothing; check the dataset selection (limit, filters) instead.
    """
    page_scores = list(scores)
    if not page_scores:
        raise ValueError(
            "no scores to summarize: the page selection is empty; check --limit "
            "and the dataset filters"
        )
    return Summary(
        mean_precision=statistics.fmean(s.precision for s in page_scores),
        mean_recall=statistics.fmean(s.recall for s in page_scores),
        mean_f1=statistics.fmean(s.f1 for s in page_scores),
        median_f1=statistics.median(s.f1 for s in page_scores),
        n=len(page_scores),
    )
