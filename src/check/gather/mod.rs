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
use std::time::Duration;

use hickory_proto::rr::{Name, RData, RecordType};

mod beyond;
mod cnames;
mod servers;
mod zone_file;

use cnames::{Chain, follow_cnames};
use servers::{ServerAnswers, ask_the_others, in_server_order, nonexistent_name, server_questions};
use zone_file::{primary_statuses, zone_file};

use super::facts::{Expected, Facts, Limits, Undelegated, domain_of, exchangers};
use super::questions::{self, Question};
use super::settings::{Settings, ZoneFile};
use super::{anchor, validate, verify};
use crate::check::facts::answers_with_authority;
use crate::error::Result;
use crate::provider::route53::domains::DomainDetail;
use crate::walk::{self, ApexQuestion, End, NameServer, NoAnswer, Probe, Proto, Walker};
use crate::zone::{RType, RrKey, Zone};

/// What the check expects of the delegation, read once before its rounds.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// The name servers the zone should be delegated to.
    pub name_servers: Option<BTreeSet<Name>>,
    /// With `--expect route53`: the hosted zone that holds the name (its record sets stand in
    /// for a zone file before a move, when there is none).
    pub hosted_zone: Option<crate::provider::route53::HostedZone>,
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
    /// The domain that should be a zone of its own: the hosted zone's name, the zone file's,
    /// or the registered domain of the name ([`domain_of`]). A walk that ends above it finds
    /// the domain not delegated, not a zone to judge.
    pub domain: Name,
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
        domain: expected_domain(s, expected),
        expected,
        rdap: s.rdap.as_deref(),
        slow_after: s.slow,
        anchors: s.anchors.clone(),
    };
    let facts = gather(walker, given).await;
    let file = match zone_file(s, facts.zone.as_ref())? {
        Some((path, zone)) => Some((path.display().to_string(), zone)),
        None => {
            zone_file::hosted_zone_sets(s, expected, &facts, preflight_servers(&facts).is_some())
                .await?
        }
    };
    let Some((file, zone)) = file else {
        return Ok((facts, None));
    };
    let (mut v, preflight, beyond_file) = verify_all(walker, &facts, &zone, &file).await;
    if let Some(t) = RType::from_record_type(s.qtype) {
        v.routed = sets_at(&zone, &RrKey::new(s.name.clone(), t)).any(|(k, _)| k.set_id.is_some());
    }
    if s.health_status {
        primary_statuses(s, &zone, &mut v).await?;
    }
    let facts = Facts {
        verification: Some(v),
        preflight,
        beyond_file,
        ..facts
    };
    Ok((facts, Some(zone)))
}

/// The zone file on every server of the zone; before a move, on the expected servers too, and
/// what the current servers serve beyond it asked of both sides: the verification, the
/// pre-flight, and the answers beyond the file.
async fn verify_all(
    walker: &Walker,
    facts: &Facts,
    zone: &Zone,
    file: &str,
) -> (
    crate::check::verification::Verification,
    Option<crate::check::verification::Verification>,
    Vec<Probe>,
) {
    let servers = facts.zone_servers().to_vec();
    let keys = verify::Keys {
        keys: validate::zone_keys(facts),
        now: facts.checked_at as u32,
        verified: Default::default(),
    };
    let probes = Some(facts.transfers.as_slice());
    // Before a move, the expected servers are asked for the same record sets, beside (their
    // keys are the new provider's: their signatures are not judged here).
    let expected_servers = preflight_servers(facts);
    let preflight_keys = verify::Keys {
        now: keys.now,
        ..Default::default()
    };
    // The two verifications run at once on one budget: each is given room for both.
    let addresses = |servers: &[NameServer]| servers.iter().map(|s| s.addrs.len()).sum::<usize>();
    let both = (zone.rrsets.len() + 1)
        * (addresses(&servers) + expected_servers.as_deref().map_or(0, addresses));
    let walker = &walker.with_extra_budget(both);
    let preflight = async {
        match &expected_servers {
            Some(servers) => {
                let v = verify::verify(walker, zone, file, servers, None, &preflight_keys);
                Some(v.await)
            }
            None => None,
        }
    };
    // Before a move, what the current servers serve beyond the file, asked of both sides
    // beside the verifications; the sets a transfer showed beyond the file, after them.
    let usual = beyond::questions(zone, facts, None);
    let around = async {
        match &expected_servers {
            Some(new) => beyond::both(walker, &servers, new, &usual).await,
            None => Vec::new(),
        }
    };
    let (v, preflight, mut beyond_file) = futures_util::join!(
        verify::verify(walker, zone, file, &servers, probes, &keys),
        preflight,
        around
    );
    if let Some(new) = &expected_servers {
        let transferred: Vec<_> = beyond::questions(zone, facts, Some(&v))
            .into_iter()
            .filter(|q| !usual.contains(q))
            .collect();
        beyond_file.extend(beyond::both(walker, &servers, new, &transferred).await);
    }
    (v, preflight, beyond_file)
}

