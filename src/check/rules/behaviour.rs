//! How the zone's servers treat EDNS and recursion (RFC 6891; Zonemaster NAMESERVER01, 02, 10,
//! 11, 12; ISC's EDNS compliance tests). Since DNS flag day 2019 resolvers no longer retry
//! without EDNS: a server that answers only plain DNS questions is as good as dead to them,
//! though `dig` without options gets answers from it. Each server address is asked its zone's
//! SOA without EDNS, with EDNS version 1, with an unknown option and with an unknown flag, and
//! the root's SOA with recursion desired.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RecordType;

use super::{who, zone_text};
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::questions::{Asked, Question};
use crate::walk::{self, NoAnswer, Probe, Proto, transport::UNKNOWN_FLAG};

/// The zone's SOA, answered with authority.
fn soa_answer(p: &Probe) -> bool {
    answers_with_authority(p)
        && p.rcode() == Some(ResponseCode::NoError)
        && p.message()
            .is_some_and(|m| m.answers.iter().any(|r| r.record_type() == RecordType::SOA))
}

/// What a server did instead of answering, in a few words.
fn what_it_did(p: &Probe) -> String {
    match &p.result {
        Ok(r) => match r.message.metadata.response_code {
            ResponseCode::NoError if !r.message.metadata.authoritative => {
                "answers without authority".to_string()
            }
            ResponseCode::NoError => "answers without the SOA".to_string(),
            rc => format!("answers {}", walk::rcode_name(rc)),
        },
        Err(NoAnswer::Timeout) => "gives no answer".to_string(),
        Err(e) => format!("fails ({e})"),
    }
}

fn asked(f: &Facts, addr: IpAddr, question: Question) -> Option<&Asked> {
    f.asked
        .iter()
        .find(|b| b.probe.addr == addr && b.question == question)
}

/// The addresses of the zone's servers that answer a plain question but no question with EDNS
/// (the SOA, and every other question over UDP: one lost datagram does not make a server
/// intolerant): what they do with EDNS, by address.
pub(super) fn edns_intolerant(f: &Facts) -> BTreeMap<IpAddr, (String, String)> {
    let mut out = BTreeMap::new();
    for p in &f.soa_udp {
        if soa_answer(p) || p.result.as_ref().is_err_and(NoAnswer::not_asked) {
            continue;
        }
        let answered_with_edns = f
            .zone_probes()
            .any(|q| q.addr == p.addr && q.proto == Proto::Udp && answers_with_authority(q));
        if !answered_with_edns
            && asked(f, p.addr, Question::NoEdns).is_some_and(|b| soa_answer(&b.probe))
        {
            out.insert(p.addr, (who(p), what_it_did(p)));
        }
    }
    out
}

/// ns.edns-intolerant: answers without EDNS, not with it.
pub fn edns_intolerance(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    edns_intolerant(f)
        .into_values()
        .map(|(server, did)| {
            Finding::new(Code::NsEdnsIntolerant, format!(
                    "{server} answers plain DNS questions for {zone_text}, but {did} when the question carries EDNS: resolvers send EDNS and have not retried without it since DNS flag day 2019, so to them this server is dead"
                ), vec![server])
        })
        .collect()
}

/// What one server that answers EDNS questions does wrong with the other forms.
fn edns_faults(f: &Facts, addr: IpAddr) -> Vec<String> {
    let mut faults = Vec::new();
    let answered = |question| asked(f, addr, question).map(|b| &b.probe);
    let opt = |p: &Probe| p.message().and_then(|m: &Message| m.edns.clone());
    if let Some(p) = answered(Question::NoEdns)
        && !soa_answer(p)
        && !p.result.as_ref().is_err_and(NoAnswer::not_asked)
    {
        faults.push(format!("{} to a question without EDNS", what_it_did(p)));
    }
    if let Some(p) = answered(Question::Version1) {
        // RCODE 16 is BADVERS in an answer with OPT (hickory reads it as BADSIG, TSIG's name).
        let badvers = |rc: ResponseCode| u16::from(rc) == u16::from(ResponseCode::BADVERS);
        match p.rcode() {
            Some(rc) if badvers(rc) && opt(p).is_some_and(|e| e.version() == 0) => {}
            Some(rc) if badvers(rc) => {
                faults.push("says BADVERS to EDNS version 1 without its own OPT version 0".into())
            }
            Some(rc) => faults.push(format!(
                "answers EDNS version 1 with {} instead of BADVERS (RFC 6891 §6.1.3)",
                walk::rcode_name(rc)
            )),
            None => faults.push(format!("{} to EDNS version 1", what_it_did(p))),
        }
    }
    if let Some(p) = answered(Question::UnknownOption)
        && !soa_answer(p)
    {
        faults.push(format!(
            "{} when the question carries an unknown EDNS option (it must be ignored, §6.1.2)",
            what_it_did(p)
        ));
    }
    if let Some(p) = answered(Question::UnknownFlag) {
        if !soa_answer(p) {
            faults.push(format!(
                "{} when the question carries an unknown EDNS flag (it must be ignored, §6.1.4)",
                what_it_did(p)
            ));
        } else if opt(p).is_some_and(|e| e.flags().z & UNKNOWN_FLAG != 0) {
            faults.push("echoes an unknown EDNS flag in its answer (§6.1.4)".into());
        }
    }
    faults
}

