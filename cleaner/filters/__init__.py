"""Filters: everything that proposes removals. Rule packs now; learned and corpus filters later."""

from cleaner.filters.rules import LineRuleFilter, SpanRuleFilter, TailRuleFilter, rule_filters
from cleaner.filters.tail import TailCut, find_tail

__all__ = [
    "LineRuleFilter",
    "SpanRuleFilter",
    "TailCut",
    "TailRuleFilter",
    "find_tail",
    "rule_filters",
]
