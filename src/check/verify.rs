//! Authoritative verification: is every record set of the zone file served, identically, by
//! every server of the zone?
//!
//! Each record set is asked of each server address with recursion off, over a bounded window of
//! concurrent questions. The answer is read back into the zone model (so `10 mx.example.net.` and
//! its wire form compare as equal) and compared with the file: values as sets, and the TTL. A
//! sub-delegation's NS set comes back as a referral and is read from the authority section. An
//! ALIAS is served as plain A/AAAA records: they are compared with the alias target's addresses,
//! found by the walker from the root.
//!
//! Route 53's routed sets of one name and type are asked once: a server answers one of them
//! (weighted, latency, geolocation, failover) or several (multivalue), so the answer is compared
//! with each set and the verdict names the set(s) it matched. A failover pair answered by its
//! secondary is served as planned only while the primary's health check fails: that is a
//! warning to look at, not an error.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use futures_util::future::join_all;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData as HRData, Record, RecordType};
use serde::Serialize;

use super::is_route53;
use super::rules::first_few;
use super::{Code, Finding};
use crate::walk::{NameServer, NoAnswer, Reply, Transfer, TransferLimits, Walker};
use crate::zone::ignore::is_ignored;
use crate::zone::wire::{from_hickory, presentation};
use crate::zone::{RData, RType, RecordSet, RrKey, Zone, name};

/// How many questions are in flight at once, shared between the servers.
pub const WINDOW: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Served {
    Same,
    /// Routed sets: the answer is the one of these sets (several for multivalue answers).
    Matched {
        sets: Vec<String>,
    },
    /// The server does not have the record set (NXDOMAIN or no data).
    Missing {
        rcode: String,
    },
    /// The server has it with other values or another TTL.
    Differs {
        values: Vec<String>,
        ttl: Option<u32>,
    },
    /// No usable answer (timeout, refused, not authoritative).
    NoAnswer {
        why: String,
    },
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SetCheck {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub expected: Vec<String>,
    pub ttl: Option<u32>,
    /// Routed sets: how Route 53 chooses among them (`weight`, `failover`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<String>,
    /// A failover pair's secondary set: answered only while the primary is unhealthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary: Option<String>,
    /// A failover pair's primary health check, by its name in the zone file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_check: Option<String>,
    /// What Route 53 says of that check (`--health-status`): healthy or not, in its words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_status: Option<CheckStatus>,
    /// (server, address, what it serves)
    pub servers: Vec<(String, IpAddr, Served)>,
}

impl SetCheck {
    /// The servers (`name (address)`) that answered a failover pair with its secondary.
    pub fn on_secondary(&self) -> Vec<String> {
        let Some(secondary) = &self.secondary else {
            return Vec::new();
        };
        self.servers
            .iter()
            .filter(|(_, _, s)| matches!(s, Served::Matched { sets } if sets.contains(secondary)))
            .map(|(n, a, _)| format!("{n} ({a})"))
            .collect()
    }

    pub fn all_same(&self) -> bool {
        self.servers
            .iter()
            .all(|(_, _, s)| matches!(s, Served::Same | Served::Matched { .. }))
    }
}

/// A health check's status as Route 53's checkers report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CheckStatus {
    pub healthy: bool,
    /// "3 of 16 checkers report success", or why the status is not known.
    pub report: String,
}

/// What one server's whole zone, when it gives it out, holds beyond the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Listing {
    /// The zone came by zone transfer: `records` in all, and the record sets (`name TYPE`)
    /// the file does not have.
    Transferred {
        records: usize,
        unexpected: Vec<String>,
    },
    /// No zone transfer from this server (Route 53 never gives one): record sets beyond the
    /// file cannot be seen here.
    NotGiven { why: String },
    /// The transfer went past the limits and was stopped.
    CutShort { records: usize, octets: usize },
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Verification {
    pub zone: String,
    pub file: String,
    pub servers: usize,
    pub sets: Vec<SetCheck>,
    /// Per server address, what the zone holds beyond the file (empty when not looked for).
    pub listings: Vec<(String, IpAddr, Listing)>,
    /// The record sets whose signatures did not verify with the zone's keys (a signed zone),
    /// for the DNSSEC rules: reported with the other sets' signatures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<crate::check::SetVerdict>,
    /// The file routes the question's name and type (Route 53 routed sets): servers answering
    /// it differently is by design, each answer judged by its set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub routed: bool,
}

