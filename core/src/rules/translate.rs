//! Rule patterns are written in the syntax of Python's `regex` module (V0, as `re`); the
//! core matches them with the `regex` crate, which runs in linear time because it has no
//! backtracking. This module rewrites the few spellings that differ and refuses, by name,
//! every construct that needs backtracking, so that a pack fails when it is loaded, not
//! on the millionth page.
//!
//! Translated: `\Z` (end of text) to `\z`; `{,n}` to `{0,n}`; a `{` or `}` that is not
//! part of a repetition to a literal; `\<`, `\>` and escaped non-ASCII characters to
//! literals; octal escapes and `\b` inside a class to hex escapes; `[`, `&`, `~` inside a
//! class to literals (the crate reads them as nested classes and set operations); `(?#...)`
//! comments are dropped. Refused: look-ahead and look-behind, backreferences, atomic groups,
//! possessive repetitions, conditionals, recursion, branch reset, the `x`, `a` and `L` and
//! the regex-module-only flags, inline flags anywhere but at the start, `\G`, `\K`, `\X`,
//! `\N{...}`, `\m`, `\M`.

use std::fmt;

/// Why a pattern cannot be used: the construct, where it starts (a character offset into
/// the pattern), and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub construct: &'static str,
    pub at: usize,
    pub advice: &'static str,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at character {} is not supported (rule patterns run in linear time, without \
             backtracking); rewrite the pattern without it: {}",
            self.construct, self.at, self.advice
        )
    }
}

const REWRITE: &str = "match the text some other way";
const LOOK_AROUND: &str = "for context around a span, match the context and put the part to \
     cut in a group named `cut`; for a line rule's conditions, list them in `requires`";

fn refuse(construct: &'static str, at: usize, advice: &'static str) -> Unsupported {
    Unsupported {
        construct,
        at,
        advice,
    }
}

/// Translate a Python `regex` (V0) pattern into the `regex` crate's syntax, or say which
/// construct it uses that the crate cannot run.
pub fn translate(pattern: &str) -> Result<String, Unsupported> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    // Whether something that a repetition can follow was just written.
    let mut atom = false;
    // Open groups: a stray ')' must fail here, or it would close the group the pattern is
    // wrapped in and reopen the rest as another alternative.
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                i = escape(&chars, i, &mut out, false)?;
                atom = true;
                continue;
            }
            '[' => {
                i = class(&chars, i, &mut out)?;
                atom = true;
                continue;
            }
            '(' => {
                let before = out.len();
                i = group_open(&chars, i, &mut out)?;
                // A global flag group `(?i)` writes a whole group; a comment writes nothing.
                if out.len() > before && !out.ends_with(')') {
                    depth += 1;
                }
                atom = false;
                continue;
            }
            ')' => {
                depth = depth.checked_sub(1).ok_or_else(|| {
                    refuse("an unbalanced ')'", i, "remove it or escape it as \\)")
                })?;
                out.push(')');
                atom = true;
            }
            '*' | '+' | '?' => {
                out.push(c);
                i += 1;
                i = after_repetition(&chars, i, &mut out)?;
                atom = false;
                continue;
            }
            '{' => {
                if let Some((text, end)) = repetition(&chars, i).filter(|_| atom) {
                    out.push_str(&text);
                    i = after_repetition(&chars, end, &mut out)?;
                    atom = false;
                } else {
                    out.push_str("\\{");
                    i += 1;
                    atom = true;
                }
                continue;
            }
            '}' => {
                out.push_str("\\}");
                atom = true;
            }
            '|' | '^' => {
                out.push(c);
                atom = false;
            }
            _ => {
                // Everything else means the same in both outside a class: `.`, `$`, literals.
                out.push(c);
                atom = c != '$';
            }
        }
        i += 1;
    }
    // An unclosed group is left to the parser, whose error says "does not compile".
    Ok(out)
}

