//! Plain-text plumbing with Python's string semantics: splitting into lines, match keys,
//! cutting spans out of a line, and building the output text from the kept lines.
//!
//! The output format decides idempotence: whatever `build_output` writes, `split_lines` must
//! read back into the same lines. Offsets are in characters (Python's), never bytes.

/// Characters that render as nothing but defeat exact matching of labels ("Advert\u{200b}isement").
pub const INVISIBLE: [char; 6] = [
    '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}',
];

/// Lines longer than this (in characters) are never matched whole by a rule: the labels rules
/// name are short, paragraphs long. It also bounds the work per line.
pub const MATCH_KEY_MAX_CHARS: usize = 600;

/// Python's `str.isspace` for one character: Unicode White_Space plus the four information
/// separators U+001C..U+001F, which Python counts as whitespace and Rust does not.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.splitlines` line boundaries (`\r\n` is one boundary).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Split text into lines as Python's `str.splitlines` does: every Unicode line break, `\r\n`
/// as one, no empty last line after a final break.
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !is_line_break(c) {
            continue;
        }
        lines.push(&text[start..at]);
        let mut end = at + c.len_utf8();
        if c == '\r' {
            if let Some(&(next, '\n')) = chars.peek() {
                chars.next();
                end = next + 1;
            }
        }
        start = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A line with nothing visible on it: only whitespace and invisible characters.
pub fn is_blank(line: &str) -> bool {
    line.chars()
        .all(|c| is_py_space(c) || INVISIBLE.contains(&c))
}

/// The form of a line that rules match against: invisible characters removed, whitespace
/// collapsed to single spaces, ends stripped (Python's `" ".join(line.split())`).
pub fn match_key(line: &str) -> String {
    let mut key = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.chars() {
        if INVISIBLE.contains(&c) {
            continue;
        }
        if is_py_space(c) {
            pending_space = !key.is_empty();
            continue;
        }
        if pending_space {
            key.push(' ');
            pending_space = false;
        }
        key.push(c);
    }
    key
}

/// A line's match key; `Some("")` for a blank line; `None` for a line too long for any rule
/// to judge whole (longer than `MATCH_KEY_MAX_CHARS` characters and not blank).
pub fn line_key(line: &str) -> Option<String> {
    // A line of at most MAX bytes has at most MAX characters: count only when it may be long.
    if line.len() > MATCH_KEY_MAX_CHARS && line.chars().count() > MATCH_KEY_MAX_CHARS {
        return if is_blank(line) {
            Some(String::new())
        } else {
            None
        };
    }
    Some(match_key(line))
}

/// Python's `str.rstrip()`: trailing whitespace off.
pub fn rstrip(line: &str) -> &str {
    line.trim_end_matches(is_py_space)
}

/// Join kept lines into the output text; `None` marks a removed line.
///
/// Kept lines keep their order and lose trailing whitespace; blank lines mark paragraph
/// breaks and a run of them becomes one blank line; no blank lines at either end. A removed
/// line leaves no trace, so "para / junk / para" with no blanks stays two adjacent lines.
pub fn build_output<'a, I>(lines: I) -> String
where
    I: IntoIterator<Item = Option<&'a str>>,
{
    let mut out = String::new();
    let mut any = false;
    let mut pending_break = false;
    for line in lines.into_iter().flatten() {
        let kept = rstrip(line);
        if kept.is_empty() || is_blank(kept) {
            pending_break = any;
            continue;
        }
        if any {
            out.push('\n');
        }
        if pending_break {
            out.push('\n');
            pending_break = false;
        }
        out.push_str(kept);
        any = true;
    }
    out
}

/// Merge possibly overlapping `(start, end)` character spans into sorted disjoint ones.
pub fn merge_spans(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut sorted = spans.to_vec();
    sorted.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(sorted.len());
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Remove the union of `spans` (character offsets) from `line`. Whitespace on both sides of a
/// hole collapses to one space and the result is stripped: "said Tuesday. ADVERTISEMENT The
/// council" becomes "said Tuesday. The council".
///
/// Returns the text and, per piece of it, `(offset in the result, offset in the line)`, so an
/// offset in the cut text maps back to the line (two entries for a 10 MB line with one cut).
pub fn cut_spans(line: &str, spans: &[(usize, usize)]) -> (String, Vec<(usize, usize)>) {
    let chars: Vec<char> = line.chars().collect();
    let total = chars.len();
    let mut kept = Vec::new();
    let mut position = 0;
    for (start, end) in merge_spans(spans) {
        kept.push((position, start.min(total)));
        position = position.max(end);
    }
    kept.push((position.min(total), total));

    let mut out = String::with_capacity(line.len());
    let mut pieces = Vec::new();
    let mut length = 0;
    for (mut start, mut end) in kept {
        while start < end && is_py_space(chars[start]) {
            start += 1;
        }
        while end > start && is_py_space(chars[end - 1]) {
            end -= 1;
        }
        if start >= end {
            continue;
        }
        if !pieces.is_empty() {
            // The joining space stands for the hole (and the spaces) just before this piece.
            out.push(' ');
            pieces.push((length, start - 1));
            length += 1;
        }
        out.extend(&chars[start..end]);
        pieces.push((length, start));
        length += end - start;
    }
    (out, pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_python() {
        assert_eq!(
            split_lines("a\r\nb\rc\u{2028}d\n"),
            vec!["a", "b", "c", "d"]
        );
        assert_eq!(split_lines("a\n\nb"), vec!["a", "", "b"]);
        assert!(split_lines("").is_empty());
        assert_eq!(split_lines("\n"), vec![""]);
        assert_eq!(split_lines("x\u{1c}y"), vec!["x", "y"]);
    }

    #[test]
    fn keys_collapse_space_and_drop_invisible() {
        assert_eq!(
            line_key("  Advert\u{200b}isement \u{a0} now "),
            Some("Advertisement now".into())
        );
        assert_eq!(line_key(&"x ".repeat(400)), None);
        assert_eq!(line_key(&" ".repeat(900)), Some(String::new()));
    }

    #[test]
    fn output_keeps_one_break() {
        let lines = [
            Some("a "),
            Some(""),
            Some("  "),
            None,
            Some("b"),
            Some("c"),
            Some(""),
        ];
        assert_eq!(build_output(lines), "a\n\nb\nc");
        assert_eq!(build_output([Some("a"), None, Some("b")]), "a\nb");
    }

    #[test]
    fn cuts_collapse_whitespace() {
        let line = "said Tuesday. ADVERTISEMENT The council";
        let (text, pieces) = cut_spans(line, &[(14, 27)]);
        assert_eq!(text, "said Tuesday. The council");
        assert_eq!(pieces, vec![(0, 0), (13, 27), (14, 28)]);
        assert_eq!(cut_spans("ADS", &[(0, 3)]).0, "");
    }
}
