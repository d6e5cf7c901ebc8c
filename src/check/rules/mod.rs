//! The rules of `dns check`: each a pure function from [`Facts`] to findings, run in a stable
//! order by [`findings`]. No rule sends anything; the unit tests below build facts from canned
//! hickory messages.

mod behaviour;
mod cds;
mod chain;
mod consistent;
mod denial;
mod diversity;
mod dnssec;
mod mail;
pub mod moving;
pub mod records;
mod referral;
mod registration;
mod servers;
mod signatures;
mod soa;
mod syntax;

pub use chain::chain_note;
pub use moving::{Move, State, move_of};
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, RecordType};

use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::walk::{self, Probe};

use servers::{lame_servers, server_failures, slow_servers};
use soa::{serials, soa_fields, soa_single, soa_timers};

/// One rule: the findings it makes of the facts.
pub type Rule = fn(&Facts) -> Vec<Finding>;

/// Every rule that judges a zone, in the order its findings are listed.
pub const RULES: &[Rule] = &[
    expected_name_servers,
    records::preflight,
    too_few_name_servers,
    diversity::shared_addresses,
    diversity::one_prefix,
    parent_child_name_servers,
    server_failures,
    behaviour::edns_intolerance,
    behaviour::edns_compliance,
    behaviour::open_resolvers,
    behaviour::transfers_given,
    behaviour::qname_case,
    behaviour::aaaa_questions,
    behaviour::answer_failures,
    slow_servers,
    lame_servers,
    glue,
    name_server_addresses,
    name_server_aliases,
    syntax::name_server_names,
    serials,
    soa_fields,
    soa_timers,
    soa_single,
    syntax::soa_names,
    mail::mail,
    mail::spf,
    consistent::consistent_sets,
    syntax::mail_names,
    referral::referral_size,
    answers,
    chain::chain_from_root,
    dnssec_chain_of_trust,
    cds::cds,
    dnssec_move_safety,
    cname_chain,
];

/// Every finding of a round's facts: the rules', then the zone file verification's.
pub fn judge(f: &Facts) -> Vec<Finding> {
    let mut out = findings(f);
    match (&f.verification, &f.preflight) {
        (Some(v), Some(_)) => out.extend(records::findings_before_move(v)),
        (Some(v), None) => out.extend(records::findings(v)),
        _ => {}
    }
    out
}

/// Every finding about the facts: whether the check finished, then each rule's.
pub fn findings(f: &Facts) -> Vec<Finding> {
    let mut out = incomplete(f);
    out.extend(rate_limited(f));
    // The registry's word first: a domain on hold is why nothing below answers.
    out.extend(registration::registration(f));
    if f.zone.is_some() {
        for rule in RULES {
            out.extend(rule(f));
        }
    }
    out
}

