//! How the servers of the zone and of its parent answered the zone's questions:
//! `ns.unreachable`, `ns.tcp-failed` and `ns.malformed-answer` (what each server did, by
//! protocol), `ns.slow`, and `ns.lame` (a server that does not answer for the zone with
//! authority).

use std::collections::BTreeMap;
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RecordType;

use super::{behaviour, first_few, parent_name, who, zone_text};
use crate::check::codes::{Code, Finding};
use crate::check::facts::Facts;
use crate::walk::{self, NoAnswer, Proto};

/// What one server address did, over each protocol.
#[derive(Default)]
struct Conduct {
    /// Something usable came over UDP / over TCP.
    udp_answers: bool,
    tcp_answers: bool,
    /// (path, question, why) of each question that got no answer at all.
    silent: Vec<(&'static str, String, NoAnswer)>,
    /// (path, what was wrong) → the questions.
    broken: BTreeMap<(&'static str, String), Vec<String>>,
}

/// ns.unreachable, ns.tcp-failed and ns.malformed-answer: every question to a server of the
/// zone, or of its parent about the zone, that got no usable answer, with the protocol of the
/// attempt that failed.
pub fn server_failures(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    let parent = parent_name(f);
    let mut by_server: BTreeMap<(String, String), Conduct> = BTreeMap::new();
    // A server that fails only because the question carries EDNS is ns.edns-intolerant.
    let intolerant = behaviour::edns_intolerant(f);
    let roles = f
        .zone_probes()
        .filter(|p| !intolerant.contains_key(&p.addr))
        .map(|p| (p, format!("a server of {zone_text}")))
        .chain(
            f.parent_probes()
                .map(|p| (p, format!("a server of the parent zone {parent}"))),
        );
    for (p, role) in roles {
        let c = by_server.entry((who(p), role)).or_default();
        let question = format!("{} {}", p.qname.to_ascii(), p.qtype);
        match &p.result {
            Ok(r) => {
                c.udp_answers |= r.proto == Proto::Udp || r.retried_tcp;
                c.tcp_answers |= r.proto == Proto::Tcp;
            }
            Err(e) if e.not_asked() => {}
            Err(e) => {
                if matches!(e, NoAnswer::AfterTruncation(_)) {
                    c.udp_answers = true;
                }
                let inner = e.innermost();
                match inner {
                    NoAnswer::Timeout | NoAnswer::Refused | NoAnswer::Error(_) => {
                        c.silent.push((p.path(), question, inner.clone()));
                    }
                    _ => c
                        .broken
                        .entry((p.path(), inner.to_string()))
                        .or_default()
                        .push(question),
                }
            }
        }
    }
    by_server
        .into_iter()
        .flat_map(|((server, role), c)| c.findings(&server, &role))
        .collect()
}

impl Conduct {
    /// What one server's conduct says: silent over UDP or TCP, answering over UDP but not over
    /// TCP, answers that are no usable answer.
    fn findings(&self, server: &str, role: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        // No answer at all: over UDP, over TCP (asked directly or after truncation).
        let (udp_silent, tcp_silent): (Vec<_>, Vec<_>) =
            self.silent.iter().partition(|(path, _, _)| *path == "udp");
        let tcp_failed = !tcp_silent.is_empty() && self.udp_answers && !self.tcp_answers;
        let mut unreachable = Vec::new();
        if let Some((_, _, why)) = udp_silent.first() {
            let n = udp_silent.len();
            unreachable.push(if self.udp_answers {
                format!("{why} over udp for {n} question(s), though it answered others")
            } else {
                format!("{why} over udp")
            });
        }
        if let Some((path, _, why)) = tcp_silent.first().filter(|_| !tcp_failed) {
            unreachable.push(format!("{why} over {path}"));
        }
        if !unreachable.is_empty() {
            out.push(Finding::new(
                Code::NsUnreachable,
                format!("{server}, {role}: {}", unreachable.join("; ")),
                vec![server.to_string()],
            ));
        }
        if tcp_failed && let Some((path, question, why)) = tcp_silent.first() {
            let how = if *path == "udp→tcp" {
                format!(
                    "its UDP answer for {question} was truncated and asking again over TCP failed ({why})"
                )
            } else {
                format!("asked over TCP: {why}")
            };
            out.push(Finding::new(Code::NsTcpFailed, format!(
                    "{server}, {role}, answers over UDP but not over TCP ({path}): {how}; answers too large for UDP cannot be fetched"
                ), vec![server.to_string()]));
        }
        for ((path, what), questions) in &self.broken {
            out.push(Finding::new(
                Code::NsMalformedAnswer,
                format!(
                    "{server}, {role}, over {path}, for {}: {what}",
                    first_few(questions, 5)
                ),
                vec![server.to_string()],
            ));
        }
        out
    }
}

/// ns.slow: a server that answered, but slowly.
pub fn slow_servers(f: &Facts) -> Vec<Finding> {
    let mut slowest: BTreeMap<String, (Duration, usize)> = BTreeMap::new();
    for p in f.zone_probes().chain(f.parent_probes()) {
        if let Ok(r) = &p.result
            && r.rtt > f.slow_after
        {
            let e = slowest.entry(who(p)).or_default();
            e.0 = e.0.max(r.rtt);
            e.1 += 1;
        }
    }
    slowest
        .into_iter()
        .map(|(server, (rtt, n))| {
            Finding::new(Code::NsSlow, format!(
                    "{server} took {} ms to answer (the slowest of {n} answer(s) over {} ms); resolvers time out on slow servers and try others, or fail",
                    rtt.as_millis(),
                    f.slow_after.as_millis()
                ), vec![server])
        })
        .collect()
}

/// What a server that answers without authority (AA=0) sent: a referral (to which zone's
/// servers), an answer, or nothing at all; "a referral" is said only of a referral.
fn without_authority(m: &Message) -> String {
    let referral = m
        .authorities
        .iter()
        .find(|r| r.record_type() == RecordType::NS);
    match (m.answers.is_empty(), referral) {
        (true, Some(r)) => format!("a referral (AA=0) to the servers of {}", r.name.to_ascii()),
        (true, None) => "an empty answer without authority (AA=0)".to_string(),
        (false, _) => "an answer without authority (AA=0)".to_string(),
    }
}

/// ns.lame: answers, but not with authority for the zone.
pub fn lame_servers(f: &Facts) -> Vec<Finding> {
    let zone_text = zone_text(f);
    let mut lame: BTreeMap<String, String> = BTreeMap::new();
    let intolerant = behaviour::edns_intolerant(f);
    for p in f
        .soa_udp
        .iter()
        .filter(|p| !intolerant.contains_key(&p.addr))
    {
        let Some(m) = p.message() else { continue };
        let why = match m.metadata.response_code {
            ResponseCode::Refused => Some("REFUSED".to_string()),
            ResponseCode::ServFail => Some("SERVFAIL".to_string()),
            ResponseCode::NoError
                if !m.metadata.authoritative
                    && m.metadata.recursion_available
                    && !m.answers.is_empty() =>
            {
                Some("a recursive resolver's answer (AA=0, RA=1)".to_string())
            }
            ResponseCode::NoError if !m.metadata.authoritative => Some(without_authority(m)),
            rc if rc != ResponseCode::NoError => Some(walk::rcode_name(rc)),
            _ => None,
        };
        if let Some(why) = why {
            lame.insert(who(p), why);
        }
    }
    lame.into_iter()
        .map(|(server, why)| {
            Finding::new(
                Code::NsLame,
                format!("{server} is delegated {zone_text} but answers {why} for it"),
                vec![server],
            )
        })
        .collect()
}
