//! The signatures' findings: the validation's verdicts ([`crate::check::validate`]) on the
//! DNSKEY set (verified with a key the parent's DS points at), then on every record set the
//! zone's servers answered (SOA, NS, the name asked, the in-zone name servers' addresses, the
//! table's data, the denial of existence) and, with a zone file, every set of the file, server
//! by server. A signature that does not verify makes the answer bogus: resolvers answer
//! SERVFAIL, though the data is there. The signatures' validity periods are read here for every
//! set but the DNSKEY set, whose periods [`super::dnssec`] judges with the expiring warning.

use std::collections::BTreeMap;

use hickory_proto::dnssec::rdata::DNSKEY;
use hickory_proto::dnssec::{Algorithm, Verifier};
use hickory_proto::rr::{Name, RecordType};

use super::who;
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::validate::{Signed, Verdict, Verified, answer_verdicts, rrsig_of, trusted_keys};
use crate::walk::Probe;

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
    let (trusted, verdicts) = trusted_keys(f, zone, entry, now);
    for v in verdicts {
        problems.add_at(v.server, v.label, v.verdict);
    }
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
            Verdict::WrongSigner(signers) => (
                &mut self.invalid,
                super::chain::signed_by_another(&label, &signers),
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
