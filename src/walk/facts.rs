//! What a walk finds: the servers asked, each probe (question, address, protocol, answer or why
//! there was none), the levels, the delegations and how the walk ended; the apex questions, and
//! readings of a level's answers. Plain data, read by `check` and the reports.

use super::saved::{Ascii, TypeCode};
use super::*;
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

#[serde_as]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NameServer {
    #[serde_as(as = "Ascii")]
    pub name: Name,
    pub addrs: Vec<IpAddr>,
}

/// The RCODE as dig writes it.
pub fn rcode_name(rc: ResponseCode) -> String {
    match u16::from(rc) {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        9 => "NOTAUTH".into(),
        // In an answer with OPT; TSIG calls the same number BADSIG.
        16 => "BADVERS".into(),
        n => format!("RCODE{n}"),
    }
}

/// What one server said (or did not say) to one question.
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Probe {
    #[serde_as(as = "Ascii")]
    pub server: Name,
    pub addr: IpAddr,
    #[serde_as(as = "Ascii")]
    pub qname: Name,
    #[serde_as(as = "TypeCode")]
    pub qtype: RecordType,
    pub proto: Proto,
    pub result: Result<Reply, NoAnswer>,
}

impl Probe {
    /// The server as findings name it: `name (address)`, or `name (no address)` for a server
    /// whose address could not be found (asked of nobody).
    pub fn who(&self) -> String {
        match self.addr.is_unspecified() {
            true => format!("{} (no address)", self.server.to_ascii()),
            false => format!("{} ({})", self.server.to_ascii(), self.addr),
        }
    }

    pub fn message(&self) -> Option<&Message> {
        self.result.as_ref().ok().map(|r| &r.message)
    }

    pub fn rcode(&self) -> Option<ResponseCode> {
        self.message().map(|m| m.metadata.response_code)
    }

    /// The way the question went: `udp`, `tcp`, or `udp→tcp` (truncated over UDP, then asked
    /// over TCP), whether it was answered or failed.
    pub fn path(&self) -> &'static str {
        match (&self.result, self.proto) {
            (Ok(r), _) if r.retried_tcp => "udp→tcp",
            (Err(NoAnswer::AfterTruncation(_)), _) => "udp→tcp",
            (_, Proto::Udp) => "udp",
            (_, Proto::Tcp) => "tcp",
        }
    }

    pub fn authoritative(&self) -> bool {
        self.message().is_some_and(|m| m.metadata.authoritative)
    }

    /// A proper authoritative answer: AA=1, NOERROR or NXDOMAIN.
    pub fn is_authoritative_answer(&self) -> bool {
        self.authoritative()
            && matches!(
                self.rcode(),
                Some(ResponseCode::NoError | ResponseCode::NXDomain)
            )
    }
}

/// The parent's view of one zone cut.
#[serde_as]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Delegation {
    #[serde_as(as = "Option<Ascii>")]
    pub parent: Option<Name>,
    #[serde_as(as = "Option<Ascii>")]
    pub child: Option<Name>,
    /// The union of the NS sets the parent's servers gave.
    #[serde_as(as = "BTreeSet<Ascii>")]
    pub ns: BTreeSet<Name>,
    /// Glue accepted (in bailiwick of the parent), by name server.
    #[serde_as(as = "BTreeMap<Ascii, _>")]
    pub glue: BTreeMap<Name, BTreeSet<IpAddr>>,
    /// Each parent server's own NS set, to spot parents that disagree.
    #[serde_as(as = "Vec<(Ascii, _, BTreeSet<Ascii>)>")]
    pub by_server: Vec<(Name, IpAddr, BTreeSet<Name>)>,
}

/// One zone asked: its servers and every probe sent to them.
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Level {
    #[serde_as(as = "Ascii")]
    pub zone: Name,
    pub servers: Vec<NameServer>,
    pub probes: Vec<Probe>,
    /// The zone's SOA (UDP and TCP) and NS asked of the same servers in the same round, so that
    /// the zone that turns out to hold the name costs no extra round trip.
    pub apex: Vec<Probe>,
}

/// Everything one walk saw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Walk {
    pub levels: Vec<Level>,
    /// Zone cuts, top-down (the last one delegates the zone that holds the name).
    pub delegations: Vec<Delegation>,
    /// Records dropped, with the reason (out of bailiwick glue, stray records).
    pub dropped: Vec<String>,
    /// How the walk ended.
    pub end: End,
}

#[serde_as]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum End {
    /// The zone's servers were reached and asked.
    #[default]
    Reached,
    /// No server of this zone gave a usable answer.
    Unreachable(#[serde_as(as = "Ascii")] Name),
    /// The budget of messages, or the check's deadline, was spent.
    Budget,
    /// More zone cuts than the depth limit.
    TooDeep,
    /// The walk came back to a zone whose name servers it was resolving: they can only be
    /// found through themselves (name servers without glue in each other's zones).
    Cycle(#[serde_as(as = "Ascii")] Name),
}

/// A question about a zone itself, asked at each zone below the root in the same round as the
/// walk's own question: of the zone's servers, or of its parent's (the DS set is the parent's
/// data, RFC 4035 §3.1.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApexQuestion {
    pub qtype: RecordType,
    pub proto: Proto,
    pub of_parent: bool,
}

/// What the authoritative servers of a level said about `qname`/`qtype`, merged.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub addrs: Vec<IpAddr>,
    pub cname: Option<Name>,
    pub nxdomain: bool,
}

pub fn authoritative_answer(level: &Level, qname: &Name, qtype: RecordType) -> Answer {
    let mut answer = Answer::default();
    for p in level
        .probes
        .iter()
        .filter(|p| p.authoritative() && p.qname == *qname && p.qtype == qtype)
    {
        let Some(m) = p.message() else { continue };
        if m.metadata.response_code == ResponseCode::NXDomain {
            answer.nxdomain = true;
        }
        for r in &m.answers {
            if r.name.to_lowercase() != qname.to_lowercase() {
                continue;
            }
            match &r.data {
                RData::A(a) if qtype == RecordType::A => answer.addrs.push(IpAddr::V4(a.0)),
                RData::AAAA(a) if qtype == RecordType::AAAA => answer.addrs.push(IpAddr::V6(a.0)),
                RData::CNAME(c) => answer.cname = Some(c.0.to_lowercase()),
                _ => {}
            }
        }
    }
    answer.addrs.sort();
    answer.addrs.dedup();
    answer
}

/// The answer records (as text) one probe got for its question: for comparing servers.
pub fn answer_texts(p: &Probe) -> Option<BTreeSet<String>> {
    let m = p.message()?;
    Some(
        m.answers
            .iter()
            // Signatures are judged by the DNSSEC rules; an online signer's differ from answer
            // to answer (ECDSA is randomised), so they are no part of what a server answers.
            .filter(|r| r.record_type() != RecordType::RRSIG)
            .map(|r: &Record| format!("{} {} {}", r.name.to_lowercase(), r.record_type(), r.data))
            .collect(),
    )
}
