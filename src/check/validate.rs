//! Validation, as a validating resolver does it (RFC 4035 §5.3), returning its verdicts as
//! data: the DS and DNSKEY sets the servers answered, the keys the chain of trust enters a
//! zone by (those a DS of its parent points at), the DNSKEY sets that verify with them, and
//! the verdict on every signed record set of an answer ([`Verdict`]), each distinct signature
//! verified once ([`Verified`]). Gathering uses it as the zone file's answers come in (which
//! it does not keep); the DNSSEC rules turn its verdicts into findings.
//!
//! A key of an algorithm this build cannot verify makes its signatures "not judged", never
//! bogus (as a validator treats an unsupported algorithm as insecure, RFC 4035 §5.2).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, RRSIG};
use hickory_proto::dnssec::{TBS, Verifier};
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::BinEncodable;
use sha2::{Digest, Sha256};

use super::facts::{Facts, answers_with_authority};
pub use super::verdicts::{SetVerdict, Verdict};
use crate::walk::Probe;

pub(super) fn ds_of(data: &RData) -> Option<&hickory_proto::dnssec::rdata::DS> {
    match data {
        RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DS(ds)) => Some(ds),
        _ => None,
    }
}

pub(super) fn dnskey_of(data: &RData) -> Option<&hickory_proto::dnssec::rdata::DNSKEY> {
    match data {
        RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DNSKEY(key)) => Some(key),
        _ => None,
    }
}

/// The records of `rtype` at `owner` that servers answered with authority, deduplicated, and
/// whether any server answered with authority at all.
pub(super) fn authoritative_set<T: Clone + PartialEq>(
    probes: &[Probe],
    owner: &Name,
    pick: impl Fn(&RData) -> Option<&T>,
) -> (Vec<T>, bool) {
    let mut set: Vec<T> = Vec::new();
    let mut answered = false;
    for m in probes
        .iter()
        .filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
    {
        answered = true;
        for r in m.answers.iter().filter(|r| r.name == *owner) {
            if let Some(item) = pick(&r.data)
                && !set.contains(item)
            {
                set.push(item.clone());
            }
        }
    }
    (set, answered)
}

/// The key tags the chain of trust enters the zone by: the keys the zone serves that a DS of
/// its parent points at (their signatures over the key set count).
pub(super) fn entry_key_tags(f: &Facts, zone: &Name) -> Vec<u16> {
    let (ds, _) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, _) = authoritative_set(&f.dnskey, zone, dnskey_of);
    keys.iter()
        .filter(|k| ds.iter().any(|d| d.covers(zone, k).unwrap_or(false)))
        .filter_map(|k| k.calculate_key_tag().ok())
        .collect()
}

/// A record set of one answer, and the signatures over it.
pub(super) struct Signed<'m> {
    pub name: Name,
    pub rtype: RecordType,
    pub records: Vec<&'m Record>,
    pub sigs: Vec<&'m RRSIG>,
}

impl Signed<'_> {
    pub fn label(&self) -> String {
        format!("{} {}", self.name.to_ascii(), self.rtype)
    }
}

pub fn rrsig_of(data: &RData) -> Option<&RRSIG> {
    match data {
        RData::DNSSEC(DNSSECRData::RRSIG(sig)) => Some(sig),
        _ => None,
    }
}

/// The record sets of `zone` in an authoritative answer that a validator verifies: those of
/// the answer section, and for a negative answer the SOA, NSEC and NSEC3 sets of the authority
/// section. The referral's NS set (unsigned by design) and additional data are not.
pub(super) fn signed_sets<'m>(m: &'m Message, zone: &Name) -> Vec<Signed<'m>> {
    let negative = m.metadata.response_code == ResponseCode::NXDomain
        || !m
            .answers
            .iter()
            .any(|r| r.record_type() != RecordType::RRSIG);
    let authority = m.authorities.iter().filter(|r| {
        negative
            && matches!(
                r.record_type(),
                RecordType::SOA | RecordType::NSEC | RecordType::NSEC3 | RecordType::RRSIG
            )
    });
    let records: Vec<&Record> = m.answers.iter().chain(authority).collect();
    let mut sets: BTreeMap<(Name, RecordType), Signed<'m>> = BTreeMap::new();
    for r in records.iter().filter(|r| zone.zone_of(&r.name)) {
        if r.record_type() == RecordType::RRSIG {
            continue;
        }
        sets.entry((r.name.to_lowercase(), r.record_type()))
            .or_insert_with(|| Signed {
                name: r.name.to_lowercase(),
                rtype: r.record_type(),
                records: vec![],
                sigs: vec![],
            })
            .records
            .push(r);
    }
    for r in &records {
        if let Some(sig) = rrsig_of(&r.data)
            && let Some(set) = sets.get_mut(&(r.name.to_lowercase(), sig.input().type_covered))
        {
            set.sigs.push(sig);
        }
    }
    sets.into_values().collect()
}

