//! CDS and CDNSKEY (RFC 7344, RFC 8078): what a signed zone asks its parent to publish as DS.
//! Registries that scan for them (.ch, .li, .se, .nu, .cz, and others; Route 53 does not) replace
//! the DS with what they say, so a CDS that names the wrong key breaks the zone for every
//! validating resolver a day later, and a set that differs between servers makes the registry
//! act on whichever it asked. Zonemaster DNSSEC15–18:
//!
//! * `dnssec.cds-inconsistent`: the servers serve different CDS or CDNSKEY sets, or one
//!   server's CDS and CDNSKEY sets name different keys, or a delete request (algorithm 0,
//!   RFC 8078 §4) comes with other records;
//! * `dnssec.cds-mismatch`: a CDS or CDNSKEY names no key of the zone's DNSKEY set, or a key
//!   that does not sign that set: the DS the parent would publish validates nothing;
//! * `dnssec.cds-not-trusted`: the CDS/CDNSKEY set is not signed by a key the current DS points
//!   at, so a parent following RFC 7344 §4.1 cannot trust it and ignores it.
//!
//! Their signatures' cryptography is verified with every other set's ([`super::signatures`]).

use std::collections::BTreeMap;

use hickory_proto::dnssec::rdata::{CDNSKEY, CDS, DNSKEY, DNSSECRData, DS};
use hickory_proto::dnssec::{PublicKey, Verifier};
use hickory_proto::rr::{Name, RData, RecordType};

use super::who;
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::questions::Question;
use crate::check::validate::{authoritative_set, dnskey_of, ds_of};

/// One server's CDS and CDNSKEY records, and the key tags of the signatures over them.
#[derive(Default)]
struct Served {
    cds: Vec<CDS>,
    cdnskey: Vec<CDNSKEY>,
    signers: Vec<u16>,
}

fn cds_text(c: &CDS) -> String {
    match c.algorithm() {
        None => "delete".into(),
        Some(a) => format!(
            "CDS {} {} {}",
            c.key_tag(),
            u8::from(a),
            u8::from(c.digest_type())
        ),
    }
}

fn cdnskey_text(k: &CDNSKEY) -> String {
    match (k.algorithm(), k.public_key()) {
        (Some(a), Some(key)) => format!(
            "CDNSKEY flags {} algorithm {} key tag {}",
            k.flags(),
            u8::from(a),
            DNSKEY::with_flags(k.flags(), key)
                .calculate_key_tag()
                .map_or("?".into(), |t| t.to_string())
        ),
        _ => "delete".into(),
    }
}

/// The DNSKEY a CDNSKEY stands for.
fn as_dnskey(k: &CDNSKEY) -> Option<DNSKEY> {
    Some(DNSKEY::with_flags(k.flags(), k.public_key()?))
}

/// The DS a CDS stands for.
fn as_ds(c: &CDS) -> Option<DS> {
    Some(DS::new(
        c.key_tag(),
        c.algorithm()?,
        c.digest_type(),
        c.digest().to_vec(),
    ))
}

pub fn cds(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let mut served: BTreeMap<String, Served> = BTreeMap::new();
    for p in f
        .answers(Question::Cds)
        .chain(f.answers(Question::Cdnskey))
        .filter(|p| answers_with_authority(p))
    {
        let Some(m) = p.message() else { continue };
        let s = served.entry(who(p)).or_default();
        for r in m.answers.iter().filter(|r| r.name == *zone) {
            match &r.data {
                RData::DNSSEC(DNSSECRData::CDS(c)) if p.qtype == RecordType::CDS => {
                    s.cds.push(c.clone())
                }
                RData::DNSSEC(DNSSECRData::CDNSKEY(k)) if p.qtype == RecordType::CDNSKEY => {
                    s.cdnskey.push(k.clone())
                }
                RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == p.qtype => {
                    s.signers.push(sig.input().key_tag)
                }
                _ => {}
            }
        }
    }
    served.retain(|_, s| !s.cds.is_empty() || !s.cdnskey.is_empty());
    if served.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    inconsistent(zone, &served, &mut out);
    let (keys, _) = authoritative_set(&f.dnskey, zone, dnskey_of);
    mismatch(f, zone, &served, &keys, &mut out);
    let (ds, _) = authoritative_set(&f.ds, zone, ds_of);
    not_trusted(zone, &served, &ds, &keys, &mut out);
    out
}

/// What each server serves, as one line of text.
fn describe(s: &Served) -> String {
    let mut items: Vec<String> = s.cds.iter().map(cds_text).collect();
    items.extend(s.cdnskey.iter().map(cdnskey_text));
    items.sort();
    items.join(", ")
}

