"""DOM rule packs: page furniture named by selectors, as TOML data, validated when loaded.

A DOM pack is a TOML file with a `[pack]` table and `[[rules]]` entries, like the text packs
(`cleaner.packs.text_pack`), but a rule names *elements* instead of lines. An element matches a
rule when any of its selectors does:

- `tags`: the element's tag name (`aside`, `nav`);
- `tokens`: one of its class or id tokens, whole (`share-bar`, `outbrain`);
- `words`: a word inside a class or id token, the token split at `-` and `_` (`share` in
  `article-share-tools`, `newsletter` in `nl_newsletter-box`);
- `roles`: its ARIA `role` (`complementary`, `navigation`);
- `attrs`: an attribute it carries (`data-ad-slot`), or `name=value` for an exact value.

`unless` lists class/id words that veto a match on that element (`content` keeps
`<div class="post-content share">`), because the article's own wrapper sometimes carries a
furniture word. `unless_beside` vetoes only from the element's *other* tokens, those that do
not carry the rule's own selector: `comments-body` is a comment's body and matches, while
`<article class="entry-content comments-open">` is the post. Elements `html`, `body`, `main`
and `article` are never matched: a whole page or article is not furniture. Nor is an
element that holds most of a page's text (`cleaner.html.walk.HOLDS_PAGE`) with no article body
outside it, or whose text is mostly an article body's, or that holds the page's largest
article body (`cleaner.html.walk.is_page_holder`): that is the page wrapped in a container named
after its layout or a site skin (`sidebar-right`, `menu-top`, `share_wrapper`,
`ad-wallpaper`), unless the rule says `may_hold_page = true` (a site's own pack may, for a
reader thread that outgrows the post above it). The shipped comments rule does not: on the
training folds it scored lower with it (mean F1 of `fast` on wcxb_dev folds 0-7, with the
DOM model of the time: 0.869 with it, 0.872 without), as forum pages keep their posts in
containers named "comment".

Every rule has a reason, and `examples` (HTML snippets in which it must match) and
`counterexamples` (snippets in which it must not); the test suite runs them. Loading fails
early, with one line naming the file, the rule and the fix.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import regex
from lxml import etree

from cleaner.packs.text_pack import (
    RuleError,
    RulePack,
    check_rule_names,
    pack_header,
    parse_pack,
    read_toml,
)

_PACK_KEYS = {"name", "description"}
_SELECTOR_KEYS = ("tags", "tokens", "words", "roles", "attrs")
_VETO_KEYS = ("unless", "unless_beside")
_RULE_KEYS = {
    "name",
    "reason",
    "may_hold_page",
    "examples",
    "counterexamples",
    *_SELECTOR_KEYS,
    *_VETO_KEYS,
}
_NAME = regex.compile(r"[a-z0-9][a-z0-9_-]*")
_SELECTOR = regex.compile(r"[a-z0-9][a-z0-9_:.=-]*")
_WORD_SPLIT = regex.compile(r"[-_]+")
# Never furniture, whatever their class says: the page, and the article as a whole.
PROTECTED_TAGS = frozenset(("html", "body", "main", "article"))


class DomRuleError(ValueError):
    """A DOM pack that cannot be used; the message names the file, the rule and the fix."""


@dataclass(frozen=True, slots=True)
class DomRule:
    """One named selector rule; `id` is `pack/name`, as for text rules."""

    pack: str
    name: str
    reason: str
    tags: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    unless_beside: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    may_hold_page: bool = False

    @property
    def id(self) -> str:
        return f"{self.pack}/{self.name}"

    def selector(self) -> str:
        """The selectors as one short string, for removal reasons and `rules list`."""
        parts = [f"{key}={','.join(getattr(self, key))}" for key in _SELECTOR_KEYS]
        return "; ".join(part for part in parts if not part.endswith("="))


class DomMatch(NamedTuple):
    """A rule that matched an element, and the selector that matched (for the reason)."""

    rule: DomRule
    selector: str

    def reason(self) -> str:
        return f"{self.rule.reason} (DOM {self.selector})"


@dataclass(frozen=True, slots=True)
class DomPack:
    """A named, ordered tuple of DOM rules loaded from one file."""

    name: str
    description: str
    rules: tuple[DomRule, ...]
    source: str


def _fail(source: str, where: str, problem: str) -> DomRuleError:
    return DomRuleError(f"DOM rule pack {source}: {where}: {problem}")


def _strings(raw: Mapping[str, object], key: str, source: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(source, where, f"'{key}' must be a list of non-empty strings")
    return tuple(value)


def _parse_rule(raw: object, pack: str, source: str, index: int) -> DomRule:
    if not isinstance(raw, dict):
        raise _fail(source, f"rules[{index}]", "each [[rules]] entry must be a table")
    name = raw.get("name")
    where = f"rule '{name}'" if isinstance(name, str) else f"rules[{index}]"
    if set(raw) - _RULE_KEYS:
        raise _fail(source, where, f"unknown key(s) {sorted(set(raw) - _RULE_KEYS)}")
    for key in ("name", "reason"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(source, where, f"'{key}' is required and must be a non-empty string")
    if not _NAME.fullmatch(raw["name"]):
        raise _fail(source, where, "names use lower-case letters, digits, '-' and '_'")
    lists = {key: _strings(raw, key, source, where) for key in (*_SELECTOR_KEYS, *_VETO_KEYS)}
    if not any(lists[key] for key in _SELECTOR_KEYS):
        raise _fail(source, where, f"give at least one selector: {', '.join(_SELECTOR_KEYS)}")
    for key in (*_SELECTOR_KEYS, *_VETO_KEYS):
        for value in lists[key]:
            if not _SELECTOR.fullmatch(value):
                raise _fail(source, where, f"{key} value {value!r}: write it in lower case")
    protected = PROTECTED_TAGS & set(lists["tags"])
    if protected:
        raise _fail(source, where, f"tags {sorted(protected)} are never furniture; remove them")
    examples = _strings(raw, "examples", source, where)
    if not examples:
        raise _fail(source, where, "add at least one HTML snippet to 'examples'")
    may_hold_page = raw.get("may_hold_page", False)
    if not isinstance(may_hold_page, bool):
        raise _fail(source, where, "'may_hold_page' must be true or false")
    return DomRule(
        pack,
        raw["name"],
        raw["reason"],
        **lists,
        examples=examples,
        counterexamples=_strings(raw, "counterexamples", source, where),
        may_hold_page=may_hold_page,
    )


def parse_dom_pack(data: Mapping[str, object], source: str) -> DomPack:
    """A DomPack from parsed TOML; raises DomRuleError naming what to fix."""
    name, description, raw_rules = pack_header(data, source, _PACK_KEYS, _fail)
    rules = tuple(_parse_rule(raw, name, source, i) for i, raw in enumerate(raw_rules))
    check_rule_names((rule.name for rule in rules), source, _fail)
    return DomPack(name, description, rules, source)


def is_dom_pack(data: Mapping[str, object]) -> bool:
    """Whether parsed TOML is a DOM pack: its rules name elements (tags, tokens, words,
    roles, attrs), keys no text rule has, so one `--rules` option takes both kinds."""
    rules = data.get("rules")
    return isinstance(rules, list) and any(
        isinstance(rule, dict) and any(key in rule for key in _SELECTOR_KEYS) for rule in rules
    )


def load_any_pack(path: str | Path) -> RulePack | DomPack:
    """A text or a DOM pack from one TOML file, told apart by `is_dom_pack`."""
    data = read_toml(Path(path), f"rule pack {path}", RuleError, "check the --rules path")
    return parse_dom_pack(data, str(path)) if is_dom_pack(data) else parse_pack(data, str(path))


def resolve_packs(
    items: Iterable[str | Path | RulePack | DomPack],
) -> tuple[tuple[RulePack, ...], tuple[DomPack, ...]]:
    """What a user passes as `rules=[...]` (paths, text packs, DOM packs) as text packs and
    DOM packs. Names are checked against the built-in packs by `check_unique` when the
    packs are put together."""
    text: list[RulePack] = []
    dom: list[DomPack] = []
    for item in items:
        pack = item if isinstance(item, RulePack | DomPack) else load_any_pack(item)
        if isinstance(pack, DomPack):
            dom.append(pack)
        else:
            text.append(pack)
    return tuple(text), tuple(dom)


@cache
def builtin_dom_packs() -> tuple[DomPack, ...]:
    """The DOM packs shipped in `cleaner/packs/dom/`, read once per process."""
    folder = resources.files("cleaner.packs").joinpath("dom")
    packs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            packs.append(parse_dom_pack(data, f"cleaner/packs/dom/{entry.name}"))
    return tuple(packs)


def element_tokens(element: etree._Element) -> list[str]:
    """The element's class and id tokens, lower-cased."""
    get = element.get
    classes = get("class")
    ident = get("id")
    if classes is None and ident is None:
        return []
    return f"{classes or ''} {ident or ''}".lower().split()


