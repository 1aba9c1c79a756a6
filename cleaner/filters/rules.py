"""Rule filters: the rules of all loaded packs, grouped by scope into three filters.

Line and tail rules are matched through a prefix dispatch: the regex module's partial
matching tells which rules could match a line that starts with given characters, and only
those are tried. A prose line starting "The council" meets two or three rules, not fifty.
Run order matters and is fixed by `rule_filters`: whole lines first (a line that is only a
label is reported as such), then spans, then whole lines again for the lines a cut changed
(so "ADVERTISEMENT Share" loses both and cleaning twice changes nothing), then tails, whose
guard reads the lines that survive the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from cleaner.document import EXTRACT, Document, Removal
from cleaner.filters.tail import find_tail
from cleaner.packs.text_pack import DEFAULT_MAX_CHARS, Rule, RulePack, ascii_lower_bytes
from cleaner.pipeline import Draft, Filter
from cleaner.text.lines import cut_spans, line_key

# A tail marker is a short standalone line ("More in Local News", "Related Articles"); the
# character bound skips long lines before any normalising work.
TAIL_MARKER_MAX_WORDS = 8
TAIL_MARKER_MAX_CHARS = DEFAULT_MAX_CHARS

# How many leading characters pick the candidate rules, and how many prefixes each filter
# remembers. Three characters split the rules finely; when they leave DISPATCH_CROWD or more
# candidates, DISPATCH_REFINE_CHARS characters narrow them down (cheap: only the crowd is
# asked again).
DISPATCH_PREFIX_CHARS = 3
DISPATCH_REFINE_CHARS = 8
DISPATCH_CROWD = 3
DISPATCH_CACHE_SIZE = 1 << 16

# Span cuts repeat until nothing matches, so that "Sponsored Sponsored Content Content" does
# not leave a new match behind; each round removes text, and this caps pathological input.
SPAN_MAX_ROUNDS = 8


class Crowd(tuple[Rule, ...]):
    """Candidates for a prefix that are too many to try: refine by a longer prefix."""


class RuleDispatch:
    """Finds the rule whose pattern fully matches a key, trying only plausible rules.

    Candidates for a key are the rules that allow a line of its length (`max_chars`) and
    whose pattern partially matches its first `DISPATCH_PREFIX_CHARS` characters: a full
    match of the key implies a partial match of its prefix, so no rule that could fire is
    skipped. Keys longer than the default `max_chars` choose among the few long-notice
    rules only. Candidates are tried one by one in pack order; measured, that beats one
    alternation of them. The caches are lru_caches (bounded, thread-safe) of pure functions
    of the immutable rule tuple.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.long_rules = tuple(rule for rule in self.rules if rule.max_chars > DEFAULT_MAX_CHARS)
        # Candidates by the key's first DISPATCH_PREFIX_CHARS characters, for keys up to /
        # over DEFAULT_MAX_CHARS. A crowded answer ("The ..." meets six rules) comes back as a
        # Crowd, to be refined by `refine_short` / `refine_long` on DISPATCH_REFINE_CHARS.
        # Filters call these lru_caches directly in their per-line loops (one C-level call
        # per line); `candidates` and `match` are the readable form of the same logic.
        self.short_rules_for, self.refine_short = self._levels(self.rules)
        self.long_rules_for, self.refine_long = self._levels(self.long_rules)

    @staticmethod
    def _levels(
        rules: tuple[Rule, ...],
    ) -> tuple[Callable[[str], tuple[Rule, ...]], Callable[[str], tuple[Rule, ...]]]:
        @lru_cache(maxsize=DISPATCH_CACHE_SIZE)
        def coarse(prefix: str) -> tuple[Rule, ...]:
            found = tuple(rule for rule in rules if rule.compiled.fullmatch(prefix, partial=True))
            return Crowd(found) if len(found) >= DISPATCH_CROWD else found

        @lru_cache(maxsize=DISPATCH_CACHE_SIZE)
        def fine(prefix: str) -> tuple[Rule, ...]:
            crowd = coarse(prefix[:DISPATCH_PREFIX_CHARS])
            return tuple(rule for rule in crowd if rule.compiled.fullmatch(prefix, partial=True))

        return coarse, fine

    def candidates(self, key: str) -> tuple[Rule, ...]:
        """Rules worth trying on `key` (a non-empty match key)."""
        if len(key) <= DEFAULT_MAX_CHARS:
            found = self.short_rules_for(key[:DISPATCH_PREFIX_CHARS])
            return self.refine_short(key[:DISPATCH_REFINE_CHARS]) if type(found) is Crowd else found
        found = self.long_rules_for(key[:DISPATCH_PREFIX_CHARS])
        return self.refine_long(key[:DISPATCH_REFINE_CHARS]) if type(found) is Crowd else found

    def match(self, key: str) -> Rule | None:
        """The first rule (in pack order) whose pattern fully matches `key`, if any. An empty
        key (a blank line) matches nothing: patterns never match the empty string."""
        if not key:
            return None
        size = len(key)
        for rule in self.candidates(key):
            if size <= rule.max_chars and rule.compiled.fullmatch(key) is not None:
                return rule
        return None


