//! `cleaner._core`: the PyO3 layer over `cleaner-core`. Conversion only: every function
//! takes Python values, releases the GIL while the core works, and hands back Python values.
//! The logic and its tests live in the pure crate.

use pyo3::prelude::*;

mod chain;
mod dom_features;
mod features;
mod html;
mod lines;
mod model;
mod rules;
mod text;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    html::register(m)?;
    lines::register(m)?;
    features::register(m)?;
    model::register(m)?;
    dom_features::register(m)?;
    rules::register(m)?;
    chain::register(m)?;
    Ok(())
}
