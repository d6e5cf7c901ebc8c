//! The iterative walk: from the root hints down to the servers of the zone that holds a name,
//! asking *every* server at *every* level (RFC 1034 §5.3.3, done the way a resolver would, but
//! exhaustively, like Zonemaster, and unlike `dig +trace`, which asks one random server per zone).
//!
//! At each level every address of every listed name server is asked the question in parallel,
//! with recursion off. A referral (RFC 1034 §4.3.2: no answer, NS records for a zone below the one
//! asked, AA=0) moves the walk down one zone; referrals only ever move *down* and toward the name.
//! Glue (the servers' addresses in the additional section) is taken only when it is in bailiwick
//! of the zone that sent it (RFC 9471 §2, RFC 2181 §5.4.1); every record dropped is kept with the
//! reason. Name servers without glue are resolved by the same walker from the root, never by the
//! system resolver. A budget of queries and a depth limit keep any answer from running it away.

pub mod batch;
pub mod hints;
pub mod transport;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};

pub use transport::{NoAnswer, Proto, Reply, Transfer};

/// Walk settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port every query goes to (53; tests and labs use another).
    pub port: u16,
    pub timeout: Duration,
    /// UDP retries after a timeout.
    pub retries: u32,
    pub ipv4: bool,
    pub ipv6: bool,
    /// Most queries one check may send.
    pub max_queries: usize,
    /// Most zone cuts one walk follows.
    pub max_depth: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 53,
            timeout: Duration::from_millis(1500),
            retries: 1,
            ipv4: true,
            ipv6: true,
            max_queries: 2000,
            max_depth: 16,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct NameServer {
    #[serde(serialize_with = "ser_name")]
    pub name: Name,
    pub addrs: Vec<IpAddr>,
}

pub fn ser_name<S: serde::Serializer>(name: &Name, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&name.to_ascii())
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
        n => format!("RCODE{n}"),
    }
}

/// What one server said (or did not say) to one question.
#[derive(Debug, Clone)]
pub struct Probe {
    pub server: Name,
    pub addr: IpAddr,
    pub qname: Name,
    pub qtype: RecordType,
    pub proto: Proto,
    pub result: Result<Reply, NoAnswer>,
}

impl Probe {
    pub fn message(&self) -> Option<&Message> {
        self.result.as_ref().ok().map(|r| &r.message)
    }

    pub fn rcode(&self) -> Option<ResponseCode> {
        self.message().map(|m| m.metadata.response_code)
    }

    pub fn authoritative(&self) -> bool {
        self.message().is_some_and(|m| m.metadata.authoritative)
    }
}

/// The parent's view of one zone cut.
#[derive(Debug, Clone, Default)]
pub struct Delegation {
    pub parent: Option<Name>,
    pub child: Option<Name>,
    /// The union of the NS sets the parent's servers gave.
    pub ns: BTreeSet<Name>,
    /// Glue accepted (in bailiwick of the parent), by name server.
    pub glue: BTreeMap<Name, BTreeSet<IpAddr>>,
    /// Each parent server's own NS set, to spot parents that disagree.
    pub by_server: Vec<(Name, IpAddr, BTreeSet<Name>)>,
}

/// One zone asked: its servers and every probe sent to them.
#[derive(Debug, Clone)]
pub struct Level {
    pub zone: Name,
    pub servers: Vec<NameServer>,
    pub probes: Vec<Probe>,
    /// The zone's SOA (UDP and TCP) and NS asked of the same servers in the same round, so that
    /// the zone that turns out to hold the name costs no extra round trip.
    pub apex: Vec<Probe>,
}

/// Everything one walk saw.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub levels: Vec<Level>,
    /// Zone cuts, top-down (the last one delegates the zone that holds the name).
    pub delegations: Vec<Delegation>,
    /// Records dropped, with the reason (out of bailiwick glue, stray records).
    pub dropped: Vec<String>,
    /// How the walk ended.
    pub end: End,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum End {
    /// The zone's servers were reached and asked.
    #[default]
    Reached,
    /// No server of this zone answered at all.
    Unreachable(Name),
    /// The budget of queries or the depth limit was spent.
    Budget,
}

/// Shared state of one check: settings and the query budget.
#[derive(Debug, Clone)]
pub struct Walker {
    pub config: Config,
    hints: Arc<Vec<NameServer>>,
    queries: Arc<AtomicUsize>,
    /// Addresses that did not answer, per protocol: asked once, so that a dead server costs the
    /// check one timeout rather than one per question.
    dead: Arc<Mutex<HashSet<(IpAddr, Proto)>>>,
    pool: transport::Pool,
}

