"""Guarded loss: the documents whose cleaning lost suspiciously much, named in a run's report.

One rule can be wrong in a way no test saw: a tail rule that fires on "4 Comments" in the
middle of a file of concatenated articles cuts everything after it. Such a loss is silent
unless somebody looks, so a corpus run looks for it: a document that lost more than half of
its words to one tail cut, or that came out (nearly) empty from a large input, gets a
`suspicious-loss` warning naming the rule that took the most. What they catch on the
shared sets, and how often a warned page really lost article text, is in
docs/decisions.md ("Guarded loss").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cleaner.document import Cleaned
from cleaner.filters.rules import TailRuleFilter
from cleaner.text.lines import word_count, word_counts

# One tail cut taking more than this share of a document's words is suspicious...
ONE_CUT_SHARE = 0.5
# ...when the document has at least this many words (a short page is mostly furniture).
MIN_WORDS = 100
# A document of at least LARGE_WORDS words that keeps at most NEARLY_EMPTY_SHARE of them
# (or none) came out nearly empty.
LARGE_WORDS = 300
NEARLY_EMPTY_SHARE = 0.02
# The rule named for removals a learned filter scored (it has no rule of its own).
SCORED = "(scored)"


@dataclass(frozen=True, slots=True)
class Loss:
    """A suspicious loss: the rule that took the most words, and the word counts."""

    rule: str
    words_in: int
    words_out: int
    words_by_rule: int

    def message(self) -> str:
        share = f"{100 * self.words_by_rule / self.words_in:.0f}%"
        return (
            f"kept {self.words_out:,} of {self.words_in:,} words; {self.rule} removed "
            f"{share} of them; check it with `cleaner explain` and disable the rule if wrong"
        )


def removed_words_by_rule(cleaned: Cleaned) -> Counter[tuple[str, str]]:
    """Words each (filter, rule) removed (a learned filter's rule as `FILTER (scored)`)."""
    lines = cleaned.document.lines
    texts = [
        lines[r.line] if r.span is None else lines[r.line][r.span[0] : r.span[1]]
        for r in cleaned.removals
    ]
    removed: Counter[tuple[str, str]] = Counter()
    for removal, words in zip(cleaned.removals, word_counts(texts), strict=True):
        removed[removal.filter, removal.rule or f"{removal.filter} {SCORED}"] += words
    return removed


def suspicious_loss(cleaned: Cleaned) -> Loss | None:
    """The loss to warn about in `cleaned`, or None. Counts words of the document's lines
    (a page's blocks for HTML), so text and HTML are judged alike."""
    if not cleaned.removals:
        return None
    words_in = word_count("\n".join(cleaned.document.lines))
    if words_in < MIN_WORDS:
        return None
    (filter_name, rule), words_by_rule = removed_words_by_rule(cleaned).most_common(1)[0]
    words_out = word_count(cleaned.text)
    cut = filter_name == TailRuleFilter.name and words_by_rule > ONE_CUT_SHARE * words_in
    emptied = words_in >= LARGE_WORDS and words_out <= NEARLY_EMPTY_SHARE * words_in
    if cut or emptied:
        return Loss(rule, words_in, words_out, words_by_rule)
    return None
