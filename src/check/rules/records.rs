//! The zone file's records on every server ([`crate::check::verification`]):
//!
//! * `records.not-served`, `records.differ`: a record set of the file a server does not serve,
//!   or serves with other values or another TTL;
//! * `records.unverified`: record sets a server gave no usable answer for;
//! * `records.unexpected`, `records.transfer-cut-short`: what a server's whole zone holds beyond
//!   the file, when it gives it by transfer;
//! * `records.failover-secondary`, `records.failover-unexpected`: a failover pair answered by
//!   its secondary.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use hickory_proto::rr::{Name, RecordType};

use super::first_few;
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority, is_route53};
use crate::check::verification::{Listing, Served, SetCheck, Verification};
use crate::walk::Probe;

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

/// Before a move (the expected servers asked too): what the current servers serve otherwise
/// than the file is the change the switch makes, and what they serve beyond it is weighed by
/// `move.records-missing`; only what they left unanswered, or cut short, is said of them.
pub fn findings_before_move(v: &Verification) -> Vec<Finding> {
    let mut out = unanswered(v);
    out.extend(
        listings(v)
            .into_iter()
            .filter(|f| f.code == Code::RecordsTransferCutShort),
    );
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
        let fix = operator_fix(set, Code::RecordsNotServed);
        out.push(
            Finding::new(
                Code::RecordsNotServed,
                format!(
                    "{expected} from {} is not served by {}",
                    v.file,
                    missing.join(", ")
                ),
                missing,
            )
            .with_fix(fix),
        );
    }
    if !differs.is_empty() {
        let fix = operator_fix(set, Code::RecordsDiffer);
        let (servers, said): (Vec<String>, Vec<String>) = differs.into_iter().unzip();
        out.push(
            Finding::new(
                Code::RecordsDiffer,
                format!("{} says {expected}, but {}", v.file, said.join("; ")),
                servers,
            )
            .with_fix(fix),
        );
    }
    out
}

/// Who can mend a set a server does not serve as the file says: Route 53's servers through
/// `dns sync` (the code's fix); another provider's servers only where that provider gets the
/// zone, which `dns sync` does not reach.
fn operator_fix(set: &SetCheck, code: Code) -> String {
    let mut wrong: Vec<&str> = set
        .servers
        .iter()
        .filter(|(_, _, s)| !matches!(s, Served::Same | Served::Matched { .. }))
        .map(|(n, _, _)| n.as_str())
        .collect();
    let route53 = |n: &&str| Name::from_ascii(n).is_ok_and(|n| is_route53(&n));
    if wrong.is_empty() || wrong.iter().any(route53) {
        return code.fix().to_string();
    }
    wrong.sort();
    wrong.dedup();
    let one = wrong.len() == 1;
    format!(
        "{} {} not Route 53's, so `dns sync` does not reach {}: change the records where {} the zone (at the provider that runs {}); if the domain is moving to Route 53, this no longer matters once the delegation is switched",
        wrong.join(", "),
        if one { "is" } else { "are" },
        if one { "it" } else { "them" },
        if one { "it gets" } else { "they get" },
        if one { "it" } else { "them" },
    )
}

/// move.records-missing: before a move, the record sets of the zone file the expected servers
/// do not serve as the file says, and those the current servers serve beyond the file that the
/// expected ones do not serve alike, mail first: what switching the delegation now would lose.
pub fn preflight(f: &Facts) -> Vec<Finding> {
    let Some(v) = &f.preflight else {
        return vec![];
    };
    let mut wrong: Vec<&SetCheck> = v.sets.iter().filter(|s| !s.all_same()).collect();
    let beyond = lost_beyond_file(f);
    if wrong.is_empty() && beyond.is_empty() {
        return vec![];
    }
    // Mail first: a lost MX set loses mail; then by name.
    wrong.sort_by_key(|s| (s.rtype != "MX", s.name.clone(), s.rtype.clone()));
    let mut said: Vec<String> = wrong.iter().map(|set| preflight_set(set)).collect();
    let mut servers: BTreeSet<String> = wrong
        .iter()
        .flat_map(|s| &s.servers)
        .filter(|(_, _, s)| !matches!(s, Served::Same | Served::Matched { .. }))
        .map(|(n, a, _)| format!("{n} ({a})"))
        .collect();
    let mut message = format!(
        "switching the delegation to the expected servers now would lose or change {} of the {} record sets of {}",
        wrong.len(),
        v.sets.len(),
        v.file
    );
    if !beyond.is_empty() {
        message.push_str(&format!(
            ", and {} record set(s) the current servers serve beyond it",
            beyond.len()
        ));
        said.extend(beyond.iter().map(|l| l.said.clone()));
        servers.extend(beyond.into_iter().flat_map(|l| l.servers));
    }
    vec![Finding::new(
        Code::MoveRecordsMissing,
        format!("{message}: {}", first_few(&said, 10)),
        servers.into_iter().collect(),
    )]
}

