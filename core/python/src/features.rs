//! Line features: the stop lists once per process, then one call per page.

use cleaner_core::features::{self, Languages, PageFeatures};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyString};
use std::borrow::Cow;

use crate::text::py_text;

/// Little-endian bytes of numbers, for `np.frombuffer` (a bytearray: the arrays stay
/// writable, as numpy-built ones were).
pub fn le_bytes<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    values: &[T],
    to_bytes: fn(T) -> [u8; N],
) -> Bound<'py, PyByteArray> {
    let bytes: Vec<u8> = values.iter().flat_map(|&v| to_bytes(v)).collect();
    PyByteArray::new(py, &bytes)
}

/// A page's features as Python receives them: line indices, dense float32 bytes and its
/// width, hashed rows and buckets as int64 bytes.
pub type FeatureBytes<'py> = (
    Vec<usize>,
    Bound<'py, PyByteArray>,
    usize,
    Bound<'py, PyByteArray>,
    Bound<'py, PyByteArray>,
);

pub fn to_python<'py>(py: Python<'py>, page: &PageFeatures) -> FeatureBytes<'py> {
    (
        page.lines.clone(),
        le_bytes(py, &page.dense, f32::to_le_bytes),
        page.width,
        le_bytes(py, &page.hash_rows, i64::to_le_bytes),
        le_bytes(py, &page.hash_buckets, i64::to_le_bytes),
    )
}

/// The text of each string, borrowed from Python where it can be; a lone surrogate becomes
/// U+FFFD one for one (`crate::text::py_text`), which every feature treats alike (neither is
/// space, cased, a digit nor ASCII).
pub fn utf8<'a>(texts: &'a [Bound<'_, PyString>]) -> PyResult<Vec<Cow<'a, str>>> {
    texts.iter().map(py_text).collect()
}

/// Which lines a rule cut, as one flag per line.
pub fn cut_flags(lines: usize, cut: &[usize]) -> Vec<bool> {
    let mut flags = vec![false; lines];
    for &line in cut {
        if let Some(flag) = flags.get_mut(line) {
            *flag = true;
        }
    }
    flags
}

/// The shipped stop lists, built once (`stopwords.json` is read by Python) and shared by
/// every page's features.
#[pyclass(frozen, module = "cleaner._core")]
pub struct Featurizer {
    pub languages: Languages,
}

#[pymethods]
impl Featurizer {
    /// `lists`: (language, stop words) in the file's order (ties in the guess go to the first).
    #[new]
    fn new(lists: Vec<(String, Vec<String>)>) -> Self {
        Featurizer {
            languages: Languages::new(lists),
        }
    }

    /// `cleaner.text.features.page_features` of a draft: its texts, removed flags and the
    /// lines a span rule cut; without `words`, no hashed words.
    fn page_features<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Bound<'py, PyString>>,
        removed: Vec<bool>,
        cut: Vec<usize>,
        words: bool,
    ) -> PyResult<FeatureBytes<'py>> {
        let texts = utf8(&texts)?;
        let page = py.detach(|| {
            let cut = cut_flags(texts.len(), &cut);
            features::page_features(&texts, &removed, &cut, &self.languages, words)
        });
        Ok(to_python(py, &page))
    }

    /// The page language guessed from these lines' stop words (None: no list fits).
    fn guess_language(
        &self,
        py: Python<'_>,
        texts: Vec<Bound<'_, PyString>>,
    ) -> PyResult<Option<String>> {
        let texts = utf8(&texts)?;
        Ok(py.detach(|| {
            let lowers: Vec<String> = texts.iter().map(|t| features::pystr::lower(t)).collect();
            let words: Vec<Vec<&str>> = lowers
                .iter()
                .map(|l| features::pystr::split(l).collect())
                .collect();
            let lang = self.languages.guess(&words)?;
            self.languages.name(lang).map(str::to_owned)
        }))
    }
}

/// The dense columns' names, in order (Python's `FEATURE_NAMES` is this list).
#[pyfunction]
fn feature_names() -> Vec<String> {
    features::feature_names()
}

/// Bucket of a hashed feature key ("first:word"): zlib's crc32 of its UTF-8, mod 2**18.
#[pyfunction]
fn bucket(key: &str) -> i64 {
    features::bucket(key)
}

/// Words of a line as the features and the tail guard count them (each Chinese or Japanese
/// character one word).
#[pyfunction]
fn word_count(line: &Bound<'_, PyString>) -> PyResult<usize> {
    Ok(features::word_count(&py_text(line)?))
}

/// `count` of each text, the GIL released.
fn counts(
    py: Python<'_>,
    texts: &[Bound<'_, PyString>],
    count: fn(&str) -> usize,
) -> PyResult<Vec<usize>> {
    let texts = utf8(texts)?;
    Ok(py.detach(|| texts.iter().map(|text| count(text)).collect()))
}

/// `word_count` of each text, in one call (a corpus run counts the words of every removal).
#[pyfunction]
fn word_counts(py: Python<'_>, texts: Vec<Bound<'_, PyString>>) -> PyResult<Vec<usize>> {
    counts(py, &texts, features::word_count)
}

/// `len(text.split())` of each text (Python's whitespace), in one call.
#[pyfunction]
fn split_counts(py: Python<'_>, texts: Vec<Bound<'_, PyString>>) -> PyResult<Vec<usize>> {
    counts(py, &texts, |text| features::pystr::split(text).count())
}

/// Whether `text` has a Chinese or Japanese character.
#[pyfunction]
fn has_unspaced(text: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(features::has_unspaced(&py_text(text)?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(word_count, m)?)?;
    m.add_function(wrap_pyfunction!(word_counts, m)?)?;
    m.add_function(wrap_pyfunction!(split_counts, m)?)?;
    m.add_function(wrap_pyfunction!(has_unspaced, m)?)?;
    m.add_class::<Featurizer>()?;
    m.add_function(wrap_pyfunction!(feature_names, m)?)?;
    m.add_function(wrap_pyfunction!(bucket, m)?)?;
    m.add("HASH_BUCKETS", features::HASH_BUCKETS)?;
    Ok(())
}
