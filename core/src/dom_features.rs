//! Features of the DOM block model (`cleaner.models.dom_model`): the text line features of
//! each output line, plus what the DOM says about its block (link density, heading, list and
//! table, depth, tag, enclosing containers, class/id words), where it sits against its
//! container and the page's prose container, and hashed class/id tokens and tag paths.
//!
//! The model was trained on these columns as numpy computed them, so each follows numpy's
//! arithmetic: flags and link density in float32, sums and shares in float64 (bincount's
//! sequential sums, `ndarray.sum`'s pairwise ones), every column rounded to float32 last.
//! Training and serving both call this code.

use std::collections::{HashMap, HashSet};

use crate::features::numeric::{crc32, pairwise_f64, window_mean};
use crate::features::{self, Languages, PageFeatures, HASH_BUCKETS, LOG_WORDS, PROSE};

/// Class/id words that name the article's own container.
pub const CONTENT_WORDS: &[&str] = &[
    "article", "content", "body", "story", "entry", "post", "text", "main", "prose", "blog",
    "richtext", "copy",
];
/// Class/id words that name furniture.
pub const FURNITURE_WORDS: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "header",
    "sidebar",
    "widget",
    "comment",
    "comments",
    "related",
    "share",
    "social",
    "meta",
    "byline",
    "tags",
    "tag",
    "breadcrumb",
    "promo",
    "teaser",
    "subscribe",
    "newsletter",
    "caption",
    "credit",
    "author",
    "date",
];
/// Shares of the page's prose words whose deepest holder is a "prose container": the
/// article's own box, and the larger box around it.
pub const PROSE_CONTAINER_SHARES: [f64; 2] = [0.5, 0.8];
/// Class/id tokens of this many nearest ancestors are hashed (the outer ones are shared by
/// every block of the page and say nothing about one block).
pub const HASHED_TOKENS: usize = 6;

/// The per-block columns, then the window, container and prose-container columns.
const BLOCK_FEATURES: [&str; 18] = [
    "link_density",
    "is_heading",
    "heading_level",
    "in_list",
    "in_table",
    "log_depth",
    "tag_p",
    "tag_li",
    "tag_cell",
    "tag_div",
    "tag_heading",
    "in_article",
    "content_token",
    "furniture_token",
    "in_form",
    "in_header",
    "in_figure",
    "same_parent_as_previous",
];
const AROUND_FEATURES: [&str; 10] = [
    "link_density_within_2",
    "link_density_within_5",
    "content_token_within_5",
    "parent_word_share",
    "parent_prose_share",
    "grandparent_word_share",
    "grandparent_prose_share",
    "log_parent_rows",
    "parent_link_share",
    "grandparent_link_share",
];
const PROSE_CONTAINER_FEATURES: [&str; 5] = [
    "in_prose_container",
    "before_prose_container",
    "after_prose_container",
    "shares_prose_container_chain",
    "log_rows_after_prose_container",
];
/// Columns the DOM adds to the text features.
pub const N_DOM: usize = BLOCK_FEATURES.len()
    + AROUND_FEATURES.len()
    + PROSE_CONTAINER_FEATURES.len() * PROSE_CONTAINER_SHARES.len();
const CONTENT_TOKEN: usize = 12;

/// `DOM_FEATURES` of `cleaner.models.dom_model`, in column order.
pub fn dom_feature_names() -> Vec<String> {
    let mut names: Vec<String> = BLOCK_FEATURES.iter().map(|n| n.to_string()).collect();
    names.extend(AROUND_FEATURES.iter().map(|n| n.to_string()));
    for share in PROSE_CONTAINER_SHARES {
        let percent = (share * 100.0).round() as i64;
        names.extend(
            PROSE_CONTAINER_FEATURES
                .iter()
                .map(|n| format!("{n}_{percent}")),
        );
    }
    names
}

