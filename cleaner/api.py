"""The library API: a Cleaner configured once and reused, and one-call helpers.

A Cleaner holds only immutable things (compiled rules, a tuple of filters), so one instance
can serve any number of documents from any number of threads: a crawler builds it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from cleaner.confidence.judge import judged
from cleaner.confidence.predictor import default_quality_model
from cleaner.config import (
    BACKENDS,
    DEFAULT_MODEL,
    UNSET,
    CleanerConfig,
    Unset,
    check_choice,
    resolve_config,
)
from cleaner.document import Cleaned, Document
from cleaner.filters.chain import chain_of
from cleaner.filters.dom_rules import DomRuleFilter
from cleaner.filters.headline import HeadlineFilter
from cleaner.filters.learned import LearnedFilter
from cleaner.filters.repeated import ProfileFilter
from cleaner.filters.rules import rule_filters
from cleaner.html.backends import Backend, make_backends
from cleaner.html.decode import decode_html
from cleaner.html.dom_match import DomRuleIndex, rules_in_force
from cleaner.models.dom_model import default_dom_model
from cleaner.models.line_model import default_model, load_model
from cleaner.packs.dom_pack import DomPack
from cleaner.packs.text_pack import RulePack
from cleaner.pipeline import Filter, Pipeline
from cleaner.profiles.profile import read_profile

__all__ = ["Cleaner", "CleanerConfig", "clean_html", "clean_text", "explain_html", "explain_text"]


class Cleaner:
    """Strip boilerplate from scraped article text.

    Configure once and reuse: `rules` adds packs (text or DOM, see `CleanerConfig`),
    `disabled_rules` leaves rules or packs out, `model=None` asks for rules only (or names
    a model file), `preset` picks the model's threshold, `profile` adds the repeated-block
    filter of a site profile (a file from `cleaner learn`), and `filters` replaces the
    pipeline's list of filters outright (any objects with a `name` and a `propose` method,
    see `Filter`).

    >>> Cleaner(model=None).clean("Budget passes\\nADVERTISEMENT\\nThe council voted 5-2.")
    'Budget passes\\nThe council voted 5-2.'
    """

    def __init__(
        self,
        *,
        model: str | Path | Unset | None = UNSET,
        preset: str | Unset = UNSET,
        rules: Iterable[str | Path | RulePack | DomPack] = (),
        builtin_rules: bool | Unset = UNSET,
        disabled_rules: Iterable[str] = (),
        filters: Sequence[Filter] | None = None,
        config: CleanerConfig | None = None,
        profile: str | Path | Unset | None = UNSET,
        backend: str | Unset = UNSET,
    ) -> None:
        self.config = resolve_config(
            config,
            model=model,
            preset=preset,
            rules=rules,
            builtin_rules=builtin_rules,
            disabled_rules=disabled_rules,
            profile=profile,
            backend=backend,
        )
        # The DOM rules in force, indexed once: the `fast` and `guided` backends match them
        # while walking a page.
        self.dom_index: DomRuleIndex = rules_in_force(self.config.dom_packs())
        steps = self.default_filters() if filters is None else filters
        # The same filters in one core call when they are the default ones (`chain_of`).
        self.pipeline = Pipeline(steps, chain_of(steps, self.dom_index))
        # The quality predictor gives every result a confidence and routes HTML pages; it
        # learned to judge the results of the default filters with the shipped models only,
        # so other models' and other filter lists' results get none.
        judged = filters is None and self.config.uses_shipped_model()
        self.quality = default_quality_model() if judged else None
        self.backends = make_backends(self.config, self.dom_index, judged)
        # Filters that judge a page by its site (the profile filter) get it per call; callers
        # that work a site out per page (corpus runs) need to only when this is true.
        self.site_aware = any(hasattr(step, "for_site") for step in self.pipeline.filters)

    @classmethod
    def from_config(cls, config: CleanerConfig) -> Cleaner:
        """The Cleaner a config describes: how worker processes, which receive only the
        (picklable) config, rebuild the parent's Cleaner exactly."""
        return cls(config=config)

    def default_filters(self) -> list[Filter]:
        """The filters this configuration runs, for every input: the rule filters
        (`rule_filters`), the learned filter (unless `model=None`), the
        furniture-above-the-headline filter (DOM blocks only), then the profile filter (with
        `profile`). Pass `filters=` to run your own list instead (for instance these plus
        your own)."""
        filters = self.rule_filters()
        model = self.config.model
        if model is not None:
            shipped = model == DEFAULT_MODEL
            line_model = default_model() if shipped else load_model(model)
            dom_model = default_dom_model() if shipped else None
            filters.append(LearnedFilter(line_model, self.config.preset, dom_model))
        # After the model, which keeps the headline block: then what is above it is known.
        filters.append(HeadlineFilter())
        if self.config.profile is not None:
            # Last: the model judges the page as scraped (the shape it was trained on), so
            # the profile's removals add to the model's and never change them.
            filters.append(ProfileFilter(read_profile(self.config.profile)))
        return filters

    def rule_filters(self) -> list[Filter]:
        """The filters that run before the learned filter: the DOM-rule filter (it acts on
        HTML pages' DOM blocks only) and the rule filters of the packs in force. Training
        shows the models pages as these leave them, and nothing later."""
        return [DomRuleFilter(), *rule_filters(self.config.packs())]

    def explain(self, text: str, *, site: str | None = None) -> Cleaned:
        """The cleaned text plus every removal: line, span, filter, rule and reason.

        `site` names the page's site for the profile filter (`cleaner.profiles.profile.
        site_of_url` gives it from a URL); without it that filter infers the site."""
        return judged(self.quality, self._explained(text, site), None)

    def _explained(self, text: str, site: str | None) -> Cleaned:
        """`explain` without the confidence, which `clean` does not return (it costs about a
        tenth of the time of a text document)."""
        pipeline = self._pipeline(site)
        if pipeline.chain is not None:
            return pipeline.chain.explain_text(_text(text))
        return pipeline.run(Document.from_text(_text(text)))

    def _pipeline(self, site: str | None) -> Pipeline:
        if site is None or not self.site_aware:
            return self.pipeline
        return Pipeline([_bind_site(step, site) for step in self.pipeline.filters])

    def clean(self, text: str, *, site: str | None = None) -> str:
        """Only the cleaned text: what `explain(text, site=site).text` returns (no Removals
        are made when the filters are the default ones: `cleaner.filters.chain`)."""
        pipeline = self._pipeline(site)
        if pipeline.chain is not None:
            return pipeline.chain.clean_text(_text(text))
        return pipeline.run(Document.from_text(_text(text))).text

    def explain_html(
        self,
        html: str | bytes,
        url: str | None = None,
        *,
        backend: str | None = None,
        site: str | None = None,
    ) -> Cleaned:
        """A page's cleaned main text plus every removal. `backend` ("auto", "trafilatura",
        "fast", "guided" or "router"; default this Cleaner's `html_backend`) only decides how
        the page becomes blocks; the removals refer to lines of `Cleaned.document`. Bytes are
        decoded like a browser; a page with no text gives empty text, never an exception."""
        page = _page(html)
        return judged(self.quality, self._extracted(page, url, backend, site), page)

    def _extracted(
        self, html: str, url: str | None, backend: str | None, site: str | None
    ) -> Cleaned:
        """`explain_html` of a decoded page, without a confidence unless the router gave
        one (it needs its predictions to choose)."""
        return self._backend(backend).clean(html, url, self._pipeline(site))

    def _backend(self, backend: str | None) -> Backend:
        """The backend `backend` names (default: this Cleaner's `html_backend`)."""
        name = backend or self.config.html_backend
        check_choice("HTML backend", name, BACKENDS)
        return self.backends[name]

    def clean_html(
        self,
        html: str | bytes,
        url: str | None = None,
        *,
        backend: str | None = None,
        site: str | None = None,
    ) -> str:
        """Only the cleaned main text of a page: what `explain_html(...).text` returns."""
        return self._backend(backend).text(_page(html), url, self._pipeline(site))


