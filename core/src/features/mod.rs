//! Features of each line for the learned filter (`cleaner.text.features`): the line's shape,
//! its neighbours' shapes, its place on the page, and hashed words.
//!
//! The model was trained on features computed with numpy in float32, so every column here
//! follows numpy's arithmetic: float32 where numpy works in float32, float64 for the window
//! means, and numpy's pairwise summation where a column is summed (`numeric`). Training and
//! serving both call this code, so they cannot drift apart.

mod fxhash;
pub mod languages;
pub mod numeric;
pub mod pystr;
mod unicode_tables;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

pub use languages::Languages;
use numeric::{crc32, log1p_f32, minimum_f32, pairwise_f32, window_mean};

/// Buckets of the hashed word features (2**18: few collisions among the words that matter).
pub const HASH_BUCKETS: u32 = 1 << 18;
/// Lines of at most this many words also hash as a whole ("read more", "share this story").
pub const WHOLE_LINE_MAX_WORDS: usize = 5;
/// A prose line: ends like a sentence and has at least this many words.
pub const PROSE_MIN_WORDS: f32 = 8.0;
/// Windows (radius in lines) over which the density of prose around a line is measured.
pub const PROSE_WINDOWS: [usize; 4] = [2, 5, 12, 25];
/// Date-like shapes only matter on short lines (a dateline, a timestamp under a teaser).
pub const DATE_MAX_CHARS: f32 = 80.0;

const SENTENCE_END: &[char] = &[
    '.', '!', '?', '\u{2026}', '"', '\u{201d}', '\u{2019}', '\u{bb}', ')', '\u{3002}', '\u{ff01}',
    '\u{ff1f}', '\u{300d}', '\u{300f}', '\u{ff09}',
];
const BULLETS: &[char] = &[
    '\u{2022}', '\u{b7}', '-', '*', '\u{2013}', '\u{2014}', '\u{203a}', '\u{bb}', '>', '|',
    '\u{25e6}', '\u{25aa}', '\u{25ba}',
];
const SEPARATORS: [&str; 4] = ["|", "\u{bb}", "\u{203a}", " / "];
const LINK_MARKS: [&str; 4] = ["http", "www.", ".com", "@"];
/// Punctuation stripped from both ends of a hashed word.
const STRIP: &[char] = &[
    '.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>', '|', '/',
    '\\', '*', '#', '-', '\u{ab}', '\u{bb}', '\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}',
    '\u{2022}', '\u{b7}', '\u{2013}', '\u{2014}',
];

static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+").expect("valid regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|(?:19|20)\d{2}\b",
        r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
        r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*",
        r"|\d+\s+(?:min|mins|minutes|hours?|days?|weeks?|months?|years?)\s+ago)",
    ))
    .expect("valid regex")
});
// Scripts written without spaces (Chinese, Japanese kana): each character counts as a word
// (`cleaner.text.lines.word_count`). `sc=`: the Script property, as Python's `regex` reads
// `\p{Han}` (Rust's bare `\p{Han}` would be Script_Extensions, which adds CJK punctuation).
static UNSPACED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]").expect("valid regex")
});
static UNSPACED_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]",
        r"|[^\s\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+"
    ))
    .expect("valid regex")
});