fn names(set: &BTreeSet<Name>) -> String {
    set.iter()
        .map(Name::to_ascii)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn who(p: &Probe) -> String {
    p.who()
}

fn zone_text(f: &Facts) -> String {
    f.zone.as_ref().map(Name::to_ascii).unwrap_or_default()
}

pub(crate) fn parent_name(f: &Facts) -> String {
    f.delegation()
        .and_then(|d| d.parent.as_ref())
        .map(Name::to_ascii)
        .unwrap_or_else(|| "the parent".into())
}

fn parent_ns(f: &Facts) -> BTreeSet<Name> {
    f.delegation().map(|d| d.ns.clone()).unwrap_or_default()
}

/// The first few items of a list, and how many more.
pub(crate) fn first_few(items: &[String], shown: usize) -> String {
    let mut text = items[..items.len().min(shown)].join(", ");
    if items.len() > shown {
        text.push_str(&format!(" and {} more", items.len() - shown));
    }
    text
}

/// check.incomplete: the budget, the deadline or the depth limit stopped the check.
pub fn incomplete(f: &Facts) -> Vec<Finding> {
    let l = &f.limits;
    let mut why = Vec::new();
    if l.budget_spent {
        why.push(format!(
            "its budget of {} queries was spent ({} messages sent, retransmissions and TCP retries included)",
            l.max_queries, l.sent
        ));
    }
    if l.deadline_passed {
        why.push(format!(
            "its deadline of {} s passed",
            l.deadline_seconds.unwrap_or_default()
        ));
    }
    if l.too_deep {
        why.push("the delegation chain is deeper than 16 zone cuts".into());
    }
    if why.is_empty() {
        return vec![];
    }
    vec![Finding::new(
        Code::CheckIncomplete,
        format!(
            "the check of {} stopped before it was done: {}; what was not asked is not judged, so the absence of other findings proves nothing",
            f.qname.to_ascii(),
            why.join("; ")
        ),
        vec![],
    )]
}

/// check.rate-limited: the questions that servers limiting the rate never answered, by server.
pub fn rate_limited(f: &Facts) -> Vec<Finding> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in f.probes() {
        if matches!(p.result, Err(crate::walk::NoAnswer::Limited)) {
            let question = format!("{} {}", p.qname.to_ascii(), p.qtype);
            let list = by.entry(who(p)).or_default();
            if !list.contains(&question) {
                list.push(question);
            }
        }
    }
    by.into_iter()
        .map(|(server, questions)| {
            Finding::new(
                Code::CheckRateLimited,
                format!(
                    "{server} stopped answering during the run: it answered questions of the same kind before, then never {} of this check's ({}), though each was asked again, slower, and over TCP (a rate limit, or a server that failed meanwhile); they are not judged, so the absence of findings about them proves nothing",
                    questions.len(),
                    first_few(&questions, 4)
                ),
                vec![],
            )
        })
        .collect()
}

/// delegation.expected-ns-mismatch: the parent delegates to other servers than expected.
pub fn expected_name_servers(f: &Facts) -> Vec<Finding> {
    let parent_ns = parent_ns(f);
    let Some(expected) = &f.expected else {
        return vec![];
    };
    let (Some(zone), false) = (&f.zone, parent_ns.is_empty() || expected.names == parent_ns) else {
        return vec![];
    };
    let zone_text = zone.to_ascii();
    let ready: Vec<String> = expected.soa.iter().filter(moving::ready).map(who).collect();
    let not_ready: Vec<String> = expected
        .soa
        .iter()
        .filter(|p| !moving::ready(p))
        .map(who)
        .collect();
    let preflight = f.preflight.as_ref();
    let complete = preflight.map(|_| records::preflight(f).is_empty());
    let readiness = if not_ready.is_empty() && dnssec::unsafe_move(f, zone).is_some() {
        format!(
            "the expected servers already serve {zone_text} authoritatively, but the switch is NOT safe yet: see dnssec.move-unsafe"
        )
    } else if not_ready.is_empty() && complete == Some(false) {
        format!(
            "the expected servers answer for {zone_text}, but the switch is NOT safe yet: they do not serve every record set of the zone file and the current servers (see move.records-missing)"
        )
    } else if let (true, Some(v)) = (not_ready.is_empty(), preflight) {
        format!(
            "the expected servers already serve {zone_text} authoritatively, with all {} record sets of {} and what the current servers serve beyond it, so the switch is safe{}",
            v.sets.len(),
            v.file,
            intended(f)
        )
    } else if not_ready.is_empty() {
        format!(
            "the expected servers answer for {zone_text} authoritatively, but whether they serve what the current ones do was not checked (no zone file: keep zones/{} or pass --zone-file), so the switch is not proven safe",
            crate::zonedir::file_name(zone)
        )
    } else {
        format!(
            "the expected servers are NOT ready: {} do not answer authoritatively for {zone_text}",
            not_ready.join(", ")
        )
    };
    let mended = match mended_by_the_switch(f) {
        m if m.is_empty() => String::new(),
        m => format!(" (the switch also mends this: {})", m.join("; ")),
    };
    vec![Finding::new(Code::DelegationExpectedNsMismatch, format!(
            "the parent ({}) delegates {zone_text} to {}, but it should delegate to {}; {readiness}{mended}",
            parent_name(f),
            names(&parent_ns),
            names(&expected.names)
        ), ready.into_iter().chain(not_ready).collect()).with_fix(registrar_fix(f, zone, &expected.names))]
}

