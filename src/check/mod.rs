//! `dns check` as one pipeline of data: [`gather`] asks (the walk from the root, the table of
//! [`questions`] of every server, the registry, the zone file on every server) and builds the
//! [`Facts`] once; [`judge`] turns facts into findings ([`rules`]: pure functions of the facts,
//! each tested without sockets; [`verify::findings`] for the zone file); [`run`] goes from the
//! settings to a round (facts, findings, caches) for one zone and [`many`] for many; the
//! reports render a round; [`saved`] writes facts down and judges them again offline. Each
//! finding has a stable [`Code`], documented in the README (a test holds the two together).

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
pub mod verify;

use serde::Serialize;

pub use codes::{Code, Severity};
pub use facts::{
    DEFAULT_SLOW, Expected, Facts, Limits, MAX_CNAME_CHAIN, SetVerdict, TransferProbe, is_route53,
};
pub use gather::{APEX, gather};
pub use questions::{Asked, Question, mixed_case};
pub use rules::findings;

use crate::walk::Probe;

/// Every finding of a round's facts: the rules', then the zone file verification's.
pub fn judge(f: &Facts) -> Vec<Finding> {
    let mut out = findings(f);
    if let Some(v) = &f.verification {
        out.extend(verify::findings(v));
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub servers: Vec<String>,
    pub fix: String,
}

impl Finding {
    /// A finding of `code`, at the code's severity, with the code's fix.
    pub fn new(code: Code, message: String, servers: Vec<String>) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            message,
            servers,
            fix: code.fix().to_string(),
        }
    }

    /// The fix said more precisely than the code's (which server, which records, what TTL).
    pub fn with_fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }
}

/// Whether the probe is a proper authoritative answer (AA=1, NOERROR or NXDOMAIN).
pub fn answers_with_authority(p: &Probe) -> bool {
    p.is_authoritative_answer()
}
