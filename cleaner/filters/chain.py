"""The default filters of a text in one core call: what `Cleaner.clean` runs on text.

`Pipeline.run` calls each filter in turn, and each crosses into the core with every line of
the page and comes back with Removals; `clean` wants none of those, only the text. When a
pipeline's filters are the default ones (`Cleaner.default_filters` without a profile, or
the rule filters alone), `core/src/chain.rs` runs the same steps in the same order in one
call and returns the output: no line, key or Removal is made in Python. `explain` keeps the
filters (it returns the Removals), and `tests/filters/test_chain.py` holds `clean` and
`explain(...).text` to the same text on every page of the shared data and the fixtures.

A list that differs in any way (a filter of one's own, another order, the profile filter,
a model filter with other settings) gets no chain, and `clean` runs the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence

import cleaner._core as _core
from cleaner.filters.dom_rules import DomRuleFilter
from cleaner.filters.headline import HeadlineFilter
from cleaner.filters.learned import MIN_PAGE_WORDS, LearnedFilter, ModelFilter
from cleaner.filters.rules import CompiledRules, LineRuleFilter, SpanRuleFilter, TailRuleFilter
from cleaner.pipeline import Filter
from cleaner.text.features import featurizer

# Filters that never act on a text document (DOM blocks only): the chain may skip them.
_DOM_ONLY = (DomRuleFilter, HeadlineFilter)


def _rule_steps(steps: Sequence[Filter]) -> CompiledRules | None:
    """The compiled rules when `steps` are the four rule filters of `rule_filters`, in
    order, over one set of rules; else None."""
    if len(steps) != 4:
        return None
    line, span, cut_lines, tail = steps
    if not (
        type(line) is LineRuleFilter
        and not line.only_cut_lines
        and type(span) is SpanRuleFilter
        and type(cut_lines) is LineRuleFilter
        and cut_lines.only_cut_lines
        and type(tail) is TailRuleFilter
    ):
        return None
    shared = (span.compiled, cut_lines.compiled, tail.compiled)
    return line.compiled if all(other is line.compiled for other in shared) else None


def _plain_text_model(step: Filter) -> ModelFilter | None:
    """The learned filter's text model filter when it is the default kind (features and
    scores from the core in one call, nothing spared, no headline kept); else None."""
    if type(step) is not LearnedFilter:
        return None
    model = step.on_text
    default = (
        model.features is None
        and model.judge is None
        and model.spare_best is None
        and not model.keep_headline
    )
    return model if default else None


def text_chain(filters: Sequence[Filter]) -> _core.TextChain | None:
    """The core chain that outputs what `Pipeline(filters).run` outputs for any text
    document, or None when `filters` are not (up to DOM-only filters) the rule filters
    optionally followed by the learned filter."""
    steps = [step for step in filters if type(step) not in _DOM_ONLY]
    learned = steps[4:]
    rules = _rule_steps(steps[:4])
    if rules is None or len(learned) > 1:
        return None
    if not learned:
        return _core.TextChain(rules.core)
    model = _plain_text_model(learned[0])
    if model is None:
        return None
    return _core.TextChain(
        rules.core, model.model.core, featurizer(), model.threshold, MIN_PAGE_WORDS
    )


__all__ = ["text_chain"]
