"""The default filters in one core call: what `clean` and `explain` run on a text, and the
`fast` backend on a page.

`Pipeline.run` calls each filter in turn, and each crosses into the core with every line of
the page and comes back with Removals. When a pipeline's filters are the default ones
(`Cleaner.default_filters` without a profile, or the rule filters alone), `core/src/chain/`
runs the same steps in the same order in one call: for a page, from the HTML (parse, walk,
DOM rules, text rules, DOM block model, headline, paragraph breaks). `clean` gets the output
text and nothing else is made in Python; `explain` gets the removals as compact rows, and
the filters themselves write each Removal from them. `tests/filters/test_chain.py` holds the
chain to `Pipeline.run` of the same filters (text and every Removal) on the fixtures,
generated documents and pages of every shared dataset.

A list that differs in any way (a filter of one's own, another order, the profile filter,
a model filter with other settings) gets no chain, and the pipeline runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cleaner._core as _core
from cleaner.document import DOM, Cleaned, Document, Removal
from cleaner.filters.dom_rules import DomRuleFilter
from cleaner.filters.headline import HeadlineFilter
from cleaner.filters.learned import MIN_PAGE_WORDS, LearnedFilter
from cleaner.filters.rules import CoreTailCut, LineRuleFilter, SpanRuleFilter, TailRuleFilter
from cleaner.html.dom_match import DomRuleIndex
from cleaner.html.titles import page_titles
from cleaner.html.walk import blocks_of
from cleaner.models.dom_model import judge_dom
from cleaner.pipeline import Filter, in_line_order
from cleaner.text.features import featurizer

# Filters that never act on a text document (DOM blocks only): the text chain skips them.
_DOM_ONLY = (DomRuleFilter, HeadlineFilter)
# A row of the core's answer: (line, step, rule, start, end, score), -1 / NaN where unused.
Row = tuple[int, str, int, int, int, float]


@dataclass(frozen=True)
class Steps:
    """The default filters themselves: they write each Removal of `explain` from the core's
    rows exactly as they would have proposed it (their reasons are written in one place)."""

    lines: LineRuleFilter
    spans: SpanRuleFilter
    cut_lines: LineRuleFilter
    tail: TailRuleFilter
    model: LearnedFilter | None
    dom_rules: DomRuleFilter | None = None
    headline: HeadlineFilter | None = None

    def removals(
        self, rows: Sequence[Row], tail: CoreTailCut | None, document: Document
    ) -> list[Removal]:
        """The Removals the rows stand for, in the rows' order."""
        marker = after = None
        if tail is not None:
            marker, after = self.tail.removals(tail, document)
        model = None
        if self.model is not None:
            model = (self.model.on_dom if document.origin == DOM else self.model.on_text).removals()
        removals = []
        for line, step, rule, start, end, score in rows:
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
            elif step == "dom-rule" and self.dom_rules is not None:
                match = document.blocks[line].match
                assert match is not None, "the core removed a block no DOM rule matched"
                removals.append(self.dom_rules.removal(line, match))
            elif step == "furniture" and self.headline is not None:
                removals.append(self.headline.removal(line))
            else:
                raise RuntimeError(f"the core chain answered an unknown step {step!r}")
        return removals


@dataclass(frozen=True)
class Chain:
    """The default filters in one core call: `text` for a text, `page` (None when the
    filters' DOM path is not the default one) for a page's DOM blocks, with the DOM rules
    `dom_rules` matched while it is walked."""

    text: _core.TextChain
    page: _core.PageChain | None
    steps: Steps
    dom_rules: DomRuleIndex

    def clean_text(self, text: str) -> str:
        """What `Pipeline.run` of the filters outputs for `text`."""
        return self.text.clean(text)

    def explain_text(self, text: str) -> Cleaned:
        """What `Pipeline.run` of the filters returns for `text`: the text, every Removal
        in line order, the Document."""
        output, rows, tail = self.text.run(text)
        document = Document.from_text(text)
        removals = in_line_order(self.steps.removals(rows, tail, document))
        return Cleaned(output, tuple(removals), document)

    def clean_page(self, html: str) -> str:
        """What `Pipeline.run` of the filters outputs for the `fast` Document of `html`."""
        assert self.page is not None, "clean_page needs the page chain"
        return self.page.clean(html, list(page_titles(html)))

    def explain_page(self, html: str) -> Cleaned:
        """What `Pipeline.run` of the filters returns for the `fast` Document of `html`."""
        assert self.page is not None, "explain_page needs the page chain"
        titles = page_titles(html)
        output, raw, rows, tail = self.page.run(html, list(titles))
        document = Document.from_blocks(blocks_of(raw, self.dom_rules), titles)
        removals = in_line_order(self.steps.removals(rows, tail, document))
        return Cleaned(output, tuple(removals), document)


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


