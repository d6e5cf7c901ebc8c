//! `dns check`: facts from the walk, and the rules that turn them into findings.
//!
//! [`gather`] walks to the zone that holds the name, asking every server of that zone for its
//! SOA (over UDP and over TCP), its apex NS set and DNSKEY set, and the parent's servers for its
//! DS set, in the same round as the walk's own question; then the addresses of its in-zone name
//! servers and the name's CNAME chain, at the same time. [`rules`] are pure functions of those
//! facts (and the expected name servers), so each rule is tested without sockets too. Each
//! finding has a stable [`Code`], documented in the README (a test holds the two together).

pub mod anchor;
pub mod caches;
pub mod codes;
pub mod many;
pub mod questions;
pub mod rules;
pub mod run;
pub mod saved;
pub mod settings;
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use hickory_proto::rr::{Name, RData, RecordType};
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

pub use codes::{Code, Severity};
pub use questions::{Asked, Question, mixed_case};
pub use rules::findings;

use crate::walk::batch::Framed;
use crate::walk::saved::{Ascii, TypeCode};
use crate::walk::{self, ApexQuestion, End, NameServer, NoAnswer, Probe, Proto, Walk, Walker};

/// The name servers the zone should be delegated to, and what they said when asked directly.
#[serde_as]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Expected {
    #[serde_as(as = "BTreeSet<Ascii>")]
    pub names: BTreeSet<Name>,
    /// SOA probes sent straight to the expected servers.
    pub soa: Vec<Probe>,
    /// DNSKEY probes sent straight to the expected servers: whether they sign the zone with a
    /// key the parent's DS points at decides whether switching to them is safe.
    pub dnskey: Vec<Probe>,
}

/// How the check's limits held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Messages sent (every datagram, TCP question and zone transfer).
    pub sent: usize,
    pub max_queries: usize,
    /// A message was not sent because the budget was spent.
    pub budget_spent: bool,
    /// The check's deadline passed before it was done.
    pub deadline_passed: bool,
    pub deadline_seconds: Option<u64>,
    /// The walk went deeper than the depth limit.
    pub too_deep: bool,
}

#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Facts {
    #[serde_as(as = "Ascii")]
    pub qname: Name,
    #[serde_as(as = "TypeCode")]
    pub qtype: RecordType,
    pub walk: Walk,
    /// The zone that holds the name: the last level reached, or the zone the parent delegates
    /// to when none of its servers gave a usable answer ([`Facts::dead`]).
    #[serde_as(as = "Option<Ascii>")]
    pub zone: Option<Name>,
    /// The parent delegates the zone, but no server of it gave a usable answer.
    pub dead: bool,
    pub soa_udp: Vec<Probe>,
    pub soa_tcp: Vec<Probe>,
    pub ns: Vec<Probe>,
    /// A/AAAA of the zone's in-zone name servers, each asked of one of the zone's servers.
    pub ns_addrs: Vec<Probe>,
    /// The zone's DS set, asked of every server of the parent (the parent's own data).
    pub ds: Vec<Probe>,
    /// The zone's DNSKEY set, asked of every server of the zone (with the DO bit: the answers
    /// carry the signatures over the set).
    pub dnskey: Vec<Probe>,
    /// The questions of the table ([`questions::TABLE`]) asked of each address of the zone's
    /// servers, with their answers, in the order of the servers: how each server behaves, and
    /// the zone's data beside the apex questions (a name that does not exist, CDS, CDNSKEY, MX,
    /// TXT, CAA). Rules read them by question ([`Facts::answers`]).
    pub asked: Vec<Asked>,
    /// Whether each address of the zone's servers gives the zone by transfer (not asked of
    /// Route 53's servers).
    pub transfers: Vec<TransferProbe>,
    /// The addresses found for each mail exchanger the MX answers name (none: mail to the
    /// zone cannot be delivered there; [`Facts::unresolvable`] says why).
    #[serde_as(as = "BTreeMap<Ascii, _>")]
    pub mail: BTreeMap<Name, Vec<IpAddr>>,
    /// When the facts were gathered, in seconds since 1970 (for signature validity).
    pub checked_at: u64,
    /// (name, target) for each CNAME followed.
    #[serde_as(as = "Vec<(Ascii, Ascii)>")]
    pub cname_chain: Vec<(Name, Name)>,
    pub cname_loop: bool,
    /// The chain went on past [`MAX_CNAME_CHAIN`] links without looping.
    pub cname_too_long: bool,
    /// The chain's last target could not be resolved: why (NXDOMAIN, or what its zone's
    /// servers did instead of answering).
    pub cname_unresolved: Option<String>,
    /// The addresses at the end of the chain.
    pub addresses: Vec<IpAddr>,
    /// Name servers whose address could not be found, and why.
    #[serde_as(as = "BTreeMap<Ascii, _>")]
    pub unresolvable: BTreeMap<Name, String>,
    /// Names met as CNAMEs while looking up name server addresses (name, target).
    #[serde_as(as = "BTreeMap<Ascii, Ascii>")]
    pub aliases: BTreeMap<Name, Name>,
    /// Name server addresses this host has no route to (IPv6 on an IPv4-only host): not asked.
    pub unroutable: Vec<IpAddr>,
    pub expected: Option<Expected>,
    /// Answers slower than this are `ns.slow`.
    pub slow_after: std::time::Duration,
    /// The zone file routes the question's name and type (Route 53 routed sets): servers
    /// answering differently is by design, and verification judges each answer by its set.
    pub routed: bool,
    pub queries: usize,
    pub limits: Limits,
    /// What the registry says of the domain (RDAP), when it was asked.
    pub registration: Option<crate::rdap::Lookup>,
    /// With `--expect route53`: the domain's registration at Route 53 Domains, when this
    /// account holds it.
    pub registrar: Option<crate::provider::route53::domains::DomainDetail>,
    /// The root's trust anchors, when the chain of trust from the root is judged.
    pub anchors: Option<Vec<anchor::Anchor>>,
    /// The zone file's record sets whose signatures did not verify, as the verification's
    /// answers came in (it keeps no answer): judged with the other sets' signatures.
    pub file_signatures: Vec<SetVerdict>,
}

