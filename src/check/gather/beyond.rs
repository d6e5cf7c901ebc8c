//! Before a move: what the current servers may serve beyond the zone file. A file written from
//! memory (or a partial export) forgets names; the switch would lose them. Without a zone
//! transfer nobody can list a zone, so the names a zone usually has (`www`, `mail`, `_dmarc`,
//! `autodiscover`, DKIM selectors, mail and calendar SRV names…), the in-zone targets the
//! current servers' answers name (mail exchangers, CNAME targets), and the sets their zone
//! transfer showed beyond the file (where one was given) are asked, for every type that name
//! usually has and the file lacks, of the current servers and of the expected ones alike: the
//! rules compare the two ([`crate::check::rules::records`]).

use std::collections::BTreeSet;
use std::net::IpAddr;

use futures_util::future::join_all;
use hickory_proto::rr::{Name, RecordType};

use crate::check::facts::{Facts, exchangers};
use crate::check::questions::Question;
use crate::check::verification::{Listing, Verification};
use crate::walk::{NameServer, Probe, Proto, Walker};
use crate::zone::ignore::is_ignored;
use crate::zone::{RType, RrKey, Zone};

/// Names a zone usually has, relative to its apex ("" is the apex).
const USUAL: &[&str] = &[
    "",
    "www",
    "mail",
    "smtp",
    "imap",
    "pop",
    "webmail",
    "mx",
    "autodiscover",
    "autoconfig",
    "_dmarc",
    "_domainkey",
    "default._domainkey",
    "google._domainkey",
    "selector1._domainkey",
    "selector2._domainkey",
    "k1._domainkey",
    "s1._domainkey",
    "s2._domainkey",
    "_mta-sts",
    "mta-sts",
    "_smtp._tls",
    "_autodiscover._tcp",
    "_submission._tcp",
    "_imaps._tcp",
    "_sip._tls",
    "_sipfederationtls._tcp",
    "_caldavs._tcp",
    "ftp",
    "vpn",
    "api",
    "app",
    "m",
    "shop",
    "blog",
    "status",
];

/// The types asked of a name: SRV for service names, TXT for policy and key names, else the
/// types a host or a domain usually has (the apex's own SOA and NS are the check's).
fn types_of(relative: &str) -> &'static [RecordType] {
    use RecordType::*;
    if relative.contains("._tcp") || relative.contains("._tls") || relative.contains("._udp") {
        if relative.starts_with("_smtp._tls") {
            return &[TXT];
        }
        return &[SRV];
    }
    if relative.starts_with('_') || relative.contains("._domainkey") {
        return &[TXT, CNAME];
    }
    if relative.is_empty() {
        return &[A, AAAA, MX, TXT, CAA];
    }
    &[A, AAAA, CNAME, MX, TXT]
}

/// The questions beyond the file: every usual name, in-zone target and (with the verification)
/// transferred set, for each type the file does not have at that name (none where the file has
/// a CNAME, none under `ignore:`).
pub(super) fn questions(
    zone: &Zone,
    facts: &Facts,
    v: Option<&Verification>,
) -> Vec<(Name, RecordType)> {
    let origin = &zone.origin;
    let mut names: Vec<(Name, &'static [RecordType])> = USUAL
        .iter()
        .filter_map(|rel| {
            let name = match *rel {
                "" => origin.clone(),
                rel => Name::from_ascii(rel).ok()?.append_domain(origin).ok()?,
            };
            Some((name, types_of(rel)))
        })
        .collect();
    let all: &'static [RecordType] = &[RecordType::A, RecordType::AAAA, RecordType::CNAME];
    let targets: BTreeSet<Name> = exchangers(facts.answers(Question::Mx), origin)
        .into_iter()
        .chain(
            facts
                .cname_chain
                .iter()
                .map(|(_, target)| target.to_lowercase()),
        )
        .filter(|n| origin.zone_of(n))
        .collect();
    names.extend(targets.into_iter().map(|n| (n, all)));
    let mut out: BTreeSet<(Name, RecordType)> = BTreeSet::new();
    for (name, types) in names {
        for t in types {
            out.insert((name.to_lowercase(), *t));
        }
    }
    out.extend(v.map(transferred).unwrap_or_default());
    out.into_iter()
        .filter(|(name, t)| !in_file(zone, name, *t))
        .collect()
}

/// The sets the current servers' zone transfers held beyond the file (`name TYPE`).
fn transferred(v: &Verification) -> Vec<(Name, RecordType)> {
    v.listings
        .iter()
        .filter_map(|(_, _, l)| match l {
            Listing::Transferred { unexpected, .. } => Some(unexpected),
            _ => None,
        })
        .flatten()
        .filter_map(|set| {
            let (name, t) = set.rsplit_once(' ')?;
            Some((
                Name::from_ascii(name).ok()?.to_lowercase(),
                t.parse::<RecordType>().ok()?,
            ))
        })
        .collect()
}

/// The file has the set (plain or routed), a CNAME at the name (no other type can be there),
/// or leaves the name to others (`ignore:`).
fn in_file(zone: &Zone, name: &Name, t: RecordType) -> bool {
    let has = |rtype: RType| {
        super::sets_at(zone, &RrKey::new(name.clone(), rtype))
            .next()
            .is_some()
    };
    let Some(rtype) = RType::from_record_type(t) else {
        return true;
    };
    has(rtype)
        || has(RType::CNAME)
        || is_ignored(
            &RrKey::new(name.clone(), rtype),
            &zone.origin,
            &zone.settings,
        )
}

/// Asks the questions of every address of the current servers and of the expected ones.
pub(super) async fn both(
    walker: &Walker,
    current: &[NameServer],
    expected: &[NameServer],
    questions: &[(Name, RecordType)],
) -> Vec<Probe> {
    let (old, new) = futures_util::join!(
        ask(walker, current, questions),
        ask(walker, expected, questions)
    );
    old.into_iter().chain(new).collect()
}

/// Asks every address of `servers` the questions, each answer kept as a probe.
pub(super) async fn ask(
    walker: &Walker,
    servers: &[NameServer],
    questions: &[(Name, RecordType)],
) -> Vec<Probe> {
    if questions.is_empty() {
        return Vec::new();
    }
    let targets: Vec<(&NameServer, IpAddr)> = walker.targets(servers).collect();
    let walker = &walker.with_extra_budget(questions.len() * targets.len());
    let asked = join_all(targets.iter().map(|(s, addr)| async move {
        walker
            .ask_many(*addr, questions, 64, |i, result| Probe {
                server: s.name.clone(),
                addr: *addr,
                qname: questions[i].0.clone(),
                qtype: questions[i].1,
                proto: Proto::Udp,
                result: result.clone(),
            })
            .await
    }))
    .await;
    asked.into_iter().flatten().collect()
}