def _by_scope(packs: Iterable[RulePack], scope: str) -> tuple[Rule, ...]:
    return tuple(rule for pack in packs for rule in pack.rules if rule.scope == scope)


class SpanRuleFilter:
    """Cuts boilerplate glued inside a line ("...said Tuesday. ADVERTISEMENT The council...").

    Span patterns run one by one rather than as one alternation: they scan whole paragraphs
    (or a 10 MB line), and the regex engine only uses its fast literal scan on a pattern
    that starts with a literal. Rules with `triggers` run only on lines that contain one,
    found by plain substring search over the whole (lower-cased) document.
    """

    name = "span-rules"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._always = any(not rule.triggers for rule in self.rules)
        self._triggers = tuple(sorted({t.encode() for rule in self.rules for t in rule.triggers}))

    def _active(self, text: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.triggered_by(text))

    def _matches(self, text: str) -> list[tuple[int, int, Rule]]:
        found = [
            (match.start(), match.end(), rule)
            for rule in self._active(text)
            for match in rule.compiled.finditer(text)
            if match.end() > match.start()
        ]
        return sorted(found, key=lambda item: item[0])

    def line_spans(self, line: str) -> list[tuple[int, int, Rule]]:
        """Spans to cut from one line, in line offsets, repeated until the cut text is clean.
        Each round picks its rules by the triggers in the text it scans, as cleaning the
        output again would."""
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

    def candidate_lines(self, lines: Sequence[str]) -> Iterable[int]:
        """Lines that contain a trigger (all lines if some rule has none), in order."""
        if self._always:
            return range(len(lines))
        data = ascii_lower_bytes("\n".join(lines))
        offsets = sorted(
            found for trigger in self._triggers for found in _occurrences(data, trigger)
        )
        # Line numbers by counting newlines between consecutive hits: linear in the page,
        # however many hits (counting from the start for each hit was quadratic).
        hits: list[int] = []
        line = position = 0
        for offset in offsets:
            line += data.count(b"\n", position, offset)
            position = offset
            if not hits or hits[-1] != line:
                hits.append(line)
        return hits

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.rules:
            return
        lines = document.lines
        for index in self.candidate_lines(lines):
            if draft.removed[index]:
                continue
            for start, end, rule in self.line_spans(lines[index]):
                yield Removal(index, (start, end), self.name, rule.id, rule.reason)


def _occurrences(text: bytes, needle: bytes) -> Iterable[int]:
    position = text.find(needle)
    while position != -1:
        yield position
        position = text.find(needle, position + 1)


class LineRuleFilter:
    """Drops lines that are boilerplate as a whole: labels, prompts, notices, player chrome."""

    name = "line-rules"

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        only_cut_lines: bool = False,
        dispatch: RuleDispatch | None = None,
    ) -> None:
        self.rules = tuple(rules)
        self.only_cut_lines = only_cut_lines
        self._dispatch = dispatch or RuleDispatch(self.rules)

    def rule_for(self, line: str) -> Rule | None:
        """The rule that names this line as boilerplate, if any."""
        key = line_key(line)
        return self._dispatch.match(key) if key else None

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        removed = draft.removed
        if self.only_cut_lines:
            for index in sorted(draft.cut):
                rule = None if removed[index] else self.rule_for(draft.texts[index])
                if rule is not None:
                    yield Removal(index, None, self.name, rule.id, rule.reason)
            return
        dispatch, cut = self._dispatch, draft.cut
        short, long = dispatch.short_rules_for, dispatch.long_rules_for
        boundary, width = DEFAULT_MAX_CHARS, DISPATCH_PREFIX_CHARS
        for index, key in enumerate(document.keys):
            if cut and index in cut:  # only when a span filter ran before: judge the cut text
                key = line_key(draft.texts[index])
            if not key or removed[index]:
                continue
            # RuleDispatch.match, inlined: this loop runs on every line of every document.
            size = len(key)
            rules = short(key[:width]) if size <= boundary else long(key[:width])
            if type(rules) is Crowd:
                rules = dispatch.candidates(key)
            for rule in rules:
                if size <= rule.max_chars and rule.compiled.fullmatch(key) is not None:
                    yield Removal(index, None, self.name, rule.id, rule.reason)
                    break


