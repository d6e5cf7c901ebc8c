//! The cryptography of the chain of trust, as a validating resolver does it (RFC 4035 §5.3):
//! the DNSKEY set verified with a key the parent's DS points at, then every record set the
//! zone's servers answered (SOA, NS, the name asked, the in-zone name servers' addresses, the
//! denial of existence) verified with a key of that set, server by server. A signature that
//! does not verify makes the answer bogus: resolvers answer SERVFAIL, though the data is there.
//!
//! A key of an algorithm this build cannot verify makes its signatures "not judged", never
//! bogus (as a validator treats an unsupported algorithm as insecure, RFC 4035 §5.2). The
//! signatures' validity periods are read here for every set but the DNSKEY set, whose periods
//! [`super::dnssec`] judges with the expiring warning.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, RRSIG};
use hickory_proto::dnssec::{Algorithm, TBS, Verifier};
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::BinEncodable;

use super::who;
use crate::check::{Code, Facts, Finding, answers_with_authority};
use crate::walk::Probe;
use crate::walk::saved::AlgorithmCode;

/// What a record set's signatures come to.
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// One signature verifies with a key of the set, within its validity period.
    Valid,
    /// Signed with an algorithm this build cannot verify: not judged.
    Unsupported(#[serde_as(as = "AlgorithmCode")] Algorithm),
    /// Signatures by a known key that do not verify: (key tag, algorithm).
    Invalid(#[serde_as(as = "Vec<(_, AlgorithmCode)>")] Vec<(u16, Algorithm)>),
    /// Every signature by a known key is outside its validity period.
    Lapsed,
    /// Signed only by keys the set does not hold (key tags).
    UnknownKey(Vec<u16>),
    /// No signature at all.
    Missing,
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

fn rrsig_of(data: &RData) -> Option<&RRSIG> {
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
pub struct Verified(Mutex<HashMap<Vec<u8>, bool>>);

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
        // The memo's key: each part's length, then the part (the signed data, the signature,
        // each key's octets), so that no two different inputs share a key.
        let mut memo_key = Vec::with_capacity(tbs.as_ref().len() + sig.sig().len() + 80);
        let parts = keys.iter().filter_map(|k| k.to_bytes().ok());
        for part in [tbs.as_ref().to_vec(), sig.sig().to_vec()]
            .into_iter()
            .chain(parts)
        {
            memo_key.extend_from_slice(&(part.len() as u32).to_be_bytes());
            memo_key.extend_from_slice(&part);
        }
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
    for sig in &set.sigs {
        let input = sig.input();
        // Key tags are not unique (RFC 4034 Appendix B): every key of that tag is tried.
        let candidates: Vec<&&DNSKEY> = keys
            .iter()
            .filter(|k| {
                input.signer_name == *zone
                    && k.zone_key()
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
        (None, true, false) => Verdict::UnknownKey(unknown),
    }
}

/// One problem with one server's record set, for the findings.
struct Bad {
    server: String,
    what: String,
}

/// The findings of a list of problems: one per code, naming the first ten.
fn finding(code: Code, head: String, bad: &[Bad]) -> Option<Finding> {
    if bad.is_empty() {
        return None;
    }
    let mut listed: Vec<String> = bad
        .iter()
        .take(10)
        .map(|b| format!("{}: {}", b.server, b.what))
        .collect();
    if bad.len() > 10 {
        listed.push(format!("and {} more", bad.len() - 10));
    }
    let mut servers: Vec<String> = bad.iter().map(|b| b.server.clone()).collect();
    servers.sort();
    servers.dedup();
    Some(Finding::new(
        code,
        format!("{head}: {}", listed.join("; ")),
        servers,
    ))
}

fn key_text(tag: u16, alg: Algorithm) -> String {
    format!(
        "key tag {tag}, algorithm {} ({})",
        u8::from(alg),
        alg.as_str()
    )
}

/// The probes whose answers carry the zone's signed data.
fn signed_probes(f: &Facts) -> impl Iterator<Item = &Probe> {
    f.zone_level()
        .into_iter()
        .flat_map(|l| l.probes.iter())
        .chain(&f.soa_udp)
        .chain(&f.ns)
        .chain(&f.ns_addrs)
        .chain(f.data_answers())
        .filter(|p| answers_with_authority(p))
}

/// dnssec.signature-invalid, dnssec.signature-missing and (for sets other than the DNSKEY set)
/// dnssec.signature-expired: every server's DNSKEY set against the keys the DS points at
/// (`entry`, by key tag), then every other signed set against the keys of the DNSKEY sets that
/// verified.
pub(super) fn verify_zone(f: &Facts, zone: &Name, entry: &[u16], out: &mut Vec<Finding>) {
    let now = f.checked_at as u32;
    let mut problems = Problems::default();
    let trusted = trusted_keys(f, zone, entry, now, &mut problems);
    // Without a verified key set, nothing else can be verified: the chain's findings say why.
    if !trusted.is_empty() {
        let keys: Vec<&DNSKEY> = trusted.iter().collect();
        // The servers mostly serve the same signatures: each verified once.
        let seen = Verified::default();
        for p in signed_probes(f) {
            let Some(m) = p.message() else { continue };
            for (set, verdict) in answer_verdicts(m, zone, &keys, now, &seen) {
                problems.add(p, &set, verdict);
            }
        }
        // The zone file's record sets, verified on every server as their answers came.
        for s in f.verification.iter().flat_map(|v| &v.signatures) {
            problems.add_at(s.server.clone(), s.label.clone(), s.verdict.clone());
        }
    }
    problems.into_findings(&zone.to_ascii(), out);
}

/// The verdict on each signed record set of an authoritative answer of `zone` (not a
/// delegation's NS set, which is never signed: RFC 4035 §2.2).
fn answer_verdicts<'m>(
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
    let entry = super::keys::entry_key_tags(f, zone);
    if entry.is_empty() {
        return vec![];
    }
    trusted_keys(
        f,
        zone,
        &entry,
        f.checked_at as u32,
        &mut Problems::default(),
    )
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
    answer_verdicts(m, zone, &keys, now, seen)
        .into_iter()
        .filter(|(_, v)| !matches!(v, Verdict::Valid | Verdict::Unsupported(_)))
        .map(|(set, v)| (set.label(), v))
        .collect()
}

/// The keys of every server's DNSKEY set that verifies with an entry key (a key the parent's
/// DS points at); the servers whose set does not, or who serve none, as problems.
fn trusted_keys(
    f: &Facts,
    zone: &Name,
    entry: &[u16],
    now: u32,
    problems: &mut Problems,
) -> Vec<DNSKEY> {
    let mut trusted: Vec<DNSKEY> = Vec::new();
    for p in f.dnskey.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        let sets = signed_sets(m, zone);
        let Some(set) = sets
            .iter()
            .find(|s| s.rtype == RecordType::DNSKEY && s.name == *zone)
        else {
            // The parent's DS says the zone is signed: a server without the key set cannot be
            // validated at all (an unsigned copy of the zone).
            problems.missing.push(Bad {
                server: who(p),
                what: format!("{} DNSKEY (no key set at all)", zone.to_ascii()),
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
            invalid @ Verdict::Invalid(_) => problems.add(p, set, invalid),
            // No signature by an entry key, or none in its period: dnssec::signatures says.
            Verdict::Lapsed | Verdict::UnknownKey(_) | Verdict::Missing => {}
        }
    }
    trusted
}

/// The problems found, by kind, each a server and a record set.
#[derive(Default)]
struct Problems {
    invalid: Vec<Bad>,
    missing: Vec<Bad>,
    lapsed: Vec<Bad>,
}

impl Problems {
    /// One record set's verdict, as a problem of its server when it is one.
    fn add(&mut self, p: &Probe, set: &Signed<'_>, verdict: Verdict) {
        self.add_at(who(p), set.label(), verdict);
    }

    /// A record set's verdict, named by its server and label.
    fn add_at(&mut self, server: String, label: String, verdict: Verdict) {
        let list = |items: Vec<String>, sep: &str| items.join(sep);
        let (to, what) = match verdict {
            Verdict::Valid | Verdict::Unsupported(_) => return,
            Verdict::Invalid(tags) => (
                &mut self.invalid,
                format!(
                    "{label} signed with {} does not verify",
                    list(
                        tags.iter().map(|(t, a)| key_text(*t, *a)).collect(),
                        " nor "
                    )
                ),
            ),
            Verdict::UnknownKey(tags) => (
                &mut self.invalid,
                format!(
                    "{label} is signed only by key tag(s) {}, which the zone's verified DNSKEY set does not hold",
                    list(tags.iter().map(ToString::to_string).collect(), ", ")
                ),
            ),
            Verdict::Lapsed => (
                &mut self.lapsed,
                format!("{label} has no signature valid now"),
            ),
            Verdict::Missing => (&mut self.missing, label),
        };
        to.push(Bad { server, what });
    }

    fn into_findings(mut self, zone_text: &str, out: &mut Vec<Finding>) {
        dedup(&mut self.invalid);
        dedup(&mut self.missing);
        dedup(&mut self.lapsed);
        out.extend(finding(
            Code::DnssecSignatureInvalid,
            format!("signatures in {zone_text} that do not verify (validating resolvers answer SERVFAIL for these names)"),
            &self.invalid,
        ));
        out.extend(finding(
            Code::DnssecSignatureMissing,
            format!("record sets of the signed zone {zone_text} served without a signature (validating resolvers answer SERVFAIL for them)"),
            &self.missing,
        ));
        out.extend(finding(
            Code::DnssecSignatureExpired,
            format!("signatures in {zone_text} outside their validity period"),
            &self.lapsed,
        ));
    }
}

/// The same problem seen in several probes of one server (SOA asked twice) is one.
fn dedup(bad: &mut Vec<Bad>) {
    let mut seen = std::collections::HashSet::new();
    bad.retain(|b| seen.insert((b.server.clone(), b.what.clone())));
}

/// The DNSSEC algorithm numbers RFC 8624 §3.1 says not to sign with: RSAMD5, DSA, RSASHA1,
/// DSA-NSEC3-SHA1, RSASHA1-NSEC3-SHA1, ECC-GOST.
const DEPRECATED: [u8; 6] = [1, 3, 5, 6, 7, 12];

/// dnssec.algorithm-deprecated, dnssec.algorithm-unsupported and dnssec.ds-digest-sha1: what
/// the keys and the DS set are made with.
pub(super) fn algorithms(
    zone: &Name,
    ds: &[hickory_proto::dnssec::rdata::DS],
    keys: &[DNSKEY],
    out: &mut Vec<Finding>,
) {
    let zone_text = zone.to_ascii();
    let mut deprecated: Vec<String> = keys
        .iter()
        .map(|k| k.algorithm())
        .filter(|a| DEPRECATED.contains(&u8::from(*a)))
        .map(|a| format!("{} ({})", u8::from(a), a.as_str()))
        .collect();
    deprecated.sort();
    deprecated.dedup();
    if !deprecated.is_empty() {
        out.push(Finding::new(Code::DnssecAlgorithmDeprecated, format!(
                "{zone_text} is signed with algorithm {}, which RFC 8624 says not to sign with; validators are dropping it (RSASHA1 is refused by default on RHEL 9 and derivatives), and then treat the zone as unsigned or answer SERVFAIL",
                deprecated.join(", ")
            ), vec![]));
    }
    if !ds.is_empty() && ds.iter().all(|d| !d.algorithm().is_supported()) {
        let algs: Vec<String> = ds
            .iter()
            .map(|d| u8::from(d.algorithm()).to_string())
            .collect();
        out.push(Finding::new(Code::DnssecAlgorithmUnsupported, format!(
                "the DS records of {zone_text} name only algorithm(s) {} that dns cannot verify (nor do most validators): the zone is treated as unsigned, its signatures are not judged",
                algs.join(", ")
            ), vec![]));
    }
    let sha1 = u8::from(hickory_proto::dnssec::DigestType::SHA1);
    if !ds.is_empty() && ds.iter().all(|d| u8::from(d.digest_type()) == sha1) {
        out.push(Finding::new(Code::DnssecDsDigestSha1, format!(
                "every DS record of {zone_text} uses digest type 1 (SHA-1), which RFC 8624 §3.3 says not to use; validators may stop trusting it"
            ), vec![]));
    }
}

/// The size in bits of an RSA key's modulus (RFC 3110 §2: exponent length in one octet, or zero
/// and two octets; the exponent; the modulus), or `None` when the octets are no such key.
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let (&first, rest) = key.split_first()?;
    let (exponent_len, rest) = match first {
        0 => {
            let (len, rest) = rest.split_at_checked(2)?;
            (usize::from(u16::from_be_bytes([len[0], len[1]])), rest)
        }
        n => (usize::from(n), rest),
    };
    let modulus = rest.get(exponent_len..)?;
    let start = modulus.iter().position(|&b| b != 0)?;
    let modulus = &modulus[start..];
    Some(modulus.len() * 8 - modulus[0].leading_zeros() as usize)
}

/// The RSA algorithms (RFC 3110, 5702, 5155 §2; RSAMD5 of RFC 2537 has the same key format).
const RSA: [u8; 5] = [1, 5, 7, 8, 10];

/// dnssec.rsa-key-size: RSA keys below 2048 or above 4096 bits (Zonemaster DNSSEC14).
pub(super) fn rsa_key_sizes(zone: &Name, keys: &[DNSKEY], out: &mut Vec<Finding>) {
    use hickory_proto::dnssec::PublicKey;
    let mut odd: Vec<String> = keys
        .iter()
        .filter(|k| RSA.contains(&u8::from(k.algorithm())))
        .filter_map(|k| {
            let bits = rsa_modulus_bits(k.public_key().public_bytes())?;
            let tag = k.calculate_key_tag().ok()?;
            let why = if bits < 2048 {
                "below 2048"
            } else if bits > 4096 {
                "above RFC 3110's 4096"
            } else {
                return None;
            };
            Some(format!(
                "{} is {bits} bits, {why}",
                key_text(tag, k.algorithm())
            ))
        })
        .collect();
    odd.sort();
    odd.dedup();
    if !odd.is_empty() {
        out.push(Finding::new(
            Code::DnssecRsaKeySize,
            format!(
                "RSA key(s) of {}: {}; validators whose crypto policy asks at least 2048 bits (RHEL 9's default) cannot verify what such a key signs, and keys above 4096 bits are not accepted",
                zone.to_ascii(),
                odd.join("; ")
            ),
            vec![],
        ));
    }
}

/// dnssec.algorithm-not-signing: every algorithm of the zone keys in the DNSKEY set must sign the
/// DNSKEY, SOA and NS sets (RFC 4035 §2.2; Zonemaster DNSSEC13), on every server. Revoked keys
/// (RFC 5011) are not counted, nor sets without any signature (`dnssec.signature-missing`).
pub(super) fn every_algorithm_signs(
    f: &Facts,
    zone: &Name,
    keys: &[DNSKEY],
    out: &mut Vec<Finding>,
) {
    let mut algorithms: Vec<Algorithm> = keys
        .iter()
        .filter(|k| k.zone_key() && !k.revoke())
        .map(DNSKEY::algorithm)
        .collect();
    algorithms.sort_by_key(|a| u8::from(*a));
    algorithms.dedup();
    // (algorithm, set) -> the servers whose answer lacks a signature of that algorithm.
    let mut missing: BTreeMap<(u8, RecordType), Vec<String>> = BTreeMap::new();
    let asked = [
        (RecordType::DNSKEY, &f.dnskey),
        (RecordType::SOA, &f.soa_udp),
        (RecordType::NS, &f.ns),
    ];
    for (rtype, probes) in asked {
        for p in probes.iter().filter(|p| answers_with_authority(p)) {
            let Some(m) = p.message() else { continue };
            let signed: Vec<Algorithm> = m
                .answers
                .iter()
                .filter(|r| r.name == *zone)
                .filter_map(|r| rrsig_of(&r.data))
                .filter(|sig| sig.input().type_covered == rtype)
                .map(|sig| sig.input().algorithm)
                .collect();
            // An unsigned set is dnssec.signature-missing's business, not this rule's.
            if signed.is_empty() || !m.answers.iter().any(|r| r.record_type() == rtype) {
                continue;
            }
            for alg in algorithms.iter().filter(|a| !signed.contains(a)) {
                missing
                    .entry((u8::from(*alg), rtype))
                    .or_default()
                    .push(who(p));
            }
        }
    }
    let mut by_alg: BTreeMap<u8, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for ((alg, rtype), servers) in missing {
        let entry = by_alg.entry(alg).or_default();
        entry.0.push(rtype.to_string());
        entry.1.extend(servers);
    }
    for (alg, (sets, mut servers)) in by_alg {
        servers.sort();
        servers.dedup();
        let name = Algorithm::from_u8(alg);
        out.push(Finding::new(
            Code::DnssecAlgorithmNotSigning,
            format!(
                "{} publishes a key of algorithm {alg} ({}) but its {} set(s) carry no signature of that algorithm",
                zone.to_ascii(),
                name.as_str(),
                sets.join(", ")
            ),
            servers,
        ));
    }
}

#[cfg(test)]
mod tests {
    use hickory_proto::dnssec::PublicKeyBuf;
    use hickory_proto::dnssec::rdata::SigInput;
    use hickory_proto::rr::SerialNumber;
    use hickory_proto::rr::rdata::A;

    use super::*;

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
