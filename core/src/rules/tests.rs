use super::*;

fn spec(scope: Scope, pattern: &str) -> RuleSpec {
    RuleSpec::new(scope, pattern)
}

fn set(specs: Vec<RuleSpec>) -> RuleSet {
    RuleSet::new(&specs).unwrap()
}

#[test]
fn line_rules_match_whole_keys_first_rule_wins() {
    let rules = set(vec![
        spec(Scope::Line, "advert"),
        spec(Scope::Span, "x+"),
        spec(Scope::Line, "advert(?:isement)?"),
        spec(Scope::Line, "ADVERTISEMENT"),
    ]);
    assert_eq!(rules.line_rule("Advertisement"), Some(2));
    assert_eq!(rules.line_rule("ADVERT"), Some(0));
    assert_eq!(rules.line_rule("an advert"), None);
    assert_eq!(rules.line_rule(""), None);
}

#[test]
fn word_boundary_rules_keep_pack_order_across_sets() {
    // Rules 0 and 3 have a Unicode word boundary and live in a set of their own; the first
    // matching rule in pack order still wins, on ASCII and non-ASCII keys alike.
    let rules = set(vec![
        spec(Scope::Line, r"menü\b.*"),
        spec(Scope::Line, r"menü .*"),
        spec(Scope::Line, r"über.*"),
        spec(Scope::Line, r"\bübersicht"),
    ]);
    assert_eq!(rules.line_rule("Menü öffnen"), Some(0));
    assert_eq!(rules.line_rule("Menüs"), None);
    assert_eq!(rules.line_rule("Übersicht"), Some(2));
    assert_eq!(rules.line_rule("übersichtlich"), Some(2));
    let boundary_last = set(vec![
        spec(Scope::Line, r"über uns"),
        spec(Scope::Line, r"\büber\b.*"),
    ]);
    assert_eq!(boundary_last.line_rule("Über uns"), Some(0));
    assert_eq!(boundary_last.line_rule("Über alles"), Some(1));
    assert_eq!(boundary_last.line_rule("Überall"), None);
}

#[test]
fn case_sensitivity_max_chars_and_requires() {
    let mut exact = spec(Scope::Line, "Share");
    exact.case_sensitive = true;
    let mut short = spec(Scope::Line, r"\w+");
    short.max_chars = 3;
    let mut needs = spec(Scope::Line, "we use .*");
    needs.requires = vec![r"^.{0,20}\bcookies?\b".into()];
    let rules = set(vec![exact, short, needs]);
    assert_eq!(rules.line_rule("Share"), Some(0));
    assert_eq!(rules.line_rule("SHARE"), None);
    assert_eq!(rules.line_rule("abc"), Some(1));
    assert_eq!(rules.line_rule("We use cookies to help"), Some(2));
    assert_eq!(
        rules.line_rule("We use a lot of words before the cookies"),
        None
    );
}

#[test]
fn unicode_classes_and_folding() {
    let rules = set(vec![
        spec(Scope::Line, r"\w+ \d+"),
        spec(Scope::Line, "straße"),
        spec(Scope::Line, r"end\Z"),
    ]);
    assert_eq!(rules.line_rule("Café ٣٤"), Some(0));
    assert_eq!(rules.line_rule("STRASSE"), None); // simple folding, as Python's regex V0
    assert_eq!(rules.line_rule("Straße"), Some(1));
    assert_eq!(rules.line_rule("END"), Some(2));
}

#[test]
fn span_rules_cut_leftmost_in_character_offsets() {
    let rules = set(vec![spec(Scope::Span, "advertisement")]);
    let line = "Café. ADVERTISEMENT Le conseil";
    assert_eq!(rules.line_spans(line), vec![(6, 19, 0)]);
}

#[test]
fn span_rounds_clean_what_a_cut_reveals() {
    let rules = set(vec![spec(Scope::Span, "sponsored content")]);
    let spans = rules.line_spans("a Sponsored Sponsored Content Content b");
    assert_eq!(spans, vec![(12, 29, 0), (2, 37, 0)]);
}

#[test]
fn cut_groups_keep_their_context() {
    let mut glued = spec(
        Scope::Span,
        r"[.!?]\s{0,3}(?P<cut>ADVERTISEMENT)(?:\s{1,3}\p{Lu}|\s*$)",
    );
    glued.case_sensitive = true;
    let rules = set(vec![glued]);
    assert_eq!(
        rules.line_spans("Done. ADVERTISEMENT The end. ADVERTISEMENT"),
        vec![(6, 19, 0), (29, 42, 0)]
    );
    assert!(rules.line_spans("an ADVERTISEMENT The").is_empty());
}