def _plain_text_model(step: LearnedFilter) -> bool:
    """Whether the learned filter's text model filter is the default kind (features and
    scores from the core in one call, nothing spared, no headline kept)."""
    model = step.on_text
    return (
        model.features is None
        and model.judge is None
        and model.spare_best is None
        and not model.keep_headline
    )


def _plain_dom_model(step: LearnedFilter) -> bool:
    """Whether the learned filter's DOM model filter is the default kind (`dom_model_filter`:
    the DOM block model's features and scores in one core call, the best lines spared, the
    headline kept)."""
    model = step.on_dom
    return (
        model is not step.on_text
        and model.features is None
        and model.judge is judge_dom
        and model.spare_best is not None
        and model.keep_headline
    )


def _page_chain(
    filters: Sequence[Filter], steps: Steps, dom_rules: DomRuleIndex
) -> _core.PageChain | None:
    """The core chain for a page's DOM blocks when `filters` are, in order, the DOM-rule
    filter, the rule filters of `steps`, the learned filter (optional, with the DOM block
    model) and the headline filter; else None."""
    expected: list[Filter | None] = [
        steps.dom_rules,
        steps.lines,
        steps.spans,
        steps.cut_lines,
        steps.tail,
        *([steps.model] if steps.model is not None else []),
        steps.headline,
    ]
    if list(filters) != expected or steps.dom_rules is None or steps.headline is None:
        return None
    rules = steps.lines.compiled.core
    if steps.model is None:
        return _core.PageChain(rules, dom_rules.core)
    if not _plain_dom_model(steps.model):
        return None
    model = steps.model.on_dom
    return _core.PageChain(
        rules,
        dom_rules.core,
        model.model.core,
        featurizer(),
        model.threshold,
        MIN_PAGE_WORDS,
        model.spare_best,
    )


def chain_of(filters: Sequence[Filter], dom_rules: DomRuleIndex) -> Chain | None:
    """The chain that returns what `Pipeline(filters).run` returns for any text document
    (and, when it can, for any `fast` Document of a page walked with `dom_rules`), or None
    when `filters` are not, up to DOM-only filters, the rule filters optionally followed by
    the learned filter."""
    text_steps = [step for step in filters if type(step) not in _DOM_ONLY]
    rules = _rule_steps(text_steps[:4])
    learned = text_steps[4:]
    if rules is None or len(learned) > 1:
        return None
    model = learned[0] if learned else None
    if model is not None and not (type(model) is LearnedFilter and _plain_text_model(model)):
        return None
    dom_only = [step for step in filters if type(step) in _DOM_ONLY]
    steps = Steps(
        *rules,
        model,
        next((s for s in dom_only if isinstance(s, DomRuleFilter)), None),
        next((s for s in dom_only if isinstance(s, HeadlineFilter)), None),
    )
    core_rules = rules[0].compiled.core
    if model is None:
        text = _core.TextChain(core_rules)
    else:
        on_text = model.on_text
        text = _core.TextChain(
            core_rules, on_text.model.core, featurizer(), on_text.threshold, MIN_PAGE_WORDS
        )
    return Chain(text, _page_chain(filters, steps, dom_rules), steps, dom_rules)


__all__ = ["Chain", "Steps", "chain_of"]
