"""HTML backends: how a page becomes the Document that the pipeline cleans.

A backend only produces blocks; every backend's Document goes through the same pipeline, the
Cleaner's own list of filters, as given. Filters that must treat a kind of input differently
ask the Document's `origin`, never the backend.

- `trafilatura` (`backends.trafilatura`): trafilatura's main text, an `EXTRACT` document.
- `fast` (`backends.fast`): our DOM walk's blocks, a `DOM` document with the DOM rules'
  matches on its blocks.
- `guided` (`backends.guided`): trafilatura's text checked against the DOM block model; the
  page's DOM blocks when trafilatura kept too little.
- `router` (`backends.router`): `fast` on every page, trafilatura too where the quality
  predictor doubts `fast`'s result, and the result predicted better.
- `auto` (the default): `router` when the Cleaner runs its default filters with the shipped
  models, whose results the quality predictor learned to judge; `fast` with the shipped
  models and filters of one's own (`Cleaner(filters=...)`), which the predictor cannot judge;
  `trafilatura` with rules only or a model of one's own, which was not trained on DOM blocks
  (rules-only `fast` kept menus and rails: docs/decisions.md). `router` without the predictor
  is what `auto` is; `guided` needs the shipped DOM block model and is `trafilatura` without.

Every backend returns the cleaned result (`clean`); all but the router make a Document and
let the pipeline clean it (`backends.base`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

from cleaner.confidence.predictor import default_quality_model
from cleaner.config import BACKENDS as BACKENDS
from cleaner.config import CleanerConfig, check_choice
from cleaner.document import Cleaned
from cleaner.filters.rules import rule_filters
from cleaner.html.backends.fast import FastBackend
from cleaner.html.backends.guided import GuidedBackend
from cleaner.html.backends.router import RouterBackend
from cleaner.html.backends.trafilatura import TrafilaturaBackend
from cleaner.html.dom_match import DomRuleIndex
from cleaner.models.dom_model import default_dom_model
from cleaner.pipeline import Pipeline


class Backend(Protocol):
    """Anything that turns a page (decoded HTML) into a cleaned result through a pipeline."""

    name: str

    def clean(self, html: str, url: str | None, pipeline: Pipeline) -> Cleaned:
        """The page cleaned by `pipeline`; empty text for a page without any."""
        ...

    def text(self, html: str, url: str | None, pipeline: Pipeline) -> str:
        """Only the cleaned text: `clean(...).text`."""
        ...


def resolve_backend(backend: str, config: CleanerConfig, judged: bool = True) -> str:
    """The extractor that `backend` names under `config` (module docstring); `judged`: the
    quality predictor applies (the Cleaner runs its default filters)."""
    check_choice("HTML backend", backend, BACKENDS)
    shipped = config.uses_shipped_model() and default_dom_model() is not None
    routed = shipped and judged and default_quality_model() is not None
    if backend == "router" and not routed:
        backend = "auto"
    if backend == "auto":
        return "router" if routed else "fast" if shipped else "trafilatura"
    if backend == "guided" and not shipped:
        return "trafilatura"
    return backend


def make_backends(
    config: CleanerConfig, rules: DomRuleIndex, judged: bool = True
) -> Mapping[str, Backend]:
    """The backend each name in `BACKENDS` stands for under `config`, resolved once
    (`resolve_backend`); `rules` are the config's DOM rules, indexed; `judged`: the quality
    predictor applies (the router needs it). trafilatura is imported on the first page it
    extracts."""
    fast = FastBackend(rules)
    extractors: dict[str, Backend] = {"trafilatura": TrafilaturaBackend(fast), "fast": fast}
    dom_model = default_dom_model() if config.uses_shipped_model() else None
    if dom_model is not None:
        extractors["guided"] = GuidedBackend(rules, rule_filters(config.packs()), dom_model)
        quality = default_quality_model()
        if quality is not None:
            extractors["router"] = RouterBackend(fast, quality)
    return MappingProxyType(
        {name: extractors[resolve_backend(name, config, judged)] for name in BACKENDS}
    )