/// Names of the per-line shape features, in column order.
pub const LINE_FEATURES: [&str; 20] = [
    "log_chars",
    "log_words",
    "stop_ratio",
    "ends_sentence",
    "ends_colon",
    "title_ratio",
    "all_upper",
    "digit_ratio",
    "starts_bullet",
    "starts_lower",
    "starts_digit",
    "has_separator",
    "link_like",
    "date_like",
    "mean_word_len",
    "comma_ratio",
    "rule_cut",
    "repeated",
    "short",
    "prose",
];
/// Shape features copied from the neighbours at distance 1 and 2 on each side.
pub const NEIGHBOUR_FEATURES: [&str; 10] = [
    "log_words",
    "stop_ratio",
    "ends_sentence",
    "prose",
    "rule_cut",
    "title_ratio",
    "starts_lower",
    "short",
    "link_like",
    "date_like",
];
pub const NEIGHBOUR_OFFSETS: [isize; 4] = [-2, -1, 1, 2];
/// Context columns after the windows (`prose_within_{radius}`), in order.
const PLACE_FEATURES: [&str; 11] = [
    "position",
    "log_from_start",
    "log_from_end",
    "words_before_share",
    "prose_words_before_share",
    "log_to_prose_before",
    "log_to_prose_after",
    "page_log_lines",
    "page_log_words",
    "page_stop_ratio",
    "page_prose_share",
];
const N_LINE: usize = LINE_FEATURES.len();
/// Columns of the dense matrix `page_features` computes.
pub const N_FEATURES: usize =
    N_LINE + NEIGHBOUR_FEATURES.len() * NEIGHBOUR_OFFSETS.len() + PROSE_WINDOWS.len() + 11;

// Column indices of the shape features other code reads.
pub const LOG_WORDS: usize = 1;
pub const STOP_RATIO: usize = 2;
pub const RULE_CUT: usize = 16;
pub const PROSE: usize = 19;
/// Index of `position` in the dense matrix.
pub const POSITION: usize = N_LINE + 40 + PROSE_WINDOWS.len();

/// The names of the dense columns, in order: `FEATURE_NAMES` of `cleaner.text.features`
/// (Python checks a model file's header against these).
pub fn feature_names() -> Vec<String> {
    let mut names: Vec<String> = LINE_FEATURES.iter().map(|name| name.to_string()).collect();
    for offset in NEIGHBOUR_OFFSETS {
        names.extend(
            NEIGHBOUR_FEATURES
                .iter()
                .map(|name| format!("{name}@{offset:+}")),
        );
    }
    names.extend(
        PROSE_WINDOWS
            .iter()
            .map(|radius| format!("prose_within_{radius}")),
    );
    names.extend(PLACE_FEATURES.iter().map(|name| name.to_string()));
    names
}

fn column_index(name: &str) -> usize {
    LINE_FEATURES.iter().position(|n| *n == name).unwrap_or(0)
}

/// Features of one page's output lines: `lines[k]` is the line index of row k, `dense` is
/// row-major with `width` columns, and hashed words are coordinates (row, bucket).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFeatures {
    pub lines: Vec<usize>,
    pub dense: Vec<f32>,
    pub width: usize,
    pub hash_rows: Vec<i64>,
    pub hash_buckets: Vec<i64>,
}

impl PageFeatures {
    /// Rows of the dense matrix.
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// One column of the dense matrix (empty if out of range).
    pub fn column(&self, index: usize) -> Vec<f32> {
        if index >= self.width {
            return Vec::new();
        }
        self.dense
            .chunks_exact(self.width)
            .map(|row| row[index])
            .collect()
    }

    /// Words in the rows, read back from `log_words` as Python's `PageFeatures.word_count`
    /// does (float64 expm1, numpy's sum, round half to even).
    pub fn word_count(&self) -> i64 {
        let words: Vec<f64> = self
            .column(LOG_WORDS)
            .iter()
            .map(|&v| f64::from(v).exp_m1())
            .collect();
        numeric::pairwise_f64(&words).round_ties_even() as i64
    }
}

/// Python's `word_count` (`cleaner.text.lines`): whitespace-separated words, each Chinese or
/// Japanese character counting as one.
pub fn word_count(line: &str) -> usize {
    if line.is_ascii() || !has_unspaced(line) {
        return pystr::split(line).count();
    }
    UNSPACED_WORDS.find_iter(line).count()
}