/// The zone's verified keys, when it is signed: every answer's signatures are verified with
/// them as it comes in (the answers are not kept).
#[derive(Debug, Default)]
pub struct Keys {
    pub keys: Vec<hickory_proto::dnssec::rdata::DNSKEY>,
    /// The check's clock, seconds since 1970 (the signatures' validity).
    pub now: u32,
    /// The signatures verified so far (each distinct one verified once, whichever server
    /// served it).
    pub verified: crate::check::rules::Verified,
}

impl Verification {
    pub fn served_identically(&self) -> usize {
        self.sets.iter().filter(|s| s.all_same()).count()
    }

    /// For each routed name and type, which set each server answered: `www.example.com. A
    /// (weight): ns-1… → blue, ns-2… → green`.
    pub fn routed_lines(&self) -> Vec<String> {
        self.sets
            .iter()
            .filter_map(|set| {
                let kind = set.routing.as_ref()?;
                let answers: Vec<String> = set
                    .servers
                    .iter()
                    .map(|(server, addr, served)| {
                        let what = match served {
                            Served::Matched { sets } => sets.join("+"),
                            Served::Same => "as the file says".into(),
                            Served::Missing { rcode } => format!("nothing ({rcode})"),
                            Served::Differs { .. } => "none of the sets".into(),
                            Served::NoAnswer { .. } => "no answer".into(),
                        };
                        format!("{server} ({addr}) → {what}")
                    })
                    .collect();
                Some(format!(
                    "{} {} ({kind}): {}",
                    set.name,
                    set.rtype,
                    answers.join(", ")
                ))
            })
            .collect()
    }

    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} of {} record sets of {} served identically by all {} server(s)",
            self.served_identically(),
            self.sets.len(),
            self.zone,
            self.servers
        );
        if self.listings.is_empty() {
            return line;
        }
        let transferred: Vec<&Vec<String>> = self
            .listings
            .iter()
            .filter_map(|(_, _, l)| match l {
                Listing::Transferred { unexpected, .. } => Some(unexpected),
                Listing::NotGiven { .. } | Listing::CutShort { .. } => None,
            })
            .collect();
        let extra = transferred.iter().filter(|u| !u.is_empty()).count();
        line.push_str(&match (transferred.len(), extra) {
            (0, _) => "; record sets beyond the file not looked for: no server gives a zone transfer (Route 53 never does; `dns plan` lists what the hosted zone has beyond the file)".to_string(),
            (n, 0) => format!("; no record sets beyond the file on the {n} server(s) that gave a zone transfer"),
            (n, e) => format!("; {e} of the {n} server(s) that gave a zone transfer serve record sets the file does not have"),
        });
        line
    }
}

/// The record sets of a transferred zone that the file does not have: of the types a zone file
/// holds, leaving out the apex SOA and NS (the provider's) and names the file's `ignore:` leaves
/// to others.
fn beyond_the_file(zone: &Zone, records: &[Record]) -> Vec<String> {
    let mut extra = BTreeSet::new();
    for r in records {
        let Some(t) = RType::from_record_type(r.record_type()) else {
            continue;
        };
        if t == RType::NS && r.name == zone.origin {
            continue;
        }
        let key = RrKey::new(r.name.clone(), t);
        // The plain set sorts before the routed sets of its name and type.
        let in_file = zone
            .rrsets
            .range(key.clone()..)
            .next()
            .is_some_and(|(k, _)| k.same_rrset(&key));
        if !in_file && !is_ignored(&key, &zone.origin, &zone.settings) {
            extra.insert(key);
        }
    }
    extra
        .into_iter()
        .map(|k| format!("{} {}", k.name.to_ascii(), k.rtype))
        .collect()
}

