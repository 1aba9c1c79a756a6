"""The DOM rules in force, handed once to the native core, which matches them against every
element while it walks a page (`cleaner.html.walk`).

The rules come from DOM packs (`cleaner.packs.dom_pack`, which loads them and says what each
selector means). The core answers a match as `(rule index, selector kind, value, token)`;
this module words it as the removal's reason, as the Python matcher did.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

import cleaner._core as _core
from cleaner.packs.dom_pack import DomMatch, DomPack, DomRule

# How each selector kind is worded in a removal's reason (read-only: no module state).
_SELECTOR_WORDING = MappingProxyType(
    {
        "tag": lambda value, token: f"tag <{value}>",
        "token": lambda value, token: f"class/id {value!r}",
        "word": lambda value, token: f"word {value!r} of class/id {token!r}",
        "role": lambda value, token: f"role={value!r}",
        "attr": lambda value, token: f"attribute {value}",
    }
)


class DomRuleIndex:
    """The rules in force (`rules`, pack order then file order: the first that matches
    wins) and their index in the core (`core`), built once per Cleaner."""

    __slots__ = ("core", "rules")

    def __init__(self, rules: Iterable[DomRule]) -> None:
        self.rules = tuple(rules)
        self.core = _core.DomRuleIndex(
            [
                (
                    r.tags,
                    r.tokens,
                    r.words,
                    r.roles,
                    r.attrs,
                    r.unless,
                    r.unless_beside,
                    r.unless_tokens,
                    r.may_hold_page,
                    r.may_hold_prose,
                )
                for r in self.rules
            ]
        )

    def dom_match(self, hit: tuple[int, str, str, str]) -> DomMatch:
        """The core's answer `(rule index, kind, value, token)` as a DomMatch."""
        rule, kind, value, token = hit
        return DomMatch(self.rules[rule], _SELECTOR_WORDING[kind](value, token))


def rules_in_force(
    packs: Iterable[DomPack], disabled: frozenset[str] = frozenset()
) -> DomRuleIndex:
    """An index of the packs' rules minus those disabled by id (`pack/rule`) or pack name."""
    return DomRuleIndex(
        rule
        for pack in packs
        if pack.name not in disabled
        for rule in pack.rules
        if rule.id not in disabled
    )
