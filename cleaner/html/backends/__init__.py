"""HTML backends: how a page becomes the Document that the pipeline cleans.

A backend only produces blocks; every backend's Document goes through the same pipeline, the
Cleaner's own list of filters, as given. Filters that must treat a kind of input differently
ask the Document's `origin`, never the backend.

- `trafilatura` (`backends.trafilatura`): trafilatura's main text, an `EXTRACT` document.
- `fast` (`backends.fast`): our DOM walk's blocks, a `DOM` document with the DOM rules'
  matches on its blocks.
- `guided` (`backends.guided`): trafilatura's text checked against the DOM block model; the
  page's DOM blocks when trafilatura kept too little.
- `auto` (the default): `fast` when the config runs the shipped models, whose DOM block model
  `fast` relies on; `trafilatura` with rules only or a model of one's own, which was not
  trained on DOM blocks (rules-only `fast` kept menus and rails: docs/decisions.md). `guided`
  needs the shipped DOM block model too and is `trafilatura` without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

from cleaner.config import BACKENDS as BACKENDS
from cleaner.config import CleanerConfig, check_choice
from cleaner.document import Document
from cleaner.filters.rules import rule_filters
from cleaner.html.backends.fast import FastBackend
from cleaner.html.backends.guided import GuidedBackend
from cleaner.html.backends.trafilatura import TrafilaturaBackend
from cleaner.html.dom_match import DomRuleIndex
from cleaner.models.dom_model import default_dom_model


class Backend(Protocol):
    """Anything that turns a page (decoded HTML) into a Document."""

    name: str

    def document(self, html: str, url: str | None) -> Document:
        """The page's blocks; an empty Document for a page without text."""
        ...


def resolve_backend(backend: str, config: CleanerConfig) -> str:
    """The extractor that `backend` names under `config` (module docstring)."""
    check_choice("HTML backend", backend, BACKENDS)
    shipped = config.uses_shipped_model() and default_dom_model() is not None
    if backend == "auto":
        return "fast" if shipped else "trafilatura"
    if backend == "guided" and not shipped:
        return "trafilatura"
    return backend


def make_backends(config: CleanerConfig, rules: DomRuleIndex) -> Mapping[str, Backend]:
    """The backend each name in `BACKENDS` stands for under `config`, resolved once
    (`resolve_backend`); `rules` are the config's DOM rules, indexed. trafilatura is
    imported on the first page it extracts."""
    fast = FastBackend(rules)
    extractors: dict[str, Backend] = {"trafilatura": TrafilaturaBackend(fast), "fast": fast}
    dom_model = default_dom_model() if config.uses_shipped_model() else None
    if dom_model is not None:
        extractors["guided"] = GuidedBackend(rules, rule_filters(config.packs()), dom_model)
    return MappingProxyType({name: extractors[resolve_backend(name, config)] for name in BACKENDS})