/// A set the current servers serve beyond the zone file that the expected servers do not
/// serve alike.
pub(super) struct Lost {
    /// `name TYPE [values]: how the expected servers serve it`.
    pub said: String,
    /// The expected servers that lack it or serve it otherwise.
    pub servers: Vec<String>,
}

/// One set beyond the file: what the current servers serve, and what each expected server
/// address serves (`None`: no authoritative answer).
type BothSides = (Vec<String>, Vec<(String, Option<Vec<String>>)>);

/// Before a move, from the questions beyond the file ([`Facts::beyond_file`]): each set the
/// current servers serve that the expected servers lack or serve otherwise, mail first.
pub(super) fn lost_beyond_file(f: &Facts) -> Vec<Lost> {
    let (Some(expected), Some(v)) = (&f.expected, &f.preflight) else {
        return vec![];
    };
    let source = if v.file.starts_with("the hosted zone") {
        "not in the hosted zone"
    } else {
        "not in the file"
    };
    let mut by_set: BTreeMap<(bool, Name, String), BothSides> = BTreeMap::new();
    for p in &f.beyond_file {
        let mail = matches!(p.qtype, RecordType::MX)
            || p.qname.iter().any(|l| l == b"_dmarc" || l == b"_domainkey");
        let key = (!mail, p.qname.to_lowercase(), p.qtype.to_string());
        let entry = by_set.entry(key).or_default();
        let values = served(p);
        if expected.names.contains(&p.server) {
            entry.1.push((p.who(), values));
        } else if let Some(values) = values.filter(|v| !v.is_empty())
            && entry.0.is_empty()
        {
            entry.0 = values;
        }
    }
    by_set
        .into_iter()
        .filter(|(_, (old, _))| !old.is_empty())
        .filter_map(|((_, name, rtype), (old, new))| {
            let how: Vec<(String, String)> = new
                .into_iter()
                .filter_map(|(who, values)| match values {
                    Some(v) if v == old => None,
                    Some(v) if v.is_empty() => Some((who.clone(), format!("missing on {who}"))),
                    Some(v) => Some((who.clone(), format!("{who} serves [{}]", v.join(", ")))),
                    None => Some((who.clone(), format!("{who} gave no answer"))),
                })
                .collect();
            if how.is_empty() {
                return None;
            }
            let (servers, said): (Vec<String>, Vec<String>) = how.into_iter().unzip();
            Some(Lost {
                said: format!(
                    "{} {rtype} [{}] ({source}): {}",
                    name.to_ascii(),
                    old.join(", "),
                    first_few(&said, 3)
                ),
                servers,
            })
        })
        .collect()
}

/// The records of the question's type at its name in an authoritative answer, in presentation
/// form, sorted (empty: the server has none); `None` when it gave no authoritative answer.
fn served(p: &Probe) -> Option<Vec<String>> {
    if !answers_with_authority(p) {
        return None;
    }
    let m = p.message()?;
    let mut values: Vec<String> = m
        .answers
        .iter()
        .filter(|r| r.name.to_lowercase() == p.qname.to_lowercase() && r.record_type() == p.qtype)
        .map(|r| r.data.to_string())
        .collect();
    values.sort();
    Some(values)
}

/// Before a move: the record sets the current servers serve otherwise than the file and the
/// expected servers serve as the file says — the changes the switch makes on purpose.
pub(super) fn intended_changes(f: &Facts) -> Vec<String> {
    let (Some(now), Some(new)) = (&f.verification, &f.preflight) else {
        return vec![];
    };
    now.sets
        .iter()
        .filter(|s| !s.all_same())
        .filter(|s| {
            new.sets
                .iter()
                .any(|n| n.name == s.name && n.rtype == s.rtype && n.all_same())
        })
        .map(|s| format!("{} {} [{}]", s.name, s.rtype, s.expected.join(", ")))
        .collect()
}

/// One set of the file as the expected servers serve it: who lacks it, who serves what.
fn preflight_set(set: &SetCheck) -> String {
    let how: Vec<String> = set
        .servers
        .iter()
        .filter_map(|(n, a, served)| match served {
            Served::Same | Served::Matched { .. } => None,
            Served::Missing { .. } => Some(format!("missing on {n} ({a})")),
            Served::Differs { values, ttl } => Some(format!(
                "{n} ({a}) serves [{}]{}",
                values.join(", "),
                ttl.filter(|t| Some(*t) != set.ttl)
                    .map(|t| format!(" TTL {t}"))
                    .unwrap_or_default()
            )),
            Served::NoAnswer { why } => Some(format!("{n} ({a}) gave no answer: {why}")),
        })
        .collect();
    format!(
        "{} {} [{}]{}: {}",
        set.name,
        set.rtype,
        set.expected.join(", "),
        set.ttl.map(|t| format!(" TTL {t}")).unwrap_or_default(),
        first_few(&how, 3)
    )
}
