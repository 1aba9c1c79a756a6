//! Text rules: the patterns of all loaded packs, compiled once per set of packs and matched
//! in linear time (the `regex` crate has no backtracking, so no pattern can hang a batch).
//!
//! Three questions, one call per page each: which rule drops a whole line (`line_rule`, the
//! first in pack order whose anchored pattern matches the line's key), which spans to cut
//! out of a line (`line_spans`, leftmost matches of every triggered span rule, repeated on
//! the cut text until nothing matches), and where a page's tail starts (`tail_cut`, markers
//! judged by the guard in `tail`). Offsets are characters, as Python counts them.

pub mod tail;
pub mod translate;

use crate::lines::cut_spans;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

pub use tail::{TailCut, TailGuard};

/// Span cuts repeat until nothing matches, so that "Sponsored Sponsored Content Content"
/// does not leave a new match behind; each round removes text, and this caps the rounds.
pub const SPAN_MAX_ROUNDS: usize = 8;

/// A tail marker is a short standalone line ("More in Local News", "Related Articles").
pub const TAIL_MARKER_MAX_WORDS: usize = 8;
pub const TAIL_MARKER_MAX_CHARS: usize = 120;

/// The name of the group that says which part of a span rule's match is cut; the rest of
/// the match is context that must be there but stays.
pub const CUT_GROUP: &str = "cut";

/// Compiled-program bound per pattern: generous for any hand-written rule, but a pattern
/// like `(?:\w{1,100}){1,100}` fails at load instead of eating memory.
const SIZE_LIMIT: usize = 8 << 20;

/// The lazy DFA cache of a rule set (per thread, grown only as needed). Counted
/// repetitions such as `.{0,600}` make every position of a key a new DFA state; with the
/// default 2 MB the shipped line rules fill the cache on every few pages, the engine falls
/// back to the slow NFA simulation and matching is 20 times slower. 16 MB still thrashes
/// on dragnet; 32 MB does not.
const SET_CACHE_LIMIT: usize = 64 << 20;

/// What a rule pack says about one rule, as far as matching is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Line,
    Span,
    Tail,
}

#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub scope: Scope,
    pub pattern: String,
    pub case_sensitive: bool,
    /// Line and tail rules: the longest key (in characters) they judge.
    pub max_chars: usize,
    /// Span rules: lower-case ASCII words one of which a line must contain to be scanned.
    pub triggers: Vec<String>,
    /// Tail rules: `guard = "article-above"` (comment-section headers).
    pub lenient: bool,
    /// Line and tail rules: patterns that must also be found in the key.
    pub requires: Vec<String>,
}

impl RuleSpec {
    /// A rule of `scope` matching `pattern`, case ignored, judging keys of up to 120
    /// characters, with no triggers, guard or conditions (set the fields to change that).
    pub fn new(scope: Scope, pattern: &str) -> Self {
        RuleSpec {
            scope,
            pattern: pattern.to_owned(),
            case_sensitive: false,
            max_chars: 120,
            triggers: Vec::new(),
            lenient: false,
            requires: Vec::new(),
        }
    }
}

/// A rule that cannot be compiled: which one (index into the specs) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetError {
    pub rule: usize,
    pub message: String,
}

/// A pattern in the crate's syntax, checked: it translates, compiles, and cannot match the
/// empty string (a rule that matches nothing would fire everywhere).
fn checked(pattern: &str, case_sensitive: bool) -> Result<String, String> {
    parsed(pattern, case_sensitive).map(|(wrapped, _)| wrapped)
}

