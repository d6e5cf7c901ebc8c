//! The zone's SOA as its servers serve it: `soa.serial-mismatch`, `soa.inconsistent`,
//! `soa.timers` and `soa.not-one` (Zonemaster Zone01-07, 10; Consistency01).

use std::collections::BTreeMap;

use hickory_proto::rr::{Name, RData, RecordType};

use super::{who, zone_text};
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};

/// soa.serial-mismatch: the zone's servers serve different serials.
pub fn serials(f: &Facts) -> Vec<Finding> {
    let serials = soa_groups(f, |soa| soa.serial);
    if serials.len() <= 1 {
        return vec![];
    }
    vec![Finding::new(
        Code::SoaSerialMismatch,
        format!(
            "the servers of {} serve different SOA serials: {}",
            zone_text(f),
            serials
                .iter()
                .map(|(s, w)| format!("{s} at {}", w.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        serials.values().flatten().cloned().collect(),
    )]
}

/// The servers that answered the zone's SOA with authority, grouped by what `key` reads of it.
pub(super) fn soa_groups<K: Ord>(
    f: &Facts,
    key: impl Fn(&hickory_proto::rr::rdata::SOA) -> K,
) -> BTreeMap<K, Vec<String>> {
    let mut groups: BTreeMap<K, Vec<String>> = BTreeMap::new();
    for p in f.soa_udp.iter().filter(|p| answers_with_authority(p)) {
        let soa = p.message().and_then(|m| {
            m.answers.iter().find_map(|r| match &r.data {
                RData::SOA(soa) => Some(key(soa)),
                _ => None,
            })
        });
        if let Some(k) = soa {
            groups.entry(k).or_default().push(who(p));
        }
    }
    groups
}

/// soa.inconsistent: the servers agree on the serial but not on the rest of the SOA (Zonemaster
/// Consistency02/03/06): the primary (MNAME), the contact (RNAME) or the timers. Servers
/// loading the same zone cannot differ there; two providers each writing their own SOA can,
/// and then secondaries and resolvers' negative caching follow whichever server they asked.
pub fn soa_fields(f: &Facts) -> Vec<Finding> {
    let by_fields = soa_groups(f, |soa| {
        format!(
            "MNAME {} RNAME {} refresh {} retry {} expire {} minimum {}",
            soa.mname.to_ascii(),
            soa.rname.to_ascii(),
            soa.refresh,
            soa.retry,
            soa.expire,
            soa.minimum
        )
    });
    if by_fields.len() <= 1 {
        return vec![];
    }
    vec![Finding::new(
        Code::SoaInconsistent,
        format!(
            "the servers of {} serve different SOA records (apart from the serial): {}",
            zone_text(f),
            by_fields
                .iter()
                .map(|(s, w)| format!("{} say [{s}]", w.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        by_fields.values().flatten().cloned().collect(),
    )]
}

/// soa.timers: SOA timers that defeat their purpose (Zonemaster Zone03, and the parts of Zone05
/// and Zone06 that are more than taste): retry not below refresh, expire not above refresh, a
/// negative-caching TTL over a day. Zonemaster's minimums (refresh ≥ 4 h, retry ≥ 1 h) are left
/// out: Route 53's default SOA is below them on every hosted zone.
pub fn soa_timers(f: &Facts) -> Vec<Finding> {
    let by_timers = soa_groups(f, |soa| (soa.refresh, soa.retry, soa.expire, soa.minimum));
    let mut out = Vec::new();
    for ((refresh, retry, expire, minimum), servers) in by_timers {
        let mut wrong = Vec::new();
        if retry >= refresh {
            wrong.push(format!("retry {retry} s is not below refresh {refresh} s"));
        }
        if expire <= refresh {
            wrong.push(format!(
                "expire {expire} s is not above refresh {refresh} s"
            ));
        }
        if minimum > 86_400 {
            wrong.push(format!(
                "the negative-caching TTL (minimum) {minimum} s is over a day"
            ));
        }
        if !wrong.is_empty() {
            out.push(Finding::new(
                Code::SoaTimers,
                format!(
                    "the SOA of {} (refresh {refresh} retry {retry} expire {expire} minimum {minimum}): {}",
                    zone_text(f),
                    wrong.join("; ")
                ),
                servers,
            ));
        }
    }
    out
}

/// soa.not-one: a server answering the zone's SOA with more than one SOA record (duplicates of
/// one record are not counted), or with an SOA owned by another name (Zonemaster Zone10).
pub fn soa_single(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in f.soa_udp.iter().chain(&f.soa_tcp) {
        if !answers_with_authority(p) {
            continue;
        }
        let Some(m) = p.message() else { continue };
        let mut soas: Vec<(&Name, &RData)> = m
            .answers
            .iter()
            .filter(|r| r.record_type() == RecordType::SOA)
            .map(|r| (&r.name, &r.data))
            .collect();
        soas.dedup();
        let what = if soas.len() > 1 {
            format!("{} SOA records", soas.len())
        } else if let Some((owner, _)) = soas.iter().find(|(owner, _)| *owner != zone) {
            format!("the SOA of {}", owner.to_ascii())
        } else {
            continue;
        };
        wrong
            .entry(what)
            .or_default()
            .push(format!("{} over {}", who(p), p.proto));
    }
    wrong
        .into_iter()
        .map(|(what, servers)| {
            Finding::new(
                Code::SoaNotOne,
                format!(
                    "asked the SOA of {}, {} answer(s) with {what}: a zone has one SOA, at its apex",
                    zone_text(f),
                    servers.len()
                ),
                servers,
            )
        })
        .collect()
}
