//! The chain of trust as the facts show it, link by link, for the picture (`--format svg`):
//! the parent's DS records, the zone's keys each DS points at, and the record sets each key
//! signs, each link judged with the rules' own verdicts (a DS that matches no key, a set whose
//! signatures do not verify, lapsed or are missing on some server).

use hickory_proto::dnssec::Verifier as _;
use hickory_proto::dnssec::rdata::{DNSKEY, DS};
use hickory_proto::rr::RecordType;

use super::codes::Code;
use super::facts::{Facts, answers_with_authority};
use super::validate::{
    authoritative_set, dnskey_of, ds_of, entry_key_tags, signed_sets, trusted_keys, verdict,
};
use super::verdicts::Verdict;

/// The chain of one zone: DS → DNSKEY → signed sets.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    pub ds: Vec<DsLink>,
    pub keys: Vec<Key>,
    pub sets: Vec<SetLinks>,
    /// The parent answered for DS with authority (so "no DS" is its word, not a silence).
    pub parent_answered: bool,
}

/// One DS record of the parent, and the key it points at (an index into [`Chain::keys`]).
#[derive(Debug, Clone)]
pub struct DsLink {
    pub tag: u16,
    pub algorithm: u8,
    pub digest_type: u8,
    pub key: Option<usize>,
}

/// One key the zone serves.
#[derive(Debug, Clone)]
pub struct Key {
    pub tag: u16,
    pub algorithm: u8,
    /// The secure entry point flag: a KSK (257) rather than a ZSK (256).
    pub sep: bool,
}

/// One record set of the zone and the keys whose signatures cover it, with every server whose
/// copy does not verify and why (the code the rules give it).
#[derive(Debug, Clone)]
pub struct SetLinks {
    pub rtype: RecordType,
    pub signers: Vec<u16>,
    pub broken: Vec<Broken>,
}

/// One server's copy of a set that does not verify: the code the rules give it, the server
/// (`name (address)`), and the keys whose links it breaks (by key tag).
#[derive(Debug, Clone)]
pub struct Broken {
    pub code: Code,
    pub server: String,
    pub tags: Vec<u16>,
}

/// The chain, or none when the zone was not reached or neither a DS nor a key was seen.
pub fn chain(f: &Facts) -> Option<Chain> {
    let zone = f.zone.as_ref()?;
    let (ds, parent_answered) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, _) = authoritative_set(&f.dnskey, zone, dnskey_of);
    if ds.is_empty() && keys.is_empty() {
        return None;
    }
    // The keys as the picture names them, by tag: a DS points at an index of this same list.
    let keys: Vec<DNSKEY> = keys
        .into_iter()
        .filter(|k| k.calculate_key_tag().is_ok())
        .collect();
    let ds = ds
        .iter()
        .map(|d: &DS| DsLink {
            tag: d.key_tag(),
            algorithm: u8::from(d.algorithm()),
            digest_type: u8::from(d.digest_type()),
            key: keys.iter().position(|k| d.covers(zone, k).unwrap_or(false)),
        })
        .collect();
    let key_view = keys
        .iter()
        .filter_map(|k: &DNSKEY| {
            Some(Key {
                tag: k.calculate_key_tag().ok()?,
                algorithm: u8::from(k.algorithm()),
                sep: k.secure_entry_point(),
            })
        })
        .collect();
    Some(Chain {
        ds,
        keys: key_view,
        sets: sets(f, zone, &keys),
        parent_answered,
    })
}

/// The apex sets every server was asked for (DNSKEY, SOA, NS), each server's copy judged: the key set with the keys a DS points at, the others with the keys that verified.
fn sets(f: &Facts, zone: &hickory_proto::rr::Name, keys: &[DNSKEY]) -> Vec<SetLinks> {
    let now = f.checked_at as u32;
    let entry = entry_key_tags(f, zone);
    let entry_keys: Vec<&DNSKEY> = keys
        .iter()
        .filter(|k| k.calculate_key_tag().is_ok_and(|t| entry.contains(&t)))
        .collect();
    let trusted = trusted_keys(f, zone, &entry, now).0;
    let trusted: Vec<&DNSKEY> = trusted.iter().collect();
    let mut out: Vec<SetLinks> = Vec::new();
    let probes = f.dnskey.iter().chain(&f.soa_udp).chain(&f.ns);
    for p in probes.filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        for set in signed_sets(m, zone).iter().filter(|s| s.name == *zone) {
            let at = match out.iter().position(|s| s.rtype == set.rtype) {
                Some(i) => i,
                None => {
                    out.push(SetLinks {
                        rtype: set.rtype,
                        signers: vec![],
                        broken: vec![],
                    });
                    out.len() - 1
                }
            };
            let link = &mut out[at];
            for sig in &set.sigs {
                let tag = sig.input().key_tag;
                if !link.signers.contains(&tag) {
                    link.signers.push(tag);
                }
            }
            // Judged only where the chain reaches the zone (a DS points at a key).
            if entry.is_empty() {
                continue;
            }
            // Where no key set verified, the chain is broken at the key set already: the
            // other sets are not judged (as the rules judge them).
            let with = match set.rtype {
                RecordType::DNSKEY => &entry_keys,
                _ if trusted.is_empty() => continue,
                _ => &trusted,
            };
            // The keys whose links the verdict breaks: those whose signatures fail, else every
            // key it was judged with.
            let judged: Vec<u16> = with
                .iter()
                .filter_map(|k| k.calculate_key_tag().ok())
                .collect();
            let (code, tags) = match verdict(set, zone, with, now) {
                Verdict::Valid | Verdict::Unsupported(_) => continue,
                Verdict::Lapsed => (Code::DnssecSignatureExpired, judged),
                Verdict::Missing => (Code::DnssecSignatureMissing, judged),
                Verdict::Invalid(failed) => (
                    Code::DnssecSignatureInvalid,
                    failed.iter().map(|(t, _)| *t).collect(),
                ),
                Verdict::UnknownKey(tags) => (Code::DnssecSignatureInvalid, tags),
                Verdict::WrongSigner(_) => (Code::DnssecSignatureInvalid, judged),
            };
            let who = p.who();
            if !link
                .broken
                .iter()
                .any(|b| b.code == code && b.server == who)
            {
                link.broken.push(Broken {
                    code,
                    server: who,
                    tags,
                });
            }
        }
    }
    out
}