/// ns.edns-noncompliant: answers EDNS questions, but not as RFC 6891 says.
pub fn edns_compliance(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for p in f.soa_udp.iter().filter(|p| soa_answer(p)) {
        if !seen.insert(p.addr) {
            continue;
        }
        let faults = edns_faults(f, p.addr);
        if faults.is_empty() {
            continue;
        }
        let server = who(p);
        out.push(Finding::new(Code::NsEdnsNoncompliant, format!(
                "{server}, a server of {zone_text}, {}: resolvers that probe EDNS features may give up on it",
                faults.join("; ")
            ), vec![server]));
    }
    out
}

/// ns.open-resolver: a server of the zone resolves recursive questions about other zones for
/// anyone: it answers them as a resolver (RA=1, no authority) with the data, with NXDOMAIN, or
/// with SERVFAIL (it tried and could not reach an answer); the root's SOA and another
/// top-level domain's are asked, so a resolver told to refuse only the root is found too.
pub fn open_resolvers(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    let mut open: BTreeMap<String, String> = BTreeMap::new();
    let asked = f.asked.iter().filter(|b| {
        matches!(
            b.question,
            Question::Recursion | Question::RecursionElsewhere
        )
    });
    for b in asked {
        let Some(how) = recursed(&b.probe) else {
            continue;
        };
        open.entry(who(&b.probe)).or_insert(how);
    }
    open.into_iter()
        .map(|(server, how)| {
            Finding::new(Code::NsOpenResolver, format!(
                    "{server}, a server of {zone_text}, is also an open resolver: it {how}, for anyone. Open resolvers are used to amplify attacks, and an authoritative server's cache can be poisoned into serving others' names"
                ), vec![server])
        })
        .collect()
}

/// How a server handled a recursive question about another zone as a resolver would: RA=1, no
/// authority, and the data, NXDOMAIN or SERVFAIL (none: it answered as an authoritative server
/// only may — REFUSED, a referral, or with RA=0).
fn recursed(p: &Probe) -> Option<String> {
    let m = p.message()?;
    if !m.metadata.recursion_available || m.metadata.authoritative {
        return None;
    }
    let asked = p.qname.to_ascii();
    match m.metadata.response_code {
        ResponseCode::NoError
            if m.answers
                .iter()
                .any(|r| r.record_type() == RecordType::SOA && r.name == p.qname) =>
        {
            Some(format!(
                "answered a recursive question about another zone ({asked} SOA)"
            ))
        }
        ResponseCode::NXDomain => Some(format!(
            "resolved a recursive question about another zone ({asked} SOA) to NXDOMAIN"
        )),
        ResponseCode::ServFail => Some(format!(
            "took a recursive question about another zone ({asked} SOA) and tried to resolve it (SERVFAIL with recursion available: it recurses, though it reached no answer)"
        )),
        _ => None,
    }
}

/// ns.qname-case-sensitive and ns.qname-case-changed (Zonemaster NAMESERVER08, 09): the zone's
/// SOA asked with its name in mixed case must be answered as in lower case, the name echoed as
/// asked.
pub fn qname_case(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    let mut out = Vec::new();
    for b in f.asked.iter().filter(|b| b.question == Question::MixedCase) {
        let p = &b.probe;
        let Some(m) = p.message() else { continue };
        let server = who(p);
        let lower_answered = f.soa_udp.iter().any(|q| q.addr == p.addr && soa_answer(q));
        if lower_answered && !soa_answer(p) {
            out.push(Finding::new(
                Code::NsQnameCaseSensitive,
                format!(
                    "{server} answers the SOA of {zone_text}, but {} when asked for {}",
                    what_it_did(p),
                    p.qname
                ),
                vec![server],
            ));
            continue;
        }
        if let Some(q) = m.queries.first()
            && !q.name().eq_case(&p.qname)
        {
            out.push(Finding::new(
                Code::NsQnameCaseChanged,
                format!(
                    "{server} was asked for {} and answered for {}: resolvers using 0x20 drop that answer",
                    p.qname,
                    q.name()
                ),
                vec![server],
            ));
        }
    }
    out
}

