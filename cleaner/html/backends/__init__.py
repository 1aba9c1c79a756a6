"""HTML backends: how a page becomes the Document that the pipeline cleans.

- `trafilatura`: trafilatura extracts the main text (comments off), then the line and span
  rules remove what it lets through (ad labels, player text, share labels). The learned
  line model is *not* run on its output: it learned a page's shape from whole pages, and on
  trafilatura's output it removed article lines (mean F1 on the training folds of wcxb_dev
  0.811 against 0.833 for the rules alone, readability 0.911 against 0.925). Nor are the
  tail rules (see `text_pipeline`).
  Tried on the same folds and not kept (mean F1 of trafilatura's output, wcxb_dev /
  readability, against 0.833 / 0.925 for its defaults): `favor_precision` 0.767 / 0.928,
  `favor_recall` 0.810 / 0.928, `include_tables=False` 0.825 / 0.921, `fast=True` 0.797 /
  0.915, the union of a default and a `favor_recall` run 0.836 / 0.915 (at twice the time),
  only the comment-section tail rule after our rules 0.833 / 0.925 (-0.0002 / 0); dropping
  lines by the DOM rules or the DOM block model: see `cleaner.html.backends.guided`.
  Tried later and not kept (mean F1 on held-out pages: dragnet / l3s_gn1 / wcxb_dev folds
  8-9, against 0.899 / 0.900 / 0.843 for trafilatura): a line model trained the usual way
  but on trafilatura's output of the training folds, 0.890 / 0.877 on the news sets (those
  outputs hold little boilerplate to learn from); dropping the short lines of trafilatura's
  output that readability-lxml's article lacks, 0.900 / 0.909 / 0.834, and all such lines,
  0.904 / 0.921 / 0.771 (readability-lxml fails on wcxb_dev's non-article pages, and it
  costs a second extraction); switching a page to readability-lxml's text when that text
  lies inside trafilatura's, tuned on the training folds: no setting gained there.
- `fast`: no trafilatura. The page is parsed once with lxml and walked into DOM blocks
  (`cleaner.html.walk`); the DOM pack removes the subtrees its selectors name (ads, players, share
  bars, rails, banners, comments, navigation), then the text rules and the learned model
  judge the remaining blocks as lines.
- `guided` (opt-in): trafilatura without its fallback extractors, checked against the `fast`
  backend's DOM block model (`cleaner.html.backends.guided`): its lines plus the content blocks it
  skipped
  inside them, or the `fast` result when it kept too little. Better than `trafilatura` on
  wcxb_dev's mixed page types (forums, listings, product and service pages) and cleaneval,
  worse on the news sets (README "HTML pages"), so not the default.

- `auto` (the default): `fast` when the cleaner runs the shipped model, whose DOM block
  model `fast` uses; `trafilatura` when it runs rules only or a model of one's own, which
  `fast` would apply to DOM blocks it was not trained on (rules-only `fast` kept menus and
  rails: mean F1 on 200 pages of dragnet 0.79 against 0.85 for rules-only `trafilatura`).
  With the shipped model `fast` is at or above trafilatura on every dataset at about three
  times its speed (README "HTML pages").

All return a `Cleaned` whose removals refer to lines of `Cleaned.document`: the extracted
text's lines for `trafilatura` (and `guided`, with the blocks it put back), every block of
the page for `fast` (and `guided` when it fell back to it; DOM-removed blocks included, so
`explain` shows the selector that removed each one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from cleaner.document import Block, Document, Removal
from cleaner.filters.learned import LearnedFilter
from cleaner.filters.rules import TailRuleFilter
from cleaner.html.walk import page_blocks, parse
from cleaner.models.dom_model import dom_learned_filter
from cleaner.models.line_model import LineModel, default_model
from cleaner.packs.dom_pack import DomPack, DomRuleIndex, builtin_dom_packs, rules_in_force
from cleaner.pipeline import Draft, Filter, Pipeline
from cleaner.text.lines import line_key

# The backends that extract a page, and the names `backend=` takes: those plus `auto`.
EXTRACTORS = ("trafilatura", "fast", "guided")
BACKENDS = ("auto", *EXTRACTORS)
# By measurement (README "HTML pages"): `fast`, where it runs the shipped DOM block model.
DEFAULT_BACKEND = "auto"
DOM_FILTER_NAME = "dom-rules"


def check_backend(backend: str) -> str:
    """`backend` if it is one we have; otherwise an error that lists the choices."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown HTML backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return backend


