//! The zone's mail: the MX set at its apex, asked of every server (Zonemaster Zone08, Zone09).
//!
//! * `mx.inconsistent`: the servers serve different MX sets (mail goes where the server a
//!   sender happened to ask says);
//! * `mx.null-invalid`: a null MX (RFC 7505, `0 .`: the domain takes no mail) beside other MX
//!   records, or with a preference other than 0;
//! * `mx.target-alias`: a mail exchanger that is an alias (CNAME): RFC 2181 §10.3 and
//!   RFC 5321 §5.1 forbid it, and some mail servers refuse to deliver there;
//! * `mx.target-no-address`: a mail exchanger with no address: mail to the zone cannot be
//!   delivered there (to none of them: it bounces).
//!
//! And its SPF policy (RFC 7208; Zonemaster Zone11), from the apex's TXT set on every server:
//!
//! * `spf.multiple`: a server serves more than one `v=spf1` record (RFC 7208 §4.5: a permanent
//!   error, as if the domain had a broken policy);
//! * `spf.invalid`: a policy that does not parse by RFC 7208's grammar, or whose own terms need
//!   more than ten DNS lookups (the includes' own terms are not followed);
//! * `spf.inconsistent`: the servers serve different policies (or some none).
//!
//! A zone without MX records is not a finding: mail then goes to the apex's addresses
//! (RFC 5321 §5.1), which is what many web-only domains intend (a null MX says it better).

use std::collections::BTreeMap;

use hickory_proto::rr::rdata::MX;
use hickory_proto::rr::{Name, RData};

use super::{who, zone_text};
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::questions::Question;
use crate::walk::Probe;
use crate::zone::spf;

/// One MX record as text (`10 mail.example.com.`).
fn mx_text(mx: &MX) -> String {
    format!(
        "{} {}",
        mx.preference,
        mx.exchange.to_lowercase().to_ascii()
    )
}

/// Each server's records at the apex that `pick` reads, each once, sorted by `key`: for the
/// servers that answered the question with authority (an empty list when it answered none).
fn by_server<'p, T: PartialEq, K: Ord>(
    probes: impl Iterator<Item = &'p Probe>,
    zone: &Name,
    pick: impl Fn(&RData) -> Option<T>,
    key: impl Fn(&T) -> K,
) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for p in probes.filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        let set = out.entry(who(p)).or_default();
        for item in m
            .answers
            .iter()
            .filter(|r| r.name == *zone)
            .filter_map(|r| pick(&r.data))
        {
            if !set.contains(&item) {
                set.push(item);
            }
        }
        set.sort_by_key(&key);
    }
    out
}

/// Each server's MX set.
fn served(f: &Facts, zone: &Name) -> BTreeMap<String, Vec<MX>> {
    let pick = |d: &RData| match d {
        RData::MX(mx) => Some(mx.clone()),
        _ => None,
    };
    by_server(f.answers(Question::Mx), zone, pick, mx_text)
}

fn set_text(set: &[MX]) -> String {
    if set.is_empty() {
        return "no MX".into();
    }
    set.iter().map(mx_text).collect::<Vec<_>>().join(", ")
}

/// mx.inconsistent, mx.null-invalid, mx.target-alias, mx.target-no-address.
pub fn mail(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let served = served(f, zone);
    let mut out = Vec::new();
    // Each set served (as text: names compare without case), with its servers.
    let mut groups: BTreeMap<String, (&Vec<MX>, Vec<&str>)> = BTreeMap::new();
    for (server, set) in &served {
        groups
            .entry(set_text(set))
            .or_insert((set, vec![]))
            .1
            .push(server);
    }
    if groups.len() > 1 {
        let said: Vec<String> = groups
            .iter()
            .map(|(set, (_, who))| format!("{} serve [{set}]", who.join(", ")))
            .collect();
        out.push(Finding::new(
            Code::MxInconsistent,
            format!(
                "the servers of {} serve different MX sets: {}",
                zone.to_ascii(),
                said.join("; ")
            ),
            served.keys().cloned().collect(),
        ));
    }
    // Judged on every set served (the same set once).
    for (set, _) in groups.values() {
        out.extend(null_mx(zone, set));
    }
    out.extend(targets(f, zone));
    out
}

/// mx.null-invalid: a null MX must be alone, with preference 0 (RFC 7505 §3).
fn null_mx(zone: &Name, set: &[MX]) -> Option<Finding> {
    let why = crate::zone::null_mx_fault(set.iter().map(|mx| (mx.preference, &mx.exchange)))?;
    let null = set.iter().find(|mx| mx.exchange.is_root())?;
    Some(Finding::new(
        Code::MxNullInvalid,
        format!(
            "{} serves a null MX (`{}`, RFC 7505: the domain takes no mail) {why} [{}]",
            zone.to_ascii(),
            mx_text(null),
            set_text(set)
        ),
        vec![],
    ))
}

