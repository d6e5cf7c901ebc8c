//! Gathering: the walk from the root and every question of a round, into [`Facts`] built
//! once. [`gather`] walks to the zone that holds the name, asking every server of that zone for
//! its SOA (over UDP and over TCP), its apex NS set and DNSKEY set, and the parent's servers for
//! its DS set, in the same round as the walk's own question; each address of the zone's servers
//! the questions of the table ([`super::questions`]) as the walk asks it; then the addresses of
//! its in-zone name servers, the name's CNAME chain, the mail exchangers and the expected
//! servers, at the same time; the registry beside it all. [`round`] adds the zone file's
//! verification on every server and the failover primaries' health from Route 53.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use hickory_proto::rr::{Name, RData, RecordType};

use super::facts::{
    Expected, Facts, Limits, MAX_CNAME_CHAIN, TransferProbe, exchangers, is_route53,
};
use super::questions::{self, Asked, Question};
use super::settings::{Settings, ZoneFile};
use super::verification::{CheckStatus, Verification};
use super::{anchor, validate, verify};
use crate::check::facts::answers_with_authority;
use crate::error::{Error, Result};
use crate::provider::route53::Route53;
use crate::provider::route53::domains::DomainDetail;
use crate::walk::batch::Framed;
use crate::walk::{self, ApexQuestion, End, NameServer, NoAnswer, Probe, Proto, Walk, Walker};
use crate::zone::{HealthRef, RType, RrKey, Zone};
use crate::zonedir;

/// What the check expects of the delegation, read once before its rounds.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// The name servers the zone should be delegated to.
    pub name_servers: Option<BTreeSet<Name>>,
    /// With `--expect route53`: the domain's registration with Route 53 Domains, when it is
    /// registered in this account.
    pub registrar: Option<DomainDetail>,
}

/// What [`gather`] is given besides the walker: the question, what is expected of the
/// delegation, the registry to ask, and the settings the rules judge by (recorded in the
/// facts).
#[derive(Debug, Clone)]
pub struct Given<'a> {
    pub qname: Name,
    pub qtype: RecordType,
    pub expected: &'a Expectation,
    pub rdap: Option<&'a crate::rdap::Rdap>,
    pub slow_after: Duration,
    pub anchors: Option<Vec<anchor::Anchor>>,
}

/// One round's facts from its settings: the walk and its questions, the registry, then the
/// zone file (`--zone-file`, or the zone's file in the zones directory) verified on every
/// server, and with `--health-status` the failover primaries' health from Route 53. The zone
/// file comes back beside the facts (the caches are asked for its sets).
pub async fn round(
    walker: &Walker,
    s: &Settings,
    expected: &Expectation,
) -> Result<(Facts, Option<Zone>)> {
    let given = Given {
        qname: s.name.clone(),
        qtype: s.qtype,
        expected,
        rdap: s.rdap.as_deref(),
        slow_after: s.slow,
        anchors: s.anchors.clone(),
    };
    let facts = gather(walker, given).await;
    let Some((path, zone)) = zone_file(s, facts.zone.as_ref())? else {
        return Ok((facts, None));
    };
    let servers = facts.zone_servers().to_vec();
    let keys = verify::Keys {
        keys: validate::zone_keys(&facts),
        now: facts.checked_at as u32,
        verified: Default::default(),
    };
    let file = path.display().to_string();
    let probes = Some(facts.transfers.as_slice());
    let mut v = verify::verify(walker, &zone, &file, &servers, probes, &keys).await;
    if let Some(t) = RType::from_record_type(s.qtype) {
        v.routed = sets_at(&zone, &RrKey::new(s.name.clone(), t)).any(|(k, _)| k.set_id.is_some());
    }
    if s.health_status {
        primary_statuses(s, &zone, &mut v).await?;
    }
    let facts = Facts {
        verification: Some(v),
        ..facts
    };
    Ok((facts, Some(zone)))
}