fn inconsistent(zone: &Name, served: &BTreeMap<String, Served>, out: &mut Vec<Finding>) {
    let mut why: Vec<String> = Vec::new();
    let mut by_content: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (server, s) in served {
        by_content
            .entry(describe(s))
            .or_default()
            .push(server.as_str());
    }
    if by_content.len() > 1 {
        let groups: Vec<String> = by_content
            .iter()
            .map(|(what, who)| format!("{} serve [{what}]", who.join(", ")))
            .collect();
        why.push(format!("the servers disagree: {}", groups.join("; ")));
    }
    for (server, s) in served {
        let deletes = s.cds.iter().filter(|c| c.is_delete()).count()
            + s.cdnskey.iter().filter(|k| k.is_delete()).count();
        if deletes > 0 && deletes < s.cds.len() + s.cdnskey.len() {
            why.push(format!(
                "{server} serves a delete request (algorithm 0) beside other records, which RFC 8078 §4 forbids"
            ));
        }
        if !s.cds.is_empty() && !s.cdnskey.is_empty() && deletes == 0 {
            let from_cds: Vec<DS> = s.cds.iter().filter_map(as_ds).collect();
            let keys: Vec<DNSKEY> = s.cdnskey.iter().filter_map(as_dnskey).collect();
            let unmatched_keys = keys
                .iter()
                .filter(|k| !from_cds.iter().any(|d| d.covers(zone, k).unwrap_or(false)))
                .count();
            let unmatched_cds = from_cds
                .iter()
                .filter(|d| !keys.iter().any(|k| d.covers(zone, k).unwrap_or(false)))
                .count();
            if unmatched_keys + unmatched_cds > 0 {
                why.push(format!(
                    "{server}'s CDS and CDNSKEY sets name different keys ({unmatched_cds} CDS without its CDNSKEY, {unmatched_keys} CDNSKEY without its CDS)"
                ));
            }
        }
    }
    if !why.is_empty() {
        out.push(Finding::new(
            Code::DnssecCdsInconsistent,
            format!(
                "the CDS/CDNSKEY records of {} do not say one thing: {}; a registry that follows them acts on whichever server it asked",
                zone.to_ascii(),
                why.join("; ")
            ),
            served.keys().cloned().collect(),
        ));
    }
}

/// CDS and CDNSKEY records naming no served key, or a key that does not sign the DNSKEY set on
/// every server that answered it.
fn mismatch(
    f: &Facts,
    zone: &Name,
    served: &BTreeMap<String, Served>,
    keys: &[DNSKEY],
    out: &mut Vec<Finding>,
) {
    let signs = |key: &DNSKEY| signs_key_set(f, zone, key);
    let mut wrong: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for s in served.values() {
        for c in s.cds.iter().filter(|c| !c.is_delete()) {
            let text = cds_text(c);
            if seen.contains(&text) {
                continue;
            }
            seen.push(text.clone());
            let Some(ds) = as_ds(c) else { continue };
            match keys.iter().find(|k| ds.covers(zone, k).unwrap_or(false)) {
                None => wrong.push(format!("{text} names no key of the DNSKEY set")),
                Some(k) if !signs(k) => wrong.push(format!(
                    "{text} names a key that does not sign the DNSKEY set"
                )),
                Some(_) => {}
            }
        }
        for k in s.cdnskey.iter().filter(|k| !k.is_delete()) {
            let text = cdnskey_text(k);
            if seen.contains(&text) {
                continue;
            }
            seen.push(text.clone());
            let Some(key) = as_dnskey(k) else { continue };
            let same = |served: &&DNSKEY| {
                served.flags() == key.flags()
                    && served.algorithm() == key.algorithm()
                    && served.public_key().public_bytes() == key.public_key().public_bytes()
            };
            match keys.iter().find(same) {
                None => wrong.push(format!("{text} is no key of the DNSKEY set")),
                Some(k) if !signs(k) => {
                    wrong.push(format!("{text} is a key that does not sign the DNSKEY set"))
                }
                Some(_) => {}
            }
        }
    }
    if !wrong.is_empty() {
        out.push(Finding::new(
            Code::DnssecCdsMismatch,
            format!(
                "{} asks its parent for a DS that validates nothing: {}; a registry that follows CDS/CDNSKEY would publish it, and validating resolvers would answer SERVFAIL for the whole zone",
                zone.to_ascii(),
                wrong.join("; ")
            ),
            served.keys().cloned().collect(),
        ));
    }
}

/// Whether `key` signs the zone's DNSKEY set (verified, within its period) on every server that
/// served one.
fn signs_key_set(f: &Facts, zone: &Name, key: &DNSKEY) -> bool {
    let now = f.checked_at as u32;
    let mut answered = false;
    for m in f
        .dnskey
        .iter()
        .filter(|p| answers_with_authority(p))
        .filter_map(|p| p.message())
    {
        answered = true;
        let sets = crate::check::validate::signed_sets(m, zone);
        let Some(set) = sets.iter().find(|s| s.rtype == RecordType::DNSKEY) else {
            return false;
        };
        if crate::check::validate::verdict(set, zone, &[key], now)
            != crate::check::validate::Verdict::Valid
        {
            return false;
        }
    }
    answered
}

/// The CDS/CDNSKEY set must be signed by a key the current DS points at (RFC 7344 §4.1).
fn not_trusted(
    zone: &Name,
    served: &BTreeMap<String, Served>,
    ds: &[DS],
    keys: &[DNSKEY],
    out: &mut Vec<Finding>,
) {
    if ds.is_empty() {
        // No chain yet: bootstrapping (RFC 9615) is another matter.
        return;
    }
    let entry: Vec<u16> = keys
        .iter()
        .filter(|k| ds.iter().any(|d| d.covers(zone, k).unwrap_or(false)))
        .filter_map(|k| k.calculate_key_tag().ok())
        .collect();
    let servers: Vec<String> = served
        .iter()
        .filter(|(_, s)| !s.signers.iter().any(|t| entry.contains(t)))
        .map(|(server, _)| server.clone())
        .collect();
    if !servers.is_empty() {
        let tags: Vec<String> = entry.iter().map(ToString::to_string).collect();
        out.push(Finding::new(
            Code::DnssecCdsNotTrusted,
            format!(
                "the CDS/CDNSKEY records of {} are not signed by a key the parent's DS points at (key tag(s) {}): a parent following RFC 7344 §4.1 cannot trust them and ignores them",
                zone.to_ascii(),
                if tags.is_empty() { "none".into() } else { tags.join(", ") }
            ),
            servers,
        ));
    }
}
