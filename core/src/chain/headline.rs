//! A page's headline block, the furniture above it, and where its paragraphs break
//! (`cleaner.html.headline`, `cleaner.filters.headline`, `cleaner.html.paragraphs`, which
//! call these).
//!
//! The headline is the block still in place that is most of one of the page's titles
//! (`og:title`, `twitter:title`, `<title>`), else the page's one `<h1>`, else a part of a
//! title between its separators (`headline_line`).

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

/// Where a `<title>` splits into parts: "Headline - Site", "Site » Blog Archive » Headline",
/// "Blog: Headline".
static SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+[-|–—»·•/:]+\s+|\s*[|»·•]\s*|:\s+").expect("valid regex"));

/// A page title as words, and the parts its separators make (each of at least
/// `MIN_PART_WORDS` words, the whole left out).
#[derive(Debug, Clone)]
pub struct Title {
    pub words: Vec<String>,
    pub parts: Vec<Vec<String>>,
}

impl Title {
    pub fn new(title: &str) -> Title {
        let words = word_tokens(title);
        let parts = SEPARATOR
            .split(title)
            .map(word_tokens)
            .filter(|part| part.len() >= MIN_PART_WORDS && *part != words)
            .collect();
        Title { words, parts }
    }
}

/// How a block matches the page's titles, strongest first: a title whole or a run of at
/// least `MIN_PART_WORDS` words that is at least `MIN_TITLE_SHARE` of one (`Most`), or only
/// a part of one between its separators (`Part`: the site's name is a part too, so a part
/// counts only when neither a title nor the page's one `<h1>` names the headline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleMatch {
    Most,
    Part,
}

pub fn title_match(words: &[String], titles: &[Title]) -> Option<TitleMatch> {
    let most = |title: &Title| {
        words == title.words.as_slice()
            || (words.len() >= MIN_PART_WORDS
                && contains_run(&title.words, words)
                && words.len() as f64 / title.words.len() as f64 >= MIN_TITLE_SHARE)
    };
    if titles.iter().any(most) {
        Some(TitleMatch::Most)
    } else if titles
        .iter()
        .any(|title| title.parts.iter().any(|part| part.as_slice() == words))
    {
        Some(TitleMatch::Part)
    } else {
        None
    }
}

/// The line of the headline block among those still in place (`texts[i]` is block i's text
/// as the filters left it; `headings[i]` its heading level, 0 for none), or None: the block
/// that is most of a title, else the page's one `<h1>` (`only_h1`), else a part of a title.
/// Among blocks of one kind of match, the one with most words wins (a headline that is
/// most of `<title>` beats a site name that is all of an `og:title`; the headline part of
/// "Headline - Section - Site" beats the site's name), then a heading, then the earlier.
pub fn headline_line<S: AsRef<str>>(
    titles: &[String],
    headings: &[u8],
    texts: &[S],
    removed: &[bool],
) -> Option<usize> {
    let [most, part] = titled_lines(titles, headings, texts, removed);
    most.or_else(|| only_h1(headings, texts, removed)).or(part)
}

/// A page whose headline reads differently from its titles ("Instagramming Iceland" under
/// `<title>Instagram photos from Iceland | Legal Nomads`) still marks it as its one `<h1>`:
/// the only level-1 heading still in place, if it is not a paragraph.
fn only_h1<S: AsRef<str>>(headings: &[u8], texts: &[S], removed: &[bool]) -> Option<usize> {
    let mut found = None;
    for (line, &level) in headings.iter().enumerate() {
        if level != 1 || removed.get(line).copied().unwrap_or(false) {
            continue;
        }
        let words = texts.get(line).map_or(0, |t| word_tokens(t.as_ref()).len());
        if words == 0 || words > MAX_HEADLINE_WORDS || found.is_some() {
            return None;
        }
        found = Some(line);
    }
    found
}

