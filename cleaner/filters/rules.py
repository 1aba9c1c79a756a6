"""Rule filters: the rules of all loaded packs, grouped by scope into three filters.

Each scope's patterns are compiled into one alternation, so a line costs one regex call per
scope however many rules there are; the named group that matched tells which rule fired.
Run order matters and is fixed by `rule_filters`: whole lines first (a line that is only a
label is reported as such), then spans, then whole lines again for the lines a cut changed
(so "ADVERTISEMENT Share" loses both and cleaning twice changes nothing), then tails, whose
guard reads the lines that survive the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex

from cleaner.document import Document, Removal
from cleaner.filters.tail import find_tail
from cleaner.pipeline import Draft, Filter
from cleaner.rulepack import Rule, RulePack
from cleaner.text import cut_spans, is_blank, match_key, word_count

# Lines longer than this are never judged by line rules: the labels, prompts and notices that
# rules name are short, while paragraphs are long. The bound also keeps work per line small.
LINE_RULE_MAX_CHARS = 600

# A tail marker is a short standalone line ("More in Local News", "Related Articles"); the
# character bound skips long lines before any normalising work.
TAIL_MARKER_MAX_WORDS = 8
TAIL_MARKER_MAX_CHARS = 120

# Span cuts repeat until nothing matches, so that "Sponsored Sponsored Content Content" does
# not leave a new match behind; each round removes text, and this caps pathological input.
SPAN_MAX_ROUNDS = 8


def _group(index: int) -> str:
    return f"_cleaner_rule_{index}"


def _combine(rules: Sequence[Rule]) -> regex.Pattern[str] | None:
    """One alternation of all patterns, each in a named group with its own case flag."""
    if not rules:
        return None
    parts = []
    for index, rule in enumerate(rules):
        body = f"(?:{rule.pattern})" if rule.case_sensitive else f"(?i:{rule.pattern})"
        parts.append(f"(?P<{_group(index)}>{body})")
    return regex.compile("|".join(parts), regex.V0)


def _rule_of(match: regex.Match[str], rules: Sequence[Rule]) -> Rule:
    name = match.lastgroup
    if name is None or not name.startswith("_cleaner_rule_"):
        # An inner named group closed last; find the outer group that took part.
        for index in range(len(rules)):
            if match.group(_group(index)) is not None:
                return rules[index]
        raise AssertionError("a combined rule pattern matched without a rule group")
    return rules[int(name.rsplit("_", 1)[1])]


def _by_scope(packs: Iterable[RulePack], scope: str) -> tuple[Rule, ...]:
    return tuple(rule for pack in packs for rule in pack.rules if rule.scope == scope)


class SpanRuleFilter:
    """Cuts boilerplate glued inside a line ("...said Tuesday. ADVERTISEMENT The council...").

    Span patterns run one by one rather than as one alternation: they scan whole paragraphs
    (or a 10 MB line), and the regex engine only uses its fast literal scan on a pattern
    that starts with a literal, which an alternation of patterns does not.
    """

    name = "span-rules"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def _matches(self, text: str) -> list[tuple[int, int, Rule]]:
        found = [
            (match.start(), match.end(), rule)
            for rule in self.rules
            for match in rule.compiled.finditer(text)
            if match.end() > match.start()
        ]
        return sorted(found, key=lambda item: item[0])

    def line_spans(self, line: str) -> list[tuple[int, int, Rule]]:
        """Spans to cut from one line, in line offsets, repeated until the cut text is clean."""
        found = self._matches(line)
        for _ in range(SPAN_MAX_ROUNDS - 1):
            if not found:
                break
            text, offsets = cut_spans(line, [(start, end) for start, end, _ in found])
            fresh = self._matches(text)
            if not fresh:
                break
            found += [
                (offsets.to_line(start), offsets.to_line(end - 1) + 1, rule)
                for start, end, rule in fresh
            ]
        return found

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.rules:
            return
        for index, line in enumerate(document.lines):
            if draft.removed[index]:
                continue
            for start, end, rule in self.line_spans(line):
                yield Removal(index, (start, end), self.name, rule.id, rule.reason)


class LineRuleFilter:
    """Drops lines that are boilerplate as a whole: labels, prompts, notices, player chrome."""

    name = "line-rules"

    def __init__(self, rules: Sequence[Rule], *, only_cut_lines: bool = False) -> None:
        self.rules = tuple(rules)
        self.only_cut_lines = only_cut_lines
        self._pattern = _combine(self.rules)

    def rule_for(self, line: str) -> Rule | None:
        """The rule that names this line as boilerplate, if any."""
        if self._pattern is None or len(line) > LINE_RULE_MAX_CHARS:
            return None
        match = self._pattern.fullmatch(match_key(line))
        return _rule_of(match, self.rules) if match else None

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        for index, text in enumerate(draft.texts):
            if draft.removed[index] or (self.only_cut_lines and text == document.lines[index]):
                continue
            rule = self.rule_for(text)
            if rule is not None:
                yield Removal(index, None, self.name, rule.id, rule.reason)


class TailRuleFilter:
    """Drops a tail (marker line and all after it) when the guard says it is not the article."""

    name = "tail-rules"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._pattern = _combine(self.rules)

    def marker_rule(self, line: str) -> Rule | None:
        """The tail rule this line is a marker for, if it is short enough to be one."""
        if self._pattern is None or len(line) > TAIL_MARKER_MAX_CHARS:
            return None
        key = match_key(line)
        if not key or word_count(key) > TAIL_MARKER_MAX_WORDS:
            return None
        match = self._pattern.fullmatch(key)
        return _rule_of(match, self.rules) if match else None

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if self._pattern is None:
            return
        # Markers are looked for on every line (a line rule may have dropped the marker
        # itself); the guard judges only what survives the other filters.
        survivors = [
            None if gone or is_blank(text) else text
            for text, gone in zip(draft.texts, draft.removed, strict=True)
        ]
        cut = find_tail(survivors, [self.marker_rule(line) for line in document.lines])
        if cut is None:
            return
        rule, marker = cut.marker, match_key(document.lines[cut.start])
        yield Removal(cut.start, None, self.name, rule.id, f"{rule.reason}: tail marker")
        reason = f"{rule.reason}: after tail marker '{marker}' ({cut.describe()})"
        for index in range(cut.start + 1, len(document.lines)):
            if survivors[index] is not None:
                yield Removal(index, None, self.name, rule.id, reason)


def rule_filters(packs: Iterable[RulePack]) -> list[Filter]:
    """The three rule filters for these packs, in the order they must run."""
    packs = tuple(packs)
    line_rules = _by_scope(packs, "line")
    return [
        LineRuleFilter(line_rules),
        SpanRuleFilter(_by_scope(packs, "span")),
        LineRuleFilter(line_rules, only_cut_lines=True),
        TailRuleFilter(_by_scope(packs, "tail")),
    ]


__all__ = [
    "LINE_RULE_MAX_CHARS",
    "TAIL_MARKER_MAX_WORDS",
    "LineRuleFilter",
    "SpanRuleFilter",
    "TailRuleFilter",
    "cut_spans",
    "rule_filters",
]