/// ns.aaaa-failed (Zonemaster NAMESERVER05): an address that answers the zone's SOA must answer
/// an AAAA question for the zone's name too, with records or none (NOERROR).
pub fn aaaa_questions(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    let mut out = Vec::new();
    for b in f.asked.iter().filter(|b| b.question == Question::Aaaa) {
        let p = &b.probe;
        if p.result.as_ref().is_err_and(NoAnswer::not_asked)
            || !f.soa_udp.iter().any(|q| q.addr == p.addr && soa_answer(q))
        {
            continue;
        }
        let fine = answers_with_authority(p) && p.rcode() == Some(ResponseCode::NoError);
        if !fine {
            let server = who(p);
            out.push(Finding::new(
                Code::NsAaaaFailed,
                format!(
                    "{server} answers the SOA of {zone_text}, but {} when asked its AAAA: resolvers ask AAAA for every name, and wait or fail where it goes unanswered",
                    what_it_did(p)
                ),
                vec![server],
            ));
        }
    }
    out
}

/// ns.answer-failed: a server that answers the zone's SOA with authority but another question
/// about the zone (its NS or DNSKEY set, the apex's data of the questions' table, a name that does not exist) with an
/// error, without authority, or with NXDOMAIN for the apex: resolvers asking it that get no
/// usable answer. (No answer at all is `ns.unreachable`, a broken one `ns.malformed-answer`.)
pub fn answer_failures(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let intolerant = edns_intolerant(f);
    let answering: BTreeSet<IpAddr> = f
        .soa_udp
        .iter()
        .filter(|p| soa_answer(p))
        .map(|p| p.addr)
        .collect();
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let apex_data = f
        .asked
        .iter()
        .filter(|a| a.question.is_data() && a.question != Question::Nonexistent)
        .map(|a| &a.probe);
    let questions = f.ns.iter().chain(&f.dnskey).chain(apex_data);
    for p in questions.chain(f.answers(Question::Nonexistent)) {
        if !answering.contains(&p.addr) || intolerant.contains_key(&p.addr) {
            continue;
        }
        let Some(m) = p.message() else { continue };
        let rcode = m.metadata.response_code;
        let did = match rcode {
            ResponseCode::NXDomain if p.qname == *zone => "NXDOMAIN for the apex".to_string(),
            ResponseCode::NoError | ResponseCode::NXDomain if !m.metadata.authoritative => {
                "an answer without authority (AA=0)".to_string()
            }
            ResponseCode::NoError | ResponseCode::NXDomain => continue,
            rc => walk::rcode_name(rc),
        };
        failed.entry(who(p)).or_default().push(format!(
            "{} {}: {did}",
            p.qname.to_ascii(),
            p.qtype
        ));
    }
    failed
        .into_iter()
        .map(|(server, what)| {
            Finding::new(
                Code::NsAnswerFailed,
                format!(
                    "{server} answers the SOA of {} with authority, but not {}",
                    zone.to_ascii(),
                    what.join("; ")
                ),
                vec![server],
            )
        })
        .collect()
}

/// ns.transfer-open: the addresses that give the zone out by transfer (Zonemaster Nameserver03),
/// from the transfer probe asked beside the server questions.
pub fn transfers_given(f: &Facts) -> Vec<Finding> {
    let given: Vec<String> = f
        .transfers
        .iter()
        .filter(|t| t.given)
        .map(|t| format!("{} ({})", t.server.to_ascii(), t.addr))
        .collect();
    if given.is_empty() {
        return vec![];
    }
    vec![Finding::new(
        Code::NsTransferOpen,
        format!(
            "{} give(s) the whole zone {} by zone transfer (AXFR) to this host: unless this host is one the servers mean to allow (a secondary, the operator's network), anyone can list every name of the zone",
            given.join(", "),
            zone_text(f)
        ),
        given,
    )]
}