/// What one server's answer holds for `key`'s name and type: the values and their TTL, or
/// the verdict when there is nothing to compare.
fn read_answer(
    key: &RrKey,
    answer: &Result<Reply, NoAnswer>,
) -> Result<(RData, Option<u32>, bool), Served> {
    let m = match answer {
        Ok(reply) => &reply.message,
        Err(why) => {
            return Err(Served::NoAnswer {
                why: why.to_string(),
            });
        }
    };
    let rcode = m.metadata.response_code;
    let delegation = key.rtype == RType::NS && !m.metadata.authoritative;
    if !delegation
        && (!m.metadata.authoritative
            || !matches!(rcode, ResponseCode::NoError | ResponseCode::NXDomain))
    {
        return Err(Served::NoAnswer {
            why: format!("{} without authority", crate::walk::rcode_name(rcode)),
        });
    }
    let section = if delegation {
        &m.authorities
    } else {
        &m.answers
    };
    let t = key.rtype.record_type();
    let records: Vec<_> = section
        .iter()
        // hickory compares names without regard to case (RFC 4343).
        .filter(|r| r.record_type() == t && r.name == key.name)
        .collect();
    if records.is_empty() {
        return Err(Served::Missing {
            rcode: crate::walk::rcode_name(rcode),
        });
    }
    let ttl = records.iter().map(|r| r.ttl).min();
    let data: Vec<&HRData> = records.iter().map(|r| &r.data).collect();
    match from_hickory(t, &data) {
        Some((_, got)) => Ok((got, ttl, delegation)),
        None => Err(Served::NoAnswer {
            why: "unreadable answer".into(),
        }),
    }
}

/// Whether `got` (served with `ttl`) is the expected set.
fn matches(
    expected: &RecordSet,
    got: &RData,
    ttl: Option<u32>,
    delegation: bool,
    alias_addrs: &[IpAddr],
) -> bool {
    match &expected.data {
        RData::Alias(_) => {
            // A load balancer rotates its addresses: any overlap with the target's is the alias.
            addresses(got).iter().any(|a| alias_addrs.contains(a))
        }
        data => *data == *got && (delegation || ttl == expected.ttl),
    }
}

fn addresses(data: &RData) -> Vec<IpAddr> {
    match data {
        RData::A(v) => v.iter().map(|a| IpAddr::V4(*a)).collect(),
        RData::AAAA(v) => v.iter().map(|a| IpAddr::V6(*a)).collect(),
        _ => vec![],
    }
}

fn differs(got: &RData, ttl: Option<u32>) -> Served {
    Served::Differs {
        values: presentation(got),
        ttl,
    }
}

/// What one server's answer says about one expected record set.
fn judge(
    key: &RrKey,
    expected: &RecordSet,
    answer: &Result<Reply, NoAnswer>,
    alias_addrs: &[IpAddr],
) -> Served {
    match read_answer(key, answer) {
        Err(verdict) => verdict,
        Ok((got, ttl, delegation)) if matches(expected, &got, ttl, delegation, alias_addrs) => {
            Served::Same
        }
        Ok((got, ttl, _)) => match &expected.data {
            RData::Alias(_) => Served::Differs {
                values: addresses(&got).iter().map(ToString::to_string).collect(),
                ttl,
            },
            _ => differs(&got, ttl),
        },
    }
}