/// The best block of each kind of title match (`TitleMatch::Most`, then `Part`).
fn titled_lines<S: AsRef<str>>(
    titles: &[String],
    headings: &[u8],
    texts: &[S],
    removed: &[bool],
) -> [Option<usize>; 2] {
    let parsed: Vec<Title> = titles
        .iter()
        .map(|title| Title::new(title))
        .filter(|title| !title.words.is_empty())
        .collect();
    let Some(longest) = titles.iter().map(|t| t.chars().count()).max() else {
        return [None, None];
    };
    let longest = MAX_TITLE_STRETCH * longest;
    // Per kind: (words, heading) of the best so far, and its line.
    let mut best = [((0usize, false), None), ((0usize, false), None)];
    for (line, &level) in headings.iter().enumerate() {
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
        let Some(kind) = title_match(&words, &parsed) else {
            continue;
        };
        // (words, heading) as a tuple: more words, then a heading, wins; a tie keeps the
        // earlier block.
        let slot = &mut best[kind as usize];
        let score = (words.len(), level > 0);
        if score > slot.0 {
            *slot = (score, Some(line));
        }
    }
    [best[0].1, best[1].1]
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
    fn title_match_counts_a_headline_and_the_parts_of_a_title() {
        use TitleMatch::{Most, Part};
        let titles = vec![Title::new(
            "Ferry crews vote to strike | Harbour Post Online",
        )];
        let matched = |text: &str| title_match(&words(text), &titles);
        assert_eq!(matched("Ferry crews vote to strike"), Some(Most));
        assert_eq!(matched("Ferry Crews"), None);
        assert_eq!(matched("crews vote to"), None, "under half");
        assert_eq!(matched("Harbour Post Online"), Some(Part));
        assert_eq!(
            matched("ferry crews vote to strike harbour post online"),
            Some(Most)
        );
        let long = vec![Title::new(
            "Paper leaves for crafting - Things to make and do - The Crafty Crow",
        )];
        assert_eq!(
            title_match(&words("Paper leaves for crafting"), &long),
            Some(Part)
        );
        assert_eq!(
            words("Grüße, São Paulo 2026!"),
            ["grüße", "são", "paulo", "2026"]
        );
    }

    #[test]
    fn headline_prefers_more_title_words_over_a_site_name_title() {
        let titles = vec![
            "Official Blog of the League".to_owned(),
            "Rookie agrees the start is embarrassing - League.com".to_owned(),
        ];
        let texts = [
            "Official Blog of the League",
            "Rookie agrees the start is embarrassing",
            "The story.",
        ];
        assert_eq!(
            headline_line(&titles, &[2, 2, 0], &texts, &[false; 3]),
            Some(1)
        );
        let parts =
            vec!["Paper leaves for crafting - Things to make and do - The Crafty Crow".to_owned()];
        let texts = ["The Crafty Crow", "Paper leaves for crafting", "The story."];
        assert_eq!(
            headline_line(&parts, &[2, 2, 0], &texts, &[false; 3]),
            Some(1)
        );
    }

    #[test]
    fn without_a_title_match_the_lone_h1_is_the_headline() {
        let titles = vec!["Instagram photos from Iceland | Legal Nomads".to_owned()];
        let texts = [
            "Legal Nomads",
            "Instagramming Iceland",
            "The story, at length.",
        ];
        assert_eq!(
            headline_line(&titles, &[2, 1, 0], &texts, &[false; 3]),
            Some(1)
        );
        assert_eq!(headline_line(&[], &[2, 1, 0], &texts, &[false; 3]), Some(1));
        let parts = vec!["Instagram photos from Iceland in winter | The Legal Nomads".to_owned()];
        let site = [
            "The Legal Nomads",
            "Instagramming Iceland",
            "The story, at length.",
        ];
        assert_eq!(
            headline_line(&parts, &[0, 1, 0], &site, &[false; 3]),
            Some(1),
            "the lone h1 before a part of a title, which the site's name can be"
        );
        assert_eq!(
            headline_line(&titles, &[1, 1, 0], &texts, &[false; 3]),
            None,
            "two h1s: neither is the page's headline by that token"
        );
        assert_eq!(
            headline_line(&titles, &[2, 1, 0], &texts, &[false, true, false]),
            None
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
            headline_line(&titles, &[0, 2, 0], &texts, &[false; 3]),
            Some(1)
        );
        assert_eq!(
            headline_line(&titles, &[0, 0, 0], &texts, &[false; 3]),
            Some(0)
        );
        let removed = [true, true, false];
        assert_eq!(headline_line(&titles, &[0, 2, 0], &texts, &removed), None);
        assert_eq!(headline_line(&[], &[0; 3], &texts, &[false; 3]), None);
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
