//! DOM rules: which page furniture an element is, by its tag, class/id tokens, ARIA role or
//! attributes. Python loads and validates the packs (`cleaner.packs.dom_pack`) and hands the
//! rules over once; here they are indexed so that asking about an element costs a few hash
//! look-ups, as it is asked once per element of every page.

use std::collections::{HashMap, HashSet};

use html5ever::Attribute;

/// Never furniture, whatever their class says: the page, and the article as a whole.
pub const PROTECTED_TAGS: [&str; 4] = ["html", "body", "main", "article"];

/// One rule's selectors and vetoes, as the pack wrote them (lower case).
#[derive(Debug, Clone, Default)]
pub struct RuleSpec {
    pub tags: Vec<String>,
    pub tokens: Vec<String>,
    pub words: Vec<String>,
    pub roles: Vec<String>,
    pub attrs: Vec<String>,
    pub unless: Vec<String>,
    pub unless_beside: Vec<String>,
    pub unless_tokens: Vec<String>,
    pub may_hold_page: bool,
    pub may_hold_prose: bool,
}

/// Which selector matched, for the removal's reason (Python words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Tag(String),
    Token(String),
    Word { word: String, token: String },
    Role(String),
    Attr(String),
}

/// A rule (its index in the order given) that matched an element, and the selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: usize,
    pub selector: Selector,
}

#[derive(Debug, Default, Clone)]
struct Veto {
    tokens: HashSet<String>,
    words: HashSet<String>,
    unless: HashSet<String>,
    unless_beside: HashSet<String>,
    unless_tokens: HashSet<String>,
    may_hold_page: bool,
    may_hold_prose: bool,
}

/// The rules in force, indexed by selector value; for a value named by several rules the
/// first rule (pack order, then file order) owns it, and of several hits the first rule wins.
#[derive(Debug, Default, Clone)]
pub struct DomRules {
    tags: HashMap<String, usize>,
    tokens: HashMap<String, usize>,
    words: HashMap<String, usize>,
    roles: HashMap<String, usize>,
    attrs: HashMap<String, usize>,
    vetoes: Vec<Veto>,
}

fn set(values: &[String]) -> HashSet<String> {
    values.iter().cloned().collect()
}

fn index(map: &mut HashMap<String, usize>, values: &[String], rule: usize) {
    for value in values {
        map.entry(value.clone()).or_insert(rule);
    }
}

/// A class/id token's words: the token split at `-` and `_` (empty words included, as
/// Python's `re.split` gives them; no selector is empty, so they never match).
pub fn words(token: &str) -> impl Iterator<Item = &str> {
    token.split(['-', '_'])
}

/// An element's class and id tokens, lower-cased, split at whitespace (Python's `split`).
pub fn class_id_tokens(classes: Option<&str>, ident: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for value in [classes, ident].into_iter().flatten() {
        let lower = value.to_lowercase();
        out.extend(
            lower
                .split(crate::lines::is_py_space)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        );
    }
    out
}

impl DomRules {
    pub fn new(specs: &[RuleSpec]) -> DomRules {
        let mut rules = DomRules::default();
        for (i, spec) in specs.iter().enumerate() {
            index(&mut rules.tags, &spec.tags, i);
            index(&mut rules.tokens, &spec.tokens, i);
            index(&mut rules.words, &spec.words, i);
            index(&mut rules.roles, &spec.roles, i);
            index(&mut rules.attrs, &spec.attrs, i);
            rules.vetoes.push(Veto {
                tokens: set(&spec.tokens),
                words: set(&spec.words),
                unless: set(&spec.unless),
                unless_beside: set(&spec.unless_beside),
                unless_tokens: set(&spec.unless_tokens),
                may_hold_page: spec.may_hold_page,
                may_hold_prose: spec.may_hold_prose,
            });
        }
        rules
    }

    pub fn is_empty(&self) -> bool {
        self.vetoes.is_empty()
    }

    /// Whether the rule may match a subtree that holds the page (`may_hold_page`).
    pub fn may_hold_page(&self, rule: usize) -> bool {
        self.vetoes.get(rule).is_some_and(|v| v.may_hold_page)
    }

    /// Whether the rule may match a subtree that holds most of the page's paragraphs
    /// (`may_hold_prose`: a reader thread under a short post, a footer of legal prose).
    pub fn may_hold_prose(&self, rule: usize) -> bool {
        self.vetoes.get(rule).is_some_and(|v| v.may_hold_prose)
    }

    /// The rule this element is furniture by and the selector that said so, or `None`:
    /// the first rule that any selector names, unless the element's tokens veto it.
    pub fn matches(&self, tag: &str, tokens: &[String], attrs: &[Attribute]) -> Option<Hit> {
        if PROTECTED_TAGS.contains(&tag) {
            return None;
        }
        let hit = self.first_hit(tag, tokens, attrs)?;
        if !tokens.is_empty() && self.vetoed(hit.rule, tokens) {
            return None;
        }
        Some(hit)
    }

