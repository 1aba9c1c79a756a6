//! The hot paths of `cleaner`, with no knowledge of Python.
//!
//! The Python package keeps the API, the CLI, orchestration and training; everything that
//! runs per line or per element of every page lives here, so one implementation serves
//! cleaning and training alike. `core/python` only converts types.

pub mod chain;
pub mod dom_features;
pub mod features;
pub mod fuzzing;
pub mod html;
pub mod lines;
pub mod model;
pub mod rules;