/// The changes the switch makes on purpose, as a clause ("" when none).
fn intended(f: &Facts) -> String {
    match records::intended_changes(f) {
        changes if changes.is_empty() => String::new(),
        changes => format!(
            "; it changes {} record set(s) on purpose, as the zone file says: {}",
            changes.len(),
            first_few(&changes, 5)
        ),
    }
}

/// Who can act on a delegation to other servers than the expected ones, and how: nobody but
/// time when Route 53 Domains already gives the registry the expected servers; the parent
/// zone's NS records for a zone below the registered domain; `dns delegate` for a domain at
/// Route 53 Domains in this account; else the registrar. The delegation finding's fix and the
/// move's next step alike.
pub(super) fn registrar_fix(f: &Facts, zone: &Name, expected: &BTreeSet<Name>) -> String {
    let zone_text = zone.to_ascii();
    let domain = crate::check::facts::domain_of(zone).to_ascii();
    let domain = domain.trim_end_matches('.');
    match (registration::registrar_names(f), &f.registrar) {
        (Some((given, wanted)), _) if given == wanted => format!(
            "nothing to do at the registrar: Route 53 Domains already gives the registry {}; the registry has not published the change yet (minutes to hours): wait, e.g. with --wait",
            names(expected)
        ),
        // A zone below the registered domain: its parent zone's NS records delegate it.
        _ if crate::check::facts::domain_of(zone) != *zone => format!(
            "in the zone {}, set the NS records of {zone_text} to {} (with `dns sync` when that zone is in zones/)",
            parent_name(f),
            names(expected)
        ),
        (_, Some(_)) => format!(
            "run `dns delegate {domain}` (Route 53 Domains gives the registry {})",
            names(expected)
        ),
        (_, None) => format!(
            "at the registrar of {domain}, set the name servers to {} (custom name servers, in place of the current ones)",
            names(expected)
        ),
    }
}

/// Before a move (`--expect`, the parent delegating elsewhere): what the current delegation
/// gets wrong that the switch itself mends, said with the delegation finding rather than on its
/// own — too few servers in the old delegation (the new one has enough), the zone already
/// listing the new servers while the parent lists the old.
fn mended_by_the_switch(f: &Facts) -> Vec<String> {
    let (Some(expected), parent_ns) = (&f.expected, parent_ns(f)) else {
        return vec![];
    };
    if parent_ns.is_empty() || parent_ns == expected.names {
        return vec![];
    }
    let mut out = Vec::new();
    if parent_ns.len() < 2 && expected.names.len() >= 2 {
        out.push(format!(
            "the current delegation has only {} name server",
            parent_ns.len()
        ));
    }
    if child_ns(f) == expected.names {
        out.push("the zone already lists the new servers at its apex while the parent lists the old ones".to_string());
    }
    out
}

/// ns.too-few: fewer than two name servers.
pub fn too_few_name_servers(f: &Facts) -> Vec<Finding> {
    let parent_ns = parent_ns(f);
    if parent_ns.is_empty() || parent_ns.len() >= 2 {
        return vec![];
    }
    if f.expected
        .as_ref()
        .is_some_and(|e| e.names.len() >= 2 && e.names != parent_ns)
    {
        return vec![];
    }
    vec![Finding::new(
        Code::NsTooFew,
        format!(
            "{} is delegated to only {} name server ({})",
            zone_text(f),
            parent_ns.len(),
            names(&parent_ns)
        ),
        parent_ns.iter().map(Name::to_ascii).collect(),
    )]
}