/// One record set's signatures that did not verify on one server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetVerdict {
    /// `name (address)`.
    pub server: String,
    /// `name TYPE`.
    pub label: String,
    pub verdict: rules::Verdict,
}

/// Route 53's name servers are `ns-N.awsdns-NN.{com,net,org,co.uk}`: they never give a zone
/// transfer, so none is asked of them.
pub fn is_route53(server: &Name) -> bool {
    server.iter().nth(1).is_some_and(|label| {
        label.len() == 9
            && label[..7].eq_ignore_ascii_case(b"awsdns-")
            && label[7..].iter().all(u8::is_ascii_digit)
    })
}

/// Whether one address of the zone's servers gives the zone out by transfer (AXFR), asked
/// beside the server questions: the first message only.
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferProbe {
    #[serde_as(as = "Ascii")]
    pub server: Name,
    pub addr: IpAddr,
    /// The transfer opened with the zone's SOA.
    pub given: bool,
    /// What the server did instead (REFUSED, NOTAUTH, closed the connection, …).
    pub why: String,
}

/// Answers slower than this are `ns.slow` unless `--slow` says otherwise.
pub const DEFAULT_SLOW: std::time::Duration = std::time::Duration::from_millis(500);

/// The longest CNAME chain followed.
pub const MAX_CNAME_CHAIN: usize = 16;

/// The questions about the zone asked in the walk's last round: SOA over UDP and TCP, the apex
/// NS set and DNSKEY set from the zone's servers, the DS set from the parent's.
pub const APEX: [ApexQuestion; 5] = [
    ApexQuestion {
        qtype: RecordType::SOA,
        proto: Proto::Udp,
        of_parent: false,
    },
    ApexQuestion {
        qtype: RecordType::NS,
        proto: Proto::Udp,
        of_parent: false,
    },
    ApexQuestion {
        qtype: RecordType::SOA,
        proto: Proto::Tcp,
        of_parent: false,
    },
    ApexQuestion {
        qtype: RecordType::DNSKEY,
        proto: Proto::Udp,
        of_parent: false,
    },
    ApexQuestion {
        qtype: RecordType::DS,
        proto: Proto::Udp,
        of_parent: true,
    },
];

