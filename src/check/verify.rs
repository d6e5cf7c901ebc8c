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

use super::facts::is_route53;
use super::verification::{Listing, Served, SetCheck, Verification};
use crate::walk::{NameServer, NoAnswer, Reply, Transfer, TransferLimits, Walker};
use crate::zone::ignore::is_ignored;
use crate::zone::wire::{from_hickory, presentation};
use crate::zone::{RData, RType, RecordSet, RrKey, Zone, name};

/// How many questions are in flight at once to one server address: each server is asked at the
/// same pace however many there are (a move's pre-flight asks six where a check asks two).
pub const PER_SERVER: usize = 128;

/// The zone's verified keys, when it is signed: every answer's signatures are verified with
/// them as it comes in (the answers are not kept).
#[derive(Debug, Default)]
pub struct Keys {
    pub keys: Vec<hickory_proto::dnssec::rdata::DNSKEY>,
    /// The check's clock, seconds since 1970 (the signatures' validity).
    pub now: u32,
    /// The signatures verified so far (each distinct one verified once, whichever server
    /// served it).
    pub verified: crate::check::validate::Verified,
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
) -> (Served, Vec<(String, crate::check::verdicts::Verdict)>) {
    let signatures = match answer {
        Ok(reply) => {
            let (k, now, seen) = (&keys.keys, keys.now, &keys.verified);
            crate::check::validate::answer_problems(&reply.message, origin, k, now, seen)
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
    whole_zone: Option<&[super::facts::TransferProbe]>,
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
    // One socket per server address, each with its window; each answer is judged as it comes,
    // and only the verdict is kept.
    let window = PER_SERVER;
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
            signatures.extend(bad.into_iter().map(|(label, verdict)| {
                crate::check::verdicts::SetVerdict {
                    server: format!("{server} ({addr})"),
                    label,
                    verdict,
                }
            }));
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
    probes: &[super::facts::TransferProbe],
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

/// How much a zone transfer may bring: ten times the records of the file, and 100,000 more, and
/// at most 256 MiB. An endless transfer is stopped there, not held in memory.
pub fn transfer_limits(file_sets: usize) -> TransferLimits {
    TransferLimits {
        records: file_sets.saturating_mul(10).saturating_add(100_000),
        octets: 256 << 20,
    }
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
