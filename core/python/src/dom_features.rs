//! The DOM block model's features: a page's blocks read once from Python, then the
//! features (and, for serving, the model's probabilities) in one call with the GIL released.

use cleaner_core::dom_features::{self as core_dom, DomBlock};
use cleaner_core::model::Hashes;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyString};
use pyo3::{intern, PyTypeInfo};

use crate::features::{cut_flags, le_bytes, to_python, utf8, FeatureBytes, Featurizer};
use crate::model::CoreModel;
use crate::text::py_text;

/// The strings of a tuple of str (tag path, class/id tokens).
fn strings(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    value
        .try_iter()?
        .map(|item| {
            let item = item?;
            let text = item.cast::<PyString>()?;
            Ok(py_text(text)?.into_owned())
        })
        .collect()
}

/// What the features read of a `cleaner.document.Block` (its attributes, so Python hands
/// `document.blocks` over as they are): the text's length in characters, as `len` counts.
fn dom_block(block: &Bound<'_, PyAny>) -> PyResult<DomBlock<String>> {
    let py = block.py();
    let text = block.getattr(intern!(py, "text"))?;
    Ok(DomBlock {
        chars: text.len()?,
        link_chars: block.getattr(intern!(py, "link_chars"))?.extract()?,
        heading: block.getattr(intern!(py, "heading"))?.extract()?,
        in_list: block.getattr(intern!(py, "in_list"))?.is_truthy()?,
        in_table: block.getattr(intern!(py, "in_table"))?.is_truthy()?,
        path: strings(&block.getattr(intern!(py, "path"))?)?,
        tokens: strings(&block.getattr(intern!(py, "tokens"))?)?,
        ancestors: block.getattr(intern!(py, "ancestors"))?.extract()?,
    })
}

fn dom_blocks(blocks: &[Bound<'_, PyAny>]) -> PyResult<Vec<DomBlock<String>>> {
    if let Some(odd) = blocks.iter().find(|b| PyString::is_type_of(b)) {
        return Err(PyValueError::new_err(format!(
            "expected Block objects, got a str: {odd}"
        )));
    }
    blocks.iter().map(dom_block).collect()
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
    let blocks = dom_blocks(&blocks)?;
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
    let blocks = dom_blocks(&blocks)?;
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
            let words = page.word_count();
            if page.lines.is_empty() || words < min_words {
                return Ok((page.lines, words, Vec::new()));
            }
            let hashes = Hashes {
                rows: &page.hash_rows,
                buckets: &page.hash_buckets,
            };
            let probability = model.content_probability(&page.dense, page.width, hashes)?;
            Ok((page.lines, words, probability))
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