/// The apex NS set the zone's servers give.
fn child_ns(f: &Facts) -> BTreeSet<Name> {
    let Some(zone) = &f.zone else {
        return BTreeSet::new();
    };
    f.ns.iter()
        .filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
        .flat_map(|m| m.answers.iter())
        .filter_map(|r| match &r.data {
            RData::NS(ns) if r.name.to_lowercase() == *zone => Some(ns.0.to_lowercase()),
            _ => None,
        })
        .collect()
}

/// delegation.parent-child-mismatch: the parent's NS set is not the zone's.
pub fn parent_child_name_servers(f: &Facts) -> Vec<Finding> {
    let (parent_ns, child_ns) = (parent_ns(f), child_ns(f));
    if parent_ns.is_empty() || child_ns.is_empty() || parent_ns == child_ns {
        return vec![];
    }
    // The zone lists the servers it is moving to: the switch mends it (said with the move).
    if f.expected.as_ref().is_some_and(|e| e.names == child_ns) {
        return vec![];
    }
    let zone_text = zone_text(f);
    vec![Finding::new(
        Code::DelegationParentChildMismatch,
        format!(
            "the parent lists {} for {zone_text}, but the zone itself lists {}",
            names(&parent_ns),
            names(&child_ns)
        ),
        parent_ns.union(&child_ns).map(Name::to_ascii).collect(),
    )]
}

/// glue.missing and glue.mismatch: in-zone name servers need the parent's glue, and it must be
/// what the zone publishes.
pub fn glue(f: &Facts) -> Vec<Finding> {
    let (Some(zone), Some(d)) = (&f.zone, f.delegation()) else {
        return vec![];
    };
    let zone_text = zone.to_ascii();
    let in_zone: Vec<&Name> = d.ns.iter().filter(|n| zone.zone_of(n)).collect();
    let without: Vec<&Name> = in_zone
        .iter()
        .copied()
        .filter(|n| !d.glue.contains_key(*n))
        .collect();
    let mut out = Vec::new();
    if !without.is_empty() {
        let all = without.len() == d.ns.len();
        let consequence = if all {
            format!(
                "; every name server of {zone_text} is inside it without glue, so nobody can find them: {zone_text} cannot be resolved at all"
            )
        } else {
            String::new()
        };
        out.push(Finding::new(Code::GlueMissing, format!(
                "{} {} inside {zone_text} but the parent gives no address (glue) for {}{consequence}",
                without.iter().map(|n| n.to_ascii()).collect::<Vec<_>>().join(", "),
                if without.len() == 1 { "is" } else { "are" },
                if without.len() == 1 { "it" } else { "them" },
            ), without.iter().map(|n| n.to_ascii()).collect()).with_fix(format!(
                "register the address of {} at the registrar (a \"host\" or glue record)",
                without.iter().map(|n| n.to_ascii()).collect::<Vec<_>>().join(", ")
            )));
    }
    for ns in in_zone {
        let Some(glue) = d.glue.get(ns) else { continue };
        out.extend(glue_against_zone(f, &zone_text, ns, glue));
    }
    out
}

