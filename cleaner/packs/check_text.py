"""Checking a rule pack before trusting it with a corpus.

Two checks per rule: its own examples must fire and counterexamples must not (the rule's
spec, kept next to it as data); and a backtracking probe: the pattern runs on hostile
strings built from its examples, under a time limit, so a pattern that would hang a batch
on one odd line is caught while writing the pack, not on the millionth document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.packs.text_pack import Rule, RulePack
from cleaner.text.lines import line_key, match_key

# A span pattern runs over whole lines (a scraped page can be one 10 MB line); line and tail
# patterns only see lines up to their max_chars. Probes use those lengths.
SPAN_PROBE_CHARS = 200_000
PROBE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check, said so that the pack's author knows what to change."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def fires(rule: Rule, line: str) -> bool:
    """Does the rule fire on a raw line, the way the filters apply it?"""
    if rule.scope == "span":
        return rule.triggered_by(line) and rule.compiled.search(line) is not None
    key = line_key(line)
    return rule.matches(key) if key else False


def probe_strings(rule: Rule) -> Iterator[str]:
    """Hostile inputs for a rule: its examples repeated, truncated and padded so that a
    pattern with nested or overlapping quantifiers has to try many ways and fail."""
    limit = SPAN_PROBE_CHARS if rule.scope == "span" else rule.max_chars
    seeds = list(rule.examples) or [rule.pattern]
    for seed in seeds:
        for unit in (seed, seed[: max(1, len(seed) - 1)], seed + " ", seed.replace(" ", "")):
            if not unit:
                continue
            repeated = (unit * (limit // len(unit) + 1))[: limit - 1]
            yield repeated + "\x00"
            yield repeated + "!"
    for filler in (" ", "a", "a ", ". ", "-", "%"):
        yield filler * (limit - 1) + "\x00"


def check_rule(rule: Rule) -> list[Problem]:
    """All problems with one rule: examples, counterexamples, and backtracking."""
    problems = [
        Problem(rule.id, f"example does not fire: {example!r}")
        for example in rule.examples
        if not fires(rule, example)
    ]
    problems += [
        Problem(rule.id, f"counterexample fires: {counter!r}")
        for counter in rule.counterexamples
        if fires(rule, counter)
    ]
    if not rule.examples:
        problems.append(Problem(rule.id, "no examples: add lines the rule must remove"))
    if rule.triggers:
        problems += [
            Problem(
                rule.id, f"example contains none of the triggers {list(rule.triggers)}: {example!r}"
            )
            for example in rule.examples
            if not rule.triggered_by(example)
        ]
    probe = rule.compiled.finditer if rule.scope == "span" else rule.compiled.fullmatch
    for text in probe_strings(rule):
        key = text if rule.scope == "span" else match_key(text)
        try:
            result = probe(key, timeout=PROBE_SECONDS)
            if rule.scope == "span":
                for _ in result:  # type: ignore[union-attr]
                    pass
        except TimeoutError:
            problems.append(
                Problem(
                    rule.id,
                    f"pattern backtracks: over {PROBE_SECONDS}s on a {len(text)}-character "
                    "probe; remove nested or overlapping quantifiers (or use atomic groups)",
                )
            )
            break
    return problems


def check_pack(pack: RulePack) -> list[Problem]:
    """All problems with every rule of a pack."""
    return [problem for rule in pack.rules for problem in check_rule(rule)]