/// What one server's answer says about the routed sets of one name and type: which set it is,
/// or, for multivalue answers, which sets its records come from.
fn judge_routed(
    group: &[(&RrKey, &RecordSet)],
    answer: &Result<Reply, NoAnswer>,
    alias_addrs: &BTreeMap<Name, Vec<IpAddr>>,
) -> Served {
    let Some((key, _)) = group.first() else {
        return Served::Missing {
            rcode: "NOERROR".into(),
        };
    };
    let (got, ttl, delegation) = match read_answer(key, answer) {
        Ok(read) => read,
        Err(verdict) => return verdict,
    };
    let addrs = |set: &RecordSet| match &set.data {
        RData::Alias(a) => alias_addrs
            .get(&a.target)
            .map(Vec::as_slice)
            .unwrap_or_default(),
        _ => &[],
    };
    let id = |k: &RrKey| k.set_id.clone().unwrap_or_default();
    if let Some((k, _)) = group
        .iter()
        .find(|(_, set)| matches(set, &got, ttl, delegation, addrs(set)))
    {
        return Served::Matched { sets: vec![id(k)] };
    }
    let multivalue = group.iter().any(|(_, s)| {
        s.routing
            .as_ref()
            .is_some_and(|r| r.policy == crate::zone::Policy::MultiValue)
    });
    if multivalue {
        // Each record answered must be one set's (Route 53 answers up to eight healthy sets).
        let mut sets = Vec::new();
        for value in presentation(&got) {
            let owner = group
                .iter()
                .find(|(_, s)| presentation(&s.data).contains(&value) && ttl == s.ttl);
            match owner {
                Some((k, _)) => sets.push(id(k)),
                None => return differs(&got, ttl),
            }
        }
        sets.sort();
        sets.dedup();
        return Served::Matched { sets };
    }
    differs(&got, ttl)
}

/// One answer to one question of the file: what it says of the file's set(s) of that name and
/// type, and the signatures over it that do not verify (a signed zone).
fn judge_group(
    group: &[(&RrKey, &RecordSet)],
    answer: &Result<Reply, NoAnswer>,
    alias_addrs: &BTreeMap<Name, Vec<IpAddr>>,
    origin: &Name,
    keys: &Keys,
) -> (Served, Vec<(String, crate::check::rules::Verdict)>) {
    let signatures = match answer {
        Ok(reply) => {
            let (k, now, seen) = (&keys.keys, keys.now, &keys.verified);
            crate::check::rules::answer_problems(&reply.message, origin, k, now, seen)
        }
        Err(_) => vec![],
    };
    if group[0].0.set_id.is_some() {
        return (judge_routed(group, answer, alias_addrs), signatures);
    }
    let (key, set) = group[0];
    let addrs = match &set.data {
        RData::Alias(a) => alias_addrs.get(&a.target).map(Vec::as_slice),
        _ => None,
    };
    (
        judge(key, set, answer, addrs.unwrap_or_default()),
        signatures,
    )
}

/// Asks every server of the zone for every record set of `zone`; with `whole_zone` (the file is
/// the whole zone, not a part of it), also takes the zone by transfer from each server whose
/// transfer probe (asked with the check's server questions) found it given, to find record sets
/// the file does not have.
pub async fn verify(
    walker: &Walker,
    zone: &Zone,
    file: &str,
    servers: &[NameServer],
    whole_zone: Option<&[super::TransferProbe]>,
    keys: &Keys,
) -> Verification {
    let alias_addrs = alias_addresses(walker, zone).await;
    let targets: Vec<(usize, &NameServer, IpAddr)> = walker
        .targets(servers)
        .enumerate()
        .map(|(i, (s, a))| (i, s, a))
        .collect();
    let groups = groups_of(zone);
    // The file sets the number of questions (and a zone transfer per server): they do not
    // count against the walk's budget.
    let walker = &walker.with_extra_budget((groups.len() + 1) * targets.len());
    let questions: Vec<(Name, RecordType)> = groups
        .iter()
        .map(|g| (g[0].0.name.clone(), g[0].0.rtype.record_type()))
        .collect();
    // One socket per server address, the window shared between them; each answer is judged
    // as it comes, and only the verdict is kept.
    let window = (WINDOW / targets.len().max(1)).max(16);
    let alias_addrs = &alias_addrs;
    let groups = &groups;
    let judge = |k: usize, answer: &Result<Reply, NoAnswer>| {
        judge_group(&groups[k], answer, alias_addrs, &zone.origin, keys)
    };
    let asked = join_all(
        targets
            .iter()
            .map(|(_, _, a)| walker.ask_many(*a, &questions, window, judge)),
    );
    let listed = async {
        match whole_zone {
            Some(probes) => transfers(walker, &targets, zone, probes).await,
            None => Vec::new(),
        }
    };
    let (verdicts, listings): (Vec<Vec<(Served, _)>>, _) = futures_util::join!(asked, listed);
    let mut sets: Vec<SetCheck> = groups.iter().map(|g| set_check(g)).collect();
    let mut signatures = Vec::new();
    for ((_, server, addr), served) in targets.iter().zip(verdicts) {
        let server = server.name.to_ascii();
        for (k, (served, bad)) in served.into_iter().enumerate() {
            sets[k].servers.push((server.clone(), *addr, served));
            signatures.extend(
                bad.into_iter()
                    .map(|(label, verdict)| crate::check::SetVerdict {
                        server: format!("{server} ({addr})"),
                        label,
                        verdict,
                    }),
            );
        }
    }
    Verification {
        zone: name::display(&zone.origin),
        file: file.to_string(),
        servers: targets.len(),
        sets,
        listings,
        signatures,
        routed: false,
    }
}