/// What the features read of one block (`cleaner.document.Block`): its length in
/// characters, link characters, heading level, list/table flags, tag path (root first),
/// class/id tokens (innermost first) and ancestor walk numbers (root first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomBlock<S> {
    pub chars: usize,
    pub link_chars: usize,
    pub heading: i64,
    pub in_list: bool,
    pub in_table: bool,
    pub path: Vec<S>,
    pub tokens: Vec<S>,
    pub ancestors: Vec<i64>,
}

impl<S: AsRef<str>> DomBlock<S> {
    /// Share of the block's characters that are link text (Python's int / int, then float32).
    fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            (self.link_chars as f64 / self.chars as f64) as f32
        }
    }

    fn parent(&self) -> i64 {
        let n = self.ancestors.len();
        if n > 1 {
            self.ancestors[n - 2]
        } else {
            -1
        }
    }

    fn grandparent(&self) -> i64 {
        let n = self.ancestors.len();
        if n > 2 {
            self.ancestors[n - 3]
        } else {
            -1
        }
    }

    fn has_tag(&self, tag: &str) -> bool {
        self.path.iter().any(|t| t.as_ref() == tag)
    }

    fn same_place(&self, other: &Self) -> bool {
        let same = |a: &[S], b: &[S]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_ref() == y.as_ref())
        };
        same(&self.path, &other.path) && same(&self.tokens, &other.tokens)
    }
}

fn flag(on: bool) -> f32 {
    if on {
        1.0
    } else {
        0.0
    }
}

/// Whether any `[a-z]+` run of the tokens is one of `words`.
fn names_any<S: AsRef<str>>(tokens: &[S], words: &[&str]) -> bool {
    tokens.iter().any(|token| {
        token
            .as_ref()
            .split(|c: char| !c.is_ascii_lowercase())
            .any(|word| !word.is_empty() && words.contains(&word))
    })
}

