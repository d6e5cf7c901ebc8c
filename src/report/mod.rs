//! Rendering results for people (text) and machines (JSON, OpenMetrics), to any `impl Write`.

pub mod check;
pub mod diag;
pub mod many;
pub mod metrics;
pub mod plan;
mod style;

pub use style::Style;