#[test]
fn triggers_pick_span_rules_ignoring_ascii_case() {
    let mut rule = spec(Scope::Span, "read more");
    rule.triggers = vec!["read more".into()];
    let rules = set(vec![rule]);
    assert!(rules.span_candidate("x READ MORE"));
    assert!(!rules.span_candidate("x read  more"));
    assert_eq!(rules.line_spans("x Read More"), vec![(2, 11, 0)]);
}

#[test]
fn errors_name_the_construct() {
    let error = RuleSet::new(&[spec(Scope::Line, "ok"), spec(Scope::Span, "(?<=a)b")]).unwrap_err();
    assert_eq!(error.rule, 1);
    assert!(error.message.contains("look-behind"), "{}", error.message);
    let empty = RuleSet::new(&[spec(Scope::Line, "a*")]).unwrap_err();
    assert!(empty.message.contains("empty string"));
    let broken = RuleSet::new(&[spec(Scope::Line, "(a")]).unwrap_err();
    assert!(broken.message.contains("does not compile"));
    let mut needs = spec(Scope::Line, "a");
    needs.requires = vec!["(?=x)".into()];
    assert!(RuleSet::new(&[needs])
        .unwrap_err()
        .message
        .contains("requires"));
}

#[test]
fn hostile_patterns_run_in_linear_time() {
    let rules = set(vec![
        spec(Scope::Line, "(a+)+b"),
        spec(Scope::Span, "(a|aa)+$x"),
        spec(Scope::Span, "(a+)+b"),
    ]);
    let many = "a".repeat(50_000);
    let started = std::time::Instant::now();
    assert_eq!(rules.line_rule(&many), None);
    assert!(rules.line_spans(&many).is_empty());
    assert!(started.elapsed().as_secs_f64() < 2.0);
}

#[test]
fn tail_markers_and_guard() {
    let mut comments = spec(Scope::Tail, r"\d+ comments.*");
    comments.lenient = true;
    comments.max_chars = 200;
    let rules = set(vec![spec(Scope::Tail, "more in .+"), comments]);
    assert_eq!(rules.tail_marker("More in Local News"), Some((0, false)));
    assert_eq!(rules.tail_marker("More in a b c d e f g h i"), None);
    let long = format!("12 comments on {}", "word ".repeat(30));
    assert_eq!(rules.tail_marker(long.trim()), Some((1, true)));

    let prose = "The council voted on the budget after a long debate on Tuesday night.";
    let mut lines: Vec<Option<&str>> = vec![Some(prose); 8];
    lines.extend([
        Some("More in Local News"),
        Some("A headline"),
        Some("Another one"),
    ]);
    let keys: Vec<Option<&str>> = lines.clone();
    let cut = rules.tail_cut(&keys, &lines).unwrap();
    assert_eq!((cut.start, cut.marker, cut.lenient), (8, 0, false));
    assert_eq!(rules.tail_cut(&keys[..3], &lines[..3]), None);
}

#[test]
fn prose_words_count_cjk_characters() {
    let guard = TailGuard::new();
    assert_eq!(crate::features::word_count("a  b\tc"), 3);
    assert_eq!(crate::features::word_count("市议会周二 投票"), 7);
    assert_eq!(guard.prose_words("市议会周二投票通过了新的预算方案。"), 17);
    assert!(tail::ends_like_sentence("He said so.”  "));
    assert!(!tail::ends_like_sentence("A headline (AP)"));
}

#[test]
fn anchors_and_laziness_read_as_in_python() {
    let rules = set(vec![
        spec(Scope::Line, r"read more$"),
        spec(Scope::Line, r"\Atop stories\Z"),
        spec(Scope::Span, r"\[.+?\]"),
        spec(Scope::Line, r"a{,2}b"),
    ]);
    assert_eq!(rules.line_rule("Read more"), Some(0));
    assert_eq!(rules.line_rule("Top Stories"), Some(1));
    assert_eq!(rules.line_rule("aab"), Some(3));
    assert_eq!(rules.line_rule("aaab"), None);
    assert_eq!(rules.line_spans("x [a] y [b]"), vec![(2, 5, 2), (8, 11, 2)]);
}

#[test]
fn span_offsets_are_characters_after_non_ascii_text() {
    let rules = set(vec![spec(Scope::Span, "share this")]);
    let line = "日本語のテキスト。 Share this 😀 Share this";
    assert_eq!(rules.line_spans(line), vec![(10, 20, 0), (23, 33, 0)]);
}

#[test]
fn short_run_of_the_rule_checks() {
    for data in crate::fuzzing::sample_inputs(50, 11) {
        fuzz_entry_points(&data);
    }
    for pattern in [
        "(?P<cut>a)(?=",
        "[[:alpha:]]{",
        "\\p{",
        "(?#x",
        "a{2}{3}",
        "(?i)(?m)x",
    ] {
        fuzz_entry_points(pattern.as_bytes());
    }
}
