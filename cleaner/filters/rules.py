"""Rule filters: the rules of all loaded packs, grouped by scope into three filters.

The matching happens in the native core (`cleaner._core.RuleSet`, built once per set of
packs by `text_pack.compile_rules`): linear time whatever the patterns, one call per page
per filter. These classes only say which lines to ask about and turn the answers into
Removals. Run order matters and is fixed by `rule_filters`: whole lines first (a line that
is only a label is reported as such), then spans, then whole lines again for the lines a
cut changed (so "ADVERTISEMENT Share" loses both and cleaning twice changes nothing), then
tails, whose guard reads the lines that survive the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import cleaner._core as _core
from cleaner.document import EXTRACT, Document, Removal
from cleaner.filters.tail import TailCut
from cleaner.packs.text_pack import Rule, RulePack, compile_rules
from cleaner.pipeline import Draft, Filter
from cleaner.text.lines import line_key

# The core's bounds, restated for readers of the Python side (the core decides).
# A tail marker is a short standalone line ("More in Local News", "Related Articles").
TAIL_MARKER_MAX_WORDS = 8
# Span cuts repeat until nothing matches, so that "Sponsored Sponsored Content Content" does
# not leave a new match behind; each round removes text, and this caps pathological input.
SPAN_MAX_ROUNDS = 8
# Where a tail starts, as the core answers: (line, rule index, longest prose run after it,
# prose words after, prose words before, lenient).
CoreTailCut = tuple[int, int, int, int, int, bool]


class CompiledRules:
    """All rules of a set of packs and their compiled core form, shared by the four filters
    (both line passes ask the same question). Rule indices in core answers index `rules`."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.core: _core.RuleSet = compile_rules(self.rules)

    def of_scope(self, scope: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.scope == scope)


def _as_compiled(rules: Sequence[Rule] | CompiledRules) -> CompiledRules:
    return rules if isinstance(rules, CompiledRules) else CompiledRules(rules)


class SpanRuleFilter:
    """Cuts boilerplate glued inside a line ("...said Tuesday. ADVERTISEMENT The council...").

    The core scans each line with the span rules whose triggers it contains (all of them if
    one has none), leftmost matches first, and scans the cut text again until it is clean."""

    name = "span-rules"

    def __init__(self, rules: Sequence[Rule] | CompiledRules) -> None:
        self.compiled = _as_compiled(rules)
        self.rules = self.compiled.of_scope("span")

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.rules:
            return
        lines = [
            None if gone else line for line, gone in zip(document.lines, draft.removed, strict=True)
        ]
        for index, start, end, number in self.compiled.core.span_cuts(lines):
            yield self.removal(index, start, end, number)

    def removal(self, index: int, start: int, end: int, number: int) -> Removal:
        """The removal of characters `start:end` of line `index` by rule `number`."""
        rule = self.compiled.rules[number]
        return Removal(index, (start, end), self.name, rule.id, rule.reason)


class LineRuleFilter:
    """Drops lines that are boilerplate as a whole: labels, prompts, notices, player chrome.

    The core answers, for every key, the first line rule in pack order whose pattern matches
    the whole key (and allows its length)."""

    name = "line-rules"

    def __init__(
        self, rules: Sequence[Rule] | CompiledRules, *, only_cut_lines: bool = False
    ) -> None:
        self.compiled = _as_compiled(rules)
        self.rules = self.compiled.of_scope("line")
        self.only_cut_lines = only_cut_lines

    def _keys(self, document: Document, draft: Draft) -> list[str | None]:
        """The key to judge per line, None where there is nothing to ask: removed lines, and
        in the second pass every line that no cut changed. A cut line is judged by its text."""
        removed, cut = draft.removed, draft.cut
        if self.only_cut_lines:
            keys: list[str | None] = [None] * len(document.lines)
            for index in cut:
                if not removed[index]:
                    keys[index] = line_key(draft.texts[index])
            return keys
        return [
            None if removed[index] else line_key(draft.texts[index]) if index in cut else key
            for index, key in enumerate(document.keys)
        ]

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.rules or (self.only_cut_lines and not draft.cut):
            return
        for index, number in self.compiled.core.line_rules(self._keys(document, draft)):
            yield self.removal(index, number)

    def removal(self, index: int, number: int) -> Removal:
        """The removal of line `index` by rule `number`."""
        rule = self.compiled.rules[number]
        return Removal(index, None, self.name, rule.id, rule.reason)


class TailRuleFilter:
    """Drops a tail (marker line and all after it) when the guard says it is not the article.

    Not on an extractor's text (`EXTRACT` documents): the extractor has already cut the
    page's tail, and there a marker ("Related", "Comments") mostly heads a section of the
    article (docs/decisions.md, "trafilatura backend"). Markers are looked for on every line
    (a line rule may have dropped the marker itself); the guard (`filters/tail.py`) judges
    only what survives the other filters."""

    name = "tail-rules"

    def __init__(self, rules: Sequence[Rule] | CompiledRules) -> None:
        self.compiled = _as_compiled(rules)
        self.rules = self.compiled.of_scope("tail")

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.rules or document.origin == EXTRACT:
            return
        survivors = [
            None if gone or key == "" else text
            for text, gone, key in zip(draft.texts, draft.removed, document.keys, strict=True)
        ]
        found = self.compiled.core.tail_cut(list(document.keys), survivors)
        if found is None:
            return
        marker, after = self.removals(found, document)
        yield marker(found[0])
        for index in range(found[0] + 1, len(document.lines)):
            if survivors[index] is not None:
                yield after(index)

    def removals(
        self, found: CoreTailCut, document: Document
    ) -> tuple[Callable[[int], Removal], Callable[[int], Removal]]:
        """For a tail the core found (`RuleSet.tail_cut`): the removal of its marker line and
        of a line after it, each given the line's index."""
        start, number, longest_run, after, before, lenient = found
        rule = self.compiled.rules[number]
        cut = TailCut(start, rule, longest_run, after, before, lenient)
        marker = document.keys[start]  # markers are short: keyed
        reason = f"{rule.reason}: after tail marker '{marker}' ({cut.describe()})"
        marked = f"{rule.reason}: tail marker"
        return (
            lambda index: Removal(index, None, self.name, rule.id, marked),
            lambda index: Removal(index, None, self.name, rule.id, reason),
        )


def rule_filters(packs: Iterable[RulePack]) -> list[Filter]:
    """The three rule filters for these packs, in the order they must run."""
    compiled = CompiledRules([rule for pack in packs for rule in pack.rules])
    return [
        LineRuleFilter(compiled),
        SpanRuleFilter(compiled),
        LineRuleFilter(compiled, only_cut_lines=True),
        TailRuleFilter(compiled),
    ]


__all__ = [
    "TAIL_MARKER_MAX_WORDS",
    "CompiledRules",
    "LineRuleFilter",
    "SpanRuleFilter",
    "TailRuleFilter",
    "rule_filters",
]