/// The addresses of the zone's ALIAS targets, each resolved once.
async fn alias_addresses(walker: &Walker, zone: &Zone) -> BTreeMap<Name, Vec<IpAddr>> {
    let mut alias_addrs: BTreeMap<Name, Vec<IpAddr>> = BTreeMap::new();
    for set in zone.rrsets.values() {
        if let RData::Alias(a) = &set.data
            && !alias_addrs.contains_key(&a.target)
        {
            let addrs = walker.addresses(&a.target).await;
            alias_addrs.insert(a.target.clone(), addrs);
        }
    }
    alias_addrs
}

/// The zone's sets by question: one per name and type, a plain set alone or all the routed
/// sets of it together.
fn groups_of(zone: &Zone) -> Vec<Vec<(&RrKey, &RecordSet)>> {
    let mut groups: Vec<Vec<(&RrKey, &RecordSet)>> = Vec::new();
    for (key, set) in &zone.rrsets {
        match groups.last_mut() {
            Some(g)
                if key.set_id.is_some() && g[0].0.set_id.is_some() && g[0].0.same_rrset(key) =>
            {
                g.push((key, set))
            }
            _ => groups.push(vec![(key, set)]),
        }
    }
    groups
}

/// Each server's zone transfer (not asked of Route 53, which gives none, nor again of a server
/// whose transfer probe was refused), and what it holds beyond the file.
async fn transfers(
    walker: &Walker,
    targets: &[(usize, &NameServer, IpAddr)],
    zone: &Zone,
    probes: &[super::TransferProbe],
) -> Vec<(String, IpAddr, Listing)> {
    let limits = transfer_limits(zone.rrsets.len());
    join_all(targets.iter().map(|(_, s, a)| async move {
        if is_route53(&s.name) {
            // Route 53 answers no zone transfer: not worth a connection per server.
            let why = "Route 53 gives no zone transfers".to_string();
            return (s.name.to_ascii(), *a, Listing::NotGiven { why });
        }
        if let Some(p) = probes.iter().find(|p| p.addr == *a && !p.given) {
            let why = p.why.clone();
            return (s.name.to_ascii(), *a, Listing::NotGiven { why });
        }
        let listing = match walker.transfer(*a, &zone.origin, limits).await {
            Transfer::Records(records) => Listing::Transferred {
                records: records.len(),
                unexpected: beyond_the_file(zone, &records),
            },
            Transfer::Refused(why) => Listing::NotGiven { why },
            Transfer::Failed(why) => Listing::NotGiven {
                why: why.to_string(),
            },
            Transfer::CutShort { records, octets } => Listing::CutShort { records, octets },
        };
        (s.name.to_ascii(), *a, listing)
    }))
    .await
}