/// The keys of a DNSKEY set.
pub(super) fn keys_in<'m>(set: &Signed<'m>) -> Vec<&'m DNSKEY> {
    set.records
        .iter()
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k),
            _ => None,
        })
        .collect()
}

/// Whether `now` (seconds since 1970) lies within a signature's validity period (RFC 4034
/// §3.1.5: serial number arithmetic).
fn in_period(sig: &RRSIG, now: u32) -> bool {
    let input = sig.input();
    (input.sig_inception.get().wrapping_sub(now) as i32) <= 0
        && (input.sig_expiration.get().wrapping_sub(now) as i32) > 0
}

/// Signatures already verified: whether a signature over some signed data verifies with some
/// keys, by the octets of all three. The zone file's verification asks every server for every
/// set, and the servers of a zone mostly serve the same signatures: each distinct one is
/// verified once (an ECDSA verification is ~80 µs here; a signed zone of 10,000 records asked
/// of four servers made 40,000 of them).
#[derive(Debug, Default)]
pub struct Verified(Mutex<HashMap<[u8; 32], bool>>);

impl Verified {
    /// Whether one of `keys` verifies `sig` over `set`.
    fn signs(&self, keys: &[&&DNSKEY], set: &Signed<'_>, sig: &RRSIG) -> bool {
        let records = set.records.iter().copied();
        // Data that cannot be put in signed form verifies with no key.
        let Ok(tbs) = TBS::from_input(&set.name, DNSClass::IN, sig.input(), records) else {
            return false;
        };
        let verify = || {
            keys.iter()
                .any(|k| k.verify(tbs.as_ref(), sig.sig()).is_ok())
        };
        // The memo's key: the SHA-256 of each part's length, then the part (the signed data,
        // the signature, each key's octets), so that no two different inputs share a key; 32
        // octets per signature kept, not the ~200 of the parts.
        let mut memo = Sha256::new();
        let parts = keys.iter().filter_map(|k| k.to_bytes().ok());
        for part in [tbs.as_ref().to_vec(), sig.sig().to_vec()]
            .into_iter()
            .chain(parts)
        {
            memo.update((part.len() as u32).to_be_bytes());
            memo.update(&part);
        }
        let memo_key: [u8; 32] = memo.finalize().into();
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&known) = lock().get(&memo_key) {
            return known;
        }
        let verifies = verify();
        lock().insert(memo_key, verifies);
        verifies
    }
}

/// The verdict on one record set, signed by `zone` with one of `keys`.
pub(super) fn verdict(set: &Signed<'_>, zone: &Name, keys: &[&DNSKEY], now: u32) -> Verdict {
    verdict_in(set, zone, keys, now, &Verified::default())
}

/// [`verdict`], each signature verified once in `seen`.
fn verdict_in(
    set: &Signed<'_>,
    zone: &Name,
    keys: &[&DNSKEY],
    now: u32,
    seen: &Verified,
) -> Verdict {
    if set.sigs.is_empty() {
        return Verdict::Missing;
    }
    let (mut invalid, mut unknown, mut lapsed, mut unsupported) = (vec![], vec![], false, None);
    let mut signers: Vec<String> = vec![];
    for sig in &set.sigs {
        let input = sig.input();
        if input.signer_name != *zone {
            signers.push(input.signer_name.to_ascii());
            continue;
        }
        // Key tags are not unique (RFC 4034 Appendix B): every key of that tag is tried.
        let candidates: Vec<&&DNSKEY> = keys
            .iter()
            .filter(|k| {
                k.zone_key()
                    && !k.revoke()
                    && k.algorithm() == input.algorithm
                    && k.calculate_key_tag().ok() == Some(input.key_tag)
            })
            .collect();
        if candidates.is_empty() {
            unknown.push(input.key_tag);
            continue;
        }
        // An algorithm this build cannot verify is not judged; a key of a known algorithm
        // whose octets are no key is no key: its signatures do not verify (below).
        if !input.algorithm.is_supported() {
            unsupported = Some(input.algorithm);
            continue;
        }
        if !in_period(sig, now) {
            lapsed = true;
            continue;
        }
        if seen.signs(&candidates, set, sig) {
            return Verdict::Valid;
        }
        invalid.push((input.key_tag, input.algorithm));
    }
    match (unsupported, invalid.is_empty(), lapsed) {
        (Some(alg), _, _) => Verdict::Unsupported(alg),
        (None, false, _) => Verdict::Invalid(invalid),
        (None, true, true) => Verdict::Lapsed,
        (None, true, false) if unknown.is_empty() && !signers.is_empty() => {
            signers.sort();
            signers.dedup();
            Verdict::WrongSigner(signers)
        }
        (None, true, false) => Verdict::UnknownKey(unknown),
    }
}