/// The `BLOCK_FEATURES` of `block`; `previous`: the block of the row before.
fn block_row<S: AsRef<str>>(block: &DomBlock<S>, previous: Option<&DomBlock<S>>) -> [f32; 18] {
    let tag = block.path.last().map_or("", |t| t.as_ref());
    let heading = block.heading;
    [
        block.link_density(),
        flag(heading > 0),
        heading as f32,
        flag(block.in_list),
        flag(block.in_table),
        (block.path.len() as f64).ln_1p() as f32,
        flag(tag == "p"),
        flag(tag == "li"),
        flag(tag == "td" || tag == "th"),
        flag(tag == "div"),
        flag(matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")),
        flag(block.has_tag("article") || block.has_tag("main")),
        flag(names_any(&block.tokens, CONTENT_WORDS)),
        flag(names_any(&block.tokens, FURNITURE_WORDS)),
        flag(block.has_tag("form")),
        flag(block.has_tag("header")),
        flag(block.has_tag("figure") || block.has_tag("figcaption")),
        flag(previous.is_some_and(|p| p.same_place(block))),
    ]
}

/// Buckets of a block's hashed DOM keys: its nearest tokens, its last two tags, and its tag
/// with its first token.
fn dom_buckets<S: AsRef<str>>(block: &DomBlock<S>) -> Vec<i64> {
    let bucket = |key: &str| i64::from(crc32(key.as_bytes()) % HASH_BUCKETS);
    let mut buckets: Vec<i64> = block
        .tokens
        .iter()
        .take(HASHED_TOKENS)
        .map(|token| bucket(&format!("dt:{}", token.as_ref())))
        .collect();
    let start = block.path.len().saturating_sub(2);
    let tail: Vec<&str> = block.path[start..].iter().map(|t| t.as_ref()).collect();
    buckets.push(bucket(&format!("dp:{}", tail.join("/"))));
    if let Some(first) = block.tokens.first() {
        let tag = tail.last().copied().unwrap_or("");
        buckets.push(bucket(&format!("dc:{tag}.{}", first.as_ref())));
    }
    buckets
}

/// numpy's `maximum`: NaN wins.
fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// Python's `float(total) or 1.0`.
fn or_one(total: f64) -> f64 {
    if total == 0.0 {
        1.0
    } else {
        total
    }
}

/// Per row: its group's share of the page's words and prose words (`container_columns`).
struct Groups {
    index: Vec<usize>,
    counts: Vec<usize>,
}

impl Groups {
    fn new(keys: &[i64]) -> Self {
        let mut ids: HashMap<i64, usize> = HashMap::new();
        let mut counts = Vec::new();
        let index = keys
            .iter()
            .map(|key| {
                let next = ids.len();
                let id = *ids.entry(*key).or_insert(next);
                if id == counts.len() {
                    counts.push(0);
                }
                counts[id] += 1;
                id
            })
            .collect();
        Groups { index, counts }
    }

    /// numpy's `bincount(inverse, weights)`: each group's sum, in row order.
    fn sums(&self, weights: &[f64]) -> Vec<f64> {
        let mut sums = vec![0.0f64; self.counts.len()];
        for (&group, &weight) in self.index.iter().zip(weights) {
            sums[group] += weight;
        }
        sums
    }
}

/// The container columns (`AROUND_FEATURES` after the windows), column by column: an
/// article's paragraphs share one container that holds most of the page's prose, a menu's
/// items share one that holds little and is all links.
fn container_columns(
    groups: [&[i64]; 2],
    words: &[f64],
    prose: &[f64],
    density: &[f32],
) -> Vec<Vec<f64>> {
    let linked: Vec<f64> = words
        .iter()
        .zip(density)
        .map(|(w, &d)| w * f64::from(d))
        .collect();
    let total_words = or_one(pairwise_f64(words));
    let total_prose = or_one(pairwise_f64(prose));
    let mut columns = Vec::new();
    let mut link_shares = Vec::new();
    let mut rows_in_parent = Vec::new();
    for (level, keys) in groups.iter().enumerate() {
        let groups = Groups::new(keys);
        let group_words = groups.sums(words);
        let group_prose = groups.sums(prose);
        let group_links = groups.sums(&linked);
        let at = |sums: &[f64], row: usize| sums[groups.index[row]];
        columns.push(
            (0..keys.len())
                .map(|r| at(&group_words, r) / total_words)
                .collect(),
        );
        columns.push(
            (0..keys.len())
                .map(|r| at(&group_prose, r) / total_prose)
                .collect(),
        );
        link_shares.push(
            (0..keys.len())
                .map(|r| at(&group_links, r) / maximum(at(&group_words, r), 1.0))
                .collect(),
        );
        if level == 0 {
            rows_in_parent = groups
                .index
                .iter()
                .map(|&g| (groups.counts[g] as f64).ln_1p())
                .collect();
        }
    }
    columns.push(rows_in_parent);
    columns.extend(link_shares);
    columns
}

/// Per share in `PROSE_CONTAINER_SHARES`, where each row sits against the deepest element
/// holding more than that share of the page's prose words (readability's article node):
/// inside, before, after it, how much of its ancestor chain the row shares, and how many
/// rows below its last row. `chains`: the rows' ancestors; `prose`: their prose words.
fn prose_container_columns(chains: &[&[i64]], prose: &[f64]) -> Vec<Vec<f64>> {
    let n = chains.len();
    let zeros = || vec![vec![0.0f64; n]; 5 * PROSE_CONTAINER_SHARES.len()];
    let total = pairwise_f64(prose);
    // `total <= 0` is false for NaN, as in numpy.
    if total <= 0.0 || chains.iter().all(|c| c.is_empty()) {
        return zeros();
    }
    let mut held: HashMap<i64, f64> = HashMap::new();
    let mut depth: HashMap<i64, usize> = HashMap::new();
    for (row, chain) in chains.iter().enumerate() {
        for (level, &id) in chain.iter().enumerate() {
            *held.entry(id).or_insert(0.0) += prose[row];
            depth.insert(id, level);
        }
    }
    let mut ids: Vec<i64> = held.keys().copied().collect();
    ids.sort_unstable();
    let mut columns = Vec::new();
    for share in PROSE_CONTAINER_SHARES {
        // The first holder (by id) of the greatest depth, as numpy's argmax picks it.
        let mut found: Option<(i64, usize)> = None;
        for &id in &ids {
            let holds = held.get(&id).copied().unwrap_or(0.0) / total;
            let level = depth.get(&id).copied().unwrap_or(0);
            if holds > share && found.is_none_or(|(_, best)| level > best) {
                found = Some((id, level));
            }
        }
        let Some((container, level)) = found else {
            columns.extend(vec![vec![0.0f64; n]; 5]);
            continue;
        };
        let inside: Vec<bool> = chains.iter().map(|c| c.contains(&container)).collect();
        let first = inside.iter().position(|&i| i).unwrap_or(0);
        let last = inside.iter().rposition(|&i| i).unwrap_or(0);
        let chain = chains.get(first).copied().unwrap_or(&[]);
        let chain = &chain[..(level + 1).min(chain.len())];
        let members: HashSet<i64> = chain.iter().copied().collect();
        let length = chain.len().max(1) as f64;
        columns.push(inside.iter().map(|&i| f64::from(flag(i))).collect());
        columns.push((0..n).map(|i| f64::from(flag(i < first))).collect());
        columns.push((0..n).map(|i| f64::from(flag(i > last))).collect());
        columns.push(
            chains
                .iter()
                .map(|c| c.iter().filter(|id| members.contains(id)).count() as f64 / length)
                .collect(),
        );
        columns.push(
            (0..n)
                .map(|i| (i.saturating_sub(last) as f64).ln_1p())
                .collect(),
        );
    }
    columns
}

/// The DOM block model's features of a page's output lines, as `dom_features` in Python:
/// the text features (`features::page_features`) then the `N_DOM` columns, and the text's
/// hashed words then each row's hashed DOM keys (without `with_words`, neither). `blocks`
/// has one block per line; if it does not, every column is 0 and nothing is hashed.
pub fn dom_features<T: AsRef<str>, S: AsRef<str>>(
    texts: &[T],
    removed: &[bool],
    cut: &[bool],
    languages: &Languages,
    blocks: &[DomBlock<S>],
    with_words: bool,
) -> PageFeatures {
    let text = features::page_features(texts, removed, cut, languages, with_words);
    let n = text.rows();
    let width = text.width + N_DOM;
    let rows: Option<Vec<&DomBlock<S>>> = text.lines.iter().map(|&l| blocks.get(l)).collect();
    let rows = match rows {
        Some(rows) if n > 0 && blocks.len() == texts.len() => rows,
        _ => {
            return PageFeatures {
                dense: vec![0.0; n * width],
                width,
                lines: text.lines,
                ..PageFeatures::default()
            }
        }
    };
    let block_rows: Vec<[f32; 18]> = rows
        .iter()
        .enumerate()
        .map(|(k, block)| block_row(block, k.checked_sub(1).map(|p| rows[p])))
        .collect();
    let density: Vec<f32> = block_rows.iter().map(|r| r[0]).collect();
    let content: Vec<f32> = block_rows.iter().map(|r| r[CONTENT_TOKEN]).collect();
    let words: Vec<f64> = text
        .column(LOG_WORDS)
        .iter()
        .map(|&v| f64::from(v).exp_m1())
        .collect();
    let prose: Vec<f64> = words
        .iter()
        .zip(text.column(PROSE))
        .zip(&density)
        .map(|((w, p), &d)| w * f64::from(p) * f64::from(1.0f32 - d))
        .collect();
    let parents: Vec<i64> = rows.iter().map(|b| b.parent()).collect();
    let grandparents: Vec<i64> = rows.iter().map(|b| b.grandparent()).collect();
    let chains: Vec<&[i64]> = rows.iter().map(|b| b.ancestors.as_slice()).collect();
    let mut around = vec![
        window_mean(&density, 2),
        window_mean(&density, 5),
        window_mean(&content, 5),
    ];
    around.extend(container_columns(
        [&parents, &grandparents],
        &words,
        &prose,
        &density,
    ));
    around.extend(prose_container_columns(&chains, &prose));
    let mut dense = Vec::with_capacity(n * width);
    for (k, (line, block)) in text
        .dense
        .chunks_exact(text.width.max(1))
        .zip(&block_rows)
        .enumerate()
    {
        dense.extend_from_slice(line);
        dense.extend_from_slice(block);
        dense.extend(
            around
                .iter()
                .map(|c| c.get(k).copied().unwrap_or(0.0) as f32),
        );
    }
    let (mut hash_rows, mut hash_buckets) = (text.hash_rows, text.hash_buckets);
    if with_words {
        for (k, block) in rows.iter().enumerate() {
            for bucket in dom_buckets(block) {
                hash_rows.push(k as i64);
                hash_buckets.push(bucket);
            }
        }
    }
    PageFeatures {
        lines: text.lines,
        dense,
        width,
        hash_rows,
        hash_buckets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(
        chars: usize,
        links: usize,
        path: &[&str],
        tokens: &[&str],
        ancestors: &[i64],
    ) -> DomBlock<String> {
        DomBlock {
            chars,
            link_chars: links,
            path: path.iter().map(|s| s.to_string()).collect(),
            tokens: tokens.iter().map(|s| s.to_string()).collect(),
            ancestors: ancestors.to_vec(),
            ..DomBlock::default()
        }
    }

    #[test]
    fn names_match_the_width() {
        let names = dom_feature_names();
        assert_eq!(names.len(), N_DOM);
        assert_eq!(names[CONTENT_TOKEN], "content_token");
        assert_eq!(names[N_DOM - 1], "log_rows_after_prose_container_80");
    }

    #[test]
    fn rows_carry_dom_columns_and_keys() {
        let languages = Languages::new(vec![("en".into(), vec!["the".into()])]);
        let prose = "The story of the day is told here in many words, they said.";
        let texts = ["Home", prose, prose];
        let blocks = [
            block(
                4,
                4,
                &["html", "body", "nav", "a"],
                &["menu"],
                &[0, 1, 2, 3],
            ),
            block(
                prose.len(),
                0,
                &["html", "body", "article", "p"],
                &["entry-content"],
                &[0, 1, 4, 5],
            ),
            block(
                prose.len(),
                0,
                &["html", "body", "article", "p"],
                &["entry-content"],
                &[0, 1, 4, 6],
            ),
        ];
        let page = dom_features(&texts, &[false; 3], &[], &languages, &blocks, true);
        let base = features::N_FEATURES;
        assert_eq!(page.width, base + N_DOM);
        assert_eq!(page.column(base), [1.0, 0.0, 0.0]);
        assert_eq!(page.column(base + CONTENT_TOKEN), [0.0, 1.0, 1.0]);
        assert_eq!(page.column(base + 13), [1.0, 0.0, 0.0]);
        assert_eq!(page.column(base + 17), [0.0, 0.0, 1.0]);
        // The article (id 4) holds all prose: rows 1 and 2 are inside it, row 0 before.
        assert_eq!(page.column(base + 28), [0.0, 1.0, 1.0]);
        assert_eq!(page.column(base + 29), [1.0, 0.0, 0.0]);
        let dom_keys = page.hash_rows.iter().filter(|&&r| r == 0).count();
        assert!(dom_keys >= 3);
        assert!(page
            .hash_buckets
            .contains(&i64::from(crc32(b"dc:a.menu") % HASH_BUCKETS)));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let languages = Languages::default();
        let texts = ["one two three", "", "four"];
        let none: [DomBlock<&str>; 0] = [];
        let page = dom_features(&texts, &[], &[], &languages, &none, true);
        assert_eq!(page.dense, vec![0.0; 2 * (features::N_FEATURES + N_DOM)]);
        let blocks = vec![DomBlock::<&str>::default(); 3];
        let page = dom_features(&texts, &[], &[true], &languages, &blocks, true);
        assert_eq!(page.dense.len(), 2 * page.width);
        let cycle = [
            block(3, 9, &[], &[], &[7, 7, 7]),
            block(0, 0, &["p"], &["x"], &[7]),
        ];
        let page = dom_features(&texts[..2], &[], &[], &languages, &cycle, true);
        assert_eq!(page.rows(), 1);
    }
}