impl Walker {
    pub fn new(config: Config, hints: Vec<NameServer>) -> Self {
        Walker {
            config,
            hints: Arc::new(hints),
            queries: Arc::new(AtomicUsize::new(0)),
            dead: Arc::default(),
            pool: transport::Pool::default(),
        }
    }

    /// The same walker (shared counter and memory of dead servers) allowed `extra` more
    /// queries: for work whose size the user chose, such as verifying every record of a zone.
    pub fn with_extra_budget(&self, extra: usize) -> Walker {
        let mut w = self.clone();
        w.config.max_queries = self.config.max_queries.saturating_add(extra);
        w
    }

    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::Relaxed)
    }

    fn family_ok(&self, addr: &IpAddr) -> bool {
        match addr {
            IpAddr::V4(_) => self.config.ipv4,
            IpAddr::V6(_) => self.config.ipv6,
        }
    }

    /// One question to one address, counted against the budget.
    pub async fn probe(
        &self,
        server: &Name,
        addr: IpAddr,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Probe {
        let known_dead = self
            .dead
            .lock()
            .map(|d| d.contains(&(addr, proto)))
            .unwrap_or(false);
        let result = if known_dead {
            Err(NoAnswer::Timeout)
        } else if self.queries.fetch_add(1, Ordering::Relaxed) >= self.config.max_queries {
            Err(NoAnswer::Error("query budget spent".into()))
        } else {
            let sock = SocketAddr::new(addr, self.config.port);
            let query = Query::query(qname.clone(), qtype);
            let r = transport::ask_pooled(
                &self.pool,
                sock,
                &query,
                self.config.timeout,
                self.config.retries,
                proto,
            )
            .await;
            if matches!(r, Err(NoAnswer::Timeout | NoAnswer::Refused))
                && let Ok(mut dead) = self.dead.lock()
            {
                dead.insert((addr, proto));
            }
            r
        };
        Probe {
            server: server.clone(),
            addr,
            qname: qname.clone(),
            qtype,
            proto,
            result,
        }
    }

    /// Asks one server address many questions over UDP through one socket ([`batch`]), with
    /// `window` of them in flight; truncated answers are asked again over TCP. Each answer is
    /// handed to `judge` (with the question's index) as soon as it is settled, so that thousands
    /// of answers are never held at once; the judgements come back in the order of `questions`.
    /// The budget and the memory of dead servers apply as in [`Walker::probe`].
    pub async fn ask_many<T>(
        &self,
        addr: IpAddr,
        questions: &[(Name, RecordType)],
        window: usize,
        judge: impl Fn(usize, &Result<Reply, NoAnswer>) -> T,
    ) -> Vec<T> {
        let known_dead = self
            .dead
            .lock()
            .map(|d| d.contains(&(addr, Proto::Udp)))
            .unwrap_or(false);
        let spent = self
            .queries
            .fetch_add(questions.len(), Ordering::Relaxed)
            .saturating_add(questions.len());
        if known_dead || spent > self.config.max_queries {
            let why = if known_dead {
                NoAnswer::Timeout
            } else {
                NoAnswer::Error("query budget spent".into())
            };
            return (0..questions.len())
                .map(|i| judge(i, &Err(why.clone())))
                .collect();
        }
        let sock = SocketAddr::new(addr, self.config.port);
        let queries: Vec<Query> = questions
            .iter()
            .map(|(n, t)| Query::query(n.clone(), *t))
            .collect();
        let limits = batch::Limits {
            timeout: self.config.timeout,
            retries: self.config.retries,
            window: window.max(1),
        };
        // A truncated answer is kept aside and asked again over TCP below.
        let mut heard = false;
        let slots = batch::ask_many(sock, &queries, limits, |i, result| {
            heard |= !matches!(result, Err(NoAnswer::Timeout | NoAnswer::Refused));
            match result {
                Ok(reply) if reply.message.metadata.truncation => None,
                other => Some(judge(i, &other)),
            }
        })
        .await;
        if !heard
            && !questions.is_empty()
            && let Ok(mut dead) = self.dead.lock()
        {
            dead.insert((addr, Proto::Udp));
        }
        let mut judged = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            let verdict = match slot {
                Some(verdict) => verdict,
                None => {
                    self.queries.fetch_add(1, Ordering::Relaxed);
                    let tcp = transport::ask_pooled(
                        &self.pool,
                        sock,
                        &queries[i],
                        self.config.timeout,
                        0,
                        Proto::Tcp,
                    )
                    .await
                    .map(|mut reply| {
                        reply.retried_tcp = true;
                        reply
                    });
                    judge(i, &tcp)
                }
            };
            judged.push(verdict);
        }
        judged
    }

    /// The whole zone from one server address, by zone transfer (counts as one query).
    pub async fn transfer(&self, addr: IpAddr, origin: &Name) -> transport::Transfer {
        if self.queries.fetch_add(1, Ordering::Relaxed) >= self.config.max_queries {
            return transport::Transfer::Failed(NoAnswer::Error("query budget spent".into()));
        }
        let sock = SocketAddr::new(addr, self.config.port);
        transport::transfer(sock, origin, self.config.timeout).await
    }

    /// Asks every address of every server, in parallel.
    pub async fn ask_all(
        &self,
        servers: &[NameServer],
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Vec<Probe> {
        let futures = servers
            .iter()
            .flat_map(|s| {
                s.addrs
                    .iter()
                    .filter(|a| self.family_ok(a))
                    .map(move |a| (s, *a))
            })
            .map(|(s, a)| self.probe(&s.name, a, qname, qtype, proto));
        join_all(futures).await
    }

    fn budget_spent(&self) -> bool {
        self.queries() >= self.config.max_queries
    }

    /// Walks from the root to the zone holding `qname`, asking `qtype` at every level, and each
    /// zone's SOA and NS alongside.
    pub async fn walk(&self, qname: &Name, qtype: RecordType) -> Walk {
        self.walk_inner(qname, qtype, 0, true).await
    }

    /// The same walk without the apex questions (CNAME targets, name server addresses).
    pub async fn walk_plain(&self, qname: &Name, qtype: RecordType) -> Walk {
        self.walk_inner(qname, qtype, 0, false).await
    }

    async fn walk_inner(
        &self,
        qname: &Name,
        qtype: RecordType,
        glueless_depth: usize,
        with_apex: bool,
    ) -> Walk {
        let mut walk = Walk::default();
        let mut zone = Name::root();
        let mut servers: Vec<NameServer> = self.hints.as_ref().clone();
        let mut parent_servers: Vec<NameServer> = Vec::new();
        for _ in 0..self.config.max_depth {
            if self.budget_spent() {
                walk.end = End::Budget;
                return walk;
            }
            let (probes, apex) = if with_apex && !zone.is_root() {
                // In the same round as the question: the zone's SOA (UDP and TCP), NS and DNSKEY
                // sets from its servers, and its DS set from the parent's servers.
                let (probes, soa_udp, ns, soa_tcp, dnskey, ds) = futures_util::join!(
                    self.ask_all(&servers, qname, qtype, Proto::Udp),
                    self.ask_all(&servers, &zone, RecordType::SOA, Proto::Udp),
                    self.ask_all(&servers, &zone, RecordType::NS, Proto::Udp),
                    self.ask_all(&servers, &zone, RecordType::SOA, Proto::Tcp),
                    self.ask_all(&servers, &zone, RecordType::DNSKEY, Proto::Udp),
                    self.ask_all(&parent_servers, &zone, RecordType::DS, Proto::Udp),
                );
                (
                    probes,
                    soa_udp
                        .into_iter()
                        .chain(ns)
                        .chain(soa_tcp)
                        .chain(dnskey)
                        .chain(ds)
                        .collect(),
                )
            } else {
                (
                    self.ask_all(&servers, qname, qtype, Proto::Udp).await,
                    Vec::new(),
                )
            };
            // The zone's own servers answered (the parent's answers to the DS question do not
            // count).
            let answered = probes
                .iter()
                .chain(&apex)
                .filter(|p| p.qtype != RecordType::DS)
                .any(|p| p.result.is_ok());
            let referral = pick_referral(&zone, qname, &probes, &mut walk.dropped);
            walk.levels.push(Level {
                zone: zone.clone(),
                servers: servers.clone(),
                probes,
                apex,
            });
            if !answered {
                walk.end = End::Unreachable(zone);
                return walk;
            }
            let Some(delegation) = referral else {
                walk.end = End::Reached;
                return walk;
            };
            let child = delegation.child.clone().unwrap_or_else(Name::root);
            let mut next = Vec::new();
            let mut glueless = Vec::new();
            for ns in &delegation.ns {
                match delegation.glue.get(ns) {
                    Some(addrs) => next.push(NameServer {
                        name: ns.clone(),
                        addrs: addrs.iter().copied().collect(),
                    }),
                    None => glueless.push(ns.clone()),
                }
            }
            if !glueless.is_empty() && glueless_depth < 3 {
                let resolved = join_all(
                    glueless
                        .iter()
                        .map(|ns| self.addresses_inner(ns, glueless_depth + 1)),
                )
                .await;
                for (ns, addrs) in glueless.into_iter().zip(resolved) {
                    next.push(NameServer { name: ns, addrs });
                }
            }
            walk.delegations.push(delegation);
            zone = child;
            parent_servers = std::mem::replace(&mut servers, next);
            servers.sort();
        }
        walk.end = End::Budget;
        walk
    }

    /// A host's addresses, found by walking from the root (A and AAAA, following CNAMEs a few
    /// steps), never through the system resolver.
    pub async fn addresses(&self, host: &Name) -> Vec<IpAddr> {
        self.addresses_inner(host, 1).await
    }

    async fn addresses_inner(&self, host: &Name, depth: usize) -> Vec<IpAddr> {
        let mut out = BTreeSet::new();
        for qtype in [RecordType::A, RecordType::AAAA] {
            if (qtype == RecordType::A && !self.config.ipv4)
                || (qtype == RecordType::AAAA && !self.config.ipv6)
            {
                continue;
            }
            let mut name = host.clone();
            for _ in 0..8 {
                let walk = Box::pin(self.walk_inner(&name, qtype, depth, false)).await;
                let Some(level) = walk.levels.last() else {
                    break;
                };
                let answer = authoritative_answer(level, &name, qtype);
                out.extend(answer.addrs);
                match answer.cname {
                    Some(target) if out.is_empty() => name = target,
                    _ => break,
                }
            }
        }
        out.into_iter().collect()
    }
}

