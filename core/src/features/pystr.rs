//! Python's `str` predicates and transforms, character by character, so that features
//! computed here equal the ones the training code computed with Python string methods.
//!
//! The character predicates are tables generated from Python's Unicode database
//! (`unicode_tables.rs`): Rust's `char::is_lowercase` follows the toolchain's Unicode version,
//! which can disagree with the one the models were trained under (U+0295 is lowercase in
//! Unicode 14, not in 16), and Rust has no `isdigit` or titlecase test. Whitespace is
//! Python's (`lines::is_py_space`).

use super::unicode_tables::{DIGIT, LOWER, LOWERED, TITLE, UPPER};
use crate::lines::is_py_space;

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let code = u32::from(c);
    // Sorted, disjoint ranges: the first range ending at or after `code` decides.
    let at = ranges.partition_point(|&(_, high)| high < code);
    ranges.get(at).is_some_and(|&(low, _)| low <= code)
}

/// Python's `str.isdigit` on one character.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_ranges(&DIGIT, c))
}

/// Titlecase letter (`Lt`), Python's `Py_UNICODE_ISTITLE`.
pub fn is_titlecase(c: char) -> bool {
    !c.is_ascii() && in_ranges(&TITLE, c)
}

/// Python's `str.islower` on one character.
pub fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    in_ranges(&LOWER, c)
}

/// Python's `str.isupper` on one character.
pub fn is_upper_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    in_ranges(&UPPER, c)
}

/// Python's `str.split()`: runs of whitespace separate words, no empty words.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_py_space).filter(|word| !word.is_empty())
}

/// Python's `str.strip()` without arguments.
pub fn strip(text: &str) -> &str {
    text.trim_matches(is_py_space)
}

/// Python's `str.strip(chars)`.
pub fn strip_chars<'a>(text: &'a str, chars: &[char]) -> &'a str {
    text.trim_matches(|c| chars.contains(&c))
}

/// Python's `str.lower()`: full case mapping, final sigma included (Rust's `to_lowercase`
/// implements the same rules). Characters Python's Unicode does not lower (letters added
/// since) stay as they are; such a line is lowered character by character.
pub fn lower(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let newer = |c: char| !c.is_ascii() && !in_ranges(&LOWERED, c) && c.to_lowercase().ne([c]);
    if !text.chars().any(newer) {
        return text.to_lowercase();
    }
    text.chars()
        .flat_map(|c| {
            let keep = c.is_ascii() || in_ranges(&LOWERED, c);
            let lowered: Vec<char> = if keep {
                c.to_lowercase().collect()
            } else {
                vec![c]
            };
            lowered
        })
        .collect()
}

/// Python's `str.istitle()`: capitals only after uncased characters, small letters only
/// after cased ones, and at least one cased character.
pub fn is_title(text: &str) -> bool {
    let mut cased = false;
    let mut previous_cased = false;
    for c in text.chars() {
        if is_upper_char(c) || is_titlecase(c) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else if is_lower(c) {
            if !previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    cased
}

/// Python's `str.isupper()`: no small or titlecase letter and at least one capital.
pub fn is_upper(text: &str) -> bool {
    let mut cased = false;
    for c in text.chars() {
        if is_lower(c) || is_titlecase(c) {
            return false;
        }
        cased |= is_upper_char(c);
    }
    cased
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_match_python() {
        assert!(is_digit('7') && is_digit('²') && is_digit('٣') && !is_digit('½'));
        assert!(!is_digit('a') && !is_digit('Ⅻ'));
        assert!(is_title("Hello") && is_title("ǅemal") && !is_title("HEllo") && !is_title("123"));
        assert!(is_title("Hello-World") && !is_title("hello"));
        assert!(is_upper("ABC 1") && !is_upper("ABc") && !is_upper("123"));
        assert!(is_lower('\u{295}') && is_lower('\u{24d8}') && is_lower('ª') && !is_lower('A'));
        assert!(is_upper_char('Ⓐ') && !is_upper_char('ǅ'));
        assert_eq!(
            split("  a\u{a0}b\u{1f}c  ").collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(strip("\u{3000} x \u{85}"), "x");
        assert_eq!(strip_chars("«(hi)»", &['«', '»', '(', ')']), "hi");
        assert_eq!(lower("ΟΔΟΣ İ"), "οδος i\u{307}");
        assert_eq!(lower("A\u{a7cb}É"), "a\u{a7cb}é"); // Unicode 16's Ɤ: not lowered in 14
    }
}