/// Whether `text` has a Chinese or Japanese character (`cleaner.text.lines.has_unspaced`);
/// every such character lies at or above U+2E80, so most text is ruled out by a byte scan.
pub fn has_unspaced(text: &str) -> bool {
    text.chars().any(|c| c >= '\u{2e80}') && UNSPACED.is_match(text)
}

/// Runs of digits (`\\d+` matches): a byte scan on ASCII text, the regex on the rest.
fn digit_runs(text: &str) -> usize {
    if !text.is_ascii() {
        return DIGITS.find_iter(text).count();
    }
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(at, byte)| byte.is_ascii_digit() && (at == 0 || !bytes[at - 1].is_ascii_digit()))
        .count()
}

/// Bucket of a hashed word feature key ("first:word"): crc32 of its UTF-8, as zlib computes it.
pub fn bucket(key: &str) -> i64 {
    i64::from(crc32(key.as_bytes()) % HASH_BUCKETS)
}

/// One output line's shape (the `LINE_FEATURES` columns) and what the context needs.
fn shape_row(
    text: &str,
    lower: &str,
    lower_words: &[&str],
    stops: Option<&fxhash::FxSet<String>>,
    cut: bool,
    repeated: bool,
) -> [f32; N_LINE] {
    let n_chars = text.chars().count() as f32;
    let n_words = word_count(text) as f32;
    let stop = stops.map_or(0, |stops| {
        lower_words.iter().filter(|w| stops.contains(**w)).count()
    });
    let titled = pystr::split(text).filter(|w| pystr::is_title(w)).count() as f32;
    let digits = digit_runs(text) as f32;
    let commas = text.matches(',').count() as f32;
    let first = text.chars().next().unwrap_or(' ');
    let last = text.chars().next_back().unwrap_or(' ');
    let ends_sentence = SENTENCE_END.contains(&last);
    let dated = n_chars <= DATE_MAX_CHARS && digits > 0.0 && DATE.is_match(lower);
    let flag = |on: bool| if on { 1.0f32 } else { 0.0 };
    [
        log1p_f32(n_chars),
        log1p_f32(n_words),
        stop as f32 / n_words,
        flag(ends_sentence),
        flag(last == ':'),
        titled / n_words,
        flag(pystr::is_upper(text)),
        minimum_f32(digits / n_words, 1.0),
        flag(BULLETS.contains(&first)),
        flag(pystr::is_lower(first)),
        flag(pystr::is_digit(first)),
        flag(SEPARATORS.iter().any(|s| text.contains(s))),
        flag(LINK_MARKS.iter().any(|s| text.contains(s))),
        flag(dated),
        minimum_f32((n_chars - n_words + 1.0) / n_words, 20.0),
        commas / n_words,
        flag(cut),
        flag(repeated),
        flag(n_words <= 3.0),
        flag(ends_sentence && n_words >= PROSE_MIN_WORDS),
    ]
}

/// Hashed word features (rows, buckets): every line's first and last word, and short lines
/// whole, in that order (the order decides how float sums of their weights round).
fn word_buckets(lower_words: &[Vec<&str>]) -> (Vec<i64>, Vec<i64>) {
    fn strip<'a>(word: &&'a str) -> &'a str {
        pystr::strip_chars(word, STRIP)
    }
    let mut rows = Vec::new();
    let mut buckets = Vec::new();
    for (row, words) in lower_words.iter().enumerate() {
        rows.push(row as i64);
        buckets.push(bucket(&format!(
            "first:{}",
            words.first().map_or("", strip)
        )));
    }
    for (row, words) in lower_words.iter().enumerate() {
        rows.push(row as i64);
        buckets.push(bucket(&format!("last:{}", words.last().map_or("", strip))));
    }
    for (row, words) in lower_words.iter().enumerate() {
        if words.len() <= WHOLE_LINE_MAX_WORDS {
            let whole: Vec<&str> = words.iter().map(strip).collect();
            rows.push(row as i64);
            buckets.push(bucket(&format!("line:{}", whole.join(" "))));
        }
    }
    (rows, buckets)
}