/// The referral most servers of `zone` gave for `qname`, if any: the child zone, the union of
/// NS sets, and glue that is in bailiwick of `zone`.
fn pick_referral(
    zone: &Name,
    qname: &Name,
    probes: &[Probe],
    dropped: &mut Vec<String>,
) -> Option<Delegation> {
    let mut votes: BTreeMap<Name, usize> = BTreeMap::new();
    for p in probes {
        if let Some(child) = referral_child(zone, qname, p) {
            *votes.entry(child).or_default() += 1;
        }
    }
    // Most votes; on a tie the deeper zone.
    let child = votes
        .into_iter()
        .max_by_key(|(n, v)| (*v, n.num_labels()))?
        .0;
    let mut d = Delegation {
        parent: Some(zone.clone()),
        child: Some(child.clone()),
        ..Delegation::default()
    };
    for p in probes {
        if referral_child(zone, qname, p).as_ref() != Some(&child) {
            continue;
        }
        let Some(m) = p.message() else { continue };
        let ns: BTreeSet<Name> = m
            .authorities
            .iter()
            .filter(|r| r.record_type() == RecordType::NS && r.name.to_lowercase() == child)
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(ns.0.to_lowercase()),
                _ => None,
            })
            .collect();
        d.ns.extend(ns.iter().cloned());
        d.by_server.push((p.server.clone(), p.addr, ns));
        for r in &m.additionals {
            let addr = match &r.data {
                RData::A(a) => IpAddr::V4(a.0),
                RData::AAAA(a) => IpAddr::V6(a.0),
                _ => continue,
            };
            let owner = r.name.to_lowercase();
            if !in_bailiwick(&owner, zone) {
                dropped.push(format!(
                    "{} {} {addr} from {} ({}): out of bailiwick of {} (RFC 9471), not used as glue",
                    owner, r.record_type(), p.server, p.addr, zone
                ));
            } else if !d.ns.contains(&owner) {
                dropped.push(format!(
                    "{} {} {addr} from {}: not a name server of {child}, ignored",
                    owner,
                    r.record_type(),
                    p.server
                ));
            } else {
                d.glue.entry(owner).or_default().insert(addr);
            }
        }
    }
    Some(d)
}

/// The child zone a probe's answer refers to, when it is a referral downward toward `qname`.
pub fn referral_child(zone: &Name, qname: &Name, p: &Probe) -> Option<Name> {
    let m = p.message()?;
    if m.metadata.response_code != ResponseCode::NoError
        || !m.answers.is_empty()
        || m.metadata.authoritative
    {
        return None;
    }
    m.authorities
        .iter()
        .filter(|r| r.record_type() == RecordType::NS)
        .map(|r| r.name.to_lowercase())
        .find(|owner| owner != zone && zone.zone_of(owner) && owner.zone_of(qname))
}

/// Whether `name` is at or below `zone`: records a server of `zone` may vouch for (RFC 9471).
pub fn in_bailiwick(name: &Name, zone: &Name) -> bool {
    zone.zone_of(name)
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
            .map(|r: &Record| format!("{} {} {}", r.name.to_lowercase(), r.record_type(), r.data))
            .collect(),
    )
}
