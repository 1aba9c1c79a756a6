//! The default text filters in one call a page (`cleaner_core::chain`).

use cleaner_core::chain::headline::{self, Shape};
use cleaner_core::chain::{self, Decision, Judge, Outcome, Step};
use cleaner_core::html;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::features::{utf8, Featurizer};
use crate::html::{block_tuples, DomRuleIndex};
use crate::model::CoreModel;
use crate::rules::{tail_row, RuleSet, TailRow};
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
        threshold: Option<f64>,
        min_words: Option<i64>,
    ) -> PyResult<Self> {
        Ok(TextChain {
            rules: rules.inner.clone(),
            judge: judge(model, featurizer, threshold, min_words, None)?,
        })
    }

    /// The cleaned text of `text`, as `Pipeline.run` of the default filters outputs it.
    fn clean(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<String> {
        let text = py_text(text)?;
        py.detach(|| chain::run(&text, &self.rules, self.judge.as_ref()).map(|run| run.output()))
            .map_err(model_error)
    }

    /// The cleaned text, every removal in the order the filters propose them, as (line,
    /// step, rule, start, end, score) with -1 / NaN where a field does not apply (steps:
    /// `STEPS`, which `cleaner.filters.chain.Steps` reads), and the tail cut as
    /// `RuleSet.tail_cut` gives it, or None.
    fn run(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Run> {
        let text = py_text(text)?;
        py.detach(|| {
            let outcome = chain::run(&text, &self.rules, self.judge.as_ref())?;
            Ok((outcome.output(), rows(&outcome), tail_tuple(&outcome)))
        })
        .map_err(model_error)
    }
}

/// The default filters over a page's DOM blocks (the `fast` backend) in one call: parse,
/// walk, DOM rules, text rules, the DOM block model, the headline, the output.
#[pyclass(frozen, module = "cleaner._core")]
struct PageChain {
    rules: cleaner_core::rules::RuleSet,
    dom_rules: Option<html::DomRules>,
    judge: Option<Judge>,
}

#[pymethods]
impl PageChain {
    /// `model`, `featurizer`, `threshold`, `min_words` and `spare_best` are all given (the
    /// DOM block model runs) or all None (rules only).
    #[new]
    #[pyo3(signature = (rules, dom_rules=None, model=None, featurizer=None, threshold=None,
        min_words=None, spare_best=None))]
    fn new(
        rules: &RuleSet,
        dom_rules: Option<&DomRuleIndex>,
        model: Option<&CoreModel>,
        featurizer: Option<&Featurizer>,
        threshold: Option<f64>,
        min_words: Option<i64>,
        spare_best: Option<f64>,
    ) -> PyResult<Self> {
        if model.is_some() && spare_best.is_none() {
            return Err(PyValueError::new_err(
                "the DOM block model needs spare_best",
            ));
        }
        let judge = judge(model, featurizer, threshold, min_words, spare_best)?;
        Ok(PageChain {
            rules: rules.inner.clone(),
            dom_rules: dom_rules.map(|index| index.rules.clone()),
            judge,
        })
    }

    /// The cleaned main text of a decoded page whose head names `titles`.
    fn clean(
        &self,
        py: Python<'_>,
        page: &Bound<'_, PyString>,
        titles: Vec<String>,
    ) -> PyResult<String> {
        let page = py_text(page)?;
        py.detach(|| {
            let blocks = html::page_blocks(&page, self.dom_rules.as_ref());
            let outcome = chain::run_page(&blocks, &titles, &self.rules, self.judge.as_ref())?;
            Ok(outcome.page_output(&blocks))
        })
        .map_err(model_error)
    }

    /// `TextChain.run` for a page, with its blocks as `page_blocks` returns them.
    fn run<'py>(
        &self,
        py: Python<'py>,
        page: &Bound<'py, PyString>,
        titles: Vec<String>,
    ) -> PyResult<PageRun<'py>> {
        let page = py_text(page)?;
        let (blocks, output, decisions, tail) = py
            .detach(|| {
                let blocks = html::page_blocks(&page, self.dom_rules.as_ref());
                let outcome = chain::run_page(&blocks, &titles, &self.rules, self.judge.as_ref())?;
                let done = (
                    outcome.page_output(&blocks),
                    rows(&outcome),
                    tail_tuple(&outcome),
                );
                Ok((blocks, done.0, done.1, done.2))
            })
            .map_err(model_error)?;
        Ok((output, block_tuples(py, &blocks)?, decisions, tail))
    }
}