class TailRuleFilter:
    """Drops a tail (marker line and all after it) when the guard says it is not the article.

    Not on an extractor's text (`EXTRACT` documents): the extractor has already cut the
    page's tail, and there a marker ("Related", "Comments") mostly heads a section of the
    article (docs/decisions.md, "trafilatura backend")."""

    name = "tail-rules"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._dispatch = RuleDispatch(self.rules)
        lenient = tuple(rule for rule in self.rules if _comment_like(rule))
        self._lenient = RuleDispatch(lenient)
        self._titled_chars = max((rule.max_chars for rule in lenient), default=0)

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        if not self.rules or document.origin == EXTRACT:
            return
        # Markers are looked for on every line (a line rule may have dropped the marker
        # itself); the guard judges only what survives the other filters.
        # A marker is a short standalone heading, not a sentence that starts the same way:
        # at most TAIL_MARKER_MAX_CHARS and TAIL_MARKER_MAX_WORDS (keys have single spaces).
        # The cheap tests come first: this runs on every line of every document.
        # A comment-section header may be longer than a heading: it can carry the article's
        # title ("38 comments to Why the ferry stopped?", "One thought on ...") or a prompt
        # ("{ 24 comments… read them below or add one }"). So lines that fail the heading test
        # are tried against the comment-section rules alone, up to their own `max_chars`,
        # unless they end in a full stop (a sentence). Inline: this runs on every line.
        short, match = self._dispatch.short_rules_for, self._dispatch.match
        titled_short, titled_match = self._lenient.short_rules_for, self._lenient.match
        titled_chars, width = self._titled_chars, DISPATCH_PREFIX_CHARS
        markers = [
            (
                (match(key) if short(key[:width]) else None)
                if len(key) <= TAIL_MARKER_MAX_CHARS and key.count(" ") < TAIL_MARKER_MAX_WORDS
                else titled_match(key)
                if key[-1] != "." and len(key) <= titled_chars and titled_short(key[:width])
                else None
            )
            if key
            else None
            for key in document.keys
        ]
        if not any(markers):
            return
        survivors = [
            None if gone or key == "" else text
            for text, gone, key in zip(draft.texts, draft.removed, document.keys, strict=True)
        ]
        cut = find_tail(survivors, markers, _comment_like)
        if cut is None:
            return
        rule, marker = cut.marker, document.keys[cut.start]  # markers are short: keyed
        yield Removal(cut.start, None, self.name, rule.id, f"{rule.reason}: tail marker")
        reason = f"{rule.reason}: after tail marker '{marker}' ({cut.describe()})"
        for index in range(cut.start + 1, len(document.lines)):
            if survivors[index] is not None:
                yield Removal(index, None, self.name, rule.id, reason)


def _comment_like(rule: Rule) -> bool:
    """Markers whose guard only asks for an article above them (`guard = "article-above"`)."""
    return rule.guard == "article-above"


def rule_filters(packs: Iterable[RulePack]) -> list[Filter]:
    """The three rule filters for these packs, in the order they must run."""
    packs = tuple(packs)
    line_rules = _by_scope(packs, "line")
    dispatch = RuleDispatch(line_rules)  # shared: both line passes ask the same question
    return [
        LineRuleFilter(line_rules, dispatch=dispatch),
        SpanRuleFilter(_by_scope(packs, "span")),
        LineRuleFilter(line_rules, only_cut_lines=True, dispatch=dispatch),
        TailRuleFilter(_by_scope(packs, "tail")),
    ]


__all__ = [
    "TAIL_MARKER_MAX_WORDS",
    "LineRuleFilter",
    "SpanRuleFilter",
    "TailRuleFilter",
    "rule_filters",
]
