//! Rules: the compiled text rules of a set of packs, asked one question per page.

use std::borrow::Cow;

use cleaner_core::rules::{self, RuleSpec, Scope};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::text::py_text;

/// One rule as `cleaner.packs.text_pack` hands it over:
/// (scope, pattern, case_sensitive, max_chars, triggers, lenient, requires).
type SpecTuple = (String, String, bool, usize, Vec<String>, bool, Vec<String>);

/// A line or key as Python holds it; None where the caller has nothing to ask.
type Lines<'py> = Vec<Option<Bound<'py, PyString>>>;

fn scope(name: &str) -> PyResult<Scope> {
    match name {
        "line" => Ok(Scope::Line),
        "span" => Ok(Scope::Span),
        "tail" => Ok(Scope::Tail),
        other => Err(PyValueError::new_err(format!(
            "scope must be 'line', 'span' or 'tail', not {other:?}"
        ))),
    }
}

fn texts<'a>(values: &'a Lines<'_>) -> PyResult<Vec<Option<Cow<'a, str>>>> {
    values
        .iter()
        .map(|value| value.as_ref().map(py_text).transpose())
        .collect()
}

/// The compiled rules of a set of packs (all scopes), built once and shared by every page
/// and thread. Rule indices in answers are positions in the list it was built from.
#[pyclass(module = "cleaner._core", frozen)]
pub struct RuleSet {
    pub inner: rules::RuleSet,
}

#[pymethods]
impl RuleSet {
    /// Compile `specs`, tuples (scope, pattern, case_sensitive, max_chars, triggers,
    /// lenient, requires). ValueError("<index>: <problem>") names the first that fails.
    #[new]
    fn new(py: Python<'_>, specs: Vec<SpecTuple>) -> PyResult<Self> {
        let mut built = Vec::with_capacity(specs.len());
        for (scope_name, pattern, case_sensitive, max_chars, triggers, lenient, requires) in specs {
            built.push(RuleSpec {
                scope: scope(&scope_name)?,
                pattern,
                case_sensitive,
                max_chars,
                triggers,
                lenient,
                requires,
            });
        }
        py.detach(|| rules::RuleSet::new(&built))
            .map(|inner| Self { inner })
            .map_err(|error| PyValueError::new_err(format!("{}: {}", error.rule, error.message)))
    }

    /// (line index, rule index) for every key that a line rule drops whole; None keys
    /// (removed, too long, not to be judged) are skipped.
    fn line_rules(&self, py: Python<'_>, keys: Lines<'_>) -> PyResult<Vec<(usize, usize)>> {
        let keys = texts(&keys)?;
        Ok(py.detach(|| {
            keys.iter()
                .enumerate()
                .filter_map(|(index, key)| {
                    let rule = self.inner.line_rule(key.as_deref()?)?;
                    Some((index, rule))
                })
                .collect()
        }))
    }

    /// (line index, start, end, rule index) for every span to cut, in character offsets
    /// of the line, lines in order and each line's spans in the order they were found.
    fn span_cuts(
        &self,
        py: Python<'_>,
        lines: Lines<'_>,
    ) -> PyResult<Vec<(usize, usize, usize, usize)>> {
        let lines = texts(&lines)?;
        Ok(py.detach(|| {
            let mut found = Vec::new();
            for (index, line) in lines.iter().enumerate() {
                let Some(line) = line.as_deref() else {
                    continue;
                };
                found.extend(
                    self.inner
                        .line_spans(line)
                        .into_iter()
                        .map(|(start, end, rule)| (index, start, end, rule)),
                );
            }
            found
        }))
    }

    /// Where the page's tail starts: (line, rule index, longest prose run after it, prose
    /// words after, prose words before, lenient), or None. `keys[i]`: line i's match key;
    /// `survivors[i]`: line i as it will be output, None if gone or blank.
    #[allow(clippy::type_complexity)]
    fn tail_cut(
        &self,
        py: Python<'_>,
        keys: Lines<'_>,
        survivors: Lines<'_>,
    ) -> PyResult<Option<TailRow>> {
        let keys = texts(&keys)?;
        let survivors = texts(&survivors)?;
        Ok(py.detach(|| {
            let keys: Vec<Option<&str>> = keys.iter().map(|key| key.as_deref()).collect();
            let survivors: Vec<Option<&str>> =
                survivors.iter().map(|line| line.as_deref()).collect();
            self.inner
                .tail_cut(&keys, &survivors)
                .as_ref()
                .map(tail_row)
        }))
    }
}

/// A tail cut as Python reads it: (line, rule index, longest prose run after it, prose words
/// after, prose words before, lenient).
pub type TailRow = (usize, usize, usize, usize, usize, bool);

pub fn tail_row(cut: &rules::TailCut<usize>) -> TailRow {
    (
        cut.start,
        cut.marker,
        cut.longest_run,
        cut.prose_after,
        cut.prose_before,
        cut.lenient,
    )
}

/// Check one rule pattern as a pack loader must; ValueError says what is wrong and what
/// to do (including which construct the linear-time engine cannot run).
#[pyfunction]
fn check_pattern(pattern: &str, case_sensitive: bool) -> PyResult<()> {
    rules::check_pattern(pattern, case_sensitive).map_err(PyValueError::new_err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RuleSet>()?;
    m.add_function(wrap_pyfunction!(check_pattern, m)?)?;
    Ok(())
}