/// `checked`, and whether the pattern has a Unicode word boundary (`\b`, `\B`): the lazy
/// DFA cannot run one on a non-ASCII key and a set holding one falls back, for every rule
/// in it, to the NFA simulation (`LineRules` keeps such patterns in a set of their own).
fn parsed(pattern: &str, case_sensitive: bool) -> Result<(String, bool), String> {
    let translated = translate::translate(pattern).map_err(|error| error.to_string())?;
    let flags = if case_sensitive { "" } else { "(?i)" };
    let wrapped = format!("{flags}(?:{translated})");
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&wrapped)
        .map_err(|error| format!("pattern does not compile ({error}); fix the regex"))?;
    if hir.properties().minimum_len() == Some(0) {
        return Err("pattern matches the empty string; it would fire everywhere".into());
    }
    let word_boundary = hir.properties().look_set().contains_word_unicode();
    Ok((wrapped, word_boundary))
}

fn build(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|error| format!("pattern does not compile ({error}); fix the regex"))
}

/// Check one pattern as a pack loader must: `Err` says what is wrong and what to do. Parses
/// only (compiling a pattern with counted Unicode classes costs a tenth of a second); the
/// one error it cannot see, a program over the size limit, `RuleSet::new` reports by rule.
pub fn check_pattern(pattern: &str, case_sensitive: bool) -> Result<(), String> {
    checked(pattern, case_sensitive).map(|_| ())
}

fn anchored(pattern: &str) -> String {
    format!(r"\A(?:{pattern})\z")
}

/// Whole-line rules of one scope: `RegexSet`s of anchored patterns answer, in one pass over
/// a key each, every rule that matches it; the first in pack order that also allows the
/// key's length and finds its `requires` wins. Patterns with a Unicode word boundary form a
/// set of their own: in one set with the others they would send every non-ASCII key of
/// every rule to the NFA simulation (a tenth of a text page's time on multilingual news).
#[derive(Debug, Clone)]
struct LineRules {
    sets: Vec<LineSet>,
    max_chars: Vec<usize>,
    requires: Vec<Vec<Regex>>,
    longest: usize,
}

/// One compiled set and, per pattern in it, the rule's position in its scope.
#[derive(Debug, Clone)]
struct LineSet {
    set: RegexSet,
    rules: Vec<usize>,
}

impl LineSet {
    fn new(
        rules: &[(usize, &RuleSpec)],
        patterns: Vec<(usize, String)>,
    ) -> Result<Option<Self>, RuleSetError> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let (positions, patterns): (Vec<usize>, Vec<String>) = patterns.into_iter().unzip();
        let set = RegexSetBuilder::new(&patterns)
            .size_limit(SIZE_LIMIT * patterns.len())
            .dfa_size_limit(SET_CACHE_LIMIT)
            .build()
            .map_err(|error| {
                let members: Vec<(usize, &RuleSpec)> =
                    positions.iter().map(|&at| rules[at]).collect();
                culprit(&members, &patterns, &error.to_string())
            })?;
        Ok(Some(Self {
            set,
            rules: positions,
        }))
    }
}

