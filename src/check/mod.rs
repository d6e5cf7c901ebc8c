//! `dns check` as one pipeline of data: [`gather`] asks (the walk from the root, the table of
//! [`questions`] of every server, the registry, the zone file on every server) and builds the
//! [`Facts`] once; [`judge`] turns facts into findings ([`rules`]: pure functions of the facts,
//! each tested without sockets; `rules::records` for the zone file); [`run`] goes from the
//! settings to a round (facts, findings, caches) for one zone and [`many`] for many; the
//! reports render a round; [`saved`] writes facts down and judges them again offline. Each
//! finding has a stable [`Code`], documented in docs/check.md (a test holds the two together).

pub mod anchor;
pub mod caches;
pub mod codes;
pub mod facts;
pub mod gather;
pub mod many;
pub mod questions;
pub mod rules;
pub mod run;
pub mod saved;
pub mod settings;
pub mod trust;
pub mod validate;
pub mod verdicts;
pub mod verification;
pub mod verify;

pub use codes::{Code, Finding, Severity};
pub use facts::{
    DEFAULT_SLOW, Expected, Facts, Limits, MAX_CNAME_CHAIN, TransferProbe, answers_with_authority,
    is_route53,
};
pub use gather::{APEX, gather};
pub use questions::{Asked, Question, mixed_case};
pub use rules::{findings, judge};
pub use verdicts::SetVerdict;