impl Facts {
    /// Facts with nothing gathered yet: for [`gather`], and for rules' unit tests.
    pub fn new(qname: Name, qtype: RecordType, walk: Walk) -> Facts {
        Facts {
            qname,
            qtype,
            walk,
            zone: None,
            dead: false,
            soa_udp: vec![],
            soa_tcp: vec![],
            ns: vec![],
            ns_addrs: vec![],
            ds: vec![],
            dnskey: vec![],
            asked: vec![],
            transfers: vec![],
            mail: BTreeMap::new(),
            checked_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            cname_chain: vec![],
            cname_loop: false,
            cname_too_long: false,
            cname_unresolved: None,
            addresses: vec![],
            unresolvable: BTreeMap::new(),
            aliases: BTreeMap::new(),
            unroutable: vec![],
            expected: None,
            slow_after: DEFAULT_SLOW,
            routed: false,
            queries: 0,
            limits: Limits::default(),
            registration: None,
            registrar: None,
            anchors: None,
            file_signatures: vec![],
        }
    }

    /// The servers of the zone, as the last level asked them.
    pub fn zone_servers(&self) -> &[NameServer] {
        self.zone_level()
            .map(|l| l.servers.as_slice())
            .unwrap_or(&[])
    }

    /// The level of the zone itself.
    pub fn zone_level(&self) -> Option<&walk::Level> {
        let zone = self.zone.as_ref()?;
        self.walk.levels.last().filter(|l| l.zone == *zone)
    }

    /// The level of the zone's parent.
    pub fn parent_level(&self) -> Option<&walk::Level> {
        let parent = self.delegation()?.parent.as_ref()?;
        self.walk.levels.iter().rev().find(|l| l.zone == *parent)
    }

    /// The parent's delegation of the zone.
    pub fn delegation(&self) -> Option<&walk::Delegation> {
        let zone = self.zone.as_ref()?;
        self.walk
            .delegations
            .iter()
            .rev()
            .find(|d| d.child.as_ref() == Some(zone))
    }

    /// The TTL of the parent's NS records for the zone: how long a resolver may keep using the
    /// old name servers after a delegation change.
    pub fn parent_ns_ttl(&self) -> Option<u32> {
        let child = self.delegation()?.child.as_ref()?;
        self.parent_level()?
            .probes
            .iter()
            .filter_map(Probe::message)
            .flat_map(|m| m.authorities.iter())
            .filter(|r| r.record_type() == RecordType::NS && r.name.to_lowercase() == *child)
            .map(|r| r.ttl)
            .max()
    }

    /// What the authoritative servers answer for the name, in the zone model (for the caches).
    pub fn authoritative_data(&self) -> Option<crate::zone::RData> {
        let level = self.zone_level()?;
        level
            .probes
            .iter()
            .filter(|p| answers_with_authority(p))
            .find_map(|p| {
                let m = p.message()?;
                let rtype = m
                    .answers
                    .iter()
                    .find(|r| r.name.to_lowercase() == self.qname.to_lowercase())?
                    .record_type();
                let records: Vec<&RData> = m
                    .answers
                    .iter()
                    .filter(|r| {
                        r.name.to_lowercase() == self.qname.to_lowercase()
                            && r.record_type() == rtype
                    })
                    .map(|r| &r.data)
                    .collect();
                crate::zone::wire::from_hickory(rtype, &records).map(|(_, d)| d)
            })
    }

    /// Whether any server answered anything at all.
    pub fn reached_anything(&self) -> bool {
        self.walk
            .levels
            .iter()
            .any(|l| l.probes.iter().any(|p| p.result.is_ok()))
    }

    /// Every probe sent to the zone's own servers (the walk's question, SOA, NS, DNSKEY, the
    /// in-zone name servers' addresses, the table's questions about the zone's data).
    pub fn zone_probes(&self) -> impl Iterator<Item = &Probe> {
        self.zone_level()
            .into_iter()
            .flat_map(|l| l.probes.iter())
            .chain(&self.soa_udp)
            .chain(&self.ns)
            .chain(&self.soa_tcp)
            .chain(&self.dnskey)
            .chain(&self.ns_addrs)
            .chain(self.data_answers())
    }

    /// The answers to one question of the table, in the order of the zone's servers.
    pub fn answers(&self, question: Question) -> impl Iterator<Item = &Probe> + Clone {
        self.asked
            .iter()
            .filter(move |a| a.question == question)
            .map(|a| &a.probe)
    }

    /// The answers to the table's questions about the zone's data (not the server's
    /// behaviour).
    pub fn data_answers(&self) -> impl Iterator<Item = &Probe> + Clone {
        self.asked
            .iter()
            .filter(|a| a.question.is_data())
            .map(|a| &a.probe)
    }

