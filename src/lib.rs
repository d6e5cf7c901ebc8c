//! `dns`: keep DNS zones in git, sync them to Route 53, and check delegations from the root down.
//!
//! The library holds everything; `main.rs` only maps the result of [`cli::run`] to an exit code
//! through [`error::Error::exit_code`]. Modules, and which may use which:
//!
//! * [`zone`]: the zone model, the YAML zone file format with positioned diagnostics, BIND
//!   master-file import and export. Uses nothing else of ours.
//! * [`cli`]: argument types (clap), validated configuration, dispatch and rendering.
//! * [`error`]: the error type every command returns, and its exit codes.

pub mod check;
pub mod cli;
pub mod error;
pub mod plan;
pub mod provider;
pub mod report;
pub mod walk;
pub mod zone;