/// Rows to the nearest flagged row before / after each row (n+1 when there is none).
fn distance_to(flags: &[bool]) -> (Vec<f32>, Vec<f32>) {
    let n = flags.len();
    let none = (n + 1) as f32;
    let mut before = vec![none; n];
    let mut after = vec![none; n];
    let mut last: Option<usize> = None;
    for (i, &flag) in flags.iter().enumerate() {
        if flag {
            last = Some(i);
        }
        if let Some(at) = last {
            before[i] = (i - at) as f32;
        }
    }
    let mut next: Option<usize> = None;
    for i in (0..n).rev() {
        if flags[i] {
            next = Some(i);
        }
        if let Some(at) = next {
            after[i] = (at - i) as f32;
        }
    }
    (before, after)
}

/// `column` moved by `offset` rows (row i gets row i+offset), `fill` beyond the page.
pub fn shift<T: Copy>(column: &[T], offset: isize, fill: T) -> Vec<T> {
    (0..column.len())
        .map(|i| {
            i.checked_add_signed(offset)
                .and_then(|j| column.get(j))
                .copied()
                .unwrap_or(fill)
        })
        .collect()
}

/// Each row's shape followed by its neighbour, window, position and page columns
/// (`context_columns`), appended to `dense` row after row.
fn extend_rows(dense: &mut Vec<f32>, base: &[[f32; N_LINE]]) {
    let n = base.len();
    let col = |index: usize| -> Vec<f32> { base.iter().map(|row| row[index]).collect() };
    let prose = col(PROSE);
    let words: Vec<f32> = col(LOG_WORDS).iter().map(|&v| v.exp_m1()).collect();
    let prose_words: Vec<f32> = words.iter().zip(&prose).map(|(w, p)| w * p).collect();
    let nonzero = |total: f32| if total == 0.0 { 1.0 } else { total };
    let total_words = nonzero(pairwise_f32(&words));
    let total_prose = nonzero(pairwise_f32(&prose_words));
    let mean = |column: &[f32]| (f64::from(pairwise_f32(column)) / n as f64) as f32;
    let page = [
        (n as f64).ln_1p() as f32,
        f64::from(total_words).ln_1p() as f32,
        mean(&col(STOP_RATIO)),
        mean(&prose),
    ];
    let neighbours: Vec<(isize, usize)> = NEIGHBOUR_OFFSETS
        .iter()
        .flat_map(|&offset| {
            NEIGHBOUR_FEATURES
                .iter()
                .map(move |name| (offset, column_index(name)))
        })
        .collect();
    let windows: Vec<Vec<f64>> = PROSE_WINDOWS
        .iter()
        .map(|&r| window_mean(&prose, r))
        .collect();
    let flags: Vec<bool> = prose.iter().map(|&p| p > 0.0).collect();
    let (to_before, to_after) = distance_to(&flags);
    let last = n.saturating_sub(1).max(1) as f32;
    let mut words_before = 0.0f32;
    let mut prose_before = 0.0f32;
    dense.reserve(n * N_FEATURES);
    for (i, shape) in base.iter().enumerate() {
        let index = i as f32;
        // numpy: (cumsum(words) - words) / total, the cumulative sum in float32.
        let words_cum = words_before + words[i];
        let prose_cum = prose_before + prose_words[i];
        dense.extend_from_slice(shape);
        // A neighbour beyond the page reads 0 (`shift` with fill 0).
        dense.extend(neighbours.iter().map(|&(offset, column)| {
            i.checked_add_signed(offset)
                .and_then(|j| base.get(j))
                .map_or(0.0, |row| row[column])
        }));
        dense.extend(windows.iter().map(|window| window[i] as f32));
        dense.extend([
            index / last,
            log1p_f32(index),
            log1p_f32(n.saturating_sub(1) as f32 - index),
            (words_cum - words[i]) / total_words,
            (prose_cum - prose_words[i]) / total_prose,
            log1p_f32(to_before[i]),
            log1p_f32(to_after[i]),
        ]);
        dense.extend(page);
        words_before = words_cum;
        prose_before = prose_cum;
    }
}