    /// Every probe sent to the parent's servers about the zone (the walk's question there and
    /// the DS set).
    pub fn parent_probes(&self) -> impl Iterator<Item = &Probe> {
        self.parent_level()
            .into_iter()
            .flat_map(|l| l.probes.iter())
            .chain(&self.ds)
    }
}

/// The zone the walk ended at, whether it is dead, its apex answers, and the addresses of its
/// in-zone name servers.
async fn read_zone_round(walker: &Walker, facts: &mut Facts) {
    let walk = &facts.walk;
    let (zone, dead) = match (&walk.end, walk.levels.last()) {
        (End::Reached, Some(level)) => (level.zone.clone(), false),
        // The parent was read and delegates the zone, but none of its servers is usable: the
        // zone is the one to judge (every server silent or broken, a delegation cycle).
        (End::Unreachable(zone), Some(_))
            if !zone.is_root()
                && walk
                    .delegations
                    .iter()
                    .any(|d| d.child.as_ref() == Some(zone)) =>
        {
            (zone.clone(), true)
        }
        _ => return,
    };
    facts.zone = Some(zone.clone());
    facts.dead = dead;
    let apex = walk
        .levels
        .last()
        .map(|l| l.apex.clone())
        .unwrap_or_default();
    let pick = |t: RecordType, proto: Proto| {
        apex.iter()
            .filter(|p| p.qtype == t && p.proto == proto)
            .cloned()
            .collect::<Vec<_>>()
    };
    facts.soa_udp = pick(RecordType::SOA, Proto::Udp);
    facts.soa_tcp = pick(RecordType::SOA, Proto::Tcp);
    facts.ns = pick(RecordType::NS, Proto::Udp);
    facts.dnskey = pick(RecordType::DNSKEY, Proto::Udp);
    facts.ds = pick(RecordType::DS, Proto::Udp);
    if !dead {
        let in_zone: BTreeSet<Name> = facts
            .delegation()
            .map(|d| d.ns.iter().filter(|n| zone.zone_of(n)).cloned().collect())
            .unwrap_or_default();
        let servers = facts.zone_servers().to_vec();
        facts.ns_addrs = in_zone_addresses(walker, &servers, &in_zone).await;
    }
}

/// The questions of the table asked of each server of the zone once it has answered with
/// authority (or, for a server that never did, after the walk). Each address is asked all of
/// them at once over one socket, and, over TCP beside them, for a zone transfer (only whether
/// it opens: no round trip of its own, as the SOA is asked over TCP in the same round).
#[derive(Debug, Default)]
struct ServerAnswers {
    asked: Vec<Asked>,
    transfers: Vec<TransferProbe>,
}

impl ServerAnswers {
    fn into_facts(self, facts: &mut Facts) {
        facts.asked.extend(self.asked);
        facts.transfers.extend(self.transfers);
    }
}

async fn server_questions(
    walker: &Walker,
    server: &NameServer,
    zone: &Name,
    nonexistent: &Name,
    entries: &[&questions::Entry],
) -> ServerAnswers {
    let framed: Vec<Framed> = entries
        .iter()
        .map(|e| e.framed(zone, nonexistent))
        .collect();
    let targets: Vec<IpAddr> = walker
        .targets(std::slice::from_ref(server))
        .map(|(_, a)| a)
        .collect();
    let asked = targets.into_iter().map(|addr| {
        let framed = &framed;
        async move {
            let retries = walker.config.retries;
            let transfer = async {
                if is_route53(&server.name) {
                    return None;
                }
                Some(walker.transfer_given(addr, zone).await)
            };
            let (probes, transfer) = futures_util::join!(
                walker.probe_forms(&server.name, addr, framed, retries),
                transfer
            );
            (addr, probes, transfer)
        }
    });
    let mut answers = ServerAnswers::default();
    for (addr, probes, transfer) in futures_util::future::join_all(asked).await {
        if let Some(t) = transfer {
            answers
                .transfers
                .push(transfer_probe(&server.name, addr, t));
        }
        answers
            .asked
            .extend(entries.iter().zip(probes).map(|(e, probe)| Asked {
                question: e.question,
                probe,
            }));
    }
    answers
}

