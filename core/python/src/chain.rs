//! The default text filters in one call a page (`cleaner_core::chain`).

use cleaner_core::chain::{self, Judge};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::features::Featurizer;
use crate::model::CoreModel;
use crate::rules::RuleSet;
use crate::text::py_text;

/// The compiled rules and (optionally) the line model with its threshold, copied in once;
/// immutable, so one chain serves every thread.
#[pyclass(frozen, module = "cleaner._core")]
struct TextChain {
    rules: cleaner_core::rules::RuleSet,
    judge: Option<Judge>,
}

#[pymethods]
impl TextChain {
    /// `model`, `featurizer`, `threshold` and `min_words` are all given (the learned filter
    /// runs) or all None (rules only).
    #[new]
    #[pyo3(signature = (rules, model=None, featurizer=None, threshold=None, min_words=None))]
    fn new(
        rules: &RuleSet,
        model: Option<&CoreModel>,
        featurizer: Option<&Featurizer>,
        threshold: Option<f32>,
        min_words: Option<i64>,
    ) -> PyResult<Self> {
        let judge = match (model, featurizer, threshold, min_words) {
            (Some(model), Some(featurizer), Some(threshold), Some(min_words)) => Some(Judge {
                model: model.line_model().clone(),
                languages: featurizer.languages.clone(),
                threshold,
                min_words,
            }),
            (None, None, None, None) => None,
            _ => {
                return Err(PyValueError::new_err(
                    "give model, featurizer, threshold and min_words together, or none of them",
                ))
            }
        };
        Ok(TextChain {
            rules: rules.inner.clone(),
            judge,
        })
    }

    /// The cleaned text of `text`, as `Pipeline.run` of the default filters outputs it.
    fn clean(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<String> {
        let text = py_text(text)?;
        py.detach(|| chain::run(&text, &self.rules, self.judge.as_ref()).map(|run| run.output()))
            .map_err(|error| PyValueError::new_err(error.0))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TextChain>()?;
    Ok(())
}
