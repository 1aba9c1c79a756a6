"""Rule packs: boilerplate rules as TOML data, validated when loaded.

A pack is a TOML file with a `[pack]` table and `[[rules]]` entries. Each rule has a name, a
scope (`line`: drop the line; `span`: cut the match out of a line; `tail`: drop this line and
everything after it, when what follows reads like teasers), a pattern in the syntax of the
`regex` module less what needs backtracking (see below), a reason a person understands,
and examples and counterexamples that the
test suite (and `cleaner rules test FILE`) runs. Line and tail rules judge lines up to
`max_chars` (default 120). A tail rule's `guard` says what must hold for its marker to cut:
`teasers` (the default: what follows reads like teasers, see `filters/tail.py`) or
`article-above` (the article is above it; for comment sections, whose readers' prose
would look to the teaser guard like the article going on). A span rule may list
`triggers`: lower-case ASCII words one of which every match contains (ignoring ASCII
case); lines without any are not scanned, which keeps span rules cheap on the paragraphs
they never touch. Keeping rules as data means a new site needs a TOML file, not Python.

Patterns run in the native core with the `regex` crate, in time linear in the line, so no
pattern can hang a batch; the price is the constructs that need backtracking: look-ahead,
look-behind, backreferences, atomic groups, possessive repetitions (the loader names the
one it met). What they were used for has two replacements: a span rule may match context
around what it cuts and name the part to cut `(?P<cut>...)`, and a line or tail rule may
list `requires`, patterns that must also be found in the line (searched; anchor with `^`).

Loading fails early and names the file and rule: a broken pattern found on the millionth
document would cost a whole batch run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol, cast

import cleaner._core as _core

Scope = Literal["line", "span", "tail"]
SCOPES: tuple[Scope, ...] = ("line", "span", "tail")
Guard = Literal["teasers", "article-above"]
GUARDS: tuple[Guard, ...] = ("teasers", "article-above")

_PACK_KEYS = frozenset({"name", "description", "version"})
_RULE_KEYS = frozenset(
    {
        "name",
        "scope",
        "pattern",
        "reason",
        "case_sensitive",
        "examples",
        "counterexamples",
        "triggers",
        "max_chars",
        "guard",
        "requires",
    }
)

# Line and tail rules judge lines up to this many characters unless they say otherwise: the
# labels and headings they name are short, and a paragraph must never be taken for one.
DEFAULT_MAX_CHARS = 120
# The most a rule may ask for (text.MATCH_KEY_MAX_CHARS): longer lines are never judged whole.
LIMIT_MAX_CHARS = 600
# Compiled rule sets kept per process: a few pack combinations (shipped, shipped + a user
# pack, one rule at a time while checking a pack).
COMPILED_CACHE_SIZE = 64
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def ascii_lower_bytes(text: str) -> bytes:
    """UTF-8 bytes with ASCII letters lower-cased: what span-rule triggers are looked for in.
    Much faster than `str.lower` on non-ASCII text, and the same for a line as for a page."""
    return text.encode("utf-8", "surrogatepass").lower()


class RuleError(ValueError):
    """A rule pack that cannot be used; the message names the file, the rule and the fix."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One named boilerplate rule. `pattern` matches the whole line for `line` and `tail`
    scope (after whitespace is collapsed; lines up to `max_chars`) and anywhere inside the
    line for `span` scope."""

    pack: str
    name: str
    scope: Scope
    pattern: str
    reason: str
    case_sensitive: bool = False
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    max_chars: int = DEFAULT_MAX_CHARS
    guard: Guard = "teasers"
    requires: tuple[str, ...] = ()

    def triggered_by(self, text: str) -> bool:
        """Whether span rule should scan `text`: it has no triggers, or one occurs in it
        (ASCII case ignored, on the UTF-8 bytes, as the filter's whole-document scan does)."""
        if not self.triggers:
            return True
        data = ascii_lower_bytes(text)
        return any(trigger.encode() in data for trigger in self.triggers)

    @property
    def id(self) -> str:
        """`pack/name`: what removals and reports call the rule."""
        return f"{self.pack}/{self.name}"


@dataclass(frozen=True, slots=True)
class RulePack:
    """A named, described set of rules loaded from one TOML source."""

    name: str
    description: str
    source: str
    rules: tuple[Rule, ...]


def _fail(source: str, where: str, problem: str) -> RuleError:
    return RuleError(f"rule pack {source}: {where}: {problem}")


def _string_list(value: object, source: str, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(source, where, f"'{key}' must be a list of strings")
    return tuple(cast(list[str], value))


def check_pattern(pattern: str, case_sensitive: bool, source: str, where: str) -> None:
    """Refuse a pattern the core cannot run, naming the construct and the fix."""
    try:
        _core.check_pattern(pattern, case_sensitive)
    except ValueError as exc:
        raise _fail(source, where, str(exc)) from exc


def core_spec(rule: Rule, scope: Scope | None = None) -> _core.RuleSpec:
    """What the core needs of a rule (`scope` overrides the rule's own)."""
    return (
        scope or rule.scope,
        rule.pattern,
        rule.case_sensitive,
        rule.max_chars,
        list(rule.triggers),
        rule.guard == "article-above",
        list(rule.requires),
    )


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def compile_rules(rules: tuple[Rule, ...], scope: Scope | None = None) -> _core.RuleSet:
    """The core's compiled form of `rules` (all scopes, or all as `scope`); its answers index
    `rules`. Cached: compiling costs up to a second for the shipped packs, and every Cleaner
    with the same packs can share one (it is immutable and thread-safe)."""
    try:
        return _core.RuleSet([core_spec(rule, scope) for rule in rules])
    except ValueError as exc:  # loading parsed every pattern; this names the rule anyway
        index, _, problem = str(exc).partition(": ")
        rule = rules[int(index)] if index.isdigit() and int(index) < len(rules) else None
        raise RuleError(f"rule {rule.id if rule else index}: {problem}") from exc


def _parse_rule(raw: object, pack: str, source: str, index: int) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(source, f"rules[{index}]", "each [[rules]] entry must be a table")
    name = raw.get("name")
    where = f"rule '{name}'" if isinstance(name, str) else f"rules[{index}]"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(
            source, where, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}"
        )
    for key in ("name", "scope", "pattern", "reason"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise _fail(source, where, f"'{key}' is required and must be a non-empty string")
    if not _NAME.fullmatch(raw["name"]):
        raise _fail(source, where, "names use lower-case letters, digits, '-' and '_'")
    if raw["scope"] not in SCOPES:
        raise _fail(source, where, f"scope must be one of {list(SCOPES)}, not {raw['scope']!r}")
    case_sensitive = raw.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise _fail(source, where, "'case_sensitive' must be true or false")
    check_pattern(raw["pattern"], case_sensitive, source, where)
    requires = _string_list(raw.get("requires", []), source, where, "requires")
    if requires and raw["scope"] == "span":
        raise _fail(
            source, where, "'requires' applies to line and tail rules; use a (?P<cut>...) group"
        )
    for required in requires:
        check_pattern(required, case_sensitive, source, f"{where}: requires {required!r}")
    max_chars = raw.get("max_chars", DEFAULT_MAX_CHARS)
    if not isinstance(max_chars, int) or not 1 <= max_chars <= LIMIT_MAX_CHARS:
        raise _fail(
            source, where, f"'max_chars' must be a whole number from 1 to {LIMIT_MAX_CHARS}"
        )
    if "max_chars" in raw and raw["scope"] == "span":
        raise _fail(source, where, "'max_chars' applies to line and tail rules; remove it")
    triggers = _string_list(raw.get("triggers", []), source, where, "triggers")
    if triggers and raw["scope"] != "span":
        raise _fail(source, where, "'triggers' only apply to span rules; remove them")
    if any(
        not trigger or not trigger.isascii() or trigger != trigger.lower() for trigger in triggers
    ):
        raise _fail(
            source,
            where,
            "triggers are non-empty lower-case ASCII strings (matched ignoring "
            "ASCII case); for words in other scripts leave 'triggers' out",
        )
    guard = raw.get("guard", "teasers")
    if guard not in GUARDS:
        raise _fail(source, where, f"'guard' must be one of {list(GUARDS)}, not {guard!r}")
    if "guard" in raw and raw["scope"] != "tail":
        raise _fail(source, where, "'guard' applies to tail rules only; remove it")
    return Rule(
        pack=pack,
        name=raw["name"],
        scope=cast(Scope, raw["scope"]),
        pattern=raw["pattern"],
        reason=raw["reason"],
        case_sensitive=case_sensitive,
        examples=_string_list(raw.get("examples", []), source, where, "examples"),
        counterexamples=_string_list(
            raw.get("counterexamples", []), source, where, "counterexamples"
        ),
        triggers=triggers,
        max_chars=max_chars,
        guard=cast(Guard, guard),
        requires=requires,
    )


# How a pack reader makes its error from (source, where, problem): text and DOM packs
# share the checks of their `[pack]` table and rule names, each with its own error class.
Fail = Callable[[str, str, str], ValueError]


def pack_header(
    data: Mapping[str, object], source: str, allowed: AbstractSet[str], fail: Fail
) -> tuple[str, str, list[object]]:
    """The name, description and raw `[[rules]]` of a pack's parsed TOML, checked: a
    `[pack]` table with a valid name and only `allowed` keys, and at least one rule."""
    header = data.get("pack")
    if not isinstance(header, dict) or not isinstance(header.get("name"), str):
        raise fail(source, "[pack]", "a [pack] table with a 'name' string is required")
    if set(header) - allowed:
        raise fail(source, "[pack]", f"unknown key(s) {sorted(set(header) - allowed)}")
    name = header["name"]
    if not _NAME.fullmatch(name):
        raise fail(source, "[pack]", "pack names use lower-case letters, digits, '-' and '_'")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise fail(source, "[[rules]]", "a pack needs at least one [[rules]] entry")
    return name, str(header.get("description", "")), raw_rules


def check_rule_names(names: Iterable[str], source: str, fail: Fail) -> None:
    """Refuse a rule name used twice in one pack: its id would name two rules."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise fail(source, f"rule '{name}'", "the name is used twice in this pack")
        seen.add(name)


def parse_pack(data: Mapping[str, object], source: str) -> RulePack:
    """Build a RulePack from parsed TOML (or any mapping of the same shape)."""
    unknown = set(data) - {"pack", "rules"}
    if unknown:
        raise _fail(
            source, "top level", f"unknown table(s) {sorted(unknown)}; use [pack], [[rules]]"
        )
    pack_name, description, raw_rules = pack_header(data, source, _PACK_KEYS, _fail)
    rules = tuple(_parse_rule(raw, pack_name, source, i) for i, raw in enumerate(raw_rules))
    check_rule_names((rule.name for rule in rules), source, _fail)
    return RulePack(pack_name, description, source, rules)


def read_toml(path: Path, what: str, error: type[ValueError], hint: str) -> dict[str, object]:
    """A TOML file's data. Every way of failing (missing, unreadable, not TOML) becomes one
    `error` line that starts with `what` (e.g. "rule pack PATH"); `hint` is what to do
    about a missing file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{what}: file not found; {hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{what}: cannot read it ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what}: not valid TOML ({exc})") from exc


def load_pack(path: str | Path) -> RulePack:
    """Read and validate one TOML rule pack from disk."""
    path = Path(path)
    data = read_toml(path, f"rule pack {path}", RuleError, "check the --rules path")
    return parse_pack(data, str(path))


@cache
def builtin_packs() -> tuple[RulePack, ...]:
    """The packs shipped in `cleaner/packs/text/`, loaded once per process (they are immutable)."""
    packs = []
    folder = resources.files("cleaner.packs").joinpath("text")
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            packs.append(parse_pack(data, f"cleaner/packs/text/{entry.name}"))
    return tuple(packs)


class NamedPack(Protocol):
    """What `check_unique` reads of a pack: text and DOM packs both have it."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...


def check_unique(packs: Iterable[NamedPack]) -> None:
    """Refuse two packs with one name: removals would be ambiguous."""
    seen: dict[str, str] = {}
    for pack in packs:
        if pack.name in seen:
            raise RuleError(
                f"rule pack {pack.source}: pack name '{pack.name}' is already used by "
                f"{seen[pack.name]}; give the [pack] a different name"
            )
        seen[pack.name] = pack.source
