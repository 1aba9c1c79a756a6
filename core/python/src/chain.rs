//! The default text filters in one call a page (`cleaner_core::chain`).

use cleaner_core::chain::{self, Decision, Judge, Step};
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

    /// The cleaned text, every removal in the order the filters propose them, as (line,
    /// step, rule, start, end, score) with -1 / NaN where a field does not apply (steps:
    /// `STEPS`), and the tail cut as `RuleSet.tail_cut` gives it, or None.
    fn run(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Run> {
        let text = py_text(text)?;
        py.detach(|| {
            let outcome = chain::run(&text, &self.rules, self.judge.as_ref())?;
            let decisions = outcome.decisions.iter().map(row).collect();
            let tail = outcome.tail.as_ref().map(|cut| {
                (
                    cut.start,
                    cut.marker,
                    cut.longest_run,
                    cut.prose_after,
                    cut.prose_before,
                    cut.lenient,
                )
            });
            Ok((outcome.output(), decisions, tail))
        })
        .map_err(|error: cleaner_core::model::ModelError| PyValueError::new_err(error.0))
    }
}

/// (line, step, rule, start, end, score) of one removal.
type Row = (usize, &'static str, i64, i64, i64, f64);
/// What `TextChain.run` returns: the text, the removals, the tail cut.
type Run = (
    String,
    Vec<Row>,
    Option<(usize, usize, usize, usize, usize, bool)>,
);

/// Names of the steps, as `cleaner.filters.chain` reads them.
const STEPS: [(Step, &str); 6] = [
    (Step::Line, "line"),
    (Step::Span, "span"),
    (Step::CutLine, "cut-line"),
    (Step::TailMarker, "tail-marker"),
    (Step::Tail, "tail"),
    (Step::Model, "model"),
];

fn row(decision: &Decision) -> Row {
    let step = STEPS
        .iter()
        .find(|(step, _)| *step == decision.step)
        .map_or("", |(_, name)| name);
    let signed = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    let (start, end) = decision
        .span
        .map_or((-1, -1), |(start, end)| (signed(start), signed(end)));
    (
        decision.line,
        step,
        decision.rule.map_or(-1, signed),
        start,
        end,
        decision.score.map_or(f64::NAN, f64::from),
    )
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TextChain>()?;
    m.add("CHAIN_STEPS", STEPS.map(|(_, name)| name).to_vec())?;
    Ok(())
}
