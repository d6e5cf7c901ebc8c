//! Authoritative verification: is every record set of the zone file served, identically, by
//! every server of the zone?
//!
//! Each record set is asked of each server address with recursion off, over a bounded window of
//! concurrent questions. The answer is read back into the zone model (so `10 mx.example.net.` and
//! its wire form compare as equal) and compared with the file: values as sets, and the TTL. A
//! sub-delegation's NS set comes back as a referral and is read from the authority section. An
//! ALIAS is served as plain A/AAAA records: they are compared with the alias target's addresses,
//! found by the walker from the root.

use std::collections::BTreeMap;
use std::net::IpAddr;

use futures_util::future::join_all;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData as HRData, RecordType};
use serde::Serialize;

use super::{Finding, Severity};
use crate::walk::{NameServer, NoAnswer, Reply, Walker};
use crate::zone::bind::{convert, rdata_texts};
use crate::zone::{RData, RType, RecordSet, RrKey, Zone, name};

/// How many questions are in flight at once, shared between the servers.
pub const WINDOW: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Served {
    Same,
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

#[derive(Debug, Clone, Serialize)]
pub struct SetCheck {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub expected: Vec<String>,
    pub ttl: Option<u32>,
    /// (server, address, what it serves)
    pub servers: Vec<(String, IpAddr, Served)>,
}

impl SetCheck {
    pub fn all_same(&self) -> bool {
        self.servers.iter().all(|(_, _, s)| *s == Served::Same)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub zone: String,
    pub file: String,
    pub servers: usize,
    pub sets: Vec<SetCheck>,
}

impl Verification {
    pub fn served_identically(&self) -> usize {
        self.sets.iter().filter(|s| s.all_same()).count()
    }

    pub fn summary(&self) -> String {
        format!(
            "{} of {} record sets of {} served identically by all {} server(s)",
            self.served_identically(),
            self.sets.len(),
            self.zone,
            self.servers
        )
    }
}

fn qtype(rtype: RType) -> RecordType {
    match rtype {
        RType::A => RecordType::A,
        RType::AAAA => RecordType::AAAA,
        RType::CAA => RecordType::CAA,
        RType::CNAME => RecordType::CNAME,
        RType::MX => RecordType::MX,
        RType::NS => RecordType::NS,
        RType::SRV => RecordType::SRV,
        RType::TXT => RecordType::TXT,
    }
}

/// What one server's answer says about one expected record set.
fn judge(
    key: &RrKey,
    expected: &RecordSet,
    answer: &Result<Reply, NoAnswer>,
    alias_addrs: &[IpAddr],
) -> Served {
    let m = match answer {
        Ok(reply) => &reply.message,
        Err(why) => {
            return Served::NoAnswer {
                why: why.to_string(),
            };
        }
    };
    let rcode = m.metadata.response_code;
    let delegation = key.rtype == RType::NS && !m.metadata.authoritative;
    if !delegation
        && (!m.metadata.authoritative
            || !matches!(rcode, ResponseCode::NoError | ResponseCode::NXDomain))
    {
        return Served::NoAnswer {
            why: format!("{} without authority", crate::walk::rcode_name(rcode)),
        };
    }
    let section = if delegation {
        &m.authorities
    } else {
        &m.answers
    };
    let t = qtype(key.rtype);
    let records: Vec<_> = section
        .iter()
        // hickory compares names without regard to case (RFC 4343).
        .filter(|r| r.record_type() == t && r.name == key.name)
        .collect();
    if records.is_empty() {
        return Served::Missing {
            rcode: crate::walk::rcode_name(rcode),
        };
    }
    let ttl = records.iter().map(|r| r.ttl).min();
    let data: Vec<&HRData> = records.iter().map(|r| &r.data).collect();
    let Some((_, got)) = convert(t, &data) else {
        return Served::NoAnswer {
            why: "unreadable answer".into(),
        };
    };
    match &expected.data {
        RData::Alias(_) => {
            let served: Vec<IpAddr> = match &got {
                RData::A(v) => v.iter().map(|a| IpAddr::V4(*a)).collect(),
                RData::AAAA(v) => v.iter().map(|a| IpAddr::V6(*a)).collect(),
                _ => vec![],
            };
            // A load balancer rotates its addresses: any overlap with the target's is the alias.
            if served.iter().any(|a| alias_addrs.contains(a)) {
                Served::Same
            } else {
                Served::Differs {
                    values: served.iter().map(ToString::to_string).collect(),
                    ttl,
                }
            }
        }
        data if *data == got && (delegation || ttl == expected.ttl) => Served::Same,
        _ => Served::Differs {
            values: rdata_texts(&got),
            ttl,
        },
    }
}

/// Asks every server of the zone for every record set of `zone`.
pub async fn verify(
    walker: &Walker,
    zone: &Zone,
    file: &str,
    servers: &[NameServer],
) -> Verification {
    // ALIAS targets, resolved once each.
    let mut alias_addrs: BTreeMap<Name, Vec<IpAddr>> = BTreeMap::new();
    for set in zone.rrsets.values() {
        if let RData::Alias(a) = &set.data
            && !alias_addrs.contains_key(&a.target)
        {
            let addrs = walker.addresses(&a.target).await;
            alias_addrs.insert(a.target.clone(), addrs);
        }
    }
    let targets: Vec<(usize, &NameServer, IpAddr)> = servers
        .iter()
        .flat_map(|s| s.addrs.iter().map(move |a| (s, *a)))
        .enumerate()
        .map(|(i, (s, a))| (i, s, a))
        .collect();
    let keys: Vec<(&RrKey, &RecordSet)> = zone.rrsets.iter().collect();
    // The file sets the number of questions: they do not count against the walk's budget.
    let walker = &walker.with_extra_budget(keys.len() * targets.len());
    let questions: Vec<(Name, RecordType)> = keys
        .iter()
        .map(|(key, _)| (key.name.clone(), qtype(key.rtype)))
        .collect();
    // One socket per server address, the window shared between them; each answer is judged
    // as it comes, and only the verdict is kept.
    let window = (WINDOW / targets.len().max(1)).max(16);
    let alias_addrs = &alias_addrs;
    let judge = |k: usize, answer: &Result<Reply, NoAnswer>| {
        let (key, set) = keys[k];
        let addrs = match &set.data {
            RData::Alias(a) => alias_addrs.get(&a.target).map(Vec::as_slice),
            _ => None,
        };
        judge(key, set, answer, addrs.unwrap_or_default())
    };
    let verdicts: Vec<Vec<Served>> = join_all(
        targets
            .iter()
            .map(|(_, _, a)| walker.ask_many(*a, &questions, window, judge)),
    )
    .await;
    let mut sets: Vec<SetCheck> = keys
        .iter()
        .map(|(key, set)| SetCheck {
            name: key.name.to_ascii(),
            rtype: if set.data.is_alias() {
                format!("ALIAS {}", key.rtype)
            } else {
                key.rtype.to_string()
            },
            expected: match &set.data {
                RData::Alias(a) => vec![a.target.to_ascii()],
                data => rdata_texts(data),
            },
            ttl: set.ttl,
            servers: Vec::new(),
        })
        .collect();
    for ((_, server, addr), served) in targets.iter().zip(verdicts) {
        let server = server.name.to_ascii();
        for (k, served) in served.into_iter().enumerate() {
            sets[k].servers.push((server.clone(), *addr, served));
        }
    }
    Verification {
        zone: name::display(&zone.origin),
        file: file.to_string(),
        servers: targets.len(),
        sets,
    }
}

/// One finding per record set that is not served identically everywhere.
pub fn findings(v: &Verification) -> Vec<Finding> {
    let mut out = Vec::new();
    for set in v.sets.iter().filter(|s| !s.all_same()) {
        let missing: Vec<String> = set
            .servers
            .iter()
            .filter(|(_, _, s)| matches!(s, Served::Missing { .. }))
            .map(|(n, a, _)| format!("{n} ({a})"))
            .collect();
        let differs: Vec<String> = set
            .servers
            .iter()
            .filter_map(|(n, a, s)| match s {
                Served::Differs { values, ttl } => Some(format!(
                    "{n} ({a}) serves [{}]{}",
                    values.join(", "),
                    ttl.map(|t| format!(" TTL {t}")).unwrap_or_default()
                )),
                _ => None,
            })
            .collect();
        let expected = format!(
            "{} {} [{}]{}",
            set.name,
            set.rtype,
            set.expected.join(", "),
            set.ttl.map(|t| format!(" TTL {t}")).unwrap_or_default()
        );
        if !missing.is_empty() {
            out.push(Finding {
                code: "records.not-served",
                severity: Severity::Error,
                message: format!("{expected} from {} is not served by {}", v.file, missing.join(", ")),
                servers: missing,
                fix: "sync the zone (dns sync) and wait for it to reach every server, or check which servers the delegation names".into(),
            });
        }
        if !differs.is_empty() {
            out.push(Finding {
                code: "records.differ",
                severity: Severity::Error,
                message: format!("{} says {expected}, but {}", v.file, differs.join("; ")),
                servers: set.servers.iter().filter(|(_, _, s)| matches!(s, Served::Differs { .. })).map(|(n, a, _)| format!("{n} ({a})")).collect(),
                fix: "run `dns plan` to see what differs in Route 53, then `dns sync`; a server that lags behind the others has not loaded the zone".into(),
            });
        }
    }
    out
}
