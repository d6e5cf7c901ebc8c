//! Authenticated denial of existence (RFC 4035 §5.4, RFC 5155 §8): in a signed zone, an answer
//! that a name does not exist must carry the NSEC or NSEC3 records that prove it, or validating
//! resolvers answer SERVFAIL for every name that does not exist (and for the whole zone when
//! they cache aggressively, RFC 8198). One probe per server asks a random name of the zone.
//! The NSEC3 parameters are judged as RFC 9276 asks: no extra iterations, no salt.

use hickory_proto::dnssec::Nsec3HashAlgorithm;
use hickory_proto::dnssec::rdata::{DNSSECRData, NSEC, NSEC3};
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData};

use super::who;
use crate::check::{Code, Facts, Finding, answers_with_authority};

/// The label of the name asked to see the denial: random, so no cache or wildcard of ours
/// answers it.
pub const PROBE_LABEL: &str = "dns-check-nx";

/// The NSEC and the NSEC3 records of an answer's authority section, each with its owner.
type Proofs<'m> = (Vec<(Name, &'m NSEC)>, Vec<(Name, &'m NSEC3)>);

fn denial_records(m: &hickory_proto::op::Message) -> Proofs<'_> {
    let mut nsec = Vec::new();
    let mut nsec3 = Vec::new();
    for r in &m.authorities {
        match &r.data {
            RData::DNSSEC(DNSSECRData::NSEC(n)) => nsec.push((r.name.to_lowercase(), n)),
            RData::DNSSEC(DNSSECRData::NSEC3(n)) => nsec3.push((r.name.to_lowercase(), n)),
            _ => {}
        }
    }
    (nsec, nsec3)
}

/// Whether an NSEC record (owner → next) covers `name` in canonical order; the last NSEC of
/// the zone points back at the apex.
fn nsec_covers(owner: &Name, next: &Name, name: &Name) -> bool {
    let next = next.to_lowercase();
    if owner < &next {
        owner < name && name < &next
    } else {
        owner < name || name < &next
    }
}

/// An NSEC3 owner's hash, as its first label holds it (base32hex, lower case): base32hex keeps
/// the order of the bytes, so hashes compare as these strings.
fn owner_hash(owner: &Name) -> Option<String> {
    owner
        .iter()
        .next()
        .map(|l| String::from_utf8_lossy(l).to_ascii_lowercase())
}

fn base32hex(bytes: &[u8]) -> String {
    data_encoding::BASE32HEX_NOPAD
        .encode(bytes)
        .to_ascii_lowercase()
}

/// The hash of `name` with an NSEC3 record's parameters, as base32hex.
fn nsec3_hash(n: &NSEC3, name: &Name) -> Option<String> {
    match n.hash_algorithm() {
        Nsec3HashAlgorithm::SHA1 => Nsec3HashAlgorithm::SHA1
            .hash(n.salt(), name, n.iterations())
            .ok()
            .map(|d| base32hex(d.as_ref())),
    }
}

/// Whether the NSEC3 records match `name` (`exact`) or cover it.
fn nsec3_proves(records: &[(Name, &NSEC3)], name: &Name, exact: bool) -> bool {
    records.iter().any(|(owner, n)| {
        let (Some(h), Some(own)) = (nsec3_hash(n, name), owner_hash(owner)) else {
            return false;
        };
        let next = base32hex(n.next_hashed_owner_name());
        match exact {
            true => h == own,
            false if own < next => own < h && h < next,
            false => own < h || h < next,
        }
    })
}

/// What is wrong with an NXDOMAIN answer's proof.
enum Proof {
    /// Neither NSEC nor NSEC3 records.
    Missing,
    /// Records that do not prove it: why.
    Invalid(String),
}

/// What is wrong with one NXDOMAIN answer's proof, if anything.
fn proof_problem(zone: &Name, qname: &Name, m: &hickory_proto::op::Message) -> Option<Proof> {
    let (nsec, nsec3) = denial_records(m);
    if !nsec.is_empty() {
        let wildcard = Name::from_ascii("*").ok()?.append_domain(zone).ok()?;
        let covers = |name: &Name| {
            nsec.iter()
                .any(|(owner, n)| nsec_covers(owner, n.next_domain_name(), name))
        };
        return match (covers(qname), covers(&wildcard)) {
            (true, true) => None,
            (false, _) => Some(Proof::Invalid(format!(
                "no NSEC record covers {}",
                qname.to_ascii()
            ))),
            (true, false) => Some(Proof::Invalid(format!(
                "no NSEC record proves there is no wildcard ({})",
                wildcard.to_ascii()
            ))),
        };
    }
    if !nsec3.is_empty() {
        // The name asked lies just below the apex: the apex is its closest encloser, the
        // name itself the next closer name (RFC 5155 §7.2.2).
        let wildcard = Name::from_ascii("*").ok()?.append_domain(zone).ok()?;
        let parts = [
            (zone, true, "matches the closest encloser (the apex)"),
            (qname, false, "covers the name"),
            (&wildcard, false, "covers the wildcard"),
        ];
        let missing: Vec<&str> = parts
            .iter()
            .filter(|(name, exact, _)| !nsec3_proves(&nsec3, name, *exact))
            .map(|(_, _, what)| *what)
            .collect();
        return (!missing.is_empty())
            .then(|| Proof::Invalid(format!("no NSEC3 record {}", missing.join(", nor "))));
    }
    Some(Proof::Missing)
}