/// The headline block's line (`cleaner.html.headline.headline_line`).
#[pyfunction]
fn headline_line(
    py: Python<'_>,
    titles: Vec<String>,
    headings: Vec<u8>,
    texts: Vec<Bound<'_, PyString>>,
    removed: Vec<bool>,
) -> PyResult<Option<usize>> {
    let texts = utf8(&texts)?;
    Ok(py.detach(|| headline::headline_line(&titles, &headings, &texts, &removed)))
}

/// Whether a blank line goes before each block (`cleaner.html.paragraphs`): blocks as
/// (path, ancestors, in_list, in_table), `kept[i]` whether block i is output.
#[pyfunction]
fn paragraph_breaks(
    py: Python<'_>,
    blocks: Vec<(Vec<String>, Vec<usize>, bool, bool)>,
    kept: Vec<bool>,
) -> Vec<bool> {
    py.detach(|| {
        let shapes: Vec<Shape<'_, String>> = blocks
            .iter()
            .map(|(path, ancestors, in_list, in_table)| Shape {
                path,
                ancestors,
                in_list: *in_list,
                in_table: *in_table,
            })
            .collect();
        headline::paragraph_breaks(&shapes, &kept)
    })
}

/// The learned filter's part from its pieces: all of model, featurizer, threshold and
/// min_words, or none of them (rules only).
fn judge(
    model: Option<&CoreModel>,
    featurizer: Option<&Featurizer>,
    threshold: Option<f64>,
    min_words: Option<i64>,
    spare_best: Option<f64>,
) -> PyResult<Option<Judge>> {
    match (model, featurizer, threshold, min_words) {
        (Some(model), Some(featurizer), Some(threshold), Some(min_words)) => Ok(Some(Judge {
            model: model.line_model().clone(),
            languages: featurizer.languages.clone(),
            threshold,
            min_words,
            spare_best,
        })),
        (None, None, None, None) if spare_best.is_none() => Ok(None),
        _ => Err(PyValueError::new_err(
            "give model, featurizer, threshold and min_words together, or none of them",
        )),
    }
}

fn model_error(error: cleaner_core::model::ModelError) -> PyErr {
    PyValueError::new_err(error.0)
}

fn rows(outcome: &Outcome<'_>) -> Vec<Row> {
    outcome.decisions.iter().map(row).collect()
}

fn tail_tuple(outcome: &Outcome<'_>) -> Option<TailRow> {
    outcome.tail.as_ref().map(tail_row)
}

/// (line, step, rule, start, end, score) of one removal.
type Row = (usize, &'static str, i64, i64, i64, f64);
/// What `TextChain.run` returns: the text, the removals, the tail cut.
type Run = (String, Vec<Row>, Option<TailRow>);
/// What `PageChain.run` returns: the text, the blocks, the removals, the tail cut.
type PageRun<'py> = (String, Vec<Bound<'py, PyTuple>>, Vec<Row>, Option<TailRow>);

/// Names of the steps, as `cleaner.filters.chain.Steps.removals` reads them.
const STEPS: [(Step, &str); 8] = [
    (Step::Line, "line"),
    (Step::Span, "span"),
    (Step::CutLine, "cut-line"),
    (Step::TailMarker, "tail-marker"),
    (Step::Tail, "tail"),
    (Step::Model, "model"),
    (Step::DomRule, "dom-rule"),
    (Step::Furniture, "furniture"),
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
    m.add_class::<PageChain>()?;
    m.add_function(wrap_pyfunction!(headline_line, m)?)?;
    m.add_function(wrap_pyfunction!(paragraph_breaks, m)?)?;
    Ok(())
}
