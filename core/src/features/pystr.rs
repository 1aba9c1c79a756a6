//! Python's `str` predicates and transforms, character by character, so that features
//! computed here equal the ones the training code computed with Python string methods.
//!
//! Rust's `char` methods follow the Unicode derived properties Python uses for `isupper` and
//! `islower`; titlecase (`Lt`) and `isdigit` (Numeric_Type Digit or Decimal) have no Rust
//! counterpart and are tables here. Whitespace is Python's (`lines::is_py_space`).

use crate::lines::is_py_space;

/// Ranges of the characters for which Python's `str.isdigit` holds (Numeric_Type Digit or
/// Decimal), generated from Python 3.11.7's Unicode 14.0.0 database;
/// Rust has no such predicate (`char::is_numeric` also takes fractions and Roman numerals).
const DIGIT_RANGES: [(u32, u32); 81] = [
    (0x0030, 0x0039),
    (0x00B2, 0x00B3),
    (0x00B9, 0x00B9),
    (0x0660, 0x0669),
    (0x06F0, 0x06F9),
    (0x07C0, 0x07C9),
    (0x0966, 0x096F),
    (0x09E6, 0x09EF),
    (0x0A66, 0x0A6F),
    (0x0AE6, 0x0AEF),
    (0x0B66, 0x0B6F),
    (0x0BE6, 0x0BEF),
    (0x0C66, 0x0C6F),
    (0x0CE6, 0x0CEF),
    (0x0D66, 0x0D6F),
    (0x0DE6, 0x0DEF),
    (0x0E50, 0x0E59),
    (0x0ED0, 0x0ED9),
    (0x0F20, 0x0F29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x1369, 0x1371),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19DA),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0x2070, 0x2070),
    (0x2074, 0x2079),
    (0x2080, 0x2089),
    (0x2460, 0x2468),
    (0x2474, 0x247C),
    (0x2488, 0x2490),
    (0x24EA, 0x24EA),
    (0x24F5, 0x24FD),
    (0x24FF, 0x24FF),
    (0x2776, 0x277E),
    (0x2780, 0x2788),
    (0x278A, 0x2792),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10A40, 0x10A43),
    (0x10D30, 0x10D39),
    (0x10E60, 0x10E68),
    (0x11052, 0x1105A),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E950, 0x1E959),
    (0x1F100, 0x1F10A),
    (0x1FBF0, 0x1FBF9),
];

/// The titlecase letters (general category `Lt`): digraphs like "ǅ" and Greek letters with
/// prosgegrammeni. Python's `istitle` treats them like capitals.
const TITLECASE_RANGES: [(u32, u32); 10] = [
    (0x01C5, 0x01C5),
    (0x01C8, 0x01C8),
    (0x01CB, 0x01CB),
    (0x01F2, 0x01F2),
    (0x1F88, 0x1F8F),
    (0x1F98, 0x1F9F),
    (0x1FA8, 0x1FAF),
    (0x1FBC, 0x1FBC),
    (0x1FCC, 0x1FCC),
    (0x1FFC, 0x1FFC),
];

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let code = u32::from(c);
    // Sorted, disjoint ranges: the first range ending at or after `code` decides.
    let at = ranges.partition_point(|&(_, high)| high < code);
    ranges.get(at).is_some_and(|&(low, _)| low <= code)
}

/// Python's `str.isdigit` on one character.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_ranges(&DIGIT_RANGES, c))
}

/// Titlecase letter (`Lt`), Python's `Py_UNICODE_ISTITLE`.
pub fn is_titlecase(c: char) -> bool {
    !c.is_ascii() && in_ranges(&TITLECASE_RANGES, c)
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
/// implements the same rules).
pub fn lower(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.to_lowercase()
}

/// Python's `str.istitle()`: capitals only after uncased characters, small letters only
/// after cased ones, and at least one cased character.
pub fn is_title(text: &str) -> bool {
    let mut cased = false;
    let mut previous_cased = false;
    for c in text.chars() {
        if c.is_uppercase() || is_titlecase(c) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else if c.is_lowercase() {
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
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
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
        assert_eq!(
            split("  a\u{a0}b\u{1f}c  ").collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(strip("\u{3000} x \u{85}"), "x");
        assert_eq!(strip_chars("«(hi)»", &['«', '»', '(', ')']), "hi");
        assert_eq!(lower("ΟΔΟΣ İ"), "οδος i\u{307}");
    }
}