/// dnssec.denial-missing / dnssec.denial-invalid: each server's answer for a name that does not
/// exist, in a zone whose chain of trust holds.
pub(super) fn denial(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    let mut missing = Vec::new();
    let mut invalid = Vec::new();
    for p in f.denial.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        // A wildcard answers every name: nothing to prove.
        if m.metadata.response_code != ResponseCode::NXDomain {
            continue;
        }
        match proof_problem(zone, &p.qname, m) {
            None => {}
            Some(Proof::Missing) => missing.push(who(p)),
            Some(Proof::Invalid(why)) => invalid.push(format!("{}: {why}", who(p))),
        }
    }
    let zone_text = zone.to_ascii();
    if !missing.is_empty() {
        out.push(Finding::new(Code::DnssecDenialMissing, format!(
                "{zone_text} is signed, but its servers deny a name without NSEC or NSEC3 records ({}): validating resolvers answer SERVFAIL for every name that does not exist",
                missing.join(", ")
            ), missing));
    }
    if !invalid.is_empty() {
        let servers = invalid
            .iter()
            .filter_map(|l| l.split(": ").next().map(str::to_string))
            .collect();
        out.push(Finding::new(
            Code::DnssecDenialInvalid,
            format!(
                "the denial of existence in {zone_text} does not prove what it must: {}",
                invalid.join("; ")
            ),
            servers,
        ));
    }
    nsec3_parameters(f, zone, out);
}

/// dnssec.nsec3-parameters: RFC 9276 §3.1 asks for no extra iterations and no salt; extra
/// iterations cost every validator work for nothing, and above 100 (RFC 9276 §3.2) validators
/// treat the zone as unsigned or answer SERVFAIL.
fn nsec3_parameters(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    let seen = f
        .denial
        .iter()
        .filter_map(|p| p.message())
        .flat_map(|m| denial_records(m).1)
        .map(|(_, n)| (n.iterations(), n.salt().to_vec()))
        .find(|(iterations, salt)| *iterations > 0 || !salt.is_empty());
    let Some((iterations, salt)) = seen else {
        return;
    };
    let effect = if iterations > 100 {
        "above 100, validators treat the zone as unsigned or answer SERVFAIL (RFC 9276 §3.2)"
    } else {
        "they protect nothing and cost every validator work"
    };
    out.push(Finding::new(Code::DnssecNsec3Parameters, format!(
            "{} uses NSEC3 with {iterations} extra iteration(s) and a salt of {} octet(s): {effect}",
            zone.to_ascii(),
            salt.len()
        ), vec![]));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::from_ascii(s).unwrap()
    }

    #[test]
    fn nsec_cover_in_canonical_order_with_the_wrap_at_the_apex() {
        assert!(nsec_covers(
            &n("a.example."),
            &n("c.example."),
            &n("b.example.")
        ));
        assert!(!nsec_covers(
            &n("a.example."),
            &n("c.example."),
            &n("d.example.")
        ));
        // The last NSEC points back at the apex: it covers what sorts after its owner.
        assert!(nsec_covers(
            &n("w.example."),
            &n("example."),
            &n("z.example.")
        ));
        assert!(!nsec_covers(
            &n("w.example."),
            &n("example."),
            &n("b.example.")
        ));
        // Canonical order is by labels from the right: b.a sorts after a, before b.
        assert!(nsec_covers(
            &n("a.example."),
            &n("b.example."),
            &n("x.a.example.")
        ));
    }

    /// RFC 5155 Appendix A: H(example) with salt aabbccdd and 12 iterations.
    #[test]
    fn nsec3_hash_of_rfc_5155_appendix_a() {
        let d = Nsec3HashAlgorithm::SHA1
            .hash(&[0xaa, 0xbb, 0xcc, 0xdd], &n("example."), 12)
            .unwrap();
        assert_eq!(base32hex(d.as_ref()), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
    }

    #[test]
    fn base32hex_keeps_the_order_of_the_bytes() {
        let (a, b) = (base32hex(&[0x10, 0xff]), base32hex(&[0x11, 0x00]));
        assert!(a < b, "{a} {b}");
        assert_eq!(base32hex(&[0; 20]).len(), 32);
    }
}
