"""Checking a rule pack before trusting it with a corpus.

Per rule: its own examples must fire and counterexamples must not (the rule's spec, kept
next to it as data), run the way the filters run it (the core, on the line's key for line
and tail rules, on the raw line for span rules). No backtracking probe is needed: the core
matches in time linear in the line, and refuses at load what would need backtracking.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.packs.text_pack import Rule, RulePack, compile_rules
from cleaner.text.lines import line_key


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check, said so that the pack's author knows what to change."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def fires(rule: Rule, line: str) -> bool:
    """Does the rule fire on a raw line, the way the filters apply it? A tail rule is asked
    as a line rule: whether its pattern names the line, not whether the guard would cut."""
    if rule.scope == "span":
        return bool(compile_rules((rule,)).span_cuts([line]))
    return bool(compile_rules((rule,), "line").line_rules([line_key(line)]))


def check_rule(rule: Rule) -> list[Problem]:
    """All problems with one rule: examples, counterexamples, triggers."""
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
    return problems


def check_pack(pack: RulePack) -> list[Problem]:
    """All problems with every rule of a pack."""
    return [problem for rule in pack.rules for problem in check_rule(rule)]
