//! The settings of one `dns check`, validated once from the command line (names, types and
//! durations are typed by the argument parser) and passed down; nothing below the CLI sees its
//! raw arguments.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use hickory_proto::rr::{Name, RecordType};

use super::caches::Resolver;
use crate::provider::route53::AwsOptions;
use crate::walk;
use crate::zonedir::ZonesDir;

/// The name servers the zone should be delegated to.
#[derive(Debug, Clone)]
pub enum Expect {
    /// `--expect-ns`: named.
    Names(BTreeSet<Name>),
    /// `--expect route53`: the delegation set of the hosted zone that holds the name (or of
    /// the one given by id).
    Route53 { hosted_zone_id: Option<String> },
}

/// Where the zone file to verify comes from.
#[derive(Debug, Clone)]
pub enum ZoneFile {
    /// `--zone-file`: this one, which must be the zone the walk reaches.
    Given(PathBuf),
    /// The zone's file in this directory, when there is one.
    InDir(ZonesDir),
}

/// `--resolvers`: which caches to ask.
#[derive(Debug, Clone)]
pub struct Resolvers {
    pub list: Vec<Resolver>,
    /// The list is (or includes) the well-known public resolvers: no use for a private zone.
    pub public: bool,
    /// `--all-records`: every record set of the zone file, not only NAME.
    pub all_records: bool,
}

/// `--wait`: check again until nothing is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub timeout: Duration,
    pub interval: Duration,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub name: Name,
    pub qtype: RecordType,
    pub expect: Option<Expect>,
    /// `--root-hints`: a named.root file instead of the built-in IANA hints.
    pub root_hints: Option<PathBuf>,
    /// Port, timeout, address families, budget and deadline of the walk.
    pub walk: walk::Config,
    /// Answers slower than this are `ns.slow`.
    pub slow: Duration,
    pub zone_file: ZoneFile,
    pub resolvers: Option<Resolvers>,
    /// `--health-status`: the primaries' health checks read from Route 53.
    pub health_status: bool,
    pub wait: Option<Wait>,
    pub aws: AwsOptions,
    /// The registry's RDAP service, shared by every zone of a run; `None`: not asked
    /// (`--no-rdap`, or a lab's root hints without `--rdap-url`).
    pub rdap: Option<std::sync::Arc<crate::rdap::Rdap>>,
    /// Where the chain of trust starts: IANA's root anchors with the built-in root hints,
    /// `--trust-anchor`, or none (a lab's root hints without `--trust-anchor`: the chain above
    /// the zone is not judged).
    pub anchors: Option<Vec<super::anchor::Anchor>>,
}

impl Settings {
    /// The name as people write it, without the final dot.
    pub fn name_text(&self) -> String {
        self.name.to_ascii().trim_end_matches('.').to_string()
    }
}