/// mx.target-alias and mx.target-no-address: what the mail exchangers' lookups found.
fn targets(f: &Facts, zone: &Name) -> Vec<Finding> {
    let mut out = Vec::new();
    for (host, addrs) in &f.mail {
        if let Some(target) = f.aliases.get(host) {
            out.push(
                Finding::new(
                    Code::MxTargetAlias,
                    format!(
                        "the mail exchanger {} of {} is an alias (CNAME to {}): MX records must name a host with its own address records (RFC 2181 §10.3, RFC 5321 §5.1), and some mail servers refuse to deliver there",
                        host.to_ascii(),
                        zone_text(f),
                        target.to_ascii()
                    ),
                    vec![],
                )
                .with_fix(format!(
                    "name the mail exchanger by its canonical name ({}) in the MX record",
                    target.to_ascii()
                )),
            );
        }
        if addrs.is_empty() {
            let why = f
                .unresolvable
                .get(host)
                .map_or("it could not be looked up", String::as_str);
            out.push(Finding::new(
                Code::MxTargetNoAddress,
                format!(
                    "the mail exchanger {} of {} has no address: {why}; mail for the zone cannot be delivered there",
                    host.to_ascii(),
                    zone.to_ascii()
                ),
                vec![],
            ));
        }
    }
    out
}

/// Each server's SPF policies: the `v=spf1` records of the apex's TXT set, each record's
/// strings joined as RFC 7208 §3.3 says.
fn policies(f: &Facts, zone: &Name) -> BTreeMap<String, Vec<String>> {
    let pick = |d: &RData| match d {
        RData::TXT(txt) => {
            let bytes: Vec<u8> = txt
                .txt_data
                .iter()
                .flat_map(|s| s.iter().copied())
                .collect();
            Some(String::from_utf8_lossy(&bytes).into_owned()).filter(|t| spf::is_spf(t))
        }
        _ => None,
    };
    by_server(f.answers(Question::Txt), zone, pick, String::clone)
}

/// A policy as a message quotes it: escaped, at most 120 characters.
fn quoted(policy: &str) -> String {
    let escaped: String = policy.chars().flat_map(char::escape_default).collect();
    match escaped.char_indices().nth(120) {
        Some((cut, _)) => format!("\"{}…\"", &escaped[..cut]),
        None => format!("\"{escaped}\""),
    }
}

/// spf.multiple, spf.invalid, spf.inconsistent.
pub fn spf(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let served = policies(f, zone);
    let mut out = Vec::new();
    let mut groups: BTreeMap<Vec<String>, Vec<&str>> = BTreeMap::new();
    for (server, set) in &served {
        groups.entry(set.clone()).or_default().push(server);
    }
    if groups.len() > 1 {
        let said: Vec<String> = groups
            .iter()
            .map(|(set, who)| {
                let what = if set.is_empty() {
                    "no SPF policy".to_string()
                } else {
                    set.iter()
                        .map(|p| quoted(p))
                        .collect::<Vec<_>>()
                        .join(" and ")
                };
                format!("{} serve {what}", who.join(", "))
            })
            .collect();
        out.push(Finding::new(
            Code::SpfInconsistent,
            format!(
                "the servers of {} serve different SPF policies: {}",
                zone.to_ascii(),
                said.join("; ")
            ),
            served.keys().cloned().collect(),
        ));
    }
    for (set, servers) in groups {
        let who: Vec<String> = servers.iter().map(|s| s.to_string()).collect();
        if set.len() > 1 {
            out.push(Finding::new(
                Code::SpfMultiple,
                format!(
                    "{} serve(s) {} SPF policies for {} ({}): receivers treat that as a permanent error (RFC 7208 §4.5), as if the domain had a broken policy",
                    who.join(", "),
                    set.len(),
                    zone.to_ascii(),
                    set.iter().map(|p| quoted(p)).collect::<Vec<_>>().join(", ")
                ),
                who.clone(),
            ));
        }
        for policy in &set {
            if let Some(why) = spf::policy_fault(policy) {
                out.push(Finding::new(
                    Code::SpfInvalid,
                    format!(
                        "the SPF policy of {} served by {} is invalid: {why}: {} (receivers treat it as a permanent error, RFC 7208 §4.6)",
                        zone.to_ascii(),
                        who.join(", "),
                        quoted(policy)
                    ),
                    who.clone(),
                ));
            }
        }
    }
    out
}
