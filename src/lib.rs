//! `dns`: keep DNS zones in git, sync them to Route 53, and check delegations from the root down.
//!
//! The library holds everything; `main.rs` only maps the result of [`cli::run`] to an exit code
//! through [`error::Error::exit_code`]. Modules, and which may use which (arrows run one way:
//! `cli` → `sync`, `report`, `plan`, `provider`, `check` → `walk` → `zone`; `check::run`,
//! `check::gather` and `sync` also reach `provider`, `check::gather` reaches `rdap`; everything
//! may use the low `severity`, `escape` and `clock`; no module imports one that imports it back):
//!
//! * [`zone`]: the zone model, the YAML zone file format with positioned diagnostics (octoDNS's
//!   layout, `!include`, `octodns:` blocks), RFC 1035 master files (our own reader, export).
//!   Uses nothing else of ours but [`severity`].
//! * [`plan`]: the diff of a zone file against the live zone, as pure data (changes in canonical
//!   order, a checksum), and the safety gates.
//! * [`provider`]: Route 53 through aws-sdk-route53: credentials and their errors, zone lookup,
//!   pages, change batches within Route 53's limits, waiting for INSYNC, rate limiting.
//! * [`walk`]: the iterative walk from the root (our own UDP/TCP exchange on hickory-proto
//!   messages, every answer judged, budgets and deadlines), batch verification, root hints.
//! * [`check`]: one pipeline of data: settings → gather (the walk, the table of server
//!   questions, the zone file on every server, the registry) → facts (plain data, saved and
//!   judged again with `--save-facts`/`--from-facts`) → validate (DNSSEC verdicts as data) →
//!   rules (one pure function each, with a stable [`check::Code`]) → a round, for one zone and
//!   for many; resolver caches.
//! * [`rdap`]: what the registry says of a domain (RDAP, IANA's bootstrap), for `check`.
//! * [`zonedir`]: the zones directory: zone ↔ file, which files are zones, loading them for a
//!   command (all valid, or refused with the diagnostics for the caller to show).
//! * [`sync`]: `dns plan`/`dns sync` as the library runs them: zones planned against Route 53,
//!   plans applied (hosted zone, health checks and VPCs around the change batches, INSYNC),
//!   `--verify`.
//! * [`report`]: renderers for people and machines (plan diff, check trace and findings).
//! * [`cli`]: argument types (clap), logging, dispatch.
//! * [`error`]: the error type every command returns, and its exit codes.
//! * [`severity`]: error or warning, one scale for diagnostics and findings.
//! * [`escape`]: text from the network made safe for a terminal.
//! * [`clock`]: wall-clock times and spans as the reports write them.

pub mod check;
pub mod cli;
pub mod clock;
pub mod error;
pub mod escape;
pub mod plan;
pub mod provider;
pub mod rdap;
pub mod report;
pub mod severity;
pub mod sync;
pub mod walk;
pub mod zone;
pub mod zonedir;
