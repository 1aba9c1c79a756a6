//! The checks a fuzzer drives: each entry point of the core on arbitrary input, with the
//! properties that must hold whatever the input. `fuzz/` (cargo fuzz, coverage-guided) and the
//! unit tests below (a short deterministic run on every `cargo test`) call the same functions.

use std::sync::OnceLock;

use crate::chain;
use crate::html::{page_blocks, DomRules, RuleSpec};
use crate::lines;
use crate::rules::{fuzz_page, fuzz_rule_set, RuleSet};

/// The fixed rules pages are matched against, compiled once per fuzzing process.
fn page_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(fuzz_rule_set)
}

/// Any bytes, read as text lossily (the Python side only ever passes valid UTF-8), through the
/// line and rule entry points: no panic, and the output read back gives the same output.
pub fn text_entry_points(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    fuzz_page(page_rules(), &text);
    let split = lines::split_lines(&text);
    for line in &split {
        let _ = lines::line_key(line);
    }
    let output = lines::build_output(split.iter().map(|line| Some(*line)));
    let again = lines::build_output(lines::split_lines(&output).into_iter().map(Some));
    assert_eq!(output, again, "building the output must be idempotent");
    if let Some(first) = split.first() {
        let n = first.chars().count();
        let spans = [(n / 3, n / 2), (n / 4, n + 3)];
        let (cut, pieces) = lines::cut_spans(first, &spans);
        assert!(cut.chars().count() <= n);
        assert!(pieces.iter().all(|&(_, origin)| origin <= n));
    }
    if let Ok(outcome) = chain::run(&text, page_rules(), None) {
        check_outcome(&outcome, split.len());
    }
}

/// What a chain's outcome promises: one flag and text per line, every removal on a line of
/// the page and removed, every span inside its line.
fn check_outcome(outcome: &chain::Outcome<'_>, lines: usize) {
    assert_eq!((outcome.texts.len(), outcome.removed.len()), (lines, lines));
    for decision in &outcome.decisions {
        assert!(decision.line < lines);
        if let Some((start, end)) = decision.span {
            assert!(start < end);
        } else {
            assert!(
                outcome.removed[decision.line],
                "a whole-line removal removes the line"
            );
        }
    }
    let output = outcome.output();
    assert_eq!(
        output,
        lines::build_output(lines::split_lines(&output).into_iter().map(Some))
    );
}

/// DOM rules of every selector kind, with vetoes, compiled once per fuzzing process.
fn dom_rules() -> &'static DomRules {
    static RULES: OnceLock<DomRules> = OnceLock::new();
    let strings = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect();
    RULES.get_or_init(|| {
        DomRules::new(&[
            RuleSpec {
                tags: strings(&["aside", "nav"]),
                tokens: strings(&["ad", "share-bar"]),
                unless: strings(&["content"]),
                ..RuleSpec::default()
            },
            RuleSpec {
                words: strings(&["promo", "related"]),
                roles: strings(&["complementary"]),
                attrs: strings(&["data-ad"]),
                unless_beside: strings(&["article"]),
                may_hold_page: true,
                ..RuleSpec::default()
            },
        ])
    })
}

/// Any bytes as a page, through the parse and the walk with DOM rules: no panic, and every
/// block's link characters and ancestry are consistent with its text.
pub fn html_entry_points(data: &[u8]) {
    let page = String::from_utf8_lossy(data);
    let blocks = page_blocks(&page, Some(dom_rules()));
    for block in &blocks {
        assert!(block.hit.is_some() || block.link_chars <= block.text.chars().count());
        assert!(block.ancestors.windows(2).all(|pair| pair[0] < pair[1]));
    }
    // The page's first block's text stands in for its title.
    let titles: Vec<String> = blocks.first().map(|b| b.text.clone()).into_iter().collect();
    if let Ok(outcome) = chain::run_page(&blocks, &titles, page_rules(), None) {
        check_outcome(&outcome, blocks.len());
        let _ = outcome.page_output(&blocks);
    }
}

/// Deterministic pseudo-random inputs for the short run in `cargo test`: byte strings drawn
/// from an alphabet of the characters that matter here (line breaks, odd whitespace,
/// invisible characters, multi-byte text, markup), plus raw bytes.
pub fn sample_inputs(count: usize, seed: u64) -> impl Iterator<Item = Vec<u8>> {
    const PIECES: [&str; 16] = [
        "\n",
        "\r\n",
        "\r",
        " ",
        "\u{a0}",
        "\u{200b}",
        "\u{2028}",
        "\u{1c}",
        "Ad",
        "vertisement",
        "Zürich ",
        "新闻",
        "<div>",
        "</p>",
        "<a href='x'>",
        "&amp;",
    ];
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count).map(move |_| {
        let length = (next() % 64) as usize;
        let mut data = Vec::new();
        for _ in 0..length {
            let pick = next();
            if pick % 5 == 0 {
                data.push((pick >> 8) as u8);
            } else {
                data.extend_from_slice(PIECES[(pick >> 8) as usize % PIECES.len()].as_bytes());
            }
        }
        data
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_run_of_the_text_checks() {
        for data in sample_inputs(20_000, 7) {
            text_entry_points(&data);
        }
    }

    #[test]
    fn short_run_of_the_html_checks() {
        for data in sample_inputs(5_000, 11) {
            html_entry_points(&data);
        }
    }
}
