//! delegation.referral-size: whether the parent's referral to the zone fits a plain DNS message
//! (512 octets, RFC 1035 §4.2.1), as Zonemaster's Delegation03 asks. The referral is built as a
//! parent server would send it for the longest question a resolver can ask inside the zone:
//! every NS record of the delegation, and for each name server inside the zone (whose address
//! only glue can give) one A and one AAAA glue record when the parent has them. Names are
//! compressed as servers compress them (hickory-proto's encoder).

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::{A, AAAA, NS};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::zone_text;
use crate::check::codes::{Code, Finding};
use crate::check::facts::Facts;
use crate::walk::Delegation;

/// The most a message without EDNS may carry over UDP.
const PLAIN_UDP: usize = 512;

/// The longest name inside `zone`: labels of 63 octets, then one shorter, up to 255 octets in
/// wire form.
fn longest_name_in(zone: &Name) -> Option<Name> {
    let mut name = zone.clone();
    loop {
        let room = 255usize.checked_sub(wire_len(&name))?;
        if room < 2 {
            return Some(name);
        }
        let label = "a".repeat((room - 1).min(63));
        name = Name::from_ascii(&label).ok()?.append_domain(&name).ok()?;
    }
}

fn wire_len(name: &Name) -> usize {
    name.iter().map(|l| l.len() + 1).sum::<usize>() + 1
}

/// The size of the referral a parent server sends for the longest question in the zone.
fn referral_octets(d: &Delegation, zone: &Name) -> Option<usize> {
    let mut message = Message::new(0, MessageType::Response, OpCode::Query);
    message
        .queries
        .push(Query::query(longest_name_in(zone)?, RecordType::A));
    for ns in &d.ns {
        message.authorities.push(Record::from_rdata(
            zone.clone(),
            172_800,
            RData::NS(NS(ns.clone())),
        ));
        if !zone.zone_of(ns) {
            continue;
        }
        let addrs = d.glue.get(ns);
        let v4 = addrs.and_then(|a| a.iter().find(|a| a.is_ipv4()));
        let v6 = addrs.and_then(|a| a.iter().find(|a| a.is_ipv6()));
        for addr in [v4, v6].into_iter().flatten() {
            let data = match addr {
                std::net::IpAddr::V4(v4) => RData::A(A(*v4)),
                std::net::IpAddr::V6(v6) => RData::AAAA(AAAA(*v6)),
            };
            message
                .additionals
                .push(Record::from_rdata(ns.clone(), 172_800, data));
        }
    }
    message.to_vec().ok().map(|bytes| bytes.len())
}

pub fn referral_size(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let Some(d) = f
        .walk
        .delegations
        .iter()
        .rev()
        .find(|d| d.child.as_ref() == Some(zone) && !d.ns.is_empty())
    else {
        return vec![];
    };
    match referral_octets(d, zone) {
        Some(size) if size > PLAIN_UDP => vec![Finding::new(
            Code::DelegationReferralSize,
            format!(
                "the referral to {} ({} NS records with their glue, for the longest question in the zone) takes {size} octets, more than the {PLAIN_UDP} a message without EDNS carries: a resolver asking without EDNS gets it truncated and has to ask again over TCP",
                zone_text(f),
                d.ns.len()
            ),
            vec![],
        )],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::net::IpAddr;

    use super::*;

    fn delegation(zone: &Name, names: &[&str], glued: bool) -> Delegation {
        let ns: BTreeSet<Name> = names.iter().map(|n| Name::from_ascii(n).unwrap()).collect();
        let glue: BTreeMap<Name, BTreeSet<IpAddr>> = if glued {
            ns.iter()
                .enumerate()
                .map(|(i, n)| {
                    let v4: IpAddr = format!("192.0.2.{}", i + 1).parse().unwrap();
                    let v6: IpAddr = format!("2001:db8::{}", i + 1).parse().unwrap();
                    (n.clone(), BTreeSet::from([v4, v6]))
                })
                .collect()
        } else {
            BTreeMap::new()
        };
        Delegation {
            parent: Some(zone.base_name()),
            child: Some(zone.clone()),
            ns,
            glue,
            ..Delegation::default()
        }
    }

    #[test]
    fn the_longest_question_is_255_octets() {
        let zone = Name::from_ascii("example.com.").unwrap();
        let name = longest_name_in(&zone).unwrap();
        assert_eq!(wire_len(&name), 255, "{name}");
        assert!(zone.zone_of(&name));
    }

    /// Four Route 53 name servers (no glue) fit; eight in-zone servers with an A and an AAAA
    /// each do not, eight out of the zone do. The figures are what the encoder writes: 255 octets of question, then the
    /// NS records (compressed), then the glue.
    #[test]
    fn a_referral_is_measured_as_a_parent_would_send_it() {
        let zone = Name::from_ascii("example.com.").unwrap();
        let route53 = delegation(
            &zone,
            &[
                "ns-1.awsdns-01.org.",
                "ns-2.awsdns-02.net.",
                "ns-3.awsdns-03.com.",
                "ns-4.awsdns-04.co.uk.",
            ],
            false,
        );
        let size = referral_octets(&route53, &zone).unwrap();
        assert!(size < PLAIN_UDP, "{size}");
        let names: Vec<String> = (1..=8).map(|i| format!("ns{i}.example.com.")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let many = delegation(&zone, &names, true);
        let size = referral_octets(&many, &zone).unwrap();
        assert!(size > PLAIN_UDP, "{size}");
        // Without their glue (out of zone: the parent holds none) the same count fits.
        let names: Vec<String> = (1..=8).map(|i| format!("ns{i}.example.net.")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let out_of_zone = delegation(&zone, &names, true);
        let size = referral_octets(&out_of_zone, &zone).unwrap();
        assert!(size < PLAIN_UDP, "{size}");
    }
}