impl LineRules {
    fn new(rules: &[(usize, &RuleSpec)]) -> Result<Self, RuleSetError> {
        let mut plain = Vec::with_capacity(rules.len());
        let mut bounded = Vec::new();
        let mut requires = Vec::with_capacity(rules.len());
        for (position, &(index, spec)) in rules.iter().enumerate() {
            let fail = |message: String| RuleSetError {
                rule: index,
                message,
            };
            let (pattern, word_boundary) =
                parsed(&spec.pattern, spec.case_sensitive).map_err(fail)?;
            let group = if word_boundary {
                &mut bounded
            } else {
                &mut plain
            };
            group.push((position, anchored(&pattern)));
            let mut found = Vec::with_capacity(spec.requires.len());
            for required in &spec.requires {
                let pattern = checked(required, spec.case_sensitive)
                    .map_err(|message| fail(format!("requires {required:?}: {message}")))?;
                found.push(build(&pattern).map_err(fail)?);
            }
            requires.push(found);
        }
        let sets = [plain, bounded]
            .into_iter()
            .filter_map(|patterns| LineSet::new(rules, patterns).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        let max_chars: Vec<usize> = rules.iter().map(|rule| rule.1.max_chars).collect();
        Ok(Self {
            sets,
            longest: max_chars.iter().copied().max().unwrap_or(0),
            max_chars,
            requires,
        })
    }

    /// The first rule (position in this scope) that judges `key` whole, among those
    /// `allowed` says may; `chars` is the key's length in characters.
    fn first(&self, key: &str, chars: usize, allowed: impl Fn(usize) -> bool) -> Option<usize> {
        if key.is_empty() || chars > self.longest {
            return None;
        }
        let judges = |rule: &usize| {
            chars <= self.max_chars[*rule]
                && allowed(*rule)
                && self.requires[*rule].iter().all(|found| found.is_match(key))
        };
        // Each set's matches come in pack order; the first of each set is the candidate.
        self.sets
            .iter()
            .filter_map(|group| {
                let matched = group.set.matches(key);
                matched.into_iter().map(|at| group.rules[at]).find(judges)
            })
            .min()
    }
}

/// Which rule made a set fail to compile: the first that fails alone (else the first rule).
fn culprit(rules: &[(usize, &RuleSpec)], patterns: &[String], error: &str) -> RuleSetError {
    let failing = patterns
        .iter()
        .zip(rules)
        .find_map(|(pattern, &(index, _))| {
            build(pattern).err().map(|message| RuleSetError {
                rule: index,
                message,
            })
        });
    failing.unwrap_or_else(|| RuleSetError {
        rule: rules.first().map_or(0, |rule| rule.0),
        message: format!("the rules do not compile together ({error})"),
    })
}

/// A span rule: its pattern, whether it has a `cut` group, and its triggers' indices.
#[derive(Debug, Clone)]
struct SpanRule {
    regex: Regex,
    has_cut: bool,
    triggers: Vec<usize>,
}

/// The compiled rules of a set of packs: immutable, shared by every page and thread.
#[derive(Debug, Clone)]
pub struct RuleSet {
    line: LineRules,
    line_ids: Vec<usize>,
    span: Vec<SpanRule>,
    span_ids: Vec<usize>,
    /// One ASCII-case-insensitive literal per distinct trigger: which ones a line has.
    triggers: Option<RegexSet>,
    tail: LineRules,
    tail_ids: Vec<usize>,
    tail_lenient: Vec<bool>,
    lenient_chars: usize,
    guard: TailGuard,
}

fn by_scope(specs: &[RuleSpec], scope: Scope) -> Vec<(usize, &RuleSpec)> {
    specs
        .iter()
        .enumerate()
        .filter(|(_, spec)| spec.scope == scope)
        .collect()
}

fn span_rules(
    specs: &[(usize, &RuleSpec)],
    words: &mut Vec<String>,
) -> Result<Vec<SpanRule>, RuleSetError> {
    let mut rules = Vec::with_capacity(specs.len());
    for &(index, spec) in specs {
        let fail = |message: String| RuleSetError {
            rule: index,
            message,
        };
        let regex =
            build(&checked(&spec.pattern, spec.case_sensitive).map_err(fail)?).map_err(fail)?;
        let has_cut = regex.capture_names().any(|name| name == Some(CUT_GROUP));
        let mut triggers = Vec::with_capacity(spec.triggers.len());
        for trigger in &spec.triggers {
            let position = words.iter().position(|word| word == trigger);
            triggers.push(position.unwrap_or_else(|| {
                words.push(trigger.clone());
                words.len() - 1
            }));
        }
        rules.push(SpanRule {
            regex,
            has_cut,
            triggers,
        });
    }
    Ok(rules)
}

fn trigger_set(words: &[String]) -> Result<Option<RegexSet>, RuleSetError> {
    if words.is_empty() {
        return Ok(None);
    }
    // ASCII case only, on the UTF-8 bytes: what `bytes.lower()` in Python compares.
    let patterns = words
        .iter()
        .map(|word| format!("(?i-u:{})", regex::escape(word)));
    RegexSet::new(patterns)
        .map(Some)
        .map_err(|error| RuleSetError {
            rule: 0,
            message: format!("triggers do not compile ({error})"),
        })
}

impl RuleSet {
    /// Compile every rule; the first that fails is named by its index in `specs`.
    pub fn new(specs: &[RuleSpec]) -> Result<Self, RuleSetError> {
        let line_specs = by_scope(specs, Scope::Line);
        let span_specs = by_scope(specs, Scope::Span);
        let tail_specs = by_scope(specs, Scope::Tail);
        let mut words = Vec::new();
        let span = span_rules(&span_specs, &mut words)?;
        let tail_lenient: Vec<bool> = tail_specs.iter().map(|rule| rule.1.lenient).collect();
        let lenient_chars = tail_specs
            .iter()
            .filter(|rule| rule.1.lenient)
            .map(|rule| rule.1.max_chars)
            .max()
            .unwrap_or(0);
        Ok(Self {
            line: LineRules::new(&line_specs)?,
            line_ids: line_specs.iter().map(|rule| rule.0).collect(),
            span,
            span_ids: span_specs.iter().map(|rule| rule.0).collect(),
            triggers: trigger_set(&words)?,
            tail: LineRules::new(&tail_specs)?,
            tail_ids: tail_specs.iter().map(|rule| rule.0).collect(),
            tail_lenient,
            lenient_chars,
            guard: TailGuard::new(),
        })
    }