/// The verdict on each signed record set of an authoritative answer of `zone` (not a
/// delegation's NS set, which is never signed: RFC 4035 §2.2).
pub(super) fn answer_verdicts<'m>(
    m: &'m Message,
    zone: &Name,
    keys: &[&DNSKEY],
    now: u32,
    seen: &Verified,
) -> Vec<(Signed<'m>, Verdict)> {
    signed_sets(m, zone)
        .into_iter()
        .filter(|set| !(set.rtype == RecordType::NS && set.name != *zone))
        .map(|set| {
            let v = verdict_in(&set, zone, keys, now, seen);
            (set, v)
        })
        .collect()
}

/// The keys of the zone's verified DNSKEY sets (entered by a key its parent's DS points at),
/// with which the zone file's record sets are verified as their answers come in; empty when
/// the zone is unsigned or no key set verifies (the rules say why).
pub fn zone_keys(f: &Facts) -> Vec<DNSKEY> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let entry = entry_key_tags(f, zone);
    if entry.is_empty() {
        return vec![];
    }
    trusted_keys(f, zone, &entry, f.checked_at as u32).0
}

/// The problems of one answer's signatures, as (record set, verdict), with `keys` at `now`:
/// for the zone file's verification, which keeps no answer; the signatures verified are kept
/// in `seen`.
pub fn answer_problems(
    m: &Message,
    zone: &Name,
    keys: &[DNSKEY],
    now: u32,
    seen: &Verified,
) -> Vec<(String, Verdict)> {
    if keys.is_empty() || !m.metadata.authoritative {
        return vec![];
    }
    let keys: Vec<&DNSKEY> = keys.iter().collect();
    let mut problems: Vec<(String, Verdict)> = answer_verdicts(m, zone, &keys, now, seen)
        .into_iter()
        .filter(|(_, v)| !matches!(v, Verdict::Valid | Verdict::Unsupported(_)))
        .map(|(set, v)| (set.label(), v))
        .collect();
    // The collect above reuses the verdicts' allocation (std collects in place), and the
    // verification keeps what this returns for every answer of every server: without this, a
    // signed zone of 10,000 sets on four servers kept 27 MB of empty vectors.
    problems.shrink_to_fit();
    problems
}

/// The keys of every server's DNSKEY set that verifies with an entry key (a key the parent's
/// DS points at); the servers whose set does not (`Invalid`), or who serve none (`Missing`),
/// as verdicts for the rules.
pub(super) fn trusted_keys(
    f: &Facts,
    zone: &Name,
    entry: &[u16],
    now: u32,
) -> (Vec<DNSKEY>, Vec<SetVerdict>) {
    let mut trusted: Vec<DNSKEY> = Vec::new();
    let mut problems = Vec::new();
    for p in f.dnskey.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        let sets = signed_sets(m, zone);
        let Some(set) = sets
            .iter()
            .find(|s| s.rtype == RecordType::DNSKEY && s.name == *zone)
        else {
            // The parent's DS says the zone is signed: a server without the key set cannot be
            // validated at all (an unsigned copy of the zone).
            problems.push(SetVerdict {
                server: p.who(),
                label: format!("{} DNSKEY (no key set at all)", zone.to_ascii()),
                verdict: Verdict::Missing,
            });
            continue;
        };
        let keys = keys_in(set);
        let entry_keys: Vec<&DNSKEY> = keys
            .iter()
            .copied()
            .filter(|k| k.calculate_key_tag().is_ok_and(|t| entry.contains(&t)))
            .collect();
        match verdict(set, zone, &entry_keys, now) {
            Verdict::Valid | Verdict::Unsupported(_) => {
                for k in keys {
                    if !trusted.contains(k) {
                        trusted.push(k.clone());
                    }
                }
            }
            invalid @ Verdict::Invalid(_) => problems.push(SetVerdict {
                server: p.who(),
                label: set.label(),
                verdict: invalid,
            }),
            // No signature by an entry key, or none in its period: dnssec::signatures says.
            Verdict::Lapsed
            | Verdict::UnknownKey(_)
            | Verdict::WrongSigner(_)
            | Verdict::Missing => {}
        }
    }
    (trusted, problems)
}

#[cfg(test)]
mod tests {
    use hickory_proto::dnssec::PublicKeyBuf;
    use hickory_proto::dnssec::rdata::SigInput;
    use hickory_proto::rr::SerialNumber;
    use hickory_proto::rr::rdata::A;