/// The domain that should be a zone of its own: the hosted zone that holds the name
/// (`--expect route53`), else the zone file's (`--zone-file`, or the closest enclosing one of
/// the zones directory), else the registered domain of the name.
fn expected_domain(s: &Settings, expected: &Expectation) -> Name {
    let from_file = |path: &std::path::Path| crate::zone::load::zone_name_of(path).ok();
    let file = match &s.zone_file {
        ZoneFile::Given(path) => from_file(path),
        ZoneFile::InDir(dir) => dir.enclosing(&s.name).first().and_then(|p| from_file(p)),
    };
    expected
        .hosted_zone
        .as_ref()
        .map(|z| z.name.clone())
        .or(file)
        .filter(|d| d.zone_of(&s.name))
        .unwrap_or_else(|| domain_of(&s.name))
}

/// The expected servers, with the addresses found for them, when the parent delegates the zone
/// to other servers (a move not made yet); `None` otherwise.
fn preflight_servers(facts: &Facts) -> Option<Vec<NameServer>> {
    let expected = facts.expected.as_ref()?;
    let delegated = &facts.delegation()?.ns;
    if delegated.is_empty() || expected.names == *delegated {
        return None;
    }
    let mut servers: Vec<NameServer> = Vec::new();
    for p in expected.soa.iter().filter(|p| !p.addr.is_unspecified()) {
        match servers.iter_mut().find(|s| s.name == p.server) {
            Some(s) if !s.addrs.contains(&p.addr) => s.addrs.push(p.addr),
            Some(_) => {}
            None => servers.push(NameServer {
                name: p.server.clone(),
                addrs: vec![p.addr],
            }),
        }
    }
    (!servers.is_empty()).then_some(servers)
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
/// in-zone name servers; or, when the walk ended at a zone above the domain (its parent answers
/// for it instead of delegating it), that the domain is not delegated, and no zone at all.
async fn read_zone_round(walker: &Walker, facts: &mut Facts, domain: &Name) {
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
    if !dead && above(&zone, domain) {
        facts.undelegated = Some(undelegated(facts, &zone, domain));
        return;
    }
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

/// Whether `zone` is a zone above `domain` (an ancestor, not the domain itself).
fn above(zone: &Name, domain: &Name) -> bool {
    zone != domain && zone.zone_of(domain)
}

/// `parent`, whose servers answered for `domain` instead of delegating it: what they said.
fn undelegated(facts: &Facts, parent: &Name, domain: &Name) -> Undelegated {
    let answers = facts
        .walk
        .levels
        .last()
        .into_iter()
        .flat_map(|l| l.probes.iter())
        .filter(|p| answers_with_authority(p));
    let nxdomain = answers
        .clone()
        .any(|p| p.rcode() == Some(hickory_proto::op::ResponseCode::NXDomain));
    let said = if nxdomain {
        "NXDOMAIN (no such name)".to_string()
    } else if answers.clone().next().is_some() {
        "an answer of their own, with no delegation".to_string()
    } else {
        "no delegation".to_string()
    };
    Undelegated {
        domain: domain.clone(),
        parent: parent.clone(),
        said,
    }
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
    domain: &Name,
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
                    Some((zone, server)) if foreseen(&zone, qname) && !above(&zone, domain) => {
                        start.push((zone, server))
                    }
                    Some(_) => {}
                    None => asking_open = false,
                },
                event = answered.recv(), if answered_open => match event {
                    Some(level) => {
                        if let Some(tx) = first_tx.take() {
                            let _ = tx.send(level.clone());
                        }
                        // Not the servers of a zone above the domain (a top-level domain that
                        // answers for a name it does not delegate): they are no zone of ours.
                        if !above(&level.zone, domain) {
                            start.extend(level.servers.into_iter().map(|s| (level.zone.clone(), s)));
                        }
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

/// The expected name servers, looked up and asked beside the walk for the SOA and DNSKEY set of
/// the domain expected to be a zone (they do not wait for the walk; [`ask_expected`] asks
/// again only if the walk ends at another zone).
async fn expected_early(walker: &Walker, given: &Given<'_>) -> Option<Expected> {
    let names = given.expected.name_servers.clone()?;
    let found = futures_util::future::join_all(names.iter().map(|ns| walker.addresses(ns))).await;
    let servers: Vec<NameServer> = names
        .iter()
        .cloned()
        .zip(found)
        .map(|(name, addrs)| NameServer { name, addrs })
        .collect();
    let (soa, dnskey) = ask_expected_servers(walker, &servers, &given.domain).await;
    Some(Expected { names, soa, dnskey })
}

/// The expected servers' answers for the zone the walk reached (or the last one delegated when
/// it reached none): those asked beside the walk when it is the domain they were asked for,
/// else asked again.
async fn ask_expected(walker: &Walker, facts: &Facts, early: Expected) -> Expected {
    let zone = facts
        .zone
        .clone()
        .or_else(|| facts.undelegated.as_ref().map(|u| u.domain.clone()))
        .or_else(|| facts.walk.delegations.last().and_then(|d| d.child.clone()));
    let Some(zone) = zone else {
        return Expected {
            names: early.names,
            soa: vec![],
            dnskey: vec![],
        };
    };
    if early.soa.iter().all(|p| p.qname == zone) {
        return early;
    }
    let mut servers: Vec<NameServer> = Vec::new();
    for p in &early.soa {
        match servers.iter_mut().find(|s| s.name == p.server) {
            Some(s) if !p.addr.is_unspecified() => s.addrs.push(p.addr),
            Some(_) => {}
            None => servers.push(NameServer {
                name: p.server.clone(),
                addrs: vec![p.addr]
                    .into_iter()
                    .filter(|a| !a.is_unspecified())
                    .collect(),
            }),
        }
    }
    let (soa, dnskey) = ask_expected_servers(walker, &servers, &zone).await;
    Expected {
        names: early.names,
        soa,
        dnskey,
    }
}

/// The SOA and DNSKEY questions for `zone`, asked of every expected server at once (a server
/// without an address is said as such).
async fn ask_expected_servers(
    walker: &Walker,
    servers: &[NameServer],
    zone: &Name,
) -> (Vec<Probe>, Vec<Probe>) {
    let mut soa = Vec::new();
    let mut dnskey = Vec::new();
    for server in servers.iter().filter(|s| s.addrs.is_empty()) {
        soa.push(Probe {
            server: server.name.clone(),
            addr: IpAddr::from([0, 0, 0, 0]),
            qname: zone.clone(),
            qtype: RecordType::SOA,
            proto: Proto::Udp,
            result: Err(NoAnswer::Error("no address found for this name".into())),
        });
    }
    let asked = futures_util::future::join_all(servers.iter().map(|server| async move {
        let one = std::slice::from_ref(server);
        futures_util::join!(
            walker.ask_all(one, zone, RecordType::SOA, Proto::Udp),
            walker.ask_all(one, zone, RecordType::DNSKEY, Proto::Udp),
        )
    }))
    .await;
    for (s, k) in asked {
        soa.extend(s);
        dnskey.extend(k);
    }
    (soa, dnskey)
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
    let following = follow_early(walker, asking_rx, answered_rx, qname, qtype, &given.domain);
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
        read_zone_round(walker, &mut facts, &given.domain).await;
        facts
    };
    let (mut facts, (chain, asked), early) =
        futures_util::join!(zone_round, following, expected_early(walker, given));
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
        match early {
            Some(early) => Some(ask_expected(walker, &facts, early).await),
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
