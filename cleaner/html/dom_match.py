"""Matching DOM rules against elements while the page is walked (`cleaner.html.walk`).

The rules come from DOM packs (`cleaner.packs.dom_pack`, which says what each selector
means); this module indexes the rules in force so that asking about an element costs a few
dict look-ups, and reads an element's class/id tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import regex
from lxml import etree

from cleaner.packs.dom_pack import PROTECTED_TAGS, SELECTOR_KEYS, DomMatch, DomPack, DomRule

_WORD_SPLIT = regex.compile(r"[-_]+")
# Distinct (class, id) pairs whose tokens are remembered; pages reuse a few hundred.
TOKEN_MEMO_SIZE = 1 << 16
# Matches remembered per DomRuleIndex before the memo is emptied: pages repeat the same
# (tag, class, id, role) many times, and a corpus run must not grow it without bound.
MATCH_MEMO_SIZE = 1 << 16
_MISSING = object()


@lru_cache(maxsize=TOKEN_MEMO_SIZE)
def class_id_tokens(classes: str | None, ident: str | None) -> tuple[str, ...]:
    """An element's class and id tokens, lower-cased, from its raw `class` and `id` values.
    Memoised (a bounded, thread-safe cache on a pure function): the same class strings
    repeat on every element of a list or a grid, and the walk asks once per element."""
    return tuple(f"{classes or ''} {ident or ''}".lower().split())


class DomRuleIndex:
    """The rules in force, indexed by selector so that matching an element costs a few dict
    look-ups. The first rule (pack order, then file order) that matches wins.

    The verdict depends only on the tag, the class/id tokens, the role and the attributes
    that an `attrs` selector names, so it is memoised on those, per index (per set of rules):
    a page's elements repeat the same few combinations, and the walk asks once per element."""

    def __init__(self, rules: Iterable[DomRule]) -> None:
        self.rules = tuple(rules)
        self._order = {rule.id: i for i, rule in enumerate(self.rules)}
        self._by: dict[str, dict[str, DomRule]] = {key: {} for key in SELECTOR_KEYS}
        for rule in self.rules:
            for key in SELECTOR_KEYS:
                for value in getattr(rule, key):
                    self._by[key].setdefault(value, rule)
        self._attr_names = frozenset(self._by["attrs"])
        # `name=value` selectors look at every attribute's value: then no shortcut applies.
        self._exact_attrs = any("=" in name for name in self._attr_names)
        self._memo: dict[tuple[object, ...], DomMatch | None] = {}

    def match(self, tag: str, tokens: Sequence[str], element: etree._Element) -> DomMatch | None:
        """The rule this element is furniture by and the selector that said so, or None."""
        if tag in PROTECTED_TAGS:
            return None
        role = None
        items: tuple[tuple[str, str], ...] = ()
        names = element.keys()
        if names:  # most elements have no attributes: then the tag alone decides
            role = element.get("role")
            selected = self._attr_names
            if selected and (self._exact_attrs or not selected.isdisjoint(map(str.lower, names))):
                items = tuple(element.items())  # an attrs selector may hit: key on all of them
        key = (tag, tuple(tokens), role, items)
        memo = self._memo
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._verdict(tag, tokens, role, items)
            if len(memo) >= MATCH_MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return found  # type: ignore[return-value]

    def _verdict(
        self,
        tag: str,
        tokens: Sequence[str],
        role: str | None,
        items: Sequence[tuple[str, str]],
    ) -> DomMatch | None:
        found = self._first_hit(tag, tokens, role, items)
        if found is None or not tokens:
            return found
        return None if vetoed(found.rule, tokens) else found

    def _first_hit(
        self,
        tag: str,
        tokens: Sequence[str],
        role: str | None,
        items: Sequence[tuple[str, str]],
    ) -> DomMatch | None:
        by = self._by
        hits: list[DomMatch] = []
        if tag in by["tags"]:
            hits.append(DomMatch(by["tags"][tag], f"tag <{tag}>"))
        if tokens:
            by_token, by_word = by["tokens"], by["words"]
            for token in tokens:
                if token in by_token:
                    hits.append(DomMatch(by_token[token], f"class/id {token!r}"))
                for word in _WORD_SPLIT.split(token):
                    if word in by_word:
                        hits.append(DomMatch(by_word[word], f"word {word!r} of class/id {token!r}"))
        if role is not None and role.lower() in by["roles"]:
            hits.append(DomMatch(by["roles"][role.lower()], f"role={role.lower()!r}"))
        by_attr = by["attrs"]
        if by_attr:
            for name, value in items:
                exact = f"{name}={value}".lower()
                rule = by_attr.get(name.lower()) or by_attr.get(exact)
                if rule is not None:
                    shown = name.lower() if name.lower() in by_attr else exact
                    hits.append(DomMatch(rule, f"attribute {shown}"))
        if len(hits) <= 1:
            return hits[0] if hits else None
        return min(hits, key=lambda hit: self._order[hit.rule.id])


def vetoed(rule: DomRule, tokens: Sequence[str]) -> bool:
    """Whether the element's class/id words veto the rule: any word in `unless`, or a word
    in `unless_beside` on a token that does not carry the rule's own token or words."""
    if not rule.unless and not rule.unless_beside:
        return False
    split = [(token, _WORD_SPLIT.split(token)) for token in tokens]
    if any(word in rule.unless for _, words in split for word in words):
        return True
    return any(
        word in rule.unless_beside
        for token, words in split
        if token not in rule.tokens and set(rule.words).isdisjoint(words)
        for word in words
    )


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