/// Features of every line that will be output (non-blank, not removed), as
/// `cleaner.text.features.page_features`: `texts` after span cuts, `removed` and `cut` per
/// line; without `with_words`, no hashed words.
pub fn page_features<S: AsRef<str>>(
    texts: &[S],
    removed: &[bool],
    cut: &[bool],
    languages: &Languages,
    with_words: bool,
) -> PageFeatures {
    let mut lines = Vec::new();
    let mut stripped: Vec<&str> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let text = text.as_ref();
        let gone = removed.get(i).copied().unwrap_or(false);
        let kept = pystr::strip(text);
        if !gone && !kept.is_empty() {
            lines.push(i);
            stripped.push(kept);
        }
    }
    let lowers: Vec<String> = stripped.iter().map(|text| pystr::lower(text)).collect();
    let lower_words: Vec<Vec<&str>> = lowers
        .iter()
        .map(|lower| pystr::split(lower).collect())
        .collect();
    let stops = languages.stops(languages.guess(&lower_words));
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for text in &stripped {
        *counts.entry(text).or_default() += 1;
    }
    let base: Vec<[f32; N_LINE]> = (0..stripped.len())
        .map(|k| {
            let line_cut = lines
                .get(k)
                .and_then(|&i| cut.get(i))
                .copied()
                .unwrap_or(false);
            let text = stripped[k];
            let repeated = counts.get(text).is_some_and(|&count| count > 1);
            shape_row(text, &lowers[k], &lower_words[k], stops, line_cut, repeated)
        })
        .collect();
    let (hash_rows, hash_buckets) = if with_words && !lines.is_empty() {
        word_buckets(&lower_words)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut dense = Vec::new();
    extend_rows(&mut dense, &base);
    PageFeatures {
        lines,
        dense,
        width: N_FEATURES,
        hash_rows,
        hash_buckets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_width() {
        let names = feature_names();
        assert_eq!(names.len(), N_FEATURES);
        assert_eq!(names[20], "log_words@-2");
        assert_eq!(names[POSITION], "position");
    }

    #[test]
    fn rows_skip_blank_and_removed_lines() {
        let languages = Languages::new(vec![("en".into(), vec!["the".into()])]);
        let texts = [
            "Hello world.",
            "  ",
            "gone",
            "The end of the story is here, they said.",
        ];
        let features = page_features(&texts, &[false, false, true, false], &[], &languages, true);
        assert_eq!(features.lines, [0, 3]);
        assert_eq!(features.dense.len(), 2 * N_FEATURES);
        assert_eq!(features.word_count(), 11);
        // first, last, whole for the short line only.
        assert_eq!(features.hash_rows, [0, 1, 0, 1, 0]);
        assert_eq!(features.hash_buckets[0], bucket("first:hello"));
        assert_eq!(features.column(PROSE), [0.0, 1.0]);
    }

    #[test]
    fn empty_and_odd_pages_do_not_panic() {
        let languages = Languages::default();
        let none: [&str; 0] = [];
        assert_eq!(page_features(&none, &[], &[], &languages, true).rows(), 0);
        let odd = ["\u{200b}", "\u{1f}", "中文字", "x"];
        let features = page_features(&odd, &[], &[true; 9], &languages, true);
        assert_eq!(features.dense.len(), features.rows() * N_FEATURES);
    }

    #[test]
    fn counts_chinese_characters_as_words() {
        assert_eq!(word_count("中文 字 abc"), 4);
        assert_eq!(word_count("a b"), 2);
        assert!(!has_unspaced("\u{3001}"));
    }
}