/// What the file expects of one name and type.
fn set_check(group: &[(&RrKey, &RecordSet)]) -> SetCheck {
    let (key, set) = group[0];
    let values = |set: &RecordSet| match &set.data {
        RData::Alias(a) => vec![a.target.to_ascii()],
        data => presentation(data),
    };
    let routing = set.routing.as_ref().map(|r| r.policy.kind().to_string());
    let of = |f: crate::zone::Failover| {
        group
            .iter()
            .find(move |(_, s)| {
                s.routing
                    .as_ref()
                    .is_some_and(|r| r.policy == crate::zone::Policy::Failover(f))
            })
            .copied()
    };
    let secondary = of(crate::zone::Failover::Secondary).and_then(|(k, _)| k.set_id.clone());
    let primary_check = of(crate::zone::Failover::Primary).and_then(|(_, s)| {
        match s.routing.as_ref()?.health_check.as_ref()? {
            crate::zone::HealthRef::Named(n) => Some(n.clone()),
            crate::zone::HealthRef::Id(_) => None,
        }
    });
    SetCheck {
        name: key.name.to_ascii(),
        rtype: if set.data.is_alias() {
            format!("ALIAS {}", key.rtype)
        } else {
            key.rtype.to_string()
        },
        expected: if routing.is_some() {
            group
                .iter()
                .map(|(k, s)| {
                    format!(
                        "{}: {}",
                        k.set_id.as_deref().unwrap_or_default(),
                        values(s).join(" ")
                    )
                })
                .collect()
        } else {
            values(set)
        },
        ttl: set.ttl,
        routing,
        secondary,
        primary_check,
        primary_status: None,
        servers: Vec::new(),
    }
}

/// A failover pair answered by its secondary: a warning, or with the primary's check status
/// (`--health-status`) nothing while it fails and an error while it is healthy.
fn failover_finding(set: &SetCheck) -> Option<Finding> {
    let secondary = set.secondary.as_deref()?;
    let on = set.on_secondary();
    if on.is_empty() {
        return None;
    }
    let check = set.primary_check.as_deref().unwrap_or("(none)");
    let what = format!(
        "{} {} is answered with its failover secondary ({secondary}) by {}",
        set.name,
        set.rtype,
        on.join(", ")
    );
    let (code, message) = match &set.primary_status {
        // Failing over as planned: the primary's check fails.
        Some(status) if !status.healthy => return None,
        Some(status) => (
            Code::RecordsFailoverUnexpected,
            format!(
                "{what}, but the primary's health check `{check}` is healthy ({})",
                status.report
            ),
        ),
        None => (
            Code::RecordsFailoverSecondary,
            format!(
                "{what}: Route 53 does so only while the primary's health check (`{check}`) fails"
            ),
        ),
    };
    Some(Finding::new(code, message, on))
}

/// How much a zone transfer may bring: ten times the records of the file, and 100,000 more, and
/// at most 256 MiB. An endless transfer is stopped there, not held in memory.
pub fn transfer_limits(file_sets: usize) -> TransferLimits {
    TransferLimits {
        records: file_sets.saturating_mul(10).saturating_add(100_000),
        octets: 256 << 20,
    }
}

/// One finding per record set that is not served identically everywhere, one per server that
/// left record sets unanswered, and one per server whose zone holds record sets beyond the file.
pub fn findings(v: &Verification) -> Vec<Finding> {
    let mut out = unanswered(v);
    out.extend(listings(v));
    out.extend(v.sets.iter().filter_map(failover_finding));
    for set in v.sets.iter().filter(|s| !s.all_same()) {
        out.extend(set_served(v, set));
    }
    out
}

/// records.unverified: record sets a server gave no usable answer for (a timeout, a
/// non-authoritative answer), neither served nor not served. One finding per server, not one
/// per record set.
fn unanswered(v: &Verification) -> Vec<Finding> {
    let mut by_server: BTreeMap<(&str, IpAddr), (Vec<String>, &str)> = BTreeMap::new();
    for set in &v.sets {
        for (server, addr, served) in &set.servers {
            if let Served::NoAnswer { why } = served {
                let entry = by_server
                    .entry((server.as_str(), *addr))
                    .or_insert_with(|| (Vec::new(), why.as_str()));
                entry.0.push(format!("{} {}", set.name, set.rtype));
            }
        }
    }
    by_server
        .iter()
        .map(|((server, addr), (sets, why))| {
            Finding::new(Code::RecordsUnverified, format!(
                    "{server} ({addr}) gave no usable answer for {} of the {} record set(s) of {} (first: {why}): {}",
                    sets.len(),
                    v.sets.len(),
                    v.file,
                    first_few(sets, 10)
                ), vec![format!("{server} ({addr})")])
        })
        .collect()
}

