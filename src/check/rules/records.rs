//! The zone file's records on every server ([`crate::check::verification`]):
//!
//! * `records.not-served`, `records.differ`: a record set of the file a server does not serve,
//!   or serves with other values or another TTL;
//! * `records.unverified`: record sets a server gave no usable answer for;
//! * `records.unexpected`, `records.transfer-cut-short`: what a server's whole zone holds beyond
//!   the file, when it gives it by transfer;
//! * `records.failover-secondary`, `records.failover-unexpected`: a failover pair answered by
//!   its secondary.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::first_few;
use crate::check::codes::{Code, Finding};
use crate::check::verification::{Listing, Served, SetCheck, Verification};

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
