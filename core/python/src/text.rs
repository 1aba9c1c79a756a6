//! Python strings into Rust text.
//!
//! A Python `str` may hold lone surrogates (a JSON "\ud800" escape, a bad decode with
//! `surrogateescape`), which are not Unicode scalar values and so never a Rust `&str`. They are
//! read as U+FFFD, one character for one, so every character offset the core returns still
//! points at the same place in the caller's string.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The text of `value`, borrowed when it is valid Unicode (the common case, no copy), else with
/// each lone surrogate replaced by U+FFFD.
pub fn py_text<'a>(value: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    match value.to_str() {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => {
            let wide = value.call_method1("encode", ("utf-32-le", "surrogatepass"))?;
            let bytes = wide.cast::<PyBytes>()?.as_bytes();
            let text = bytes
                .chunks_exact(4)
                .map(|unit| u32::from_le_bytes([unit[0], unit[1], unit[2], unit[3]]))
                .map(|code| char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            Ok(Cow::Owned(text))
        }
    }
}
