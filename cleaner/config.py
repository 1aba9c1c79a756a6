"""The one configuration of a Cleaner, and the one function that resolves it.

The API (`Cleaner(...)` keywords or `config=`), the CLI (its flags) and worker processes (which
receive only the config) all go through `resolve_config`, so a setting means the same thing
whichever door it came in by, and a worker cleans exactly as its parent. Values are checked
once, here, with errors that name the bad value and the choices.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from cleaner.packs.dom_pack import DomPack, builtin_dom_packs, resolve_packs
from cleaner.packs.text_pack import RulePack, builtin_packs, check_unique

# `model="default"` is the line model shipped in cleaner/models; a path names a model file
# written by `cleaner train`; None turns the learned filter off (rules only).
DEFAULT_MODEL = "default"
# How eagerly the learned filter removes: only sure calls, best F1 in validation, or more
# boilerplate at some cost in article text. Each model file stores one threshold per preset.
PRESETS = ("precision", "balanced", "recall")
DEFAULT_PRESET = "balanced"
# The extractors that turn a page into blocks (`cleaner.html.backends`), and the names
# `backend=` takes: those plus `auto`, which picks one from the config (`resolve_backend`).
EXTRACTORS = ("trafilatura", "fast", "guided", "router")
BACKENDS = ("auto", *EXTRACTORS)
DEFAULT_BACKEND = "auto"


class Unset(enum.Enum):
    """The type of `UNSET`: a keyword the caller did not pass (None is a real value for
    `model`, so it cannot mean "not given")."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class CleanerConfig:
    """Everything that decides what a Cleaner removes. Immutable; build one with
    `resolve_config` (or `Cleaner(...)`), which checks every value.

    `rules`: text rule packs added after the built-in ones; `dom_rules`: DOM rule packs
    (selectors, HTML `fast` and `guided`) added after the built-in one.
    `builtin_rules`: include the packs shipped in `cleaner/packs/` (text and DOM).
    `disabled_rules`: rule ids (`pack/rule`) or pack names to leave out.
    `model`: `"default"` (the shipped models), the path of a file from `cleaner train`, or
    None for rules only. `preset`: one of `PRESETS`.
    `profile`: the path of a site profile from `cleaner learn`, or None. A path, not a loaded
    profile, so worker processes load it themselves.
    `html_backend`: how `clean_html` turns a page into blocks, one of `BACKENDS`.
    """

    rules: tuple[RulePack, ...] = ()
    dom_rules: tuple[DomPack, ...] = ()
    builtin_rules: bool = True
    disabled_rules: frozenset[str] = frozenset()
    model: str | None = DEFAULT_MODEL
    preset: str = DEFAULT_PRESET
    profile: str | None = None
    html_backend: str = DEFAULT_BACKEND

    def chosen_packs(self) -> tuple[tuple[RulePack, ...], tuple[DomPack, ...]]:
        """The text and DOM packs chosen (built-in ones first), before any is disabled."""
        if not self.builtin_rules:
            return self.rules, self.dom_rules
        return builtin_packs() + self.rules, builtin_dom_packs() + self.dom_rules

    def packs(self) -> tuple[RulePack, ...]:
        """The text packs in force, minus disabled rules and packs."""
        off = self.disabled_rules
        return tuple(_without(p, off) for p in self.chosen_packs()[0] if p.name not in off)

    def dom_packs(self) -> tuple[DomPack, ...]:
        """The DOM packs in force, minus disabled rules and packs."""
        off = self.disabled_rules
        return tuple(_without(p, off) for p in self.chosen_packs()[1] if p.name not in off)

    def uses_shipped_model(self) -> bool:
        """Whether the learned filter runs the shipped models (the line model for text, the
        DOM block model for `fast` pages)."""
        return self.model == DEFAULT_MODEL


Pack = TypeVar("Pack", RulePack, DomPack)


def _without(pack: Pack, off: frozenset[str]) -> Pack:
    """`pack` without the rules whose ids are in `off`."""
    return replace(pack, rules=tuple(rule for rule in pack.rules if rule.id not in off))


def resolve_config(
    base: CleanerConfig | None = None,
    *,
    model: str | Path | Unset | None = UNSET,
    preset: str | Unset = UNSET,
    rules: Iterable[str | Path | RulePack | DomPack] = (),
    builtin_rules: bool | Unset = UNSET,
    disabled_rules: Iterable[str] = (),
    profile: str | Path | Unset | None = UNSET,
    backend: str | Unset = UNSET,
) -> CleanerConfig:
    """`base` (default: the defaults) with the given settings applied, checked.

    Settings left out keep `base`'s value; `rules` and `disabled_rules` add to it. Raises
    ValueError (a RuleError or DomRuleError for a broken pack) naming the bad value."""
    base = base if base is not None else CleanerConfig()
    text_packs, dom_packs = resolve_packs(rules)
    config = replace(
        base,
        rules=base.rules + text_packs,
        dom_rules=base.dom_rules + dom_packs,
        builtin_rules=base.builtin_rules if builtin_rules is UNSET else bool(builtin_rules),
        disabled_rules=base.disabled_rules | frozenset(disabled_rules),
        model=base.model if model is UNSET else _model_value(model),
        preset=base.preset if preset is UNSET else preset,
        profile=base.profile if profile is UNSET or profile is None else str(profile),
        html_backend=base.html_backend if backend is UNSET else backend,
    )
    check_config(config)
    return config


def _model_value(model: str | Path | None) -> str | None:
    return None if model is None else str(model)


def check_config(config: CleanerConfig) -> None:
    """Raise ValueError, naming the value and the choices, for the first setting that is
    not one we have."""
    check_choice("preset", config.preset, PRESETS)
    check_choice("HTML backend", config.html_backend, BACKENDS)
    model = config.model
    if model is not None and model != DEFAULT_MODEL and not Path(model).is_file():
        raise ValueError(
            f"unknown model {model!r}: use 'default', None (rules only) or the path of a "
            "file written by `cleaner train`"
        )
    if config.profile is not None and not Path(config.profile).is_file():
        raise ValueError(
            f"no site profile file {config.profile!r}: give the path of a file written by "
            "`cleaner learn`"
        )
    text, dom = config.chosen_packs()
    check_unique((*text, *dom))
    known = {pack.name for pack in text} | {pack.name for pack in dom}
    known |= {rule.id for pack in text for rule in pack.rules}
    known |= {rule.id for pack in dom for rule in pack.rules}
    for name in sorted(config.disabled_rules - known):
        raise ValueError(
            f"unknown rule or pack {name!r} to disable: give a pack name or a pack/rule id "
            "(`cleaner rules list` shows them)"
        )


def check_choice(what: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")
