//! The line model: weights handed over once per model, then one call per page.

use cleaner_core::features;
use cleaner_core::model::{
    self, FirstStage, Hashes, LineModel, LinearStage, Logits, ModelError, TreeStage,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyString};

use crate::features::{cut_flags, le_bytes, utf8, Featurizer};

fn value_error(error: ModelError) -> PyErr {
    PyValueError::new_err(error.0)
}

/// Numbers from little-endian bytes (numpy's `tobytes()` of a little-endian array);
/// trailing bytes that make no whole number are an error, not silently dropped.
fn from_le<T, const N: usize>(bytes: &[u8], from: fn([u8; N]) -> T) -> PyResult<Vec<T>> {
    let chunks = bytes.chunks_exact(N);
    if !chunks.remainder().is_empty() {
        return Err(PyValueError::new_err(format!(
            "{} bytes are not {N}-byte numbers",
            bytes.len()
        )));
    }
    Ok(chunks
        .map(|c| from(c.try_into().unwrap_or([0; N])))
        .collect())
}

fn f32s(bytes: &[u8]) -> PyResult<Vec<f32>> {
    from_le(bytes, f32::from_le_bytes)
}

fn i64s(bytes: &[u8]) -> PyResult<Vec<i64>> {
    from_le(bytes, i64::from_le_bytes)
}

/// A page's rows from Python's bytes: the dense float32 matrix, hashed rows and buckets.
fn rows_of(dense: &[u8], rows: &[u8], buckets: &[u8]) -> PyResult<(Vec<f32>, Vec<i64>, Vec<i64>)> {
    Ok((f32s(dense)?, i64s(rows)?, i64s(buckets)?))
}

/// Hashed-word coordinates in the form the core takes them.
fn hashes<'a>(rows: &'a [i64], buckets: &'a [i64]) -> Hashes<'a> {
    Hashes { rows, buckets }
}

/// A linear stage from float32 bytes: weights, edges (columns x 7), bin weights (columns x 8),
/// hashed-word weights (maybe empty), and the bias.
type LinearBytes<'a> = (&'a [u8], &'a [u8], &'a [u8], &'a [u8], f64);

fn linear(stage: LinearBytes<'_>) -> PyResult<LinearStage> {
    let (weights, edges, bins, hashes, bias) = stage;
    LinearStage::new(
        f32s(weights)?,
        f32s(edges)?,
        f32s(bins)?,
        f32s(hashes)?,
        bias,
    )
    .map_err(value_error)
}

/// One stage of a model (`TreeStage` or `LinearStage` in Python), built once per stage.
#[pyclass(frozen, module = "cleaner._core")]
pub struct CoreStage {
    stage: FirstStage,
}

#[pymethods]
impl CoreStage {
    /// Boosted trees: int64 `feature`, `children`, `roots`, float64 `threshold`, float32
    /// `value` (all as bytes), the deepest path and the bias.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)]
    fn trees(
        feature: &[u8],
        threshold: &[u8],
        children: &[u8],
        value: &[u8],
        roots: &[u8],
        depth: usize,
        bias: f64,
    ) -> PyResult<Self> {
        let threshold = from_le(threshold, f64::from_le_bytes)?;
        let trees = TreeStage::new(
            i64s(feature)?,
            threshold,
            i64s(children)?,
            f32s(value)?,
            i64s(roots)?,
            depth,
            bias,
        )
        .map_err(value_error)?;
        Ok(CoreStage {
            stage: FirstStage::Trees(trees),
        })
    }

    /// A linear stage (`LinearBytes`).
    #[staticmethod]
    fn linear(stage: LinearBytes<'_>) -> PyResult<Self> {
        Ok(CoreStage {
            stage: FirstStage::Linear(linear(stage)?),
        })
    }

    /// Logits (float64 bytes) of a dense float32 matrix of `width` columns, and whether they
    /// are float64 values (False: float32 values widened, as numpy would have kept them);
    /// with `words`, a linear stage adds the int64 hashed rows' weights.
    fn logits<'py>(
        &self,
        py: Python<'py>,
        dense: &[u8],
        width: usize,
        hash_rows: &[u8],
        hash_buckets: &[u8],
        words: bool,
    ) -> PyResult<(Bound<'py, PyByteArray>, bool)> {
        let (dense, rows, buckets) = rows_of(dense, hash_rows, hash_buckets)?;
        let hashes = hashes(&rows, &buckets);
        let logits = py
            .detach(|| match &self.stage {
                FirstStage::Trees(trees) => trees.logits(&dense, width),
                FirstStage::Linear(stage) => stage.logits(&dense, width, words.then_some(hashes)),
            })
            .map_err(value_error)?;
        Ok((le_bytes(py, &logits.values, f64::to_le_bytes), logits.wide))
    }
}

