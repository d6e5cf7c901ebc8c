//! The CNAME chain of the name, followed to its end from the zone's first authoritative
//! answer, each target walked from the root; why its end could not be resolved.

use std::collections::BTreeSet;
use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use crate::check::facts::{MAX_CNAME_CHAIN, answers_with_authority};
use crate::walk::{self, End, Walk, Walker};

/// Where a CNAME chain led.
#[derive(Debug, Default)]
pub(super) struct Chain {
    pub(super) links: Vec<(Name, Name)>,
    pub(super) looped: bool,
    pub(super) too_long: bool,
    pub(super) unresolved: Option<String>,
    pub(super) addresses: Vec<IpAddr>,
}

/// Follows the CNAME chain of the name to its end, walking each target from the root.
pub(super) async fn follow_cnames(
    walker: &Walker,
    level: Option<&walk::Level>,
    qname: &Name,
    qtype: RecordType,
) -> Chain {
    let mut chain = Chain::default();
    let Some(level) = level else {
        return chain;
    };
    let mut answer = walk::authoritative_answer(level, qname, qtype);
    let mut current = qname.clone();
    let mut seen = BTreeSet::from([current.clone()]);
    while let Some(target) = answer.cname.clone().filter(|_| qtype != RecordType::CNAME) {
        chain.links.push((current.clone(), target.clone()));
        if !seen.insert(target.clone()) {
            chain.looped = true;
            return chain;
        }
        if chain.links.len() > MAX_CNAME_CHAIN {
            chain.too_long = true;
            return chain;
        }
        let w = walker.walk_plain(&target, qtype).await;
        let Some(level) = w.levels.last() else {
            return chain;
        };
        answer = walk::authoritative_answer(level, &target, qtype);
        chain.unresolved = unresolved(&w, level, &target, &answer);
        current = target;
    }
    chain.addresses = answer.addrs;
    chain
}

/// Why a CNAME target could not be resolved, if it could not: it does not exist, or no server
/// of its zone gave an authoritative answer (what each did instead).
fn unresolved(
    w: &Walk,
    level: &walk::Level,
    target: &Name,
    answer: &walk::Answer,
) -> Option<String> {
    if answer.nxdomain {
        return Some(format!(
            "{} does not exist (NXDOMAIN from the servers of {})",
            target.to_ascii(),
            level.zone.to_ascii()
        ));
    }
    if level.probes.iter().any(answers_with_authority) {
        return None;
    }
    if matches!(w.end, End::Budget) {
        return None;
    }
    let said: Vec<String> = level
        .probes
        .iter()
        .map(|p| {
            let what = match &p.result {
                Ok(r) => format!(
                    "{} without authority",
                    walk::rcode_name(r.message.metadata.response_code)
                ),
                Err(e) => e.to_string(),
            };
            format!("{} ({}): {what}", p.server.to_ascii(), p.addr)
        })
        .collect();
    Some(format!(
        "no server of {} gave an authoritative answer for {}{}",
        level.zone.to_ascii(),
        target.to_ascii(),
        if said.is_empty() {
            " (no server address could be found)".to_string()
        } else {
            format!(": {}", said.join("; "))
        }
    ))
}
