//! The names the servers serve, held to the syntax mail and registries need (Zonemaster
//! Syntax04–08): DNS itself carries any octets, but a name server whose name is no host name
//! cannot be registered at most registries, a mail exchanger's cannot be used by every mail
//! server, and an SOA RNAME that is no mailbox reaches no one. The zone files' names are held
//! to the same rules by `dns validate`; these are what the servers actually serve.

use std::collections::BTreeMap;

use hickory_proto::rr::{Name, RData};

use super::mail::exchangers;
use super::{child_ns, parent_ns, who, zone_text};
use crate::check::{Code, Facts, Finding, answers_with_authority};
use crate::zone::name::{host_name_fault, mailbox_fault};

/// ns.name-invalid: the parent's and the zone's name server names.
pub fn name_server_names(f: &Facts) -> Vec<Finding> {
    let mut names = parent_ns(f);
    names.extend(child_ns(f));
    names
        .iter()
        .filter_map(|ns| Some((ns, host_name_fault(ns)?)))
        .map(|(ns, why)| {
            Finding::new(
                Code::NsNameInvalid,
                format!(
                    "the name server name {} of {} is not a valid host name: {why}",
                    ns.to_ascii(),
                    zone_text(f)
                ),
                vec![ns.to_ascii()],
            )
        })
        .collect()
}

/// soa.names-invalid: each distinct MNAME and RNAME the servers serve, with the servers that
/// serve it (a root MNAME, which some zones use to say they have no primary, is not judged).
pub fn soa_names(f: &Facts) -> Vec<Finding> {
    let mut served: BTreeMap<(Name, Name), Vec<String>> = BTreeMap::new();
    for p in f.soa_udp.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        for r in &m.answers {
            if let RData::SOA(soa) = &r.data {
                let key = (soa.mname.to_lowercase(), soa.rname.to_lowercase());
                served.entry(key).or_default().push(who(p));
            }
        }
    }
    let mut out = Vec::new();
    for ((mname, rname), servers) in served {
        let mut why = Vec::new();
        if let Some(fault) = host_name_fault(&mname).filter(|_| !mname.is_root()) {
            why.push(format!(
                "its MNAME {} is not a host name: {fault}",
                mname.to_ascii()
            ));
        }
        if let Some(fault) = mailbox_fault(&rname) {
            why.push(format!(
                "its RNAME {} is not a mailbox: {fault}",
                rname.to_ascii()
            ));
        }
        if !why.is_empty() {
            out.push(Finding::new(
                Code::SoaNamesInvalid,
                format!(
                    "the SOA of {} served by {}: {}",
                    zone_text(f),
                    servers.join(", "),
                    why.join("; ")
                ),
                servers,
            ));
        }
    }
    out
}

/// mx.name-invalid: every mail exchanger the servers name (not the null MX's root).
pub fn mail_names(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    exchangers(&f.mx, zone)
        .iter()
        .filter_map(|h| Some((h, host_name_fault(h)?)))
        .map(|(h, why)| {
            Finding::new(
                Code::MxNameInvalid,
                format!(
                    "the mail exchanger {} of {} is not a valid host name: {why}",
                    h.to_ascii(),
                    zone.to_ascii()
                ),
                vec![],
            )
        })
        .collect()
}