/// What a transfer's first message said.
fn transfer_probe(server: &Name, addr: IpAddr, t: walk::transport::Transfer) -> TransferProbe {
    use walk::transport::Transfer;
    let (given, why) = match t {
        Transfer::CutShort { .. } | Transfer::Records(_) => (true, String::new()),
        Transfer::Refused(why) => (false, why),
        Transfer::Failed(e) => (false, e.to_string()),
    };
    TransferProbe {
        server: server.clone(),
        addr,
        given,
        why,
    }
}

/// The addresses of each mail exchanger the MX answers name: those inside the zone from the
/// answers' additional section, where the zone's own servers put them (RFC 1035 §3.3.9: an
/// address record owned by the exchanger's name, so no alias), the others looked up from the
/// root, each once per check.
async fn mail_addresses(
    walker: &Walker,
    mx: impl Iterator<Item = &Probe> + Clone,
    zone: &Name,
) -> BTreeMap<Name, Vec<IpAddr>> {
    let hosts = rules::exchangers(mx.clone(), zone);
    let mut out: BTreeMap<Name, Vec<IpAddr>> = BTreeMap::new();
    for m in mx
        .filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
    {
        for r in m.additionals.iter().filter(|r| zone.zone_of(&r.name)) {
            let host = r.name.to_lowercase();
            let addr = match &r.data {
                RData::A(a) => IpAddr::from(a.0),
                RData::AAAA(a) => IpAddr::from(a.0),
                _ => continue,
            };
            if hosts.contains(&host) && !out.get(&host).is_some_and(|a| a.contains(&addr)) {
                out.entry(host).or_default().push(addr);
            }
        }
    }
    let others: Vec<&Name> = hosts.iter().filter(|h| !out.contains_key(*h)).collect();
    let found = futures_util::future::join_all(others.iter().map(|h| walker.addresses(h))).await;
    out.extend(others.into_iter().cloned().zip(found));
    out
}

/// Whether the servers of `zone` are asked the server questions as soon as the walk asks them
/// (before knowing the level is the zone that holds the name, so that they cost no round trip
/// of their own): the name itself, or its parent when that is no top-level zone. A level that
/// turns out not to be the zone has its answers dropped; a zone not foreseen here is asked
/// when its servers answer.
fn foreseen(zone: &Name, qname: &Name) -> bool {
    zone == qname || (*zone == qname.base_name() && zone.num_labels() >= 2)
}

/// What the walk's events start (see [`gather`]): the CNAME chain from the first
/// authoritative answer, and the server questions of each server of a level, each address once
/// per zone — as the walk asks it when the level is [`foreseen`], else as it answers.
async fn follow_early(
    walker: &Walker,
    mut asking: tokio::sync::mpsc::UnboundedReceiver<(Name, NameServer)>,
    mut answered: tokio::sync::mpsc::UnboundedReceiver<walk::Level>,
    qname: &Name,
    qtype: RecordType,
) -> (Option<Chain>, Vec<(Name, ServerAnswers)>) {
    use futures_util::StreamExt;
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<walk::Level>();
    let chain = async {
        let first = first_rx.await.ok()?;
        Some(follow_cnames(walker, Some(&first), qname, qtype).await)
    };
    let questions = async {
        let mut first_tx = Some(first_tx);
        let mut pending = futures_util::stream::FuturesUnordered::new();
        let mut seen = std::collections::HashSet::new();
        let mut names: BTreeMap<Name, Option<Name>> = BTreeMap::new();
        let mut done = vec![];
        let (mut asking_open, mut answered_open) = (true, true);
        loop {
            let mut start: Vec<(Name, NameServer)> = vec![];
            tokio::select! {
                event = asking.recv(), if asking_open => match event {
                    Some((zone, server)) if foreseen(&zone, qname) => start.push((zone, server)),
                    Some(_) => {}
                    None => asking_open = false,
                },
                event = answered.recv(), if answered_open => match event {
                    Some(level) => {
                        if let Some(tx) = first_tx.take() {
                            let _ = tx.send(level.clone());
                        }
                        start.extend(level.servers.into_iter().map(|s| (level.zone.clone(), s)));
                    }
                    None => answered_open = false,
                },
                Some(answers) = pending.next(), if !pending.is_empty() => done.push(answers),
                else => break,
            }
            for (zone, server) in start {
                // Each address once per zone, however many names point at it.
                let addrs: Vec<IpAddr> = server
                    .addrs
                    .iter()
                    .copied()
                    .filter(|a| seen.insert((zone.clone(), *a)))
                    .collect();
                let nonexistent = names
                    .entry(zone.clone())
                    .or_insert_with(|| nonexistent_name(&zone))
                    .clone();
                let (Some(nonexistent), false) = (nonexistent, addrs.is_empty()) else {
                    continue;
                };
                let server = NameServer {
                    name: server.name,
                    addrs,
                };
                pending.push(async move {
                    let all: Vec<&questions::Entry> = questions::TABLE.iter().collect();
                    let answers =
                        server_questions(walker, &server, &zone, &nonexistent, &all).await;
                    (zone, answers)
                });
            }
        }
        done
    };
    futures_util::join!(chain, questions)
}

