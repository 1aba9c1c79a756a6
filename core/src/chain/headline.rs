//! A page's headline block, the furniture above it, and where its paragraphs break
//! (`cleaner.html.headline`, `cleaner.filters.headline`, `cleaner.html.paragraphs`, which
//! call these).
//!
//! The headline is the block still in place whose words are one of the page's titles
//! (`og:title`, `twitter:title`, `<title>`), or the largest share of one: a headline covers
//! its title, the site name or a section word in `<title>` does not. Heading blocks win ties,
//! then the earlier block.

use std::sync::LazyLock;

use regex::Regex;

use crate::features::pystr;
use crate::html::Block;

/// A block longer than this (in words) is a paragraph, whatever it repeats.
pub const MAX_HEADLINE_WORDS: usize = 40;
/// A block that is only part of a title must cover at least this share of its words.
pub const MIN_TITLE_SHARE: f64 = 0.5;
pub const MIN_PART_WORDS: usize = 3;
/// How many times the longest title's length (characters) a block may be and still be
/// looked at: only spacing and punctuation can make a title's block longer.
pub const MAX_TITLE_STRETCH: usize = 2;
/// A block is furniture when at least this share of its characters is link text.
pub const MIN_LINK_DENSITY: f64 = 0.5;
/// How far above a block the walk looks for its list or table.
pub const MAX_RUN_DEPTH: usize = 32;

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w+").expect("valid regex"));

/// Lower-cased word tokens (`cleaner.text.lines.word_tokens`).
pub fn word_tokens(text: &str) -> Vec<String> {
    let lower = pystr::lower(text);
    WORD.find_iter(&lower)
        .map(|word| word.as_str().to_owned())
        .collect()
}

/// Whether `needle` occurs in `haystack` as a contiguous run (an empty needle does not).
pub fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && needle.len() <= haystack.len()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// The largest share of a title's words the block's words are (1.0: a title whole; 0: none,
/// or a part shorter than `MIN_PART_WORDS` words or `MIN_TITLE_SHARE`).
pub fn title_share(words: &[String], titles: &[Vec<String>]) -> f64 {
    let mut best = 0.0f64;
    for title in titles {
        if words == title.as_slice() {
            return 1.0;
        }
        if words.len() >= MIN_PART_WORDS && contains_run(title, words) {
            let share = words.len() as f64 / title.len() as f64;
            if share >= MIN_TITLE_SHARE {
                best = best.max(share);
            }
        }
    }
    best
}

/// The line of the headline block among those still in place (`texts[i]` is block i's text
/// as the filters left it), or None: no titles, or no block that matches one.
pub fn headline_line<S: AsRef<str>>(
    titles: &[String],
    headings: &[bool],
    texts: &[S],
    removed: &[bool],
) -> Option<usize> {
    if titles.is_empty() || headings.is_empty() {
        return None;
    }
    let title_words: Vec<Vec<String>> = titles
        .iter()
        .map(|title| word_tokens(title))
        .filter(|words| !words.is_empty())
        .collect();
    let longest = MAX_TITLE_STRETCH * titles.iter().map(|t| t.chars().count()).max()?;
    let mut best = (0.0f64, false);
    let mut chosen = None;
    for (line, &heading) in headings.iter().enumerate() {
        let Some(text) = texts.get(line).map(AsRef::as_ref) else {
            break;
        };
        // Paragraphs are passed over without tokenizing them (most of a page's blocks).
        if removed.get(line).copied().unwrap_or(false) || text.chars().count() > longest {
            continue;
        }
        let words = word_tokens(text);
        if words.is_empty() || words.len() > MAX_HEADLINE_WORDS {
            continue;
        }
        let share = title_share(&words, &title_words);
        // (share, heading) against the best so far, as Python compares tuples.
        if share > 0.0 && (share > best.0 || (share == best.0 && heading && !best.1)) {
            best = (share, heading);
            chosen = Some(line);
        }
    }
    chosen
}

/// Links or list items: what menus, breadcrumbs and story strips are made of.
pub fn is_furniture(block: &Block) -> bool {
    let chars = block.text.chars().count();
    block.in_list || (chars > 0 && block.link_chars as f64 / chars as f64 >= MIN_LINK_DENSITY)
}

/// Tags whose entries read as one run (a list or a table).
const RUN_TAGS: [&str; 6] = ["ul", "ol", "dl", "menu", "dir", "table"];
/// Tags that make their text a paragraph of its own even inside a list or table.
const PARAGRAPH_TAGS: [&str; 24] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "article",
    "section",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "address",
    "details",
    "body",
    "html",
];

/// What the paragraph breaks read of a block: its tag path (root first), the walk numbers
/// of its ancestors (root first) and whether it sits in a list or a table.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a, S> {
    pub path: &'a [S],
    pub ancestors: &'a [usize],
    pub in_list: bool,
    pub in_table: bool,
}