/// The revision stage's inputs (float32 bytes, `REVISION_WIDTH` per row) from stage-one
/// logits (float64 bytes; `wide`: see `CoreStage.logits`) and the dense rows.
#[pyfunction]
fn revision_columns<'py>(
    py: Python<'py>,
    logits: &[u8],
    wide: bool,
    dense: &[u8],
    width: usize,
) -> PyResult<Bound<'py, PyByteArray>> {
    let values = from_le(logits, f64::from_le_bytes)?;
    let dense = f32s(dense)?;
    let columns = py
        .detach(|| model::revision_columns(&Logits { values, wide }, &dense, width))
        .map_err(value_error)?;
    Ok(le_bytes(py, &columns, f32::to_le_bytes))
}

/// Both stages of a `LineModel`, built once per model.
#[pyclass(frozen, module = "cleaner._core")]
pub struct CoreModel {
    model: LineModel,
}

impl CoreModel {
    /// The core model, for the other modules' one-call paths (`dom_features::judge_dom`).
    pub fn line_model(&self) -> &LineModel {
        &self.model
    }
}

#[pymethods]
impl CoreModel {
    /// From the two stages; the revision stage must be linear.
    #[new]
    fn new(first: &CoreStage, revision: &CoreStage) -> PyResult<Self> {
        let FirstStage::Linear(revision) = &revision.stage else {
            return Err(PyValueError::new_err("the revision stage must be linear"));
        };
        let model = LineModel::new(first.stage.clone(), revision.clone());
        Ok(CoreModel {
            model: model.map_err(value_error)?,
        })
    }

    /// Whether stage one reads hashed words.
    #[getter]
    fn uses_words(&self) -> bool {
        self.model.uses_words()
    }

    /// Content probability (float32 bytes) of each row of a dense float32 matrix of `width`
    /// columns, with int64 hashed rows and buckets.
    fn probability<'py>(
        &self,
        py: Python<'py>,
        dense: &[u8],
        width: usize,
        hash_rows: &[u8],
        hash_buckets: &[u8],
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let (dense, rows, buckets) = rows_of(dense, hash_rows, hash_buckets)?;
        let hashes = hashes(&rows, &buckets);
        let probability = py
            .detach(|| self.model.content_probability(&dense, width, hashes))
            .map_err(value_error)?;
        Ok(le_bytes(py, &probability, f32::to_le_bytes))
    }

    /// Stage-one logits (float64 bytes) of the same inputs as `probability`.
    fn first_stage<'py>(
        &self,
        py: Python<'py>,
        dense: &[u8],
        width: usize,
        hash_rows: &[u8],
        hash_buckets: &[u8],
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let (dense, rows, buckets) = rows_of(dense, hash_rows, hash_buckets)?;
        let hashes = hashes(&rows, &buckets);
        let logits = py
            .detach(|| self.model.first_stage(&dense, width, hashes))
            .map_err(value_error)?;
        Ok(le_bytes(py, &logits.values, f64::to_le_bytes))
    }

    /// The learned filter's text path in one call: the draft's output lines, their word
    /// count, and (when it reaches `min_words`) each line's content probability as float32
    /// bytes (empty below it: the filter abstains on such pages).
    fn judge_text<'py>(
        &self,
        py: Python<'py>,
        featurizer: &Featurizer,
        texts: Vec<Bound<'py, PyString>>,
        removed: Vec<bool>,
        cut: Vec<usize>,
        min_words: i64,
    ) -> PyResult<(Vec<usize>, i64, Bound<'py, PyByteArray>)> {
        let texts = utf8(&texts)?;
        let (lines, words, probability) = py
            .detach(|| {
                let cut = cut_flags(texts.len(), &cut);
                let page = features::page_features(
                    &texts,
                    &removed,
                    &cut,
                    &featurizer.languages,
                    self.model.uses_words(),
                );
                self.model.judge(page, min_words)
            })
            .map_err(value_error)?;
        Ok((lines, words, le_bytes(py, &probability, f32::to_le_bytes)))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CoreStage>()?;
    m.add_class::<CoreModel>()?;
    m.add_function(wrap_pyfunction!(revision_columns, m)?)?;
    m.add("REVISION_WIDTH", model::REVISION_WIDTH)?;
    Ok(())
}
