//! Whether the zone's name servers are really several (Zonemaster Delegation02,
//! Connectivity04; RFC 2182 §3.1): names that share one address are one server, and servers
//! whose every address lies in one network prefix go down together when that network does.
//! Without offline AS data, the prefix (IPv4 /24, IPv6 /48) stands in for the network;
//! addresses that are not global (loopback, private, link-local, documentation) are not judged.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::zone_text;
use crate::check::codes::{Code, Finding};
use crate::check::facts::Facts;

/// ns.shared-address: two names of the delegation are the same address.
pub fn shared_addresses(f: &Facts) -> Vec<Finding> {
    let mut names_of: BTreeMap<IpAddr, BTreeSet<String>> = BTreeMap::new();
    for s in f.zone_servers() {
        for addr in &s.addrs {
            names_of.entry(*addr).or_default().insert(s.name.to_ascii());
        }
    }
    let shared: Vec<String> = names_of
        .iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|(addr, names)| {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            match names.len() {
                n if n > 4 => format!("{addr} is {}, … ({n} names)", names[..4].join(", ")),
                _ => format!("{addr} is {}", names.join(", ")),
            }
        })
        .collect();
    if shared.is_empty() {
        return vec![];
    }
    vec![Finding::new(
        Code::NsSharedAddress,
        format!(
            "name servers of {} share addresses, so they are fewer servers than the delegation says: {}",
            zone_text(f),
            shared.join("; ")
        ),
        names_of.keys().map(ToString::to_string).collect(),
    )]
}

/// An address on the public Internet (not loopback, private, shared, link-local, multicast,
/// documentation or benchmarking).
fn is_global(addr: &IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] == 0
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || v6.to_ipv4_mapped().is_some())
        }
    }
}

/// The network prefix an address stands for: IPv4 /24, IPv6 /48.
fn prefix(addr: &IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// ns.one-prefix: every address of the zone's servers (of one family) in one prefix.
pub fn one_prefix(f: &Facts) -> Vec<Finding> {
    let addrs: BTreeSet<IpAddr> = f
        .zone_servers()
        .iter()
        .flat_map(|s| s.addrs.iter().copied())
        .collect();
    let mut out = Vec::new();
    for family in [true, false] {
        let of_family: Vec<&IpAddr> = addrs.iter().filter(|a| a.is_ipv4() == family).collect();
        if of_family.len() < 2 || !of_family.iter().all(|a| is_global(a)) {
            continue;
        }
        let prefixes: BTreeSet<String> = of_family.iter().map(|a| prefix(a)).collect();
        if let [only] = prefixes.iter().collect::<Vec<_>>()[..] {
            out.push(Finding::new(Code::NsOnePrefix, format!(
                    "every {} address of {}'s name servers lies in {only}: one network, which fails all of them at once",
                    if family { "IPv4" } else { "IPv6" },
                    zone_text(f)
                ), of_family.iter().map(ToString::to_string).collect()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_global_addresses_are_judged() {
        for a in [
            "127.53.2.1",
            "10.0.0.1",
            "192.0.2.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "2001:db8::1",
        ] {
            assert!(!is_global(&a.parse().unwrap()), "{a}");
        }
        for a in ["205.251.192.1", "8.8.8.8", "2600:9000:5300::1"] {
            assert!(is_global(&a.parse().unwrap()), "{a}");
        }
        assert_eq!(
            prefix(&"205.251.192.17".parse().unwrap()),
            "205.251.192.0/24"
        );
        assert_eq!(
            prefix(&"2600:9000:5300:1::1".parse().unwrap()),
            "2600:9000:5300::/48"
        );
    }
}
