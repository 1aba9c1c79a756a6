"""The library API: a Cleaner configured once and reused, and one-call helpers.

A Cleaner holds only immutable things (compiled rules, a tuple of filters), so one instance
can serve any number of documents from any number of threads: a crawler builds it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from cleaner.document import Cleaned, Document
from cleaner.filters.learned import LearnedFilter
from cleaner.filters.repeated import ProfileFilter
from cleaner.filters.rules import rule_filters
from cleaner.html.backends import DEFAULT_BACKEND, check_backend, dom_rule_index
from cleaner.models.line_model import DEFAULT_PRESET, PRESETS, default_model, load_model
from cleaner.packs.dom_pack import DomPack, DomRuleIndex, builtin_dom_packs, resolve_packs
from cleaner.packs.text_pack import RulePack, builtin_packs, check_unique
from cleaner.pipeline import Filter, Pipeline
from cleaner.profiles.profile import read_profile

# `model="default"` is the line model shipped in cleaner/models; a path names a model file
# written by `cleaner train`; None turns the learned filter off (rules only).
DEFAULT_MODEL = "default"


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Everything that decides what a Cleaner removes. Immutable; derive with `replace`.

    `rules`: extra text rule packs added after the built-in ones.
    `dom_rules`: extra DOM rule packs (selectors; HTML `fast` and `guided` backends) added
    after the built-in one. `Cleaner(rules=...)` sorts TOML paths into the two.
    `builtin_rules`: include the packs shipped in `cleaner/packs/` (text and DOM).
    `disabled_rules`: rule ids (`pack/rule`) or pack names to leave out.
    `model`: `"default"` for the shipped line model, a path to a model file from
    `cleaner train`, or None for rules only.
    `preset`: how eagerly the model removes: "precision" (only sure calls, keeps the most
    article), "balanced" (best F1 in validation) or "recall" (removes more boilerplate).
    `profile`: the path of a site profile from `cleaner learn` (repeated-block filter), or
    None. A path, not a loaded profile, so worker processes load it themselves.
    `html_backend`: how `clean_html` reads a page: "trafilatura" (its extraction, then the
    rules), "fast" (our DOM blocks, DOM rules, rules and model), "guided" (trafilatura
    checked against the DOM block model) or "auto" (the default: "fast" with the shipped
    model, "trafilatura" with rules only or a model of one's own); see `cleaner.html.backends`.
    """

    rules: tuple[RulePack, ...] = ()
    dom_rules: tuple[DomPack, ...] = ()
    builtin_rules: bool = True
    disabled_rules: frozenset[str] = frozenset()
    model: str | None = DEFAULT_MODEL
    preset: str = DEFAULT_PRESET
    profile: str | None = None
    html_backend: str = DEFAULT_BACKEND

    def packs(self) -> tuple[RulePack, ...]:
        """The packs in force, minus disabled rules and packs."""
        chosen = (builtin_packs() if self.builtin_rules else ()) + self.rules
        check_unique(chosen)
        off = self.disabled_rules
        packs = []
        for pack in chosen:
            if pack.name in off:
                continue
            rules = tuple(rule for rule in pack.rules if rule.id not in off)
            packs.append(replace(pack, rules=rules))
        return tuple(packs)

    def dom_packs(self) -> tuple[DomPack, ...]:
        """The DOM packs in force, minus disabled rules and packs."""
        chosen = (builtin_dom_packs() if self.builtin_rules else ()) + self.dom_rules
        check_unique(chosen)
        off = self.disabled_rules
        return tuple(
            replace(pack, rules=tuple(rule for rule in pack.rules if rule.id not in off))
            for pack in chosen
            if pack.name not in off
        )


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
        model: str | Path | None = DEFAULT_MODEL,
        preset: str = DEFAULT_PRESET,
        rules: Iterable[str | Path | RulePack | DomPack] = (),
        builtin_rules: bool = True,
        disabled_rules: Iterable[str] = (),
        filters: Sequence[Filter] | None = None,
        config: CleanerConfig | None = None,
        profile: str | Path | None = None,
        backend: str | None = None,
    ) -> None:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
        base = config or CleanerConfig()
        text_packs, dom_packs = resolve_packs(rules)
        self.config = replace(
            base,
            rules=base.rules + text_packs,
            dom_rules=base.dom_rules + dom_packs,
            builtin_rules=builtin_rules and base.builtin_rules,
            disabled_rules=base.disabled_rules | frozenset(disabled_rules),
            model=None if model is None else str(model),
            preset=preset,
            profile=base.profile if profile is None else str(profile),
            html_backend=base.html_backend if backend is None else check_backend(backend),
        )
        self.pipeline = Pipeline(self.default_filters() if filters is None else filters)
        # The DOM rules in force for HTML pages, indexed once (shared by equal configs).
        self.dom_index: DomRuleIndex = dom_rule_index(self.config.dom_packs())
        # Filters that judge a page by its site (the profile filter) get it per call; callers
        # that work a site out per page (corpus runs) need to only when this is true.
        self.site_aware = any(hasattr(step, "for_site") for step in self.pipeline.filters)

    @classmethod
    def from_config(cls, config: CleanerConfig) -> Cleaner:
        """The Cleaner a config describes: how worker processes, which receive only the
        (picklable) config, rebuild the parent's Cleaner exactly."""
        return cls(model=config.model, preset=config.preset, config=config)

    def default_filters(self) -> list[Filter]:
        """The filters this configuration runs: the rule filters of the packs in force, then
        the learned filter (unless `model=None`), then the profile filter (with `profile`).
        Pass `filters=` to run your own list instead (for instance these plus your own)."""
        filters = rule_filters(self.config.packs())
        model = self.config.model
        if model is not None:
            if model != DEFAULT_MODEL and not Path(model).is_file():
                raise ValueError(
                    f"unknown model {model!r}: use 'default', None (rules only) or the path "
                    "of a file written by `cleaner train`"
                )
            line_model = default_model() if model == DEFAULT_MODEL else load_model(model)
            filters.append(LearnedFilter(line_model, self.config.preset))
        if self.config.profile is not None:
            # Last: the model judges the page as scraped (the shape it was trained on), so
            # the profile's removals add to the model's and never change them.
            filters.append(ProfileFilter(read_profile(self.config.profile)))
        return filters

    def explain(self, text: str, *, site: str | None = None) -> Cleaned:
        """The cleaned text plus every removal: line, span, filter, rule and reason.

        `site` names the page's site for the profile filter (`cleaner.profiles.profile.site_of_url`
        gives it from a URL); without it that filter infers the site from the page."""
        if not isinstance(text, str):
            raise TypeError(
                f"clean/explain take str, not {type(text).__name__}; decode bytes first "
                "(e.g. data.decode('utf-8', errors='replace'))"
            )
        pipeline = self.pipeline
        if site is not None and self.site_aware:
            pipeline = Pipeline([_bind_site(step, site) for step in pipeline.filters])
        return pipeline.run(Document.from_text(text))

    def clean(self, text: str, *, site: str | None = None) -> str:
        """Only the cleaned text: what `explain(text, site=site).text` returns."""
        return self.explain(text, site=site).text

    def explain_html(
        self, html: str | bytes, url: str | None = None, *, backend: str | None = None
    ) -> Cleaned:
        """A page's cleaned main text plus every removal (`backend`: "auto", "trafilatura",
        "fast" or "guided"; default this Cleaner's `html_backend`). Bytes are decoded like a
        browser."""
        from cleaner.html.page import explain_html  # trafilatura is imported only for HTML

        return explain_html(html, url, self, backend)

    def clean_html(
        self, html: str | bytes, url: str | None = None, *, backend: str | None = None
    ) -> str:
        """Only the cleaned main text of a page: what `explain_html(...).text` returns."""
        return self.explain_html(html, url, backend=backend).text


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
