//! The DOM block model's features: a page's blocks read once from Python, then the
//! features (and, for serving, the model's probabilities) in one call with the GIL released.

use cleaner_core::dom_features::{self as core_dom, DomBlock};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyString};
use pyo3::{intern, PyTypeInfo};

use crate::features::{cut_flags, le_bytes, to_python, utf8, FeatureBytes, Featurizer};
use crate::model::CoreModel;
use std::borrow::Cow;

/// A block's numbers and flags, and where its path and tokens sit in `Strings`.
struct Scalars {
    chars: usize,
    link_chars: usize,
    heading: i64,
    in_list: bool,
    in_table: bool,
    path: std::ops::Range<usize>,
    tokens: std::ops::Range<usize>,
    ancestors: Vec<i64>,
}

/// Every block's tag and token strings, held so their text can be borrowed (no copies: a
/// page's blocks carry a dozen strings each).
type Strings<'py> = Vec<Bound<'py, PyString>>;

/// Appends the items of a tuple of str to `strings`; the range they took.
fn push_strings<'py>(
    strings: &mut Strings<'py>,
    value: &Bound<'py, PyAny>,
) -> PyResult<std::ops::Range<usize>> {
    let start = strings.len();
    for item in value.try_iter()? {
        strings.push(item?.cast_into::<PyString>()?);
    }
    Ok(start..strings.len())
}

/// What the features read of a `cleaner.document.Block` (its attributes, so Python hands
/// `document.blocks` over as they are): the text's length in characters, as `len` counts.
fn scalars<'py>(strings: &mut Strings<'py>, block: &Bound<'py, PyAny>) -> PyResult<Scalars> {
    let py = block.py();
    if PyString::is_type_of(block) {
        return Err(PyValueError::new_err("expected Block objects, got a str"));
    }
    Ok(Scalars {
        chars: block.getattr(intern!(py, "text"))?.len()?,
        link_chars: block.getattr(intern!(py, "link_chars"))?.extract()?,
        heading: block.getattr(intern!(py, "heading"))?.extract()?,
        in_list: block.getattr(intern!(py, "in_list"))?.is_truthy()?,
        in_table: block.getattr(intern!(py, "in_table"))?.is_truthy()?,
        path: push_strings(strings, &block.getattr(intern!(py, "path"))?)?,
        tokens: push_strings(strings, &block.getattr(intern!(py, "tokens"))?)?,
        ancestors: block.getattr(intern!(py, "ancestors"))?.extract()?,
    })
}

/// The blocks as the core reads them, their strings borrowed from `texts` (`py_text` of
/// each of `Strings`).
fn dom_blocks<'a>(scalars: Vec<Scalars>, texts: &'a [Cow<'a, str>]) -> Vec<DomBlock<&'a str>> {
    let strs = |range: std::ops::Range<usize>| -> Vec<&'a str> {
        texts
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|t| t.as_ref())
            .collect()
    };
    scalars
        .into_iter()
        .map(|s| DomBlock {
            chars: s.chars,
            link_chars: s.link_chars,
            heading: s.heading,
            in_list: s.in_list,
            in_table: s.in_table,
            path: strs(s.path),
            tokens: strs(s.tokens),
            ancestors: s.ancestors,
        })
        .collect()
}

/// Reads `blocks` into `Scalars` and `Strings`.
fn read_blocks<'py>(blocks: &[Bound<'py, PyAny>]) -> PyResult<(Vec<Scalars>, Strings<'py>)> {
    let mut strings = Vec::with_capacity(blocks.len() * 16);
    let scalars = blocks
        .iter()
        .map(|block| scalars(&mut strings, block))
        .collect::<PyResult<_>>()?;
    Ok((scalars, strings))
}

/// `cleaner.models.dom_model.dom_features` of a draft (texts, removed flags, lines a span
/// rule cut) over the document's `blocks`; without `words`, nothing hashed.
#[pyfunction]
fn dom_features<'py>(
    py: Python<'py>,
    featurizer: &Featurizer,
    texts: Vec<Bound<'py, PyString>>,
    removed: Vec<bool>,
    cut: Vec<usize>,
    blocks: Vec<Bound<'py, PyAny>>,
    words: bool,
) -> PyResult<FeatureBytes<'py>> {
    let texts = utf8(&texts)?;
    let (scalars, strings) = read_blocks(&blocks)?;
    let strings = utf8(&strings)?;
    let blocks = dom_blocks(scalars, &strings);
    let page = py.detach(|| {
        let cut = cut_flags(texts.len(), &cut);
        core_dom::dom_features(
            &texts,
            &removed,
            &cut,
            &featurizer.languages,
            &blocks,
            words,
        )
    });
    Ok(to_python(py, &page))
}

/// The learned filter's DOM path in one call (`CoreModel.judge_text` for blocks): the
/// draft's output lines, their word count, and (from `min_words` words) each line's
/// content probability as float32 bytes.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn judge_dom<'py>(
    py: Python<'py>,
    model: &CoreModel,
    featurizer: &Featurizer,
    texts: Vec<Bound<'py, PyString>>,
    removed: Vec<bool>,
    cut: Vec<usize>,
    blocks: Vec<Bound<'py, PyAny>>,
    min_words: i64,
) -> PyResult<(Vec<usize>, i64, Bound<'py, PyByteArray>)> {
    let texts = utf8(&texts)?;
    let (scalars, strings) = read_blocks(&blocks)?;
    let strings = utf8(&strings)?;
    let blocks = dom_blocks(scalars, &strings);
    let model = model.line_model();
    let (lines, words, probability) = py
        .detach(|| {
            let cut = cut_flags(texts.len(), &cut);
            let page = core_dom::dom_features(
                &texts,
                &removed,
                &cut,
                &featurizer.languages,
                &blocks,
                model.uses_words(),
            );
            model.judge(page, min_words)
        })
        .map_err(|error: cleaner_core::model::ModelError| PyValueError::new_err(error.0))?;
    Ok((lines, words, le_bytes(py, &probability, f32::to_le_bytes)))
}

/// The DOM columns' names, in order (Python's `DOM_FEATURES` is this list).
#[pyfunction]
fn dom_feature_names() -> Vec<String> {
    core_dom::dom_feature_names()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dom_features, m)?)?;
    m.add_function(wrap_pyfunction!(judge_dom, m)?)?;
    m.add_function(wrap_pyfunction!(dom_feature_names, m)?)?;
    Ok(())
}