/// The record sets of a name and type in a zone file: the plain set, or its routed sets.
pub(super) fn sets_at<'z>(
    zone: &'z Zone,
    plain: &RrKey,
) -> impl Iterator<Item = (&'z RrKey, &'z crate::zone::RecordSet)> {
    let plain = plain.clone();
    zone.rrsets
        .range(plain.clone()..)
        .take_while(move |(k, _)| k.same_rrset(&plain))
}

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
    let hosts = exchangers(mx.clone(), zone);
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
        questions::NONEXISTENT_LABEL,
        rand::random::<u32>()
    );
    Name::from_ascii(&label).ok()?.append_domain(zone).ok()
}

/// Walks to the name and gathers what the rules need, the registry asked beside it all (it
/// costs the check no time of its own).
pub async fn gather(walker: &Walker, given: Given<'_>) -> Facts {
    let registration = async {
        match given.rdap {
            Some(rdap) => Some(rdap.lookup(&given.qname).await),
            None => None,
        }
    };
    let (mut facts, registration) = futures_util::join!(walk_and_ask(walker, &given), registration);
    facts.registration = registration;
    facts
}

/// The walk, the zone's questions, and everything they lead to.
async fn walk_and_ask(walker: &Walker, given: &Given<'_>) -> Facts {
    let (qname, qtype) = (&given.qname, given.qtype);
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
        facts.slow_after = given.slow_after;
        facts.anchors = given.anchors.clone();
        facts.registrar = given.expected.registrar.clone();
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
        match &given.expected.name_servers {
            Some(names) => Some(ask_expected(walker, &facts, names.clone()).await),
            None => None,
        }
    };
    let (mail, expected) = futures_util::join!(mail, expected);
    facts.mail = mail;
    facts.expected = expected;
    what_the_walker_kept(walker, &mut facts);
    facts
}

/// What the walker learnt along the way (names it could not resolve, aliases, unroutable
/// addresses) and how the check's limits held.
fn what_the_walker_kept(walker: &Walker, facts: &mut Facts) {
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

/// The zone file to verify: `--zone-file`, else the zone's file in the zones directory when it
/// exists. It must be valid and be the zone the walk reached.
fn zone_file(s: &Settings, zone: Option<&Name>) -> Result<Option<(PathBuf, Zone)>> {
    let Some(zone) = zone else { return Ok(None) };
    let path = match &s.zone_file {
        ZoneFile::Given(p) => p.clone(),
        ZoneFile::InDir(dir) => match dir.file_of(zone) {
            p if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let loaded = zonedir::load(&path)?;
    zonedir::refuse_invalid(&loaded)?;
    if loaded.zone.origin != *zone {
        return Err(Error::Usage(format!(
            "{} is the zone file of {}, but {} lives in the zone {}",
            path.display(),
            loaded.zone.origin.to_ascii(),
            s.name_text(),
            zone.to_ascii()
        )));
    }
    Ok(Some((path, loaded.zone)))
}

/// `--health-status`: for each failover pair a server answered with its secondary, what Route 53
/// says of the primary's health check (found as sync finds it: by its tags, or its `id`).
async fn primary_statuses(s: &Settings, zone: &Zone, v: &mut Verification) -> Result<()> {
    let wanted: Vec<usize> = v
        .sets
        .iter()
        .enumerate()
        .filter(|(_, set)| set.primary_check.is_some() && !set.on_secondary().is_empty())
        .map(|(i, _)| i)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let client = Route53::connect(&s.aws).await.map_err(Error::Aws)?;
    let zone_err = |source| Error::Provider {
        zone: zone.origin.to_ascii(),
        source,
    };
    let (_, ids) = client
        .owned_checks(
            &zone.origin,
            zone.settings.private.is_some(),
            &zone.settings.health_checks,
        )
        .await
        .map_err(zone_err)?;
    for i in wanted {
        let set = &mut v.sets[i];
        let Some(name) = set.primary_check.clone() else {
            continue;
        };
        // Not known (no such check in Route 53 yet, or no status): the warning stays.
        let named = HealthRef::Named(name.clone());
        let Some(id) = ids.id(&named) else {
            eprintln!(
                "note: Route 53 has no health check `{name}` for {}: run dns sync",
                zone.origin.to_ascii()
            );
            continue;
        };
        match client.health_status(id).await {
            Ok((healthy, report)) => set.primary_status = Some(CheckStatus { healthy, report }),
            Err(e) => eprintln!("note: health check `{name}` ({id}): {e}"),
        }
    }
    Ok(())
}
