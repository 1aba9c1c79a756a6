//! The tail guard: decides whether a tail marker really starts a site tail (see the
//! Python module `cleaner.filters.tail` for the reasoning; this is its implementation).
//!
//! A marker cuts when what follows reads like teasers: no run of `ARTICLE_RUN` prose
//! paragraphs, at least `MIN_ARTICLE_WORDS` prose words above, and no more prose after than
//! `MAX_TAIL_PROSE_SHARE` of it. A comment-section marker (lenient) needs only an article
//! above it, and the page's longest prose run (or a thread of stamps under it) tells that.
//! Markers are judged from the last to the first in one backward pass.

use crate::lines::is_py_space;
use regex::Regex;

pub const PROSE_MIN_WORDS: usize = 8;
pub const PROSE_MIN_CHARS: usize = 40;
pub const ARTICLE_RUN: usize = 3;
pub const MIN_ARTICLE_WORDS: usize = 60;
pub const MAX_TAIL_PROSE_SHARE: f64 = 0.5;
pub const STAMP_MAX_CHARS: usize = 80;
pub const THREAD_STAMPS: usize = 2;
pub const THREAD_NEAR: usize = 8;
pub const THREAD_SPAN: usize = 40;
pub const THREAD_ARTICLE_WORDS: usize = 2 * MIN_ARTICLE_WORDS;

/// Sentence-final punctuation, and the closing quotes or brackets that may follow it.
const SENTENCE_END: &[char] = &[
    '.', '!', '?', '\u{2026}', '\u{3002}', '\u{ff01}', '\u{ff1f}',
];
const CLOSERS: &[char] = &[
    '"', '\'', '\u{201d}', '\u{2019}', '\u{bb}', ')', ']', '\u{300d}', '\u{300f}', '\u{ff09}',
];

/// A reader comment's stamp ("Pat says:", "9:14 am", "3 hours ago").
const THREAD_STAMP: &str = r"(?i)\b(?:said|says|wrote)\s?(?:\.\.\.|…|:)|\d:\d\d\b|\b\d{1,3}\s(?:minute|hour|day|week|month|year)s?\sago\b";

/// Where a tail starts, which marker opened it, and what the guard saw after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailCut<M> {
    pub start: usize,
    pub marker: M,
    pub longest_run: usize,
    pub prose_after: usize,
    pub prose_before: usize,
    pub lenient: bool,
}

/// The guard's compiled patterns (built once per rule set).
#[derive(Debug, Clone)]
pub struct TailGuard {
    stamp: Regex,
}

impl Default for TailGuard {
    fn default() -> Self {
        Self::new()
    }
}

/// Python's `line.rstrip().rstrip(CLOSERS)` ends in sentence-final punctuation.
pub fn ends_like_sentence(line: &str) -> bool {
    line.trim_end_matches(is_py_space)
        .trim_end_matches(CLOSERS)
        .ends_with(SENTENCE_END)
}

/// Whether a marker's tail goes on like an article (no cut).
pub fn keeps_going(longest_run: usize, prose_after: usize, prose_before: usize) -> bool {
    longest_run >= ARTICLE_RUN
        || prose_before < MIN_ARTICLE_WORDS
        || prose_after as f64 > MAX_TAIL_PROSE_SHARE * prose_before as f64
}

fn opens_tail(lenient: bool, longest_run: usize, prose_after: usize, prose_before: usize) -> bool {
    if lenient {
        return prose_before >= MIN_ARTICLE_WORDS;
    }
    !keeps_going(longest_run, prose_after, prose_before)
}

impl TailGuard {
    pub fn new() -> Self {
        let compile = |pattern: &str| Regex::new(pattern).expect("a fixed, tested pattern");
        Self {
            stamp: compile(THREAD_STAMP),
        }
    }

    /// Words of a prose paragraph, or 0 if the line does not read as one (words counted as
    /// the line features count them, `crate::features::word_count`).
    pub fn prose_words(&self, line: &str) -> usize {
        if !ends_like_sentence(line) {
            return 0;
        }
        let words = crate::features::word_count(line);
        let stripped = line.trim_matches(is_py_space);
        if words >= PROSE_MIN_WORDS || stripped.chars().count() >= PROSE_MIN_CHARS {
            return words.max(1);
        }
        0
    }

    /// Whether stamp lines show a comment thread right under line `index` (up to `end`).
    fn thread_follows(&self, survivors: &[Option<&str>], index: usize, end: usize) -> bool {
        let mut found = 0;
        let mut limit = end.min(index + 1 + THREAD_NEAR);
        let mut line_no = index + 1;
        while line_no < limit {
            if let Some(line) = survivors[line_no] {
                if line.chars().count() <= STAMP_MAX_CHARS && self.stamp.is_match(line) {
                    found += 1;
                    if found == THREAD_STAMPS {
                        return true;
                    }
                    limit = end.min(line_no + 1 + THREAD_SPAN);
                }
            }
            line_no += 1;
        }
        false
    }

    /// The first line where a tail starts, or None. `markers[i]` is (what identifies the
    /// marker, whether it is lenient) for a marker line.
    pub fn find_tail<M: Copy>(
        &self,
        survivors: &[Option<&str>],
        markers: &[Option<(M, bool)>],
    ) -> Option<TailCut<M>> {
        let count = survivors.len().min(markers.len());
        let words: Vec<usize> = survivors[..count]
            .iter()
            .map(|line| line.map_or(0, |line| self.prose_words(line)))
            .collect();
        let mut before = Vec::with_capacity(count + 1);
        before.push(0);
        for &w in &words {
            before.push(before[before.len() - 1] + w);
        }
        let first = (0..count).find(|&i| markers[i].is_some() && before[i] >= MIN_ARTICLE_WORDS)?;
        let mut cut: Option<TailCut<M>> = None;
        let (mut after, mut run, mut best) = (0, 0, 0);
        let mut article_start: Option<usize> = None;
        for index in (first..count).rev() {
            if let Some((marker, easy)) = markers[index] {
                if easy && article_start.is_none() {
                    article_start = Some(main_run_start(&words, survivors));
                }
                let end = cut.as_ref().map_or(count, |cut| cut.start);
                let below_article = !easy
                    || article_start.is_some_and(|start| start < index)
                    || (before[index] >= THREAD_ARTICLE_WORDS
                        && self.thread_follows(survivors, index, end));
                if below_article && opens_tail(easy, best, after, before[index]) {
                    cut = Some(TailCut {
                        start: index,
                        marker,
                        longest_run: best,
                        prose_after: after,
                        prose_before: before[index],
                        lenient: easy,
                    });
                    (after, run, best) = (0, 0, 0);
                    continue;
                }
            }
            if survivors[index].is_none() {
                continue;
            }
            after += words[index];
            run = if words[index] > 0 { run + 1 } else { 0 };
            best = best.max(run);
        }
        cut
    }
}

/// First line of the run of consecutive prose lines with the most prose words.
fn main_run_start(words: &[usize], survivors: &[Option<&str>]) -> usize {
    let (mut best_start, mut best_words, mut start, mut total) = (0, 0, 0, 0);
    for (index, &count) in words.iter().enumerate() {
        if survivors[index].is_none() {
            continue;
        }
        if count == 0 {
            total = 0;
            continue;
        }
        if total == 0 {
            start = index;
        }
        total += count;
        if total > best_words {
            (best_start, best_words) = (start, total);
        }
    }
    best_start
}