    use super::*;
    use hickory_proto::dnssec::Algorithm;

    /// The signature fields of `zone`'s A set signed by `key` (TTL 300, valid 2001-2033).
    fn a_signed_by(zone: &Name, key: &DNSKEY) -> SigInput {
        SigInput {
            type_covered: RecordType::A,
            algorithm: key.algorithm(),
            num_labels: 2,
            original_ttl: 300,
            sig_expiration: SerialNumber::new(2_000_000_000),
            sig_inception: SerialNumber::new(1_000_000_000),
            key_tag: key.calculate_key_tag().unwrap(),
            signer_name: zone.clone(),
        }
    }

    /// A key of a known algorithm whose octets are no key (garbage from a server) does not
    /// make its signatures "not judged": they do not verify. Only an algorithm this build
    /// cannot verify is not judged.
    #[test]
    fn a_key_that_cannot_be_read_is_no_pass() {
        let zone = Name::from_ascii("example.test.").unwrap();
        let record = Record::from_rdata(zone.clone(), 300, RData::A(A::new(192, 0, 2, 1)));
        let verdict_with = |alg: Algorithm| {
            let key = DNSKEY::with_flags(257, PublicKeyBuf::new(vec![1, 2, 3], alg));
            let sig = RRSIG::from_sig(a_signed_by(&zone, &key), vec![0; 64]);
            let set = Signed {
                name: zone.clone(),
                rtype: RecordType::A,
                records: vec![&record],
                sigs: vec![&sig],
            };
            verdict(&set, &zone, &[&key], 1_500_000_000)
        };
        assert!(matches!(
            verdict_with(Algorithm::ECDSAP256SHA256),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verdict_with(Algorithm::Unknown(253)),
            Verdict::Unsupported(_)
        ));
        // Signed in the name of the parent: said as that, whatever the key.
        let key = DNSKEY::with_flags(
            257,
            PublicKeyBuf::new(vec![1; 64], Algorithm::ECDSAP256SHA256),
        );
        let parent = Name::from_ascii("test.").unwrap();
        let sig = RRSIG::from_sig(a_signed_by(&parent, &key), vec![0; 64]);
        let set = Signed {
            name: zone.clone(),
            rtype: RecordType::A,
            records: vec![&record],
            sigs: vec![&sig],
        };
        assert_eq!(
            verdict(&set, &zone, &[&key], 1_500_000_000),
            Verdict::WrongSigner(vec!["test.".into()])
        );
    }

    /// One memo of verified signatures shared by every server's answers never carries a
    /// verdict over to data, a signature or keys it was not reached on.
    #[test]
    fn a_signature_verified_once_is_not_taken_for_other_data_or_keys() {
        use hickory_proto::dnssec::SigningKey;
        use hickory_proto::dnssec::crypto::EcdsaSigningKey;
        let alg = Algorithm::ECDSAP256SHA256;
        let signer = || {
            let pkcs8 = EcdsaSigningKey::generate_pkcs8(alg).unwrap();
            EcdsaSigningKey::from_pkcs8(&pkcs8, alg).unwrap()
        };
        let (one, other) = (signer(), signer());
        let dnskey = |k: &EcdsaSigningKey| DNSKEY::with_flags(257, k.to_public_key().unwrap());
        let zone = Name::from_ascii("example.test.").unwrap();
        let a = |last| Record::from_rdata(zone.clone(), 300, RData::A(A::new(192, 0, 2, last)));
        let (good, changed) = (a(1), a(2));
        let input = a_signed_by(&zone, &dnskey(&one));
        let tbs = TBS::from_input(&zone, DNSClass::IN, &input, [&good].into_iter()).unwrap();
        let sig = RRSIG::from_sig(input, one.sign(&tbs).unwrap());
        let set = |record| Signed {
            name: zone.clone(),
            rtype: RecordType::A,
            records: vec![record],
            sigs: vec![&sig],
        };
        let seen = Verified::default();
        let now = 1_500_000_000;
        let (key, wrong) = (dnskey(&one), dnskey(&other));
        // The same answer from two servers: verified, then known.
        for _ in 0..2 {
            assert_eq!(
                verdict_in(&set(&good), &zone, &[&key], now, &seen),
                Verdict::Valid
            );
        }
        assert_eq!(seen.0.lock().unwrap().len(), 1);
        // Another server's data under the same signature does not verify.
        assert!(matches!(
            verdict_in(&set(&changed), &zone, &[&key], now, &seen),
            Verdict::Invalid(_)
        ));
        // The same data and signature with another key (as another tag's candidates).
        assert!(!seen.signs(&[&&wrong], &set(&good), &sig));
        assert!(seen.signs(&[&&key], &set(&good), &sig));
    }
}