/// records.transfer-cut-short and records.unexpected: what each server's zone transfer holds
/// beyond the file (that a server gives it at all is `ns.transfer-open`, from the check's
/// transfer probe).
fn listings(v: &Verification) -> Vec<Finding> {
    let mut out = Vec::new();
    for (server, addr, listing) in &v.listings {
        let who = format!("{server} ({addr})");
        match listing {
            Listing::CutShort { records, octets } => out.push(Finding::new(Code::RecordsTransferCutShort, format!(
                    "{who} sent a zone transfer of {} past the limits ({records} records, {octets} octets so far) and it was stopped: record sets beyond {} were not looked for on this server",
                    v.zone, v.file
                ), vec![who])),
            Listing::Transferred { unexpected, .. } if !unexpected.is_empty() => {
                out.push(Finding::new(Code::RecordsUnexpected, format!(
                        "{who} serves {} record set(s) that {} does not have: {}",
                        unexpected.len(),
                        v.file,
                        first_few(unexpected, 10)
                    ), vec![who]))
            }
            _ => {}
        }
    }
    out
}

/// records.not-served and records.differ: one record set of the file, on the servers that do
/// not serve it as the file says.
fn set_served(v: &Verification, set: &SetCheck) -> Vec<Finding> {
    let who = |n: &String, a: &IpAddr| format!("{n} ({a})");
    let missing: Vec<String> = set
        .servers
        .iter()
        .filter(|(_, _, s)| matches!(s, Served::Missing { .. }))
        .map(|(n, a, _)| who(n, a))
        .collect();
    let differs: Vec<(String, String)> = set
        .servers
        .iter()
        .filter_map(|(n, a, s)| match s {
            Served::Differs { values, ttl } => Some((
                who(n, a),
                format!(
                    "{} serves [{}]{}",
                    who(n, a),
                    values.join(", "),
                    ttl.map(|t| format!(" TTL {t}")).unwrap_or_default()
                ),
            )),
            _ => None,
        })
        .collect();
    let expected = match &set.routing {
        Some(kind) => format!(
            "{} {} routed by {kind}, one of [{}]",
            set.name,
            set.rtype,
            set.expected.join("; ")
        ),
        None => format!(
            "{} {} [{}]{}",
            set.name,
            set.rtype,
            set.expected.join(", "),
            set.ttl.map(|t| format!(" TTL {t}")).unwrap_or_default()
        ),
    };
    let mut out = Vec::new();
    if !missing.is_empty() {
        out.push(Finding::new(
            Code::RecordsNotServed,
            format!(
                "{expected} from {} is not served by {}",
                v.file,
                missing.join(", ")
            ),
            missing,
        ));
    }
    if !differs.is_empty() {
        let (servers, said): (Vec<String>, Vec<String>) = differs.into_iter().unzip();
        out.push(Finding::new(
            Code::RecordsDiffer,
            format!("{} says {expected}, but {}", v.file, said.join("; ")),
            servers,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route53_name_servers_are_recognised() {
        let yes = [
            "ns-1.awsdns-01.org.",
            "ns-2034.awsdns-42.co.uk.",
            "NS-9.AWSDNS-63.COM.",
        ];
        let no = [
            "ns1.dns.test.",
            "ns-1.awsdns.org.",
            "ns-1.notawsdns-01.org.",
            "awsdns-01.org.",
        ];
        for n in yes {
            assert!(is_route53(&Name::from_ascii(n).unwrap()), "{n}");
        }
        for n in no {
            assert!(!is_route53(&Name::from_ascii(n).unwrap()), "{n}");
        }
    }
}
