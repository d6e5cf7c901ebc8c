//! Authenticated denial of existence (RFC 4035 §5.4, RFC 5155 §8): in a signed zone, an answer
//! that a name does not exist must carry the NSEC or NSEC3 records that prove it, or validating
//! resolvers answer SERVFAIL for every name that does not exist (and for the whole zone when
//! they cache aggressively, RFC 8198). One probe per server asks a random name of the zone:
//! NXDOMAIN must be proved (the name and the wildcard covered), and an answer a wildcard made
//! of it must prove the name itself does not exist (RFC 4035 §3.1.3.3, §3.1.3.4). The apex's
//! MX, TXT, CDS and CDNSKEY, asked of every server anyway, are NODATA in most zones: each must be
//! proved by an NSEC at the apex (or an NSEC3 matching it) that lists neither the type nor
//! CNAME (RFC 4035 §3.1.3.1, RFC 5155 §7.2.3). A signed parent's denial of a DS (an unsigned
//! delegation, judged for every cut of the chain from the root by [`super::chain`]) must prove
//! it too, by an NSEC or NSEC3 at the delegation or an opt-out span (RFC 5155 §6, §8.6).
//! The NSEC3 parameters are judged as RFC 9276 asks: no extra iterations, no salt.

use std::collections::BTreeMap;

use hickory_proto::dnssec::Nsec3HashAlgorithm;
use hickory_proto::dnssec::rdata::{DNSSECRData, NSEC, NSEC3};
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

use super::who;
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::questions::Question;
use crate::walk::Probe;

