//! Lines: split a text into lines and their match keys; cut spans; build the output.

use cleaner_core::lines;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::text::py_text;

/// Lines of `text` (Python's `splitlines`) and each line's match key (`None`: too long to
/// match whole). One call per document, the GIL released while splitting.
#[pyfunction]
fn split_keys(
    py: Python<'_>,
    text: &Bound<'_, PyString>,
) -> PyResult<(Vec<String>, Vec<Option<String>>)> {
    let text = py_text(text)?;
    Ok(py.detach(|| {
        let split = lines::split_lines(&text);
        let keys = split.iter().map(|line| lines::line_key(line)).collect();
        (split.into_iter().map(str::to_owned).collect(), keys)
    }))
}

/// Lines of `text` only (`split_keys` without the keys).
#[pyfunction]
fn split_lines(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<String>> {
    let text = py_text(text)?;
    Ok(py.detach(|| {
        lines::split_lines(&text)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }))
}

/// Whether a line ends like a sentence (closing quotes and brackets allowed), as the tail
/// guard reads prose.
#[pyfunction]
fn ends_like_sentence(line: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(cleaner_core::rules::tail::ends_like_sentence(&py_text(
        line,
    )?))
}

/// The key of one line (see `split_keys`).
#[pyfunction]
fn line_key(line: &Bound<'_, PyString>) -> PyResult<Option<String>> {
    Ok(lines::line_key(&py_text(line)?))
}

/// The match key of one line, whatever its length (see `split_keys`).
#[pyfunction]
fn match_key(line: &Bound<'_, PyString>) -> PyResult<String> {
    Ok(lines::match_key(&py_text(line)?))
}

/// The output text of kept lines (`None`: removed).
#[pyfunction]
fn build_output(py: Python<'_>, kept: Vec<Option<Bound<'_, PyString>>>) -> PyResult<String> {
    let texts = kept
        .iter()
        .map(|line| line.as_ref().map(py_text).transpose())
        .collect::<PyResult<Vec<_>>>()?;
    Ok(py.detach(|| lines::build_output(texts.iter().map(|line| line.as_deref()))))
}

/// `line` without the union of `spans` (character offsets), and the pieces' offset map.
#[pyfunction]
fn cut_spans(
    line: &Bound<'_, PyString>,
    spans: Vec<(usize, usize)>,
) -> PyResult<(String, Vec<(usize, usize)>)> {
    Ok(lines::cut_spans(&py_text(line)?, &spans))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(split_keys, m)?)?;
    m.add_function(wrap_pyfunction!(split_lines, m)?)?;
    m.add_function(wrap_pyfunction!(ends_like_sentence, m)?)?;
    m.add_function(wrap_pyfunction!(line_key, m)?)?;
    m.add_function(wrap_pyfunction!(match_key, m)?)?;
    m.add_function(wrap_pyfunction!(build_output, m)?)?;
    m.add_function(wrap_pyfunction!(cut_spans, m)?)?;
    m.add("MATCH_KEY_MAX_CHARS", lines::MATCH_KEY_MAX_CHARS)?;
    Ok(())
}