/// A lazy `?` may follow a repetition; a possessive `+` may not.
fn after_repetition(chars: &[char], i: usize, out: &mut String) -> Result<usize, Unsupported> {
    match chars.get(i) {
        Some('?') => {
            out.push('?');
            Ok(i + 1)
        }
        Some('+') => Err(refuse(
            "a possessive repetition (*+, ++, ?+, {m,n}+)",
            i,
            "drop the final '+' and make sure the pattern cannot match one text in many ways",
        )),
        _ => Ok(i),
    }
}

/// `{n}`, `{n,}`, `{,m}`, `{n,m}` starting at `i`: the crate's spelling and the index after
/// it; None when Python would read the brace as a literal.
fn repetition(chars: &[char], i: usize) -> Option<(String, usize)> {
    let close = chars[i..].iter().position(|&c| c == '}')? + i;
    let inner: String = chars[i + 1..close].iter().collect();
    let (low, high) = match inner.split_once(',') {
        Some((low, high)) => (low, Some(high)),
        None => (inner.as_str(), None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(low)
        || !high.is_none_or(digits)
        || (low.is_empty() && high.is_none_or(str::is_empty))
    {
        return None;
    }
    let low = if low.is_empty() { "0" } else { low };
    let text = match high {
        None => format!("{{{low}}}"),
        Some(high) => format!("{{{low},{high}}}"),
    };
    Some((text, close + 1))
}

/// One escape sequence at `i` (the backslash); returns the index after it.
fn escape(
    chars: &[char],
    i: usize,
    out: &mut String,
    in_class: bool,
) -> Result<usize, Unsupported> {
    let Some(&c) = chars.get(i + 1) else {
        return Err(refuse(
            "a trailing backslash",
            i,
            "escape it as \\\\ or remove it",
        ));
    };
    let next = i + 2;
    match c {
        '1'..='9' if !in_class => Err(refuse(
            "a backreference (\\1 ...)",
            i,
            "match the repeated text explicitly",
        )),
        '0'..='7' => {
            // An octal escape: up to three octal digits (Python's rule for \0 and in classes).
            let mut end = next;
            while end < chars.len() && end < i + 4 && ('0'..='7').contains(&chars[end]) {
                end += 1;
            }
            let digits: String = chars[i + 1..end].iter().collect();
            let value = u32::from_str_radix(&digits, 8).unwrap_or(0);
            out.push_str(&format!("\\x{{{value:x}}}"));
            Ok(end)
        }
        'Z' if !in_class => {
            out.push_str("\\z");
            Ok(next)
        }
        'b' if in_class => {
            out.push_str("\\x08");
            Ok(next)
        }
        'G' | 'K' | 'X' | 'N' | 'm' | 'M' | 'z' => Err(refuse(
            match c {
                'G' => "\\G (match at the search position)",
                'K' => "\\K (keep out of the match)",
                'X' => "\\X (grapheme cluster)",
                'N' => "\\N{...} (named character)",
                'm' | 'M' => "\\m / \\M (word start / end)",
                _ => "\\z",
            },
            i,
            match c {
                'N' => "write the character itself or \\uXXXX",
                'm' | 'M' => "use \\b",
                'z' => "use \\Z for the end of the text",
                _ => REWRITE,
            },
        )),
        'p' | 'P' if chars.get(next) == Some(&'{') => {
            // A Unicode property, `\p{Lu}`: copied whole, braces and all.
            let close = chars[next..]
                .iter()
                .position(|&c| c == '}')
                .map(|p| p + next);
            let end = close.ok_or_else(|| {
                refuse("an unterminated \\p{...}", i, "close the property with '}'")
            })?;
            out.extend(&chars[i..=end]);
            Ok(end + 1)
        }
        '<' | '>' => {
            out.push(c);
            Ok(next)
        }
        c if !c.is_ascii() => {
            out.push(c);
            Ok(next)
        }
        _ => {
            out.push('\\');
            out.push(c);
            Ok(next)
        }
    }
}

/// A character class at `i` (the `[`); returns the index after its `]`.
fn class(chars: &[char], i: usize, out: &mut String) -> Result<usize, Unsupported> {
    out.push('[');
    let mut j = i + 1;
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    if chars.get(j) == Some(&']') {
        out.push_str("\\]");
        j += 1;
    }
    while j < chars.len() {
        let c = chars[j];
        match c {
            ']' => {
                out.push(']');
                return Ok(j + 1);
            }
            '\\' => {
                j = escape(chars, j, out, true)?;
                continue;
            }
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.get(j + 1) == Some(&'-') => {
                return Err(refuse(
                    "'--' in a character class",
                    j,
                    "write a literal '-' as \\- inside a class",
                ));
            }
            _ => out.push(c),
        }
        j += 1;
    }
    Err(refuse(
        "an unterminated character class",
        i,
        "close it with ']'",
    ))
}

/// A group opening at `i` (the `(`); returns the index after what was consumed.
fn group_open(chars: &[char], i: usize, out: &mut String) -> Result<usize, Unsupported> {
    if chars.get(i + 1) != Some(&'?') {
        out.push('(');
        return Ok(i + 1);
    }
    let at = |k: usize| chars.get(i + 2 + k).copied();
    match (at(0), at(1)) {
        (Some(':'), _) => {
            out.push_str("(?:");
            Ok(i + 3)
        }
        (Some('P'), Some('<')) => {
            out.push_str("(?P<");
            Ok(i + 4)
        }
        (Some('<'), Some(c)) if c != '=' && c != '!' => {
            out.push_str("(?P<");
            Ok(i + 3)
        }
        (Some('='), _) | (Some('!'), _) => Err(refuse("a look-ahead (?= / (?!", i, LOOK_AROUND)),
        (Some('<'), _) => Err(refuse("a look-behind (?<= / (?<!", i, LOOK_AROUND)),
        (Some('>'), _) => Err(refuse(
            "an atomic group (?>...)",
            i,
            "use a plain group (?:...) and make the alternatives not prefixes of one another",
        )),
        (Some('P'), Some('=')) => Err(refuse(
            "a named backreference (?P=name)",
            i,
            "match the repeated text explicitly",
        )),
        (Some('#'), _) => {
            // A comment: dropped up to its closing parenthesis.
            let close = chars[i..].iter().position(|&c| c == ')').map(|p| p + i);
            close
                .map(|end| end + 1)
                .ok_or_else(|| refuse("an unterminated comment (?#", i, "close it with ')'"))
        }
        (Some('('), _) => Err(refuse("a conditional (?(...)...)", i, REWRITE)),
        (Some('|'), _) => Err(refuse("a branch reset (?|...)", i, REWRITE)),
        (Some(c), _) if c == 'R' || c == '&' || c.is_ascii_digit() || c == '+' => {
            Err(refuse("recursion (?R) / (?&name)", i, REWRITE))
        }
        _ => flags(chars, i, out),
    }
}

/// Inline flags `(?i)`, `(?i:...)`, `(?-i:...)`: the ones both engines read alike.
fn flags(chars: &[char], i: usize, out: &mut String) -> Result<usize, Unsupported> {
    let mut j = i + 2;
    let mut spelled = String::new();
    while let Some(&c) = chars.get(j) {
        match c {
            'i' | 'm' | 's' | '-' => spelled.push(c),
            'u' => {} // Unicode: the default in both
            'x' => {
                return Err(refuse(
                    "the verbose flag (?x)",
                    i,
                    "write the pattern without it (spaces are literal, no # comments)",
                ))
            }
            ':' | ')' => break,
            _ => {
                return Err(refuse(
                    "an inline flag other than i, m, s, u",
                    i,
                    "remove the flag (case is set by `case_sensitive`)",
                ))
            }
        }
        j += 1;
    }
    match chars.get(j) {
        Some(':') => {
            out.push_str("(?");
            out.push_str(&spelled);
            out.push(':');
            Ok(j + 1)
        }
        Some(')') if i == 0 || only_flags_before(chars, i) => {
            if !spelled.is_empty() && spelled != "-" {
                out.push_str("(?");
                out.push_str(&spelled);
                out.push(')');
            }
            Ok(j + 1)
        }
        Some(_) => Err(refuse(
            "inline flags in the middle of a pattern",
            i,
            "put them at the very start, or scope them as (?i:...)",
        )),
        None => Err(refuse("an unterminated group", i, "close it with ')'")),
    }
}

/// Python applies a global flag group anywhere; accept it where both engines agree: when
/// only other flag groups precede it.
fn only_flags_before(chars: &[char], i: usize) -> bool {
    let before: String = chars[..i].iter().collect();
    let mut rest = before.as_str();
    while let Some(tail) = rest.strip_prefix("(?") {
        match tail.find(')') {
            Some(end) if tail[..end].chars().all(|c| "imsux-".contains(c)) => {
                rest = &tail[end + 1..];
            }
            _ => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(pattern: &str) -> String {
        translate(pattern).unwrap()
    }

    fn refused(pattern: &str) -> &'static str {
        translate(pattern).unwrap_err().construct
    }

    #[test]
    fn rewrites_python_spellings() {
        assert_eq!(ok(r"ads\Z"), r"ads\z");
        assert_eq!(ok(r"a{,3}"), r"a{0,3}");
        assert_eq!(ok(r"a{2,}b{3}"), r"a{2,}b{3}");
        assert_eq!(ok(r"{x}"), r"\{x\}");
        assert_eq!(ok(r"\<b\>"), "<b>");
        assert_eq!(ok(r"[[a&&b~~]"), r"[\[a\&\&b\~\~]");
        assert_eq!(ok(r"[]a]"), r"[\]a]");
        assert_eq!(ok(r"\0"), r"\x{0}");
        assert_eq!(ok(r"[\b]"), r"[\x08]");
        assert_eq!(ok(r"a(?#note)b"), "ab");
        assert_eq!(ok(r"(?i)abc"), "(?i)abc");
        assert_eq!(ok(r"(?i:a)(?-i:b)"), "(?i:a)(?-i:b)");
        assert_eq!(ok(r"(?<name>a)"), "(?P<name>a)");
        assert_eq!(ok(r"a*?b+?"), r"a*?b+?");
        assert_eq!(ok(r"\…"), "…");
    }

    #[test]
    fn refuses_backtracking_constructs_by_name() {
        assert!(refused("(?=a)").contains("look-ahead"));
        assert!(refused("(?!a)").contains("look-ahead"));
        assert!(refused("(?<=a)b").contains("look-behind"));
        assert!(refused("(?<!a)b").contains("look-behind"));
        assert!(refused(r"(a)\1").contains("backreference"));
        assert!(refused("(?P<x>a)(?P=x)").contains("backreference"));
        assert!(refused("(?>a|ab)").contains("atomic"));
        assert!(refused("a++").contains("possessive"));
        assert!(refused("a{1,3}+").contains("possessive"));
        assert!(refused("(?x)a b").contains("verbose"));
        assert!(refused("a(?i)b").contains("middle"));
        assert!(refused(r"\N{DASH}").contains("named character"));
        assert!(refused("[abc").contains("unterminated"));
        assert!(refused("ab\\").contains("backslash"));
        assert!(refused("a)|(?:b").contains("unbalanced"));
        let message = translate("(?=a)").unwrap_err().to_string();
        assert!(message.contains("cut") && message.contains("requires"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for pattern in [
            "", "(", "(?", "(?P", "[", "[^", "{", "{,}", "a{", "a{1,", "\\", "(?#", "é{2}", "(?i",
            "[\\", "\\0777", "}{", "**", "(?<", "(?-)", "a)|(b", "(?i)a)", "((a)",
        ] {
            let _ = translate(pattern);
        }
    }
}
