//! HTML: a page -> its DOM blocks, with the DOM rules' matches, in one call per page.

use cleaner_core::html::{self, Block, DomRules, RuleSpec, Selector};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use std::collections::HashMap;

use crate::text::py_text;

/// The DOM rules in force, indexed once; rules are given in order, each as
/// `(tags, tokens, words, roles, attrs, unless, unless_beside, unless_tokens, may_hold_page,
/// may_hold_prose)`.
#[pyclass(frozen, module = "cleaner._core")]
pub struct DomRuleIndex {
    pub rules: DomRules,
}

type RawRule = (
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    bool,
    bool,
);

#[pymethods]
impl DomRuleIndex {
    #[new]
    fn new(rules: Vec<RawRule>) -> Self {
        let specs: Vec<RuleSpec> = rules
            .into_iter()
            .map(
                |(
                    tags,
                    tokens,
                    words,
                    roles,
                    attrs,
                    unless,
                    unless_beside,
                    unless_tokens,
                    may_hold_page,
                    may_hold_prose,
                )| {
                    RuleSpec {
                        tags,
                        tokens,
                        words,
                        roles,
                        attrs,
                        unless,
                        unless_beside,
                        unless_tokens,
                        may_hold_page,
                        may_hold_prose,
                    }
                },
            )
            .collect();
        DomRuleIndex {
            rules: DomRules::new(&specs),
        }
    }
}

/// A match as `(rule index, kind, value, token)`: kind is "tag", "token", "word", "role"
/// or "attr"; `token` is the class/id token a word came from ("" otherwise).
fn hit_tuple(rule: usize, selector: &Selector) -> (usize, &'static str, &str, &str) {
    match selector {
        Selector::Tag(tag) => (rule, "tag", tag, ""),
        Selector::Token(token) => (rule, "token", token, ""),
        Selector::Word { word, token } => (rule, "word", word, token),
        Selector::Role(role) => (rule, "role", role, ""),
        Selector::Attr(attr) => (rule, "attr", attr, ""),
    }
}

/// Interned strings for one page's tags and tokens: a page repeats a few dozen.
struct Strings<'py> {
    py: Python<'py>,
    seen: HashMap<String, Bound<'py, PyString>>,
}

impl<'py> Strings<'py> {
    fn tuple(&mut self, values: &[String]) -> PyResult<Bound<'py, PyTuple>> {
        let py = self.py;
        let items: Vec<Bound<'py, PyString>> = values
            .iter()
            .map(|v| {
                self.seen
                    .entry(v.clone())
                    .or_insert_with(|| PyString::new(py, v))
                    .clone()
            })
            .collect();
        PyTuple::new(py, items)
    }
}

fn block_tuple<'py>(
    py: Python<'py>,
    strings: &mut Strings<'py>,
    block: &Block,
) -> PyResult<Bound<'py, PyTuple>> {
    let hit = match &block.hit {
        Some(hit) => hit_tuple(hit.rule, &hit.selector)
            .into_pyobject(py)?
            .into_any(),
        None => py.None().into_bound(py),
    };
    (
        block.text.as_str(),
        strings.tuple(&block.path)?,
        block.heading,
        block.link_chars,
        block.in_list,
        block.in_table,
        strings.tuple(&block.tokens)?,
        hit,
        PyTuple::new(py, &block.ancestors)?,
    )
        .into_pyobject(py)
}

/// The page's blocks as tuples `(text, path, heading, link_chars, in_list, in_table,
/// tokens, match, ancestors)`; `match` is None or `(rule index, kind, value, token)`. The
/// GIL is released while the page is parsed and walked.
#[pyfunction]
#[pyo3(signature = (page, rules=None))]
fn page_blocks<'py>(
    py: Python<'py>,
    page: &Bound<'py, PyString>,
    rules: Option<&DomRuleIndex>,
) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let page = py_text(page)?;
    let blocks = py.detach(|| html::page_blocks(&page, rules.map(|r| &r.rules)));
    block_tuples(py, &blocks)
}

/// Blocks as `page_blocks` returns them to Python, tags and tokens interned per page.
pub fn block_tuples<'py>(py: Python<'py>, blocks: &[Block]) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let mut strings = Strings {
        py,
        seen: HashMap::new(),
    };
    blocks
        .iter()
        .map(|block| block_tuple(py, &mut strings, block))
        .collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DomRuleIndex>()?;
    m.add_function(wrap_pyfunction!(page_blocks, m)?)?;
    Ok(())
}
