//! Referrals and bailiwick (RFC 1034 §4.3.2, RFC 9471): the referral a level gives toward the
//! name, only ever downward, and glue taken only in bailiwick of the zone that sent it, every
//! record dropped kept with the reason.

use super::*;

/// The referral most servers of `zone` gave for `qname`, if any: the child zone, the union of
/// NS sets, and glue that is in bailiwick of `zone`.
pub(super) fn pick_referral(
    zone: &Name,
    qname: &Name,
    probes: &[Probe],
    dropped: &mut Vec<String>,
) -> Option<Delegation> {
    let mut votes: BTreeMap<Name, usize> = BTreeMap::new();
    for p in probes {
        if let Some(child) = referral_child(zone, qname, p) {
            *votes.entry(child).or_default() += 1;
        }
    }
    // Most votes; on a tie the deeper zone.
    let child = votes
        .into_iter()
        .max_by_key(|(n, v)| (*v, n.num_labels()))?
        .0;
    let mut d = Delegation {
        parent: Some(zone.clone()),
        child: Some(child.clone()),
        ..Delegation::default()
    };
    for p in probes {
        if referral_child(zone, qname, p).as_ref() != Some(&child) {
            continue;
        }
        let Some(m) = p.message() else { continue };
        let ns: BTreeSet<Name> = m
            .authorities
            .iter()
            .filter(|r| r.record_type() == RecordType::NS && r.name.to_lowercase() == child)
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(ns.0.to_lowercase()),
                _ => None,
            })
            .collect();
        d.ns.extend(ns.iter().cloned());
        d.by_server.push((p.server.clone(), p.addr, ns));
        for r in &m.additionals {
            let addr = match &r.data {
                RData::A(a) => IpAddr::V4(a.0),
                RData::AAAA(a) => IpAddr::V6(a.0),
                _ => continue,
            };
            let owner = r.name.to_lowercase();
            if !in_bailiwick(&owner, zone) {
                dropped.push(format!(
                    "{} {} {addr} from {} ({}): out of bailiwick of {} (RFC 9471), not used as glue",
                    owner, r.record_type(), p.server, p.addr, zone
                ));
            } else if !d.ns.contains(&owner) {
                dropped.push(format!(
                    "{} {} {addr} from {}: not a name server of {child}, ignored",
                    owner,
                    r.record_type(),
                    p.server
                ));
            } else {
                d.glue.entry(owner).or_default().insert(addr);
            }
        }
    }
    Some(d)
}

/// The child zone a probe's answer refers to, when it is a referral downward toward `qname`.
pub fn referral_child(zone: &Name, qname: &Name, p: &Probe) -> Option<Name> {
    let m = p.message()?;
    if m.metadata.response_code != ResponseCode::NoError
        || !m.answers.is_empty()
        || m.metadata.authoritative
    {
        return None;
    }
    m.authorities
        .iter()
        .filter(|r| r.record_type() == RecordType::NS)
        .map(|r| r.name.to_lowercase())
        .find(|owner| owner != zone && zone.zone_of(owner) && owner.zone_of(qname))
}

/// Whether `name` is at or below `zone`: records a server of `zone` may vouch for (RFC 9471).
pub fn in_bailiwick(name: &Name, zone: &Name) -> bool {
    zone.zone_of(name)
}
