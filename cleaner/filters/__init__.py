"""Filters: everything that proposes removals. Rule packs now; learned and corpus filters later."""

from cleaner.filters.rules import LineRuleFilter, SpanRuleFilter, TailRuleFilter, rule_filters
from cleaner.filters.tail import TailGuard

__all__ = ["LineRuleFilter", "SpanRuleFilter", "TailGuard", "TailRuleFilter", "rule_filters"]