/// glue.mismatch for one in-zone name server: the parent's glue against the addresses the zone
/// gives that name (of the glue's families), or against an alias where it gives none.
fn glue_against_zone(
    f: &Facts,
    zone_text: &str,
    ns: &Name,
    glue: &BTreeSet<std::net::IpAddr>,
) -> Option<Finding> {
    let published: BTreeSet<std::net::IpAddr> = f
        .ns_addrs
        .iter()
        .filter(|p| p.qname == *ns && answers_with_authority(p))
        .filter_map(Probe::message)
        .flat_map(|m| m.answers.iter())
        .filter(|r| r.name == *ns)
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(std::net::IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(std::net::IpAddr::V6(a.0)),
            _ => None,
        })
        .collect();
    // Glue of one family is compared with the zone's addresses of the same family.
    let asked_v6 = f
        .ns_addrs
        .iter()
        .any(|p| p.qname == *ns && p.qtype == RecordType::AAAA && answers_with_authority(p));
    let glue: BTreeSet<std::net::IpAddr> = glue
        .iter()
        .copied()
        .filter(|a| a.is_ipv4() || asked_v6)
        .collect();
    // The zone's name for a server is an alias: the parent's glue is an address the zone
    // does not give that name at all (Zonemaster reports the mismatch too).
    let alias = f
        .ns_addrs
        .iter()
        .filter(|p| p.qname == *ns && answers_with_authority(p))
        .filter_map(Probe::message)
        .flat_map(|m| m.answers.iter())
        .find_map(|r| match &r.data {
            RData::CNAME(target) if r.name == *ns => Some(target.0.to_ascii()),
            _ => None,
        });
    if let (true, Some(target)) = (published.is_empty(), alias) {
        return Some(Finding::new(
            Code::GlueMismatch,
            format!(
                "the parent's glue for {} is {}, but {zone_text} gives no address for that name: it is an alias (CNAME to {target}), which the name of a name server must not be (RFC 2181 §10.3)",
                ns.to_ascii(),
                glue.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            vec![ns.to_ascii()],
        ));
    }
    if !published.is_empty() && glue != published {
        let show = |s: &BTreeSet<std::net::IpAddr>| {
            s.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Some(Finding::new(
            Code::GlueMismatch,
            format!(
                "the parent's glue for {} is {}, but {zone_text} publishes {}",
                ns.to_ascii(),
                show(&glue),
                show(&published)
            ),
            vec![ns.to_ascii()],
        ));
    }
    None
}

/// ns.no-address: name servers of the delegation whose address could not be found (other than
/// in-zone servers without glue, which are `glue.missing`).
pub fn name_server_addresses(f: &Facts) -> Vec<Finding> {
    let (Some(zone), Some(d)) = (&f.zone, f.delegation()) else {
        return vec![];
    };
    // Without glue, the walk looked each name up; a name it found no address for is noted.
    let addressless: BTreeSet<&Name> = f
        .zone_servers()
        .iter()
        .filter(|s| s.addrs.is_empty())
        .map(|s| &s.name)
        .collect();
    d.ns.iter()
        .filter(|ns| !zone.zone_of(ns) && addressless.contains(ns))
        .map(|ns| {
            let why = f
                .unresolvable
                .get(ns)
                .map_or("it could not be looked up", String::as_str);
            (ns, why)
        })
        .map(|(ns, why)| {
            Finding::new(
                Code::NsNoAddress,
                format!(
                    "no address can be found for {}, a name server of {}: {why}",
                    ns.to_ascii(),
                    zone.to_ascii()
                ),
                vec![ns.to_ascii()],
            )
        })
        .collect()
}

/// ns.cname: an NS record that points at an alias.
pub fn name_server_aliases(f: &Facts) -> Vec<Finding> {
    let mut servers: BTreeSet<Name> = parent_ns(f);
    servers.extend(child_ns(f));
    let mut aliased: BTreeMap<Name, Name> = BTreeMap::new();
    for ns in &servers {
        if let Some(target) = f.aliases.get(ns) {
            aliased.insert(ns.clone(), target.clone());
        }
    }
    for p in f.ns_addrs.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        for r in m.answers.iter().filter(|r| r.name == p.qname) {
            if let RData::CNAME(target) = &r.data {
                aliased.insert(p.qname.to_lowercase(), target.0.to_lowercase());
            }
        }
    }
    aliased
        .into_iter()
        .map(|(ns, target)| {
            Finding::new(Code::NsCname, format!(
                    "the name server {} of {} is an alias (CNAME to {}): NS records must name a host with its own A/AAAA records (RFC 2181 §10.3), and some resolvers do not follow it",
                    ns.to_ascii(),
                    zone_text(f),
                    target.to_ascii()
                ), vec![ns.to_ascii()]).with_fix(format!(
                    "name the server by its canonical name ({}) in the NS records and at the registrar",
                    target.to_ascii()
                ))
        })
        .collect()
}

