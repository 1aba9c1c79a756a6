"""The default filters of a text in one core call: what `Cleaner.clean` and `explain` run.

`Pipeline.run` calls each filter in turn, and each crosses into the core with every line of
the page and comes back with Removals. When a pipeline's filters are the default ones
(`Cleaner.default_filters` without a profile, or the rule filters alone), `core/src/chain.rs`
runs the same steps in the same order in one call: `clean` gets the output text and nothing
else is made in Python; `explain` gets the removals as compact rows, and the filters
themselves write each Removal from them (their reasons are written in one place).
`tests/filters/test_chain.py` holds the chain to `Pipeline.run` of the same filters (text
and every Removal) on the fixtures, generated documents and pages of every shared dataset.

A list that differs in any way (a filter of one's own, another order, the profile filter,
a model filter with other settings) gets no chain, and `clean` runs the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cleaner._core as _core
from cleaner.document import Cleaned, Document
from cleaner.filters.dom_rules import DomRuleFilter
from cleaner.filters.headline import HeadlineFilter
from cleaner.filters.learned import MIN_PAGE_WORDS, LearnedFilter, ModelFilter
from cleaner.filters.rules import LineRuleFilter, SpanRuleFilter, TailRuleFilter
from cleaner.pipeline import Filter, in_line_order
from cleaner.text.features import featurizer

# Filters that never act on a text document (DOM blocks only): the chain may skip them.
_DOM_ONLY = (DomRuleFilter, HeadlineFilter)


@dataclass(frozen=True)
class TextChain:
    """The default filters of a text in one core call (`core`), and the filters themselves,
    which write the Removals of `explain` from the core's answers exactly as they would
    have proposed them."""

    core: _core.TextChain
    lines: LineRuleFilter
    spans: SpanRuleFilter
    cut_lines: LineRuleFilter
    tail: TailRuleFilter
    model: ModelFilter | None

    def clean(self, text: str) -> str:
        """What `Pipeline.run` of the filters outputs for `text`."""
        return self.core.clean(text)

    def explain(self, text: str) -> Cleaned:
        """What `Pipeline.run` of the filters returns for `text`: the text, every Removal
        in line order, the Document."""
        output, decisions, tail = self.core.run(text)
        document = Document.from_text(text)
        marker = after = None
        if tail is not None:
            marker, after = self.tail.removals(tail, document)
        model = self.model.removals() if self.model is not None else None
        removals = []
        for line, step, rule, start, end, score in decisions:
            if step == "line":
                removals.append(self.lines.removal(line, rule))
            elif step == "span":
                removals.append(self.spans.removal(line, start, end, rule))
            elif step == "cut-line":
                removals.append(self.cut_lines.removal(line, rule))
            elif step == "tail-marker" and marker is not None:
                removals.append(marker(line))
            elif step == "tail" and after is not None:
                removals.append(after(line))
            elif step == "model" and model is not None:
                removals.append(model(line, score))
            else:
                raise RuntimeError(f"the core chain answered an unknown step {step!r}")
        return Cleaned(output, tuple(in_line_order(removals)), document)


def _rule_steps(
    steps: Sequence[Filter],
) -> tuple[LineRuleFilter, SpanRuleFilter, LineRuleFilter, TailRuleFilter] | None:
    """The four rule filters of `rule_filters`, in order, over one set of rules; else None."""
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
    if not all(other is line.compiled for other in shared):
        return None
    return line, span, cut_lines, tail


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


def text_chain(filters: Sequence[Filter]) -> TextChain | None:
    """The chain that returns what `Pipeline(filters).run` returns for any text document,
    or None when `filters` are not (up to DOM-only filters) the rule filters optionally
    followed by the learned filter."""
    steps = [step for step in filters if type(step) not in _DOM_ONLY]
    rules = _rule_steps(steps[:4])
    learned = steps[4:]
    if rules is None or len(learned) > 1:
        return None
    model = _plain_text_model(learned[0]) if learned else None
    if learned and model is None:
        return None
    core_rules = rules[0].compiled.core
    if model is None:
        return TextChain(_core.TextChain(core_rules), *rules, None)
    core = _core.TextChain(
        core_rules, model.model.core, featurizer(), model.threshold, MIN_PAGE_WORDS
    )
    return TextChain(core, *rules, model)


__all__ = ["TextChain", "text_chain"]