    fn first_hit(&self, tag: &str, tokens: &[String], attrs: &[Attribute]) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        let mut offer = |rule: usize, selector: Selector| {
            if best.as_ref().is_none_or(|b| rule < b.rule) {
                best = Some(Hit { rule, selector });
            }
        };
        if let Some(&rule) = self.tags.get(tag) {
            offer(rule, Selector::Tag(tag.to_owned()));
        }
        for token in tokens {
            if let Some(&rule) = self.tokens.get(token.as_str()) {
                offer(rule, Selector::Token(token.clone()));
            }
            if !self.words.is_empty() {
                for word in words(token) {
                    if let Some(&rule) = self.words.get(word) {
                        let selector = Selector::Word {
                            word: word.to_owned(),
                            token: token.clone(),
                        };
                        offer(rule, selector);
                    }
                }
            }
        }
        if !self.roles.is_empty() {
            if let Some(attr) = attrs.iter().find(|a| &*a.name.local == "role") {
                let role = attr.value.to_lowercase();
                if let Some(&rule) = self.roles.get(&role) {
                    offer(rule, Selector::Role(role));
                }
            }
        }
        if !self.attrs.is_empty() {
            for attr in attrs {
                let (name, value) = (attr.name.local.to_lowercase(), &*attr.value);
                if let Some(&rule) = self.attrs.get(&name) {
                    offer(rule, Selector::Attr(name));
                    continue;
                }
                let exact = format!("{name}={value}").to_lowercase();
                if let Some(&rule) = self.attrs.get(&exact) {
                    offer(rule, Selector::Attr(exact));
                }
            }
        }
        best
    }

    /// Whether the element's class/id tokens veto `rule`: a whole token in `unless_tokens`,
    /// any word in `unless`, or a word in `unless_beside` on a token that carries none of
    /// the rule's own tokens or words.
    fn vetoed(&self, rule: usize, tokens: &[String]) -> bool {
        let Some(veto) = self.vetoes.get(rule) else {
            return false;
        };
        if veto.unless.is_empty() && veto.unless_beside.is_empty() && veto.unless_tokens.is_empty()
        {
            return false;
        }
        if tokens.iter().any(|token| {
            veto.unless_tokens.contains(token) || words(token).any(|w| veto.unless.contains(w))
        }) {
            return true;
        }
        tokens.iter().any(|token| {
            !veto.tokens.contains(token)
                && !words(token).any(|w| veto.words.contains(w))
                && words(token).any(|w| veto.unless_beside.contains(w))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5ever::{ns, LocalName, QualName};

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    fn attr(name: &str, value: &str) -> Attribute {
        Attribute {
            name: QualName::new(None, ns!(), LocalName::from(name)),
            value: value.into(),
        }
    }

    fn rules() -> DomRules {
        DomRules::new(&[
            RuleSpec {
                words: strings(&["ad", "share"]),
                attrs: strings(&["data-ad-slot", "data-kind=promo"]),
                unless: strings(&["content"]),
                ..RuleSpec::default()
            },
            RuleSpec {
                tags: strings(&["nav"]),
                words: strings(&["comments"]),
                roles: strings(&["navigation"]),
                unless_beside: strings(&["entry"]),
                ..RuleSpec::default()
            },
        ])
    }

    #[test]
    fn selectors_match_and_first_rule_wins() {
        let r = rules();
        let tokens = strings(&["top_ad"]);
        let hit = r.matches("div", &tokens, &[]).unwrap();
        assert_eq!(hit.rule, 0);
        assert_eq!(
            hit.selector,
            Selector::Word {
                word: "ad".into(),
                token: "top_ad".into()
            }
        );
        assert_eq!(r.matches("nav", &tokens, &[]).unwrap().rule, 0);
        let role = [attr("role", "Navigation")];
        assert_eq!(
            r.matches("div", &[], &role).unwrap().selector,
            Selector::Role("navigation".into())
        );
        let exact = [attr("data-kind", "Promo")];
        assert_eq!(
            r.matches("div", &[], &exact).unwrap().selector,
            Selector::Attr("data-kind=promo".into())
        );
        assert!(r.matches("body", &tokens, &[]).is_none());
    }

    #[test]
    fn vetoes() {
        let r = rules();
        assert!(r.matches("div", &strings(&["ad-content"]), &[]).is_none());
        assert!(r
            .matches("div", &strings(&["comments", "entry"]), &[])
            .is_none());
        assert!(r
            .matches("div", &strings(&["comments-entry"]), &[])
            .is_some());
    }

    #[test]
    fn tokens_are_lower_cased_and_split() {
        assert_eq!(
            class_id_tokens(Some(" A  b\u{1c}c"), Some("ID")),
            strings(&["a", "b", "c", "id"])
        );
    }
}