impl<'a> From<&'a Block> for Shape<'a, String> {
    fn from(block: &'a Block) -> Self {
        Shape {
            path: &block.path,
            ancestors: &block.ancestors,
            in_list: block.in_list,
            in_table: block.in_table,
        }
    }
}

/// The walk number of the list or table whose run of entries the block belongs to: the
/// outermost one above it with no paragraph element in between; None for a block of its own.
fn run_of<S: AsRef<str>>(block: &Shape<'_, S>) -> Option<usize> {
    if !(block.in_list || block.in_table) {
        return None;
    }
    let mut found = None;
    let depth = block
        .path
        .len()
        .min(block.ancestors.len())
        .min(MAX_RUN_DEPTH);
    for level in 1..=depth {
        let tag = block.path[block.path.len() - level].as_ref();
        if PARAGRAPH_TAGS.contains(&tag) {
            break;
        }
        if RUN_TAGS.contains(&tag) {
            found = Some(block.ancestors[block.ancestors.len() - level]);
        }
    }
    found
}

/// Whether two blocks that follow each other in the output read as one run: lines of one
/// element, or entries of one list or table.
fn same_paragraph<S: AsRef<str>>(before: &Shape<'_, S>, after: &Shape<'_, S>) -> bool {
    if before.ancestors == after.ancestors {
        return true;
    }
    run_of(after).is_some_and(|run| Some(run) == run_of(before))
}

/// For each block, whether a blank line goes before it in the output: a kept block that
/// starts a new paragraph after an earlier kept block (`kept[i]`: block i is output).
pub fn paragraph_breaks<S: AsRef<str>>(shapes: &[Shape<'_, S>], kept: &[bool]) -> Vec<bool> {
    let mut breaks = vec![false; shapes.len()];
    let mut previous: Option<&Shape<'_, S>> = None;
    for (index, shape) in shapes.iter().enumerate() {
        if !kept.get(index).copied().unwrap_or(false) {
            continue;
        }
        if let Some(before) = previous {
            breaks[index] = !same_paragraph(before, shape);
        }
        previous = Some(shape);
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        word_tokens(text)
    }

    #[test]
    fn title_share_counts_a_headline_part_but_not_the_site_name() {
        let titles = vec![words("Ferry crews vote to strike | Harbour Post Online")];
        assert!(title_share(&words("Ferry crews vote to strike"), &titles) > 0.5);
        assert_eq!(title_share(&words("Harbour Post Online"), &titles), 0.0);
        assert_eq!(title_share(&words("Ferry Crews"), &titles), 0.0);
        let whole = words("ferry crews vote to strike harbour post online");
        assert_eq!(title_share(&whole, &titles), 1.0);
        assert_eq!(
            words("Grüße, São Paulo 2026!"),
            ["grüße", "são", "paulo", "2026"]
        );
    }

    #[test]
    fn headline_prefers_a_heading_then_the_earlier_block() {
        let titles = vec!["Ferry crews vote to strike".to_owned()];
        let texts = [
            "Ferry crews vote to strike",
            "Ferry crews vote to strike",
            "Ferry",
        ];
        assert_eq!(
            headline_line(&titles, &[false, true, false], &texts, &[false; 3]),
            Some(1)
        );
        assert_eq!(
            headline_line(&titles, &[false, false, false], &texts, &[false; 3]),
            Some(0)
        );
        let removed = [true, true, false];
        assert_eq!(
            headline_line(&titles, &[false, true, false], &texts, &removed),
            None
        );
        assert_eq!(headline_line(&[], &[false; 3], &texts, &[false; 3]), None);
    }

    fn shape<'a>(path: &'a [&'a str], ancestors: &'a [usize], in_list: bool) -> Shape<'a, &'a str> {
        Shape {
            path,
            ancestors,
            in_list,
            in_table: false,
        }
    }

    #[test]
    fn lists_read_as_one_run_and_paragraphs_break() {
        let paragraph = shape(&["html", "body", "p"], &[0, 1, 2], false);
        let item_a = shape(&["html", "body", "ul", "li"], &[0, 1, 3, 4], true);
        let item_b = shape(&["html", "body", "ul", "li"], &[0, 1, 3, 5], true);
        let loose = shape(&["html", "body", "ul", "li", "p"], &[0, 1, 3, 8, 9], true);
        let shapes = [paragraph, item_a, item_b, loose, paragraph];
        let breaks = paragraph_breaks(&shapes, &[true; 5]);
        assert_eq!(breaks, [false, true, false, true, true]);
        // A removed block leaves no break of its own; the next kept one decides.
        let breaks = paragraph_breaks(&shapes, &[true, false, true, false, true]);
        assert_eq!(breaks, [false, false, true, false, true]);
    }
}
