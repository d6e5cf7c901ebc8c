//! The DS and DNSKEY sets the servers answered, and the keys the chain of trust enters a zone
//! by: read by the validation of signatures and by the DNSSEC rules alike.

use hickory_proto::rr::{Name, RData};

use crate::check::{Facts, answers_with_authority};
use crate::walk::Probe;

pub(super) fn ds_of(data: &RData) -> Option<&hickory_proto::dnssec::rdata::DS> {
    match data {
        RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DS(ds)) => Some(ds),
        _ => None,
    }
}

pub(super) fn dnskey_of(data: &RData) -> Option<&hickory_proto::dnssec::rdata::DNSKEY> {
    match data {
        RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DNSKEY(key)) => Some(key),
        _ => None,
    }
}

/// The records of `rtype` at `owner` that servers answered with authority, deduplicated, and
/// whether any server answered with authority at all.
pub(super) fn authoritative_set<T: Clone + PartialEq>(
    probes: &[Probe],
    owner: &Name,
    pick: impl Fn(&RData) -> Option<&T>,
) -> (Vec<T>, bool) {
    let mut set: Vec<T> = Vec::new();
    let mut answered = false;
    for m in probes
        .iter()
        .filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
    {
        answered = true;
        for r in m.answers.iter().filter(|r| r.name == *owner) {
            if let Some(item) = pick(&r.data)
                && !set.contains(item)
            {
                set.push(item.clone());
            }
        }
    }
    (set, answered)
}

/// The key tags the chain of trust enters the zone by: the keys the zone serves that a DS of
/// its parent points at (their signatures over the key set count).
pub(super) fn entry_key_tags(f: &Facts, zone: &Name) -> Vec<u16> {
    let (ds, _) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, _) = authoritative_set(&f.dnskey, zone, dnskey_of);
    keys.iter()
        .filter(|k| ds.iter().any(|d| d.covers(zone, k).unwrap_or(false)))
        .filter_map(|k| k.calculate_key_tag().ok())
        .collect()
}