    /// The line rule (index into the specs) that drops a line with this match key, if any.
    pub fn line_rule(&self, key: &str) -> Option<usize> {
        let chars = key.chars().count();
        self.line
            .first(key, chars, |_| true)
            .map(|rule| self.line_ids[rule])
    }

    /// The span rules to run on `text`: those without triggers, and those with a trigger
    /// that `text` contains (ASCII case ignored).
    fn span_rules_for(&self, text: &str) -> Vec<usize> {
        let present = self
            .triggers
            .as_ref()
            .map(|set| set.matches(text))
            .filter(|_| self.span.iter().any(|rule| !rule.triggers.is_empty()));
        (0..self.span.len())
            .filter(|&rule| {
                let triggers = &self.span[rule].triggers;
                triggers.is_empty()
                    || present
                        .as_ref()
                        .is_some_and(|found| triggers.iter().any(|&t| found.matched(t)))
            })
            .collect()
    }

    /// Matches of the span rules that `text`'s triggers call for, as (start, end, rule)
    /// byte offsets, sorted by start (ties in rule order, then match order).
    fn span_matches(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        for rule in self.span_rules_for(text) {
            let span = &self.span[rule];
            if span.has_cut {
                cut_group_matches(&span.regex, text, rule, &mut found);
            } else {
                found.extend(
                    span.regex
                        .find_iter(text)
                        .filter(|m| m.end() > m.start())
                        .map(|m| (m.start(), m.end(), rule)),
                );
            }
        }
        found.sort_by_key(|&(start, _, _)| start);
        found
    }

    /// Spans to cut from one line, as (start, end, rule index into the specs) in character
    /// offsets of the line, repeated on the cut text until it is clean (at most
    /// `SPAN_MAX_ROUNDS` rounds). Each round picks its rules by the triggers of the text it
    /// scans, as cleaning the output again would.
    pub fn line_spans(&self, line: &str) -> Vec<(usize, usize, usize)> {
        if self.span.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(usize, usize, usize)> = chars_of(line, self.span_matches(line));
        for _ in 1..SPAN_MAX_ROUNDS {
            if found.is_empty() {
                break;
            }
            let holes: Vec<(usize, usize)> = found.iter().map(|&(s, e, _)| (s, e)).collect();
            let (text, pieces) = cut_spans(line, &holes);
            let fresh = chars_of(&text, self.span_matches(&text));
            if fresh.is_empty() {
                break;
            }
            found.extend(fresh.into_iter().map(|(start, end, rule)| {
                (
                    to_line(&pieces, start),
                    to_line(&pieces, end.saturating_sub(1)) + 1,
                    rule,
                )
            }));
        }
        found
            .into_iter()
            .map(|(start, end, rule)| (start, end, self.span_ids[rule]))
            .collect()
    }

