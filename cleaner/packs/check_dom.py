"""Checking DOM packs: every example must match its rule, no counterexample may.

Kept apart from `cleaner.packs.dom_pack` (loading) and `cleaner.html.dom_match` (matching),
as `check_text` is from `text_pack`: the test suite runs it over the shipped packs, and a
user can run it over theirs before a corpus run finds a mistake a million pages in.
"""

from __future__ import annotations

from cleaner.html.dom_match import DomRuleIndex
from cleaner.html.walk import page_blocks
from cleaner.packs.dom_pack import DomPack, DomRule


def rule_fires(rule: DomRule, snippet: str) -> bool:
    """Whether `rule` alone marks any text of the HTML `snippet` as furniture."""
    blocks = page_blocks(f"<html><body>{snippet}</body></html>", DomRuleIndex([rule]))
    return any(block.match is not None for block in blocks)


def check_dom_pack(pack: DomPack) -> list[str]:
    """One line per problem: an example its rule misses, or a counterexample it matches."""
    problems = []
    for rule in pack.rules:
        for example in rule.examples:
            if not rule_fires(rule, example):
                problems.append(f"{rule.id}: example does not match: {example}")
        for counter in rule.counterexamples:
            if rule_fires(rule, counter):
                problems.append(f"{rule.id}: counterexample matches: {counter}")
    return problems