/// The expected name servers asked directly for the zone's SOA and DNSKEY set (the zone the
/// walk reached, or the last one delegated when it reached none).
async fn ask_expected(walker: &Walker, facts: &Facts, names: BTreeSet<Name>) -> Expected {
    let mut soa = Vec::new();
    let mut dnskey = Vec::new();
    let zone = facts
        .zone
        .clone()
        .or_else(|| facts.walk.delegations.last().and_then(|d| d.child.clone()));
    if let Some(zone) = &zone {
        let found =
            futures_util::future::join_all(names.iter().map(|ns| walker.addresses(ns))).await;
        for (ns, addrs) in names.iter().zip(found) {
            let server = NameServer {
                name: ns.clone(),
                addrs,
            };
            if server.addrs.is_empty() {
                soa.push(Probe {
                    server: ns.clone(),
                    addr: IpAddr::from([0, 0, 0, 0]),
                    qname: zone.clone(),
                    qtype: RecordType::SOA,
                    proto: Proto::Udp,
                    result: Err(NoAnswer::Error("no address found for this name".into())),
                });
            }
            let one = std::slice::from_ref(&server);
            let (s, k) = futures_util::join!(
                walker.ask_all(one, zone, RecordType::SOA, Proto::Udp),
                walker.ask_all(one, zone, RecordType::DNSKEY, Proto::Udp),
            );
            soa.extend(s);
            dnskey.extend(k);
        }
    }
    Expected { names, soa, dnskey }
}

/// The server questions of the zone's servers that never answered with authority during the
/// walk (one round trip more, only when a server failed; each address once).
async fn ask_the_others(walker: &Walker, facts: &mut Facts, nonexistent: &Name) {
    let Some(zone) = facts.zone.clone() else {
        return;
    };
    let asked: std::collections::HashSet<IpAddr> =
        facts.asked.iter().map(|b| b.probe.addr).collect();
    let mut seen = std::collections::HashSet::new();
    let others: Vec<NameServer> = facts
        .zone_servers()
        .iter()
        .map(|s| NameServer {
            name: s.name.clone(),
            addrs: s
                .addrs
                .iter()
                .copied()
                .filter(|a| !asked.contains(a) && seen.insert(*a))
                .collect(),
        })
        .filter(|s| !s.addrs.is_empty())
        .collect();
    let answers = futures_util::future::join_all(
        others
            .iter()
            .map(|s| failed_server_questions(walker, s, &zone, nonexistent)),
    )
    .await;
    for a in answers {
        a.into_facts(facts);
    }
}

/// The server questions of a server that never answered with authority: first whether it
/// answers a plain question (once, no retry: a server silent to everything costs one attempt's
/// timeout more); the other questions only of an address that does.
async fn failed_server_questions(
    walker: &Walker,
    server: &NameServer,
    zone: &Name,
    nonexistent: &Name,
) -> ServerAnswers {
    let first = Question::NoEdns.entry();
    let plain = futures_util::future::join_all(server.addrs.iter().map(|&addr| async move {
        let framed = [first.framed(zone, nonexistent)];
        let probes = walker.probe_forms(&server.name, addr, &framed, 0).await;
        probes.into_iter().map(|probe| Asked {
            question: first.question,
            probe,
        })
    }))
    .await
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let answering = NameServer {
        name: server.name.clone(),
        addrs: plain
            .iter()
            .filter(|b| b.probe.result.is_ok())
            .map(|b| b.probe.addr)
            .collect(),
    };
    let rest: Vec<&questions::Entry> = questions::TABLE
        .iter()
        .filter(|e| e.question != first.question)
        .collect();
    let mut answers = server_questions(walker, &answering, zone, nonexistent, &rest).await;
    answers.asked.extend(plain);
    answers
}

