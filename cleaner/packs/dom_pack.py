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

`unless` lists class/id words that veto a match on that element (`content` keeps `<div
class="post-content share">`), because the article's own wrapper sometimes carries a
furniture word. `unless_beside` vetoes only from the element's *other* tokens, those that do
not carry the rule's own selector: `comments-body` is a comment's body and matches, while
`<article class="entry-content comments-open">` is the post. `unless_tokens` vetoes on a
whole token: `paywall` alone marks a story's paragraphs, `paywall--titel` a prompt. Elements
`html`, `body`, `main` and `article` are never matched: a whole page or article is not
furniture. Nor is an element that holds most of a page's text (`HOLDS_PAGE` in
core/src/html/holders.rs) with no article body outside it, or whose text is mostly an
article body's, or that holds the page's largest article body (the core's
`PageHolders::is_page_holder`): that is the page wrapped in a container named after its
layout or a site skin (`sidebar-right`, `menu-top`, `share_wrapper`, `ad-wallpaper`), unless
the rule says `may_hold_page = true` (a site's own pack may, for a reader thread that
outgrows the post above it). The shipped comments rule does not: on the training folds it
scored lower with it (mean F1 of `fast` on wcxb_dev folds 0-7, with the DOM model of the
time: 0.869 with it, 0.872 without), as forum pages keep their posts in containers named
"comment".
Nor, for the same reason, is an element holding more than half of the page's paragraph text
(text inside `<p>`) that is itself mostly paragraphs (`HOLDS_PROSE`, `PROSE_DENSITY`): on
modern pages menus, rails and footers outweigh the article, so the box around a story
(`pmc-paywall`, `<aside class="rightcolumn">`) holds well under half the page's text but
nearly all its paragraphs. A rule says `may_hold_prose = true` where its furniture can
(a reader thread under a short post, a footer of legal text); the shipped comments and
footer rules do.

Every rule has a reason, and `examples` (HTML snippets in which it must match) and
`counterexamples` (snippets in which it must not); the test suite runs them. Loading fails
early, with one line naming the file, the rule and the fix. This module loads and validates
packs; `cleaner.html.dom_match` hands their rules to the native core, which matches them
against a page's elements while it walks the page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import regex

from cleaner.packs.text_pack import (
    RuleError,
    RulePack,
    check_rule_names,
    pack_header,
    parse_pack,
    read_toml,
)

_PACK_KEYS = frozenset(("name", "description"))
SELECTOR_KEYS = ("tags", "tokens", "words", "roles", "attrs")
_VETO_KEYS = ("unless", "unless_beside", "unless_tokens")
_FLAG_KEYS = ("may_hold_page", "may_hold_prose")
_RULE_KEYS = frozenset(
    ("name", "reason", "examples", "counterexamples", *_FLAG_KEYS, *SELECTOR_KEYS, *_VETO_KEYS)
)
_NAME = regex.compile(r"[a-z0-9][a-z0-9_-]*")
_SELECTOR = regex.compile(r"[a-z0-9][a-z0-9_:.=-]*")
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
    unless_tokens: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    may_hold_page: bool = False
    may_hold_prose: bool = False

    @property
    def id(self) -> str:
        return f"{self.pack}/{self.name}"

    def selector(self) -> str:
        """The selectors as one short string, for removal reasons and `rules list`."""
        parts = [f"{key}={','.join(getattr(self, key))}" for key in SELECTOR_KEYS]
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
    lists = {key: _strings(raw, key, source, where) for key in (*SELECTOR_KEYS, *_VETO_KEYS)}
    if not any(lists[key] for key in SELECTOR_KEYS):
        raise _fail(source, where, f"give at least one selector: {', '.join(SELECTOR_KEYS)}")
    for key in (*SELECTOR_KEYS, *_VETO_KEYS):
        for value in lists[key]:
            if not _SELECTOR.fullmatch(value):
                raise _fail(source, where, f"{key} value {value!r}: write it in lower case")
    protected = PROTECTED_TAGS & set(lists["tags"])
    if protected:
        raise _fail(source, where, f"tags {sorted(protected)} are never furniture; remove them")
    examples = _strings(raw, "examples", source, where)
    if not examples:
        raise _fail(source, where, "add at least one HTML snippet to 'examples'")
    for key in _FLAG_KEYS:
        if not isinstance(raw.get(key, False), bool):
            raise _fail(source, where, f"'{key}' must be true or false")
    return DomRule(
        pack,
        raw["name"],
        raw["reason"],
        **lists,
        examples=examples,
        counterexamples=_strings(raw, "counterexamples", source, where),
        may_hold_page=raw.get("may_hold_page", False),
        may_hold_prose=raw.get("may_hold_prose", False),
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
        isinstance(rule, dict) and any(key in rule for key in SELECTOR_KEYS) for rule in rules
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
