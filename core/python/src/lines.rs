//! Lines: split a text into lines and their match keys; cut spans; build the output.

use cleaner_core::lines;
use pyo3::prelude::*;

/// Lines of `text` (Python's `splitlines`) and each line's match key (`None`: too long to
/// match whole). One call per document, the GIL released while splitting.
#[pyfunction]
fn split_keys(py: Python<'_>, text: &str) -> (Vec<String>, Vec<Option<String>>) {
    py.detach(|| {
        let split = lines::split_lines(text);
        let keys = split.iter().map(|line| lines::line_key(line)).collect();
        (split.into_iter().map(str::to_owned).collect(), keys)
    })
}

/// The key of one line (see `split_keys`).
#[pyfunction]
fn line_key(line: &str) -> Option<String> {
    lines::line_key(line)
}

/// The output text of kept lines (`None`: removed).
#[pyfunction]
fn build_output(py: Python<'_>, lines_: Vec<Option<String>>) -> String {
    py.detach(|| lines::build_output(lines_.iter().map(|line| line.as_deref())))
}

/// `line` without the union of `spans` (character offsets), and the pieces' offset map.
#[pyfunction]
fn cut_spans(line: &str, spans: Vec<(usize, usize)>) -> (String, Vec<(usize, usize)>) {
    lines::cut_spans(line, &spans)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(split_keys, m)?)?;
    m.add_function(wrap_pyfunction!(line_key, m)?)?;
    m.add_function(wrap_pyfunction!(build_output, m)?)?;
    m.add_function(wrap_pyfunction!(cut_spans, m)?)?;
    Ok(())
}