/// A name of `zone` that does not exist: a random label under the apex (none when the name
/// would be too long).
fn nonexistent_name(zone: &Name) -> Option<Name> {
    let label = format!(
        "{}-{:08x}",
        rules::DENIAL_PROBE_LABEL,
        rand::random::<u32>()
    );
    Name::from_ascii(&label).ok()?.append_domain(zone).ok()
}

/// Walks to `qname` and gathers what the rules need.
pub async fn gather(
    walker: &Walker,
    qname: &Name,
    qtype: RecordType,
    expected_ns: Option<BTreeSet<Name>>,
) -> Facts {
    // The CNAME chain is followed as soon as the zone's servers have answered the name, and
    // the zone's servers are asked the server questions as they are asked the walk's (or as
    // they answer it), while the apex questions of the same round are still out: neither costs
    // a round trip of its own.
    let (asking_tx, asking_rx) = tokio::sync::mpsc::unbounded_channel();
    let (answered_tx, answered_rx) = tokio::sync::mpsc::unbounded_channel();
    let following = follow_early(walker, asking_rx, answered_rx, qname, qtype);
    let early = walk::EarlyTx {
        asking: asking_tx,
        answered: answered_tx,
    };
    let zone_round = async {
        let walk = walker.walk_early(qname, qtype, &APEX, early).await;
        let mut facts = Facts::new(qname.clone(), qtype, walk);
        read_zone_round(walker, &mut facts).await;
        facts
    };
    let (mut facts, (chain, asked)) = futures_util::join!(zone_round, following);
    // Asked as servers of the zone the walk reached (not of a level above it).
    for (zone, answers) in asked {
        if facts.zone.as_ref() == Some(&zone) {
            answers.into_facts(&mut facts);
        }
    }
    if let Some(nonexistent) = facts.zone.as_ref().and_then(nonexistent_name) {
        ask_the_others(walker, &mut facts, &nonexistent).await;
    }
    in_server_order(&mut facts);
    if let Some(chain) = chain.filter(|_| facts.zone.is_some() && !facts.dead) {
        facts.cname_chain = chain.links;
        facts.cname_loop = chain.looped;
        facts.cname_too_long = chain.too_long;
        facts.cname_unresolved = chain.unresolved;
        facts.addresses = chain.addresses;
    }
    // The mail exchangers of the zone reached (not of a level the walk left behind), beside
    // the expected name servers' questions.
    let mail = async {
        match &facts.zone {
            Some(zone) => mail_addresses(walker, facts.answers(Question::Mx), zone).await,
            None => BTreeMap::new(),
        }
    };
    let expected = async {
        match expected_ns {
            Some(names) => Some(ask_expected(walker, &facts, names).await),
            None => None,
        }
    };
    let (mail, expected) = futures_util::join!(mail, expected);
    facts.mail = mail;
    facts.expected = expected;
    facts.unresolvable = walker.unresolvable();
    facts.aliases = walker.aliases();
    facts.unroutable = walker.unroutable();
    let budget = walker.budget();
    facts.queries = walker.queries();
    facts.limits = Limits {
        sent: budget.sent(),
        max_queries: budget.max(),
        budget_spent: budget.was_spent() || facts.walk.end == End::Budget && !budget.was_late(),
        deadline_passed: budget.was_late(),
        deadline_seconds: walker.config.deadline.map(|d| d.as_secs()),
        too_deep: facts.walk.end == End::TooDeep,
    };
    facts
}

/// The server questions' answers in the order of the zone's servers, not of their arrival:
/// reports stay stable.
fn in_server_order(facts: &mut Facts) {
    let servers = facts.zone_servers().to_vec();
    let order = |addr: &IpAddr| servers.iter().position(|s| s.addrs.contains(addr));
    facts
        .asked
        .sort_by_key(|b| (order(&b.probe.addr), b.probe.addr, b.question));
    facts.transfers.sort_by_key(|t| (order(&t.addr), t.addr));
}

