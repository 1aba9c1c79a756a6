"""Filters: everything that proposes removals. Rule packs now; learned and corpus filters later."""

from cleaner.filters.rules import LineRuleFilter, SpanRuleFilter, TailRuleFilter, rule_filters
from cleaner.filters.tail import TailCut

__all__ = [
    "LineRuleFilter",
    "SpanRuleFilter",
    "TailCut",
    "TailRuleFilter",
    "rule_filters",
]