/// The NSEC and the NSEC3 records of an answer's authority section, each with its owner.
type Proofs<'m> = (Vec<(Name, &'m NSEC)>, Vec<(Name, &'m NSEC3)>);

fn denial_records(m: &Message) -> Proofs<'_> {
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

/// The denial record at `name`, as (what it is, for messages; its type bitmap): the NSEC owned
/// by the name, or the NSEC3 whose hash matches it.
fn record_at(proofs: &Proofs<'_>, name: &Name) -> Option<(String, Vec<RecordType>)> {
    let (nsec, nsec3) = proofs;
    if let Some((_, n)) = nsec.iter().find(|(owner, _)| owner == name) {
        let what = format!("the NSEC record at {}", name.to_ascii());
        return Some((what, n.type_bit_maps().collect()));
    }
    nsec3
        .iter()
        .find(|(owner, n)| nsec3_hash(n, name).is_some_and(|h| Some(h) == owner_hash(owner)))
        .map(|(_, n)| {
            let what = format!("the NSEC3 record matching {}", name.to_ascii());
            (what, n.type_bit_maps().collect())
        })
}

/// The zone's wildcard name, `*.zone`.
fn wildcard_of(zone: &Name) -> Option<Name> {
    Name::from_ascii("*").ok()?.append_domain(zone).ok()
}

/// What is wrong with an NXDOMAIN answer's proof.
enum Proof {
    /// Neither NSEC nor NSEC3 records.
    Missing,
    /// Records that do not prove it: why.
    Invalid(String),
}

/// What is wrong with one NXDOMAIN answer's proof, if anything.
fn proof_problem(zone: &Name, qname: &Name, m: &Message) -> Option<Proof> {
    let (nsec, nsec3) = denial_records(m);
    if !nsec.is_empty() {
        let wildcard = wildcard_of(zone)?;
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
        let wildcard = wildcard_of(zone)?;
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

/// Whether a type bitmap says the owner has `qtype` (or a CNAME, which would answer it).
fn has_type(types: &[RecordType], qtype: RecordType) -> bool {
    types.iter().any(|&t| t == qtype || t == RecordType::CNAME)
}

/// What is wrong with a NODATA answer's proof (RFC 4035 §3.1.3.1, RFC 5155 §7.2.3): an NSEC
/// record at the name, or an NSEC3 record matching its hash, whose type bitmap has neither the
/// type asked nor CNAME.
fn nodata_problem(qname: &Name, qtype: RecordType, m: &Message) -> Option<Proof> {
    let proofs = denial_records(m);
    if proofs.0.is_empty() && proofs.1.is_empty() {
        return Some(Proof::Missing);
    }
    let name = qname.to_lowercase();
    let what = format!("{} {qtype}", name.to_ascii());
    match record_at(&proofs, &name) {
        None => Some(Proof::Invalid(format!(
            "no NSEC or NSEC3 record at {} proves there is no {what}",
            name.to_ascii()
        ))),
        Some((record, types)) if has_type(&types, qtype) => Some(Proof::Invalid(format!(
            "{record} lists {qtype} (or CNAME), so it proves no {what}"
        ))),
        Some(_) => None,
    }
}

/// Why a signed parent's answer that `child` has no DS does not prove it (RFC 4035 §5.2,
/// RFC 5155 §8.5, §8.6), if it does not: an NSEC at the delegation (NS listed, DS not), an
/// NSEC3 matching it likewise, or, with opt-out, an NSEC3 matching the closest encloser and an
/// opt-out NSEC3 covering the next closer name. Without the proof validators cannot tell the
/// delegation is unsigned, and answer SERVFAIL for everything below it. The signatures over
/// the records are the caller's to verify.
pub(super) fn insecure_delegation_problem(
    m: &Message,
    parent: &Name,
    child: &Name,
) -> Option<String> {
    let proofs = denial_records(m);
    let child = child.to_lowercase();
    if proofs.0.is_empty() && proofs.1.is_empty() {
        return Some(format!(
            "it denies a DS for {} without NSEC or NSEC3 records",
            child.to_ascii()
        ));
    }
    if let Some((record, types)) = record_at(&proofs, &child) {
        let delegation = types.contains(&RecordType::NS) && !types.contains(&RecordType::DS);
        return (!delegation).then(|| {
            format!("{record} does not list NS without DS, so it proves no unsigned delegation")
        });
    }
    if proofs.1.is_empty() {
        return Some(format!(
            "no NSEC record at {} proves it has no DS",
            child.to_ascii()
        ));
    }
    // Opt-out (RFC 5155 §6): the closest encloser matched, the next closer name covered by an
    // NSEC3 with the opt-out flag.
    let opt_out: Vec<(Name, &NSEC3)> = proofs
        .1
        .iter()
        .filter(|(_, n)| n.opt_out())
        .cloned()
        .collect();
    let mut next_closer = child.clone();
    while next_closer.num_labels() > parent.num_labels() {
        let encloser = next_closer.base_name();
        if nsec3_proves(&proofs.1, &encloser, true) {
            return (!nsec3_proves(&opt_out, &next_closer, false)).then(|| {
                format!(
                    "no NSEC3 record matches {}, and none with opt-out covers {}",
                    child.to_ascii(),
                    next_closer.to_ascii()
                )
            });
        }
        next_closer = encloser;
    }
    Some(format!(
        "no NSEC3 record matches {} or its closest encloser",
        child.to_ascii()
    ))
}

/// What is wrong with an answer the random name got from a wildcard (`*.zone`), when the zone
/// has one: an answer synthesised from it must prove that the name itself does not exist
/// (RFC 4035 §3.1.3.3, RFC 5155 §7.2.6: an NSEC covering it, or an NSEC3 covering it as the
/// next closer name), and a NODATA answer must also prove the wildcard lacks the type
/// (RFC 4035 §3.1.3.4, RFC 5155 §7.2.5).
fn wildcard_problem(zone: &Name, p: &Probe, m: &Message) -> Option<Proof> {
    let expanded = m.answers.iter().filter(|r| r.name == p.qname).any(|r| {
        matches!(&r.data, RData::DNSSEC(DNSSECRData::RRSIG(sig))
            if usize::from(sig.input().num_labels) < usize::from(p.qname.num_labels()))
    });
    // No data at all (a CNAME from the wildcard is an answer, not NODATA).
    let nodata = m
        .answers
        .iter()
        .all(|r| r.record_type() == RecordType::RRSIG);
    if !expanded && !nodata {
        // Signed as the name itself (or unsigned: the signatures' rule says so).
        return None;
    }
    // NODATA proved at the name itself: the compact denial of signers that answer a name that
    // does not exist as one without data (Cloudflare's "black lies", RFC 4470 §2 minimal NSEC
    // at the name, NXNAME): validators accept it.
    if nodata && nodata_problem(&p.qname, p.qtype, m).is_none() {
        return None;
    }
    let (nsec, nsec3) = denial_records(m);
    let qname = p.qname.to_lowercase();
    let covered = nsec
        .iter()
        .any(|(owner, n)| nsec_covers(owner, n.next_domain_name(), &qname))
        || nsec3_proves(&nsec3, &qname, false);
    if nsec.is_empty() && nsec3.is_empty() {
        return Some(Proof::Missing);
    }
    if !covered {
        return Some(Proof::Invalid(format!(
            "the answer comes from the wildcard, but no NSEC or NSEC3 record proves {} itself does not exist",
            qname.to_ascii()
        )));
    }
    if nodata {
        let wildcard = wildcard_of(zone)?;
        return nodata_problem(&wildcard, p.qtype, m);
    }
    None
}

/// dnssec.denial-missing / dnssec.denial-invalid, in a zone whose chain of trust holds: each
/// server's answer for a name that does not exist (NXDOMAIN, or what a wildcard made of it),
/// and each of its NODATA answers (the apex's MX, TXT, CDS and CDNSKEY when it has none).
pub(super) fn denial(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    // Server → the questions denied without proof; server → why each proof fails.
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut invalid: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut judge = |p: &Probe, problem: Option<Proof>| match problem {
        None => {}
        Some(Proof::Missing) => {
            missing
                .entry(who(p))
                .or_default()
                .push(format!("{} {}", p.qname.to_ascii(), p.qtype))
        }
        Some(Proof::Invalid(why)) => invalid.entry(who(p)).or_default().push(why),
    };
    for p in f
        .answers(Question::Nonexistent)
        .filter(|p| answers_with_authority(p))
    {
        let Some(m) = p.message() else { continue };
        let problem = match m.metadata.response_code {
            ResponseCode::NXDomain => proof_problem(zone, &p.qname, m),
            _ => wildcard_problem(zone, p, m),
        };
        judge(p, problem);
    }
    // The apex's data of the table (CDS, CDNSKEY, MX, TXT, CAA): a NODATA needs its proof.
    for p in f
        .asked
        .iter()
        .filter(|a| a.question.is_data() && a.question != Question::Nonexistent)
        .map(|a| &a.probe)
        .filter(|p| answers_with_authority(p))
    {
        let Some(m) = p.message() else { continue };
        let nodata = m.metadata.response_code == ResponseCode::NoError
            && !m.answers.iter().any(|r| r.record_type() == p.qtype);
        if nodata {
            judge(p, nodata_problem(&p.qname, p.qtype, m));
        }
    }
    let zone_text = zone.to_ascii();
    let said = |by: &BTreeMap<String, Vec<String>>, sep: &str| {
        by.iter()
            .map(|(server, what)| format!("{server}{sep}{}", what.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if !missing.is_empty() {
        out.push(Finding::new(Code::DnssecDenialMissing, format!(
                "{zone_text} is signed, but its servers deny data without NSEC or NSEC3 records ({}): validating resolvers answer SERVFAIL for every name or type that does not exist",
                said(&missing, " for ")
            ), missing.keys().cloned().collect()));
    }
    if !invalid.is_empty() {
        out.push(Finding::new(
            Code::DnssecDenialInvalid,
            format!(
                "the denial of existence in {zone_text} does not prove what it must: {}",
                said(&invalid, ": ")
            ),
            invalid.keys().cloned().collect(),
        ));
    }
    nsec3_parameters(f, zone, out);
}

/// dnssec.nsec3-parameters: RFC 9276 §3.1 asks for no extra iterations and no salt; extra
/// iterations cost every validator work for nothing, and above 100 (RFC 9276 §3.2) validators
/// treat the zone as unsigned or answer SERVFAIL.
fn nsec3_parameters(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    let seen = f
        .answers(Question::Nonexistent)
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

    fn probe(qname: &str, qtype: RecordType, m: Message) -> Probe {
        use crate::walk::{Proto, Reply};
        Probe {
            server: n("ns1.example."),
            addr: [192, 0, 2, 1].into(),
            qname: n(qname),
            qtype,
            proto: Proto::Udp,
            result: Ok(Reply {
                message: m,
                rtt: std::time::Duration::from_millis(1),
                proto: Proto::Udp,
                retried_tcp: false,
            }),
        }
    }

    fn nsec(owner: &str, next: &str, types: &[RecordType]) -> hickory_proto::rr::Record {
        let data = NSEC::new(n(next), types.iter().copied());
        hickory_proto::rr::Record::from_rdata(n(owner), 300, RData::DNSSEC(DNSSECRData::NSEC(data)))
    }

    /// An A record for `owner` from the wildcard `*.example.` (its RRSIG says one label).
    fn expanded(owner: &str) -> Vec<hickory_proto::rr::Record> {
        use hickory_proto::dnssec::Algorithm;
        use hickory_proto::dnssec::rdata::{RRSIG, SigInput};
        use hickory_proto::rr::{SerialNumber, rdata::A};
        let input = SigInput {
            type_covered: RecordType::A,
            algorithm: Algorithm::ECDSAP256SHA256,
            num_labels: 1,
            original_ttl: 300,
            sig_expiration: SerialNumber::new(2),
            sig_inception: SerialNumber::new(1),
            key_tag: 1,
            signer_name: n("example."),
        };
        let sig = RRSIG::from_sig(input, vec![0; 64]);
        vec![
            hickory_proto::rr::Record::from_rdata(n(owner), 300, RData::A(A::new(192, 0, 2, 7))),
            hickory_proto::rr::Record::from_rdata(
                n(owner),
                300,
                RData::DNSSEC(DNSSECRData::RRSIG(sig)),
            ),
        ]
    }

    #[test]
    fn wildcard_answers_and_nodata_need_their_own_proofs() {
        let zone = n("example.");
        let mut m = Message::new(
            1,
            hickory_proto::op::MessageType::Response,
            hickory_proto::op::OpCode::Query,
        );
        m.metadata.authoritative = true;
        m.answers = expanded("nx.example.");
        // No proof that nx.example. itself does not exist.
        let p = probe("nx.example.", RecordType::A, m.clone());
        assert!(matches!(
            wildcard_problem(&zone, &p, p.message().unwrap()),
            Some(Proof::Missing)
        ));
        // An NSEC that covers another span.
        m.authorities = vec![nsec("a.example.", "b.example.", &[RecordType::A])];
        let p = probe("nx.example.", RecordType::A, m.clone());
        let got = wildcard_problem(&zone, &p, p.message().unwrap());
        assert!(matches!(&got, Some(Proof::Invalid(why)) if why.contains("nx.example. itself")));
        // The NSEC that covers it: proved.
        m.authorities = vec![nsec("mail.example.", "www.example.", &[RecordType::A])];
        let p = probe("nx.example.", RecordType::A, m.clone());
        assert!(wildcard_problem(&zone, &p, p.message().unwrap()).is_none());
        // NODATA from the wildcard: the wildcard's own NSEC must lack the type.
        m.answers.clear();
        m.authorities.push(nsec(
            "*.example.",
            "a.example.",
            &[RecordType::A, RecordType::TXT],
        ));
        let p = probe("nx.example.", RecordType::A, m.clone());
        let got = wildcard_problem(&zone, &p, p.message().unwrap());
        assert!(
            matches!(&got, Some(Proof::Invalid(why)) if why.contains("lists A")),
            "{:?}",
            got.map(|_| ())
        );
        m.authorities[1] = nsec("*.example.", "a.example.", &[RecordType::TXT]);
        let p = probe("nx.example.", RecordType::A, m.clone());
        assert!(wildcard_problem(&zone, &p, p.message().unwrap()).is_none());
        // Compact denial ("black lies"): NOERROR, and an NSEC at the name itself listing no A.
        let mut black = m.clone();
        black.authorities = vec![nsec(
            "nx.example.",
            "a.nx.example.",
            &[RecordType::RRSIG, RecordType::NSEC],
        )];
        let p = probe("nx.example.", RecordType::A, black);
        assert!(wildcard_problem(&zone, &p, p.message().unwrap()).is_none());
        // A CNAME made from a wildcard CNAME is an answer, not NODATA: the covering NSEC is
        // the whole proof (the wildcard's NSEC lists CNAME, as it must).
        let mut cname = expanded("nx.example.");
        cname[0] = hickory_proto::rr::Record::from_rdata(
            n("nx.example."),
            300,
            RData::CNAME(hickory_proto::rr::rdata::CNAME(n("www.example."))),
        );
        m.answers = cname;
        m.authorities = vec![
            nsec("mail.example.", "www.example.", &[RecordType::A]),
            nsec("*.example.", "a.example.", &[RecordType::CNAME]),
        ];
        let p = probe("nx.example.", RecordType::A, m);
        assert!(wildcard_problem(&zone, &p, p.message().unwrap()).is_none());
    }

    #[test]
    fn a_nodata_proof_is_an_nsec_at_the_name_without_the_type_or_cname() {
        let mut m = Message::new(
            1,
            hickory_proto::op::MessageType::Response,
            hickory_proto::op::OpCode::Query,
        );
        let at = n("example.");
        assert!(matches!(
            nodata_problem(&at, RecordType::MX, &m),
            Some(Proof::Missing)
        ));
        m.authorities = vec![nsec(
            "example.",
            "a.example.",
            &[RecordType::SOA, RecordType::NS],
        )];
        assert!(nodata_problem(&at, RecordType::MX, &m).is_none());
        m.authorities = vec![nsec("example.", "a.example.", &[RecordType::CNAME])];
        assert!(matches!(
            nodata_problem(&at, RecordType::MX, &m),
            Some(Proof::Invalid(_))
        ));
        m.authorities = vec![nsec("a.example.", "b.example.", &[RecordType::A])];
        let got = nodata_problem(&at, RecordType::MX, &m);
        assert!(
            matches!(&got, Some(Proof::Invalid(why)) if why.contains("no NSEC or NSEC3 record at example."))
        );
    }

    #[test]
    fn an_unsigned_delegation_is_proved_by_ns_without_ds() {
        let mut m = Message::new(
            1,
            hickory_proto::op::MessageType::Response,
            hickory_proto::op::OpCode::Query,
        );
        let (parent, child) = (n("example."), n("sub.example."));
        let got = insecure_delegation_problem(&m, &parent, &child).unwrap_or_default();
        assert!(got.contains("without NSEC or NSEC3"), "{got}");
        m.authorities = vec![nsec("sub.example.", "www.example.", &[RecordType::NS])];
        assert_eq!(insecure_delegation_problem(&m, &parent, &child), None);
        m.authorities = vec![nsec(
            "sub.example.",
            "www.example.",
            &[RecordType::NS, RecordType::DS],
        )];
        let got = insecure_delegation_problem(&m, &parent, &child).unwrap_or_default();
        assert!(got.contains("does not list NS without DS"), "{got}");
        // An NSEC elsewhere in the parent (not at the delegation) proves nothing.
        m.authorities = vec![nsec("mail.example.", "www.example.", &[RecordType::A])];
        let got = insecure_delegation_problem(&m, &parent, &child).unwrap_or_default();
        assert!(got.contains("no NSEC record at sub.example."), "{got}");
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