def runs_default_model(filters: Sequence[Filter]) -> bool:
    """Whether the cleaner runs the shipped line model, which the DOM block model stands in
    for on HTML: with `model=None` or a model of one's own, `auto` and `guided` are the
    `trafilatura` backend (trafilatura's extraction plus the rules)."""
    return any(isinstance(f, LearnedFilter) and f.model is default_model() for f in filters)


def resolve_backend(backend: str, filters: Sequence[Filter]) -> str:
    """The extractor that `backend` names for a cleaner with these `filters` (`auto`: `fast`
    with the shipped model, else `trafilatura`)."""
    if check_backend(backend) != "auto":
        return backend
    return "fast" if runs_default_model(filters) else "trafilatura"


@dataclass(frozen=True, slots=True)
class HtmlDocument(Document):
    """A Document made of a page's DOM blocks: line i is `blocks[i].text`."""

    blocks: tuple[Block, ...] = ()

    @classmethod
    def from_blocks(cls, blocks: Sequence[Block]) -> HtmlDocument:
        lines = tuple(block.text for block in blocks)
        return cls(lines, tuple(map(line_key, lines)), tuple(blocks))


class DomRuleFilter:
    """Removes the blocks that lie in a subtree a DOM rule matched; the removal names the
    rule (`pack/rule`) and its selector."""

    name = DOM_FILTER_NAME

    def propose(self, document: Document, draft: Draft) -> Iterable[Removal]:
        blocks = getattr(document, "blocks", ())
        return [
            Removal(i, None, self.name, b.match.rule.id, b.match.reason())
            for i, b in enumerate(blocks)
            if b.match is not None
        ]


@cache
def dom_rule_index(packs: tuple[DomPack, ...]) -> DomRuleIndex:
    """The rules of `packs` indexed, once per process per set of packs (the index memoises
    its verdicts, so Cleaners with the same packs share what it learned)."""
    return rules_in_force(packs)


def default_dom_rules() -> DomRuleIndex:
    """The shipped DOM rules, indexed (training and tests; a Cleaner has `dom_index`)."""
    return dom_rule_index(builtin_dom_packs())


def text_pipeline(filters: Sequence[Filter]) -> Pipeline:
    """The `trafilatura` backend's pipeline: the given filters without the learned model and
    without the tail rules. trafilatura has already cut the page's tail; on its output a tail
    marker ("Related", "Recommended", "Comments") mostly heads a section of the article, and
    on the training folds (wcxb_dev, readability 0-7) tail rules removed as many article
    tokens as boilerplate tokens there (1,245 against 1,288)."""
    return Pipeline([f for f in filters if not isinstance(f, LearnedFilter | TailRuleFilter)])


def fast_pipeline(filters: Sequence[Filter], dom_model: LineModel | None = None) -> Pipeline:
    """The `fast` backend's pipeline: the DOM rules first, then the given filters, with the
    shipped line model swapped for `dom_model` (the DOM block model) when one is given."""
    steps: list[Filter] = [DomRuleFilter()]
    for step in filters:
        if (
            dom_model is not None
            and isinstance(step, LearnedFilter)
            and step.model is default_model()
        ):
            step = dom_learned_filter(dom_model, step.preset)
        steps.append(step)
    return Pipeline(steps)


def fast_document(html: str, rules: DomRuleIndex) -> HtmlDocument:
    """A page's DOM blocks as a Document (empty for a page without text)."""
    return HtmlDocument.from_blocks(page_blocks(parse(html), rules))