/// The A and AAAA records of each in-zone name server, each name asked once, of one of the
/// zone's servers (the next one when that one gives no usable answer). Not every server for
/// every name: with hundreds of name servers that is tens of thousands of questions, and the
/// servers' agreement is judged on the SOA and the name itself.
async fn in_zone_addresses(
    walker: &Walker,
    servers: &[NameServer],
    hosts: &BTreeSet<Name>,
) -> Vec<Probe> {
    let targets: Vec<(&NameServer, IpAddr)> = walker.targets(servers).collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let questions: Vec<(usize, &Name, RecordType)> = hosts
        .iter()
        .flat_map(|h| [RecordType::A, RecordType::AAAA].map(|t| (h, t)))
        .enumerate()
        .map(|(i, (h, t))| (i, h, t))
        .collect();
    let asked = futures_util::future::join_all(questions.into_iter().map(|(i, host, t)| {
        let targets = &targets;
        async move {
            let mut probes = Vec::new();
            for k in 0..targets.len().min(3) {
                let (server, addr) = targets[(i + k) % targets.len()];
                let p = walker.probe(&server.name, addr, host, t, Proto::Udp).await;
                let usable = answers_with_authority(&p);
                let not_asked = matches!(&p.result, Err(e) if e.not_asked());
                probes.push(p);
                if usable || not_asked {
                    break;
                }
            }
            probes
        }
    }))
    .await;
    asked.into_iter().flatten().collect()
}

/// Where a CNAME chain led.
#[derive(Debug, Default)]
struct Chain {
    links: Vec<(Name, Name)>,
    looped: bool,
    too_long: bool,
    unresolved: Option<String>,
    addresses: Vec<IpAddr>,
}

/// Follows the CNAME chain of the name to its end, walking each target from the root.
async fn follow_cnames(
    walker: &Walker,
    level: Option<&walk::Level>,
    qname: &Name,
    qtype: RecordType,
) -> Chain {
    let mut chain = Chain::default();
    let Some(level) = level else {
        return chain;
    };
    let mut answer = walk::authoritative_answer(level, qname, qtype);
    let mut current = qname.clone();
    let mut seen = BTreeSet::from([current.clone()]);
    while let Some(target) = answer.cname.clone().filter(|_| qtype != RecordType::CNAME) {
        chain.links.push((current.clone(), target.clone()));
        if !seen.insert(target.clone()) {
            chain.looped = true;
            return chain;
        }
        if chain.links.len() > MAX_CNAME_CHAIN {
            chain.too_long = true;
            return chain;
        }
        let w = walker.walk_plain(&target, qtype).await;
        let Some(level) = w.levels.last() else {
            return chain;
        };
        answer = walk::authoritative_answer(level, &target, qtype);
        chain.unresolved = unresolved(&w, level, &target, &answer);
        current = target;
    }
    chain.addresses = answer.addrs;
    chain
}

/// Why a CNAME target could not be resolved, if it could not: it does not exist, or no server
/// of its zone gave an authoritative answer (what each did instead).
fn unresolved(
    w: &Walk,
    level: &walk::Level,
    target: &Name,
    answer: &walk::Answer,
) -> Option<String> {
    if answer.nxdomain {
        return Some(format!(
            "{} does not exist (NXDOMAIN from the servers of {})",
            target.to_ascii(),
            level.zone.to_ascii()
        ));
    }
    if level.probes.iter().any(answers_with_authority) {
        return None;
    }
    if matches!(w.end, End::Budget) {
        return None;
    }
    let said: Vec<String> = level
        .probes
        .iter()
        .map(|p| {
            let what = match &p.result {
                Ok(r) => format!(
                    "{} without authority",
                    walk::rcode_name(r.message.metadata.response_code)
                ),
                Err(e) => e.to_string(),
            };
            format!("{} ({}): {what}", p.server.to_ascii(), p.addr)
        })
        .collect();
    Some(format!(
        "no server of {} gave an authoritative answer for {}{}",
        level.zone.to_ascii(),
        target.to_ascii(),
        if said.is_empty() {
            " (no server address could be found)".to_string()
        } else {
            format!(": {}", said.join("; "))
        }
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub servers: Vec<String>,
    pub fix: String,
}

impl Finding {
    /// A finding of `code`, at the code's severity, with the code's fix.
    pub fn new(code: Code, message: String, servers: Vec<String>) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            message,
            servers,
            fix: code.fix().to_string(),
        }
    }

    /// The fix said more precisely than the code's (which server, which records, what TTL).
    pub fn with_fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }
}

/// Whether the probe is a proper authoritative answer (AA=1, NOERROR or NXDOMAIN).
pub fn answers_with_authority(p: &Probe) -> bool {
    p.is_authoritative_answer()
}