/// answer.mismatch and name.nxdomain, from the question itself.
pub fn answers(f: &Facts) -> Vec<Finding> {
    let Some(level) = f.zone_level() else {
        return vec![];
    };
    let zone_text = zone_text(f);
    let mut out = Vec::new();
    let mut by_answer: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut nx = 0;
    let mut authoritative = 0;
    for p in level.probes.iter().filter(|p| answers_with_authority(p)) {
        authoritative += 1;
        if p.rcode() == Some(ResponseCode::NXDomain) {
            nx += 1;
        }
        let text = match p.rcode() {
            Some(ResponseCode::NXDomain) => "NXDOMAIN".to_string(),
            _ => walk::answer_texts(p)
                .map(|s| s.into_iter().collect::<Vec<_>>().join("; "))
                .unwrap_or_default(),
        };
        by_answer
            .entry(if text.is_empty() {
                "no records (NODATA)".into()
            } else {
                text
            })
            .or_default()
            .push(who(p));
    }
    // Routed sets in the zone file: servers answering differently is by design, and the
    // verification judges each answer by its set.
    let routed = f.verification.as_ref().is_some_and(|v| v.routed);
    if by_answer.len() > 1 && !routed {
        out.push(Finding::new(
            Code::AnswerMismatch,
            format!(
                "the servers of {zone_text} disagree on {} {}: {}",
                f.qname.to_ascii(),
                f.qtype,
                by_answer
                    .iter()
                    .map(|(a, w)| format!("{} say [{a}]", w.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            by_answer.values().flatten().cloned().collect(),
        ));
    }
    if authoritative > 0 && nx * 2 > authoritative {
        out.push(
            Finding::new(
                Code::NameNxdomain,
                format!(
                    "{} does not exist: the servers of {zone_text} answer NXDOMAIN",
                    f.qname.to_ascii()
                ),
                vec![],
            )
            .with_fix(format!(
                "add the record to the zone {zone_text} (zones/{}.yaml) and sync",
                zone_text.trim_end_matches('.')
            )),
        );
    }
    out
}

/// dnssec.ds-without-dnskey, dnssec.ds-mismatch, dnssec.no-ds, dnssec.signature-*.
pub fn dnssec_chain_of_trust(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(zone) = &f.zone {
        dnssec::chain_of_trust(f, zone, &mut out);
    }
    out
}

/// dnssec.move-unsafe.
pub fn dnssec_move_safety(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(zone) = &f.zone {
        dnssec::move_safety(f, zone, &mut out);
    }
    out
}

/// cname.loop and cname.too-long.
pub fn cname_chain(f: &Facts) -> Vec<Finding> {
    let chain = || {
        f.cname_chain
            .iter()
            .map(|(a, b)| format!("{} → {}", a.to_ascii(), b.to_ascii()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if f.cname_loop {
        return vec![Finding::new(
            Code::CnameLoop,
            format!(
                "the CNAME chain of {} loops: {}",
                f.qname.to_ascii(),
                chain()
            ),
            vec![],
        )];
    }
    if f.cname_too_long {
        return vec![Finding::new(
            Code::CnameTooLong,
            format!(
                "the CNAME chain of {} is longer than {} links (it does not loop, but resolvers stop following it): {}",
                f.qname.to_ascii(),
                crate::check::facts::MAX_CNAME_CHAIN,
                chain()
            ),
            vec![],
        )];
    }
    if let (Some(why), Some((_, target))) = (&f.cname_unresolved, f.cname_chain.last()) {
        return vec![Finding::new(Code::CnameTargetUnresolved, format!(
                "{} is an alias of {}, which cannot be resolved: {why}",
                f.qname.to_ascii(),
                target.to_ascii()
            ), vec![]).with_fix(format!(
                "point the CNAME at a name that exists and is served (for a load balancer, copy its DNS name from the console), or fix the servers of {}'s zone",
                target.to_ascii()
            ))];
    }
    vec![]
}