# Distinct (class, id) pairs whose tokens are remembered; pages reuse a few hundred.
TOKEN_MEMO_SIZE = 1 << 16
TOKEN_MEMO: dict[tuple[str | None, str | None], tuple[str, ...]] = {}


def class_id_tokens(classes: str | None, ident: str | None) -> tuple[str, ...]:
    """`element_tokens` from the raw `class` and `id` values, memoised: the same class
    strings repeat on every element of a list or a grid."""
    key = (classes, ident)
    tokens = TOKEN_MEMO.get(key)
    if tokens is None:
        if len(TOKEN_MEMO) >= TOKEN_MEMO_SIZE:
            TOKEN_MEMO.clear()
        tokens = TOKEN_MEMO[key] = tuple(f"{classes or ''} {ident or ''}".lower().split())
    return tokens


# Matches remembered per DomRuleIndex before the memo is emptied: pages repeat the same
# (tag, class, id, role) many times, and a corpus run must not grow it without bound.
MATCH_MEMO_SIZE = 1 << 16
_MISSING = object()


class DomRuleIndex:
    """The rules in force, indexed by selector so that matching an element costs a few dict
    look-ups. The first rule (pack order, then file order) that matches wins.

    The verdict depends only on the tag, the class/id tokens, the role and the attributes
    that an `attrs` selector names, so it is memoised on those: a page's elements repeat the
    same few combinations, and the walk asks once per element."""

    def __init__(self, rules: Iterable[DomRule]) -> None:
        self.rules = tuple(rules)
        self._order = {rule.id: i for i, rule in enumerate(self.rules)}
        self._by: dict[str, dict[str, DomRule]] = {key: {} for key in _SELECTOR_KEYS}
        for rule in self.rules:
            for key in _SELECTOR_KEYS:
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
