//! Stop lists by language and the page-language guess (`cleaner.text.features.guess_language`).
//!
//! The lists come from Python (`models/stopwords.json`, read once there), in the file's
//! order: ties between languages go to the one seen first, as with Python's `Counter`.

use super::fxhash::{FxMap, FxSet};

/// How many words of a page are enough to guess its language from stop words.
pub const LANGUAGE_SAMPLE_WORDS: usize = 2000;
/// Below this share of stop words in the sample, no stop list fits: treat as unknown.
pub const LANGUAGE_MIN_SHARE: f64 = 0.04;

/// The shipped stop lists, indexed both ways: language to words, word to languages.
#[derive(Debug, Default, Clone)]
pub struct Languages {
    names: Vec<String>,
    stops: Vec<FxSet<String>>,
    languages_of: FxMap<String, Vec<usize>>,
}

impl Languages {
    /// From (language, words) pairs in file order.
    pub fn new(lists: Vec<(String, Vec<String>)>) -> Self {
        let mut languages = Languages::default();
        for (index, (name, words)) in lists.into_iter().enumerate() {
            for word in &words {
                let langs = languages.languages_of.entry(word.clone()).or_default();
                if !langs.contains(&index) {
                    langs.push(index);
                }
            }
            languages.names.push(name);
            languages.stops.push(words.into_iter().collect());
        }
        languages
    }

    /// The name of language `index`.
    pub fn name(&self, index: usize) -> Option<&str> {
        self.names.get(index).map(String::as_str)
    }

    /// The stop words of language `index` (None: unknown language, no stop words).
    pub fn stops(&self, index: Option<usize>) -> Option<&FxSet<String>> {
        index.and_then(|index| self.stops.get(index))
    }

    /// The language whose stop words are most frequent among the first lines' words (whole
    /// lines until `LANGUAGE_SAMPLE_WORDS`), or None if none reaches `LANGUAGE_MIN_SHARE`.
    /// `lower_words`: each line lower-cased and split.
    pub fn guess<S: AsRef<str>>(&self, lower_words: &[Vec<S>]) -> Option<usize> {
        let mut sampled = 0usize;
        // Hits per language, and the order in which languages were first hit (Counter's
        // insertion order breaks ties in `most_common`).
        let mut hits = vec![0usize; self.names.len()];
        let mut first_seen: Vec<usize> = Vec::new();
        for words in lower_words {
            for word in words {
                for &lang in self.languages_of.get(word.as_ref()).into_iter().flatten() {
                    if let Some(count) = hits.get_mut(lang) {
                        if *count == 0 {
                            first_seen.push(lang);
                        }
                        *count += 1;
                    }
                }
            }
            sampled += words.len();
            if sampled >= LANGUAGE_SAMPLE_WORDS {
                break;
            }
        }
        let mut best: Option<(usize, usize)> = None;
        for &lang in &first_seen {
            let count = hits.get(lang).copied().unwrap_or(0);
            if best.is_none_or(|(_, most)| count > most) {
                best = Some((lang, count));
            }
        }
        let (lang, count) = best?;
        (count as f64 >= LANGUAGE_MIN_SHARE * sampled as f64).then_some(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages() -> Languages {
        let list = |words: &str| words.split(' ').map(str::to_owned).collect();
        Languages::new(vec![
            ("en".into(), list("the a of")),
            ("fr".into(), list("le la a")),
        ])
    }

    #[test]
    fn guesses_the_most_frequent_and_breaks_ties_by_first_seen() {
        let langs = languages();
        assert_eq!(langs.guess(&[vec!["le", "chat", "the"]]), Some(1));
        assert_eq!(langs.guess(&[vec!["a", "x"]]), Some(0));
        assert_eq!(langs.guess(&[vec!["la", "la", "the", "of", "of"]]), Some(0));
        assert_eq!(langs.guess::<&str>(&[]), None);
        let many: Vec<&str> = std::iter::repeat_n("word", 100).collect();
        assert_eq!(langs.guess(&[many, vec!["the"]]), None);
    }
}