    /// Whether a line could hold a span match at all: a span rule has no triggers, or the
    /// line has one of them.
    pub fn span_candidate(&self, line: &str) -> bool {
        !self.span_rules_for(line).is_empty()
    }

    /// The tail marker on a line with this key: (rule index into the specs, lenient). A
    /// marker is a short standalone heading (at most `TAIL_MARKER_MAX_CHARS` characters and
    /// `TAIL_MARKER_MAX_WORDS` words); a comment-section header (`guard = "article-above"`)
    /// may be longer, up to its rule's `max_chars`, unless it ends in a full stop.
    pub fn tail_marker(&self, key: &str) -> Option<(usize, bool)> {
        if key.is_empty() {
            return None;
        }
        let chars = key.chars().count();
        let heading =
            chars <= TAIL_MARKER_MAX_CHARS && key.matches(' ').count() < TAIL_MARKER_MAX_WORDS;
        let rule = if heading {
            self.tail.first(key, chars, |_| true)
        } else if !key.ends_with('.') && chars <= self.lenient_chars {
            self.tail.first(key, chars, |rule| self.tail_lenient[rule])
        } else {
            None
        }?;
        Some((self.tail_ids[rule], self.tail_lenient[rule]))
    }

    /// Where the page's tail starts, if a marker opens one (see `tail`). `keys[i]` is line
    /// i's match key (None: too long to judge whole); `survivors[i]` the line as it will be
    /// output, None if it is gone or blank.
    pub fn tail_cut(
        &self,
        keys: &[Option<&str>],
        survivors: &[Option<&str>],
    ) -> Option<TailCut<usize>> {
        if self.tail_ids.is_empty() {
            return None;
        }
        let markers: Vec<Option<(usize, bool)>> = keys
            .iter()
            .map(|key| key.and_then(|key| self.tail_marker(key)))
            .collect();
        if markers.iter().all(Option::is_none) {
            return None;
        }
        self.guard.find_tail(survivors, &markers)
    }
}

/// Leftmost matches of a pattern with a `cut` group: the group is what is cut, and the
/// next search starts where the group ends, so context after it (what Python wrote as a
/// look-ahead) is not consumed.
fn cut_group_matches(
    regex: &Regex,
    text: &str,
    rule: usize,
    found: &mut Vec<(usize, usize, usize)>,
) {
    let mut at = 0;
    while at <= text.len() {
        let Some(captures) = regex.captures_at(text, at) else {
            break;
        };
        let whole = captures.get(0).map_or((at, at), |m| (m.start(), m.end()));
        let (start, end) = captures
            .name(CUT_GROUP)
            .map_or(whole, |m| (m.start(), m.end()));
        if end > start {
            found.push((start, end, rule));
        }
        let next = if end > at { end } else { whole.0.max(at) + 1 };
        at = next_boundary(text, next);
    }
}

/// The first char boundary at or after `at` (or one past the end, which stops a search).
fn next_boundary(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Byte offsets into `text` as character offsets, one forward walk for all of them.
fn chars_of(text: &str, spans: Vec<(usize, usize, usize)>) -> Vec<(usize, usize, usize)> {
    if spans.is_empty() || text.is_ascii() {
        return spans;
    }
    let mut offsets: Vec<usize> = spans.iter().flat_map(|&(s, e, _)| [s, e]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut mapped = Vec::with_capacity(offsets.len());
    let mut indices = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .enumerate()
        .peekable();
    for &target in &offsets {
        while indices.next_if(|&(_, at)| at < target).is_some() {}
        mapped.push(indices.peek().map_or(0, |&(chars, _)| chars));
    }
    let char_at = |offset: usize| mapped[offsets.binary_search(&offset).unwrap_or(0)];
    spans
        .into_iter()
        .map(|(s, e, rule)| (char_at(s), char_at(e), rule))
        .collect()
}

/// An offset into a cut text mapped back to the line (`cut_spans`' pieces).
fn to_line(pieces: &[(usize, usize)], position: usize) -> usize {
    let piece = pieces.partition_point(|&(start, _)| start <= position);
    match piece.checked_sub(1).and_then(|p| pieces.get(p)) {
        Some(&(start, origin)) => origin + position - start,
        None => position,
    }
}

fn fuzz_spec(scope: Scope, pattern: &str) -> RuleSpec {
    RuleSpec {
        max_chars: 600,
        lenient: matches!(scope, Scope::Tail),
        requires: vec![r"\w".to_owned()],
        ..RuleSpec::new(scope, pattern)
    }
}

/// A small rule set of every scope, for fuzzing pages against fixed rules.
pub fn fuzz_rule_set() -> RuleSet {
    let specs = [
        fuzz_spec(Scope::Line, r"ad(?:vertisement)?"),
        fuzz_spec(Scope::Span, r"[.!?]\s(?P<cut>ad\w*)(?:\s\p{Lu}|$)"),
        fuzz_spec(Scope::Span, r"\w+\s\w"),
        fuzz_spec(Scope::Tail, r"(?:more|\d+ comments)\b.*"),
    ];
    match RuleSet::new(&specs) {
        Ok(set) => set,
        Err(error) => panic!("the fuzz rule set must compile: {error:?}"),
    }
}

/// What a fuzzer drives on pages: arbitrary text through every matching entry point of
/// `set`. No panic; spans lie inside their lines; a tail starts on a line of the page.
pub fn fuzz_page(set: &RuleSet, text: &str) {
    let page = crate::lines::split_lines(text);
    let keys: Vec<Option<String>> = page
        .iter()
        .map(|line| crate::lines::line_key(line))
        .collect();
    let keys: Vec<Option<&str>> = keys.iter().map(|key| key.as_deref()).collect();
    for (line, key) in page.iter().zip(&keys) {
        let _ = key.map(|key| set.line_rule(key));
        let chars = line.chars().count();
        assert!(set
            .line_spans(line)
            .iter()
            .all(|&(start, end, _)| start < end && end <= chars));
    }
    let survivors: Vec<Option<&str>> = page.iter().map(|line| Some(*line)).collect();
    if let Some(cut) = set.tail_cut(&keys, &survivors) {
        assert!(cut.start < page.len());
    }
}

/// What a fuzzer drives on patterns: arbitrary bytes as a user's pattern of every scope
/// (translated, checked, compiled beside fixed rules) and as the page it meets.
pub fn fuzz_entry_points(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = translate::translate(&text);
    let _ = check_pattern(&text, false);
    let mut specs = vec![
        fuzz_spec(Scope::Line, r"ad(?:vertisement)?"),
        fuzz_spec(Scope::Span, r"[.!?]\s(?P<cut>ad\w*)(?:\s\p{Lu}|$)"),
        fuzz_spec(Scope::Span, r"\w+\s\w"),
        fuzz_spec(Scope::Tail, r"(?:more|\d+ comments)\b.*"),
    ];
    for scope in [Scope::Line, Scope::Span, Scope::Tail] {
        specs.push(fuzz_spec(scope, &text));
    }
    let set = RuleSet::new(&specs).or_else(|_| RuleSet::new(&specs[..4]));
    if let Ok(set) = set {
        fuzz_page(&set, &text);
    }
}

#[cfg(test)]
mod tests;