def _text(text: str) -> str:
    """A text to clean, or a TypeError that says what to pass instead."""
    if not isinstance(text, str):
        raise TypeError(
            f"clean/explain take str, not {type(text).__name__}; decode bytes first "
            "(e.g. data.decode('utf-8', errors='replace'))"
        )
    return text


def _page(html: str | bytes) -> str:
    """A page as text: bytes decoded like a browser; anything else refused."""
    if isinstance(html, bytes):
        return decode_html(html).text
    if not isinstance(html, str):
        raise TypeError(f"clean_html/explain_html take str or bytes, not {type(html).__name__}")
    return html


def _bind_site(step: Filter, site: str) -> Filter:
    bind = getattr(step, "for_site", None)
    return step if bind is None else bind(site)


@cache
def default_cleaner() -> Cleaner:
    """The shared default Cleaner; built once per process on first use, never mutated."""
    return Cleaner()


def clean_text(text: str) -> str:
    """Clean scraped article text with the default pipeline."""
    return default_cleaner().clean(text)


def explain_text(text: str) -> Cleaned:
    """Clean with the default pipeline and say why every removed piece went."""
    return default_cleaner().explain(text)


def clean_html(html: str | bytes, url: str | None = None, *, backend: str | None = None) -> str:
    """A page's main text, cleaned with the default pipeline and `backend`."""
    return default_cleaner().clean_html(html, url, backend=backend)


def explain_html(
    html: str | bytes, url: str | None = None, *, backend: str | None = None
) -> Cleaned:
    """`clean_html`, plus why every removed piece went."""
    return default_cleaner().explain_html(html, url, backend=backend)
