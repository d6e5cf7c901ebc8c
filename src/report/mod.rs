//! Rendering results for people (text, a picture) and machines (JSON, OpenMetrics), to any
//! `impl Write`.

pub mod check;
pub mod diag;
pub mod html;
pub mod many;
pub mod metrics;
pub mod picture;
pub mod plan;
mod style;
mod zones;

pub use style::Style;
