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

mod ask;
pub mod batch;
mod facts;
mod glueless;
pub mod hints;
pub mod polite;
mod referral;
pub mod saved;
pub mod transport;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::{Either, join_all};
use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};

pub use facts::*;
pub use referral::{in_bailiwick, referral_child};
pub use transport::{Budget, Form, NoAnswer, Proto, Reply, Transfer, TransferLimits};

use glueless::Chain;
use referral::pick_referral;

/// Walk settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port every query goes to (53; tests and labs use another).
    pub port: u16,
    /// How long one attempt waits for its answer.
    pub timeout: Duration,
    /// UDP retransmissions after an attempt timed out.
    pub retries: u32,
    pub ipv4: bool,
    pub ipv6: bool,
    /// Most messages one check may send (retransmissions, TCP retries and zone transfers
    /// included).
    pub max_queries: usize,
    /// Most zone cuts one walk follows.
    pub max_depth: usize,
    /// The longest one check may take, from the walker's creation.
    pub deadline: Option<Duration>,
    /// Ask the root's servers for the root's DNSKEY set in the walk's first round: the start
    /// of the chain of trust, when there is a trust anchor to hold it to.
    pub root_keys: bool,
    /// Questions a second to one server address at most, across a run (0: no limit until a
    /// server shows one): see [`polite`].
    pub qps: f64,
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
            deadline: Some(Duration::from_secs(30)),
            root_keys: false,
            qps: DEFAULT_QPS,
        }
    }
}

/// Questions a second to one server address by default: half the rate at which NSD, BIND and
/// Knot begin to limit one kind of answer.
pub const DEFAULT_QPS: f64 = 100.0;

/// One host's address lookup, shared by everyone who needs it.
type Lookup = Arc<tokio::sync::OnceCell<Vec<IpAddr>>>;

/// Shared state of one check: settings and the query budget.
#[derive(Debug, Clone)]
pub struct Walker {
    pub config: Config,
    hints: Arc<Vec<NameServer>>,
    budget: Budget,
    /// Addresses that did not answer, per protocol: asked once, so that a dead server costs the
    /// check one timeout rather than one per question.
    dead: Arc<Mutex<HashSet<(IpAddr, Proto)>>>,
    /// Host addresses found so far: each name is looked up once per check.
    addresses: Arc<Mutex<HashMap<Name, Lookup>>>,
    /// Hosts whose address lookup met a CNAME (host, target): a name server's name must not be
    /// an alias (RFC 2181 §10.3).
    aliases: Arc<Mutex<BTreeMap<Name, Name>>>,
    /// Name servers whose addresses could not be found, and why.
    unresolvable: Arc<Mutex<BTreeMap<Name, String>>>,
    /// Whether this host has a route to an address (found when the address is first needed):
    /// an address without one is not asked, and not blamed (an IPv4-only host, a namespace).
    routes: Arc<Mutex<HashMap<IpAddr, bool>>>,
    /// The addresses without a route this check met (`routes` is shared by a run's checks).
    unroutable_met: Arc<Mutex<BTreeSet<IpAddr>>>,
    /// Zone cuts met so far (the child and its servers, addresses found): a walk that only
    /// needs the answer (a CNAME target, a name server's address) starts at the deepest one
    /// above its name instead of at the root, as a resolver's cache would.
    cuts: Arc<Mutex<BTreeMap<Name, Vec<NameServer>>>>,
    /// Every question sent, by address: asked once, answered for everyone who asks.
    asked: Arc<Mutex<Asked>>,
    /// The questions of a run about names that are not at or below the checked zone's (the
    /// root's and the TLD's own sets, a provider's name servers): asked once for all the run's
    /// zones, as a resolver's cache answers them. Questions about the zone itself stay in
    /// `asked`, its own. The same map as `asked` outside a run.
    run_asked: Arc<Mutex<Asked>>,
    /// The zone this check is about, in a run of many.
    own: Option<Name>,
    /// The hosts this check needed the addresses of: what it reports of the address lookups
    /// (unresolvable, aliases) when their memory is shared with other checks ([`Walker::sharing`]).
    needed: Arc<Mutex<BTreeSet<Name>>>,
    /// Questions in flight to one address, at most so many: across the checks of one run, so
    /// that checking many zones at once never floods a provider's servers.
    per_server: Option<Arc<PerServer>>,
    /// The rate of questions to each address, and which addresses limited it: shared by the
    /// checks of one run.
    polite: Arc<polite::Politeness>,
}

/// A limit of questions in flight per server address, shared by the checks of one run.
#[derive(Debug)]
pub struct PerServer {
    limit: usize,
    open: Mutex<HashMap<IpAddr, Arc<tokio::sync::Semaphore>>>,
}

impl PerServer {
    pub fn new(limit: usize) -> Arc<PerServer> {
        Arc::new(PerServer {
            limit: limit.max(1),
            open: Mutex::default(),
        })
    }

    /// A turn to ask `addr` (held until the answer is in).
    pub(crate) async fn turn(&self, addr: IpAddr) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.turns(addr, 1).await.1
    }

    /// Up to `wanted` turns at once (at least one, at most the limit), for a batch of questions
    /// to `addr`: how many were given, and the turns.
    pub(crate) async fn turns(
        &self,
        addr: IpAddr,
        wanted: usize,
    ) -> (usize, Option<tokio::sync::OwnedSemaphorePermit>) {
        let n = wanted.clamp(1, self.limit);
        let semaphore = match self.open.lock() {
            Ok(mut open) => open
                .entry(addr)
                .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(self.limit)))
                .clone(),
            Err(_) => return (wanted, None),
        };
        let turns = semaphore
            .acquire_many_owned(u32::try_from(n).unwrap_or(u32::MAX))
            .await
            .ok();
        (n, turns)
    }
}

/// One question to one address.
type Question = (IpAddr, Name, RecordType, Proto);

/// The questions asked, each answered once.
type Asked = HashMap<Question, Arc<tokio::sync::OnceCell<Probe>>>;

impl Walker {
    pub fn new(config: Config, hints: Vec<NameServer>) -> Self {
        let deadline = config.deadline.map(|d| Instant::now() + d);
        let asked: Arc<Mutex<Asked>> = Arc::default();
        Walker {
            budget: Budget::new(config.max_queries, deadline),
            polite: polite::Politeness::new(config.qps),
            config,
            hints: Arc::new(hints),
            dead: Arc::default(),
            addresses: Arc::default(),
            aliases: Arc::default(),
            unresolvable: Arc::default(),
            routes: Arc::default(),
            unroutable_met: Arc::default(),
            cuts: Arc::default(),
            asked: asked.clone(),
            run_asked: asked,
            own: None,
            needed: Arc::default(),
            per_server: None,
        }
    }

    /// A walker for another check of the same run (`dns check` of many zones): its own
    /// settings, budget and deadline (from now), its own questions, and shared with this one
    /// what a resolver's cache would share: the host addresses found (a provider's name servers
    /// are looked up once for all its zones), the zone cuts met, the servers found silent, the
    /// routes from this host, the answers to questions about names that are not at or below
    /// `zone` (the root's and the TLD's own sets: each asked once per run), the limit of
    /// questions in flight per server and the rate of questions to each.
    pub fn sharing(&self, config: Config, zone: &Name) -> Walker {
        let mut w = Walker::new(config, self.hints.to_vec());
        w.run_asked = self.run_asked.clone();
        w.own = Some(zone.clone());
        w.hints = self.hints.clone();
        w.dead = self.dead.clone();
        w.addresses = self.addresses.clone();
        w.aliases = self.aliases.clone();
        w.unresolvable = self.unresolvable.clone();
        w.cuts = self.cuts.clone();
        w.routes = self.routes.clone();
        w.per_server = self.per_server.clone();
        w.polite = self.polite.clone();
        w
    }

    /// This walker and every one made from it by [`Walker::sharing`] asking at `polite`'s
    /// rates (a run's rounds share one).
    pub fn with_politeness(mut self, polite: Arc<polite::Politeness>) -> Walker {
        self.polite = polite;
        self
    }

    /// The servers that limited the rate of this run's questions.
    pub fn limiting(&self) -> Vec<polite::Limiting> {
        self.polite.limiting()
    }

    /// Questions sent to each server address this run (those paced: the walk's and the
    /// behaviour questions, not a verification's), most first.
    pub fn sent_by_address(&self) -> Vec<(IpAddr, u64)> {
        self.polite.sent()
    }

    /// At most `limit` questions in flight to any one server address, for this walker and every
    /// one made by [`Walker::sharing`] from it.
    pub fn with_per_server_limit(mut self, limit: usize) -> Walker {
        self.per_server = Some(PerServer::new(limit));
        self
    }

    /// The same walker (shared counter and memory of dead servers) allowed `extra` more
    /// messages: for work whose size the user chose, such as verifying every record of a zone.
    pub fn with_extra_budget(&self, extra: usize) -> Walker {
        let mut w = self.clone();
        w.config.max_queries = self.config.max_queries.saturating_add(extra);
        w.budget = self.budget.with_extra(extra);
        w
    }

    /// Messages sent so far.
    pub fn queries(&self) -> usize {
        self.budget.sent()
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Hosts this check looked up whose address lookup went through a CNAME, with the target
    /// (and the target's, when it is an alias too).
    pub fn aliases(&self) -> BTreeMap<Name, Name> {
        let all = self.aliases.lock().map(|a| a.clone()).unwrap_or_default();
        let mut out = BTreeMap::new();
        for host in self.needed() {
            let mut name = host;
            while let Some(target) = all.get(&name) {
                if out.insert(name, target.clone()).is_some() {
                    break;
                }
                name = target.clone();
            }
        }
        out
    }

    /// The hosts this check needed the addresses of.
    pub(crate) fn needed(&self) -> BTreeSet<Name> {
        self.needed.lock().map(|n| n.clone()).unwrap_or_default()
    }

    /// Walks from the root to the zone holding `qname`, asking `qtype` at every level, and at
    /// each zone below the root the `apex` questions in the same round (so that the zone that
    /// turns out to hold the name costs no extra round trip).
    pub async fn walk(&self, qname: &Name, qtype: RecordType, apex: &[ApexQuestion]) -> Walk {
        self.walk_inner(qname, qtype, 0, apex, &Chain::default(), &Early::default())
            .await
    }

    /// [`walk`](Self::walk), telling `early` of each server of a level as it is about to be
    /// asked, and handing it each server's answer as soon as it answers with authority, while
    /// the apex questions of the same round are still out (a CNAME can be followed, and the
    /// server asked more, from then on). The channels close when the walk is done.
    pub async fn walk_early(
        &self,
        qname: &Name,
        qtype: RecordType,
        apex: &[ApexQuestion],
        early: EarlyTx,
    ) -> Walk {
        let early = Early(Some(early));
        self.walk_inner(qname, qtype, 0, apex, &Chain::default(), &early)
            .await
    }

    /// The same walk without apex questions (CNAME targets, name server addresses).
    pub async fn walk_plain(&self, qname: &Name, qtype: RecordType) -> Walk {
        self.walk(qname, qtype, &[]).await
    }

    /// Asks every server of one level (each as soon as its address is known: a name server
    /// without glue is looked up first) the walk's question and the zone's own apex questions
    /// together, and the parent's servers theirs (DS) at the same time; remembers the zone cut.
    async fn ask_level(
        &self,
        zone: &Name,
        servers: &[Server],
        parent_servers: &[NameServer],
        q: LevelQuestions<'_>,
    ) -> AskedLevel {
        // Whether this level may be the zone that holds the name (its servers' answers start the
        // server questions and the CNAME chain).
        let candidate = !q.apex.is_empty() && !zone.is_root();
        let apex = self.apex_at(zone, q.apex);
        let each = join_all(
            servers
                .iter()
                .map(|server| self.ask_level_server(zone, server, &q, apex, candidate)),
        );
        let of_parent = join_all(
            apex.iter()
                .filter(|q| q.of_parent)
                .map(|q| self.ask_all(parent_servers, zone, q.qtype, q.proto)),
        );
        let (each, of_parent) = futures_util::join!(each, of_parent);
        self.asked_level(zone, apex, each, of_parent)
    }

    /// The apex questions asked at `zone`: at the root only its key set, and only when a trust
    /// anchor will judge it (the root is never the zone checked).
    fn apex_at<'a>(&self, zone: &Name, apex: &'a [ApexQuestion]) -> &'a [ApexQuestion] {
        match (zone.is_root(), apex.is_empty() || !self.config.root_keys) {
            (false, _) => apex,
            (true, true) => &[],
            (true, false) => &ROOT_KEYS,
        }
    }

    /// One server of a level: its address when it has no glue, then the walk's question and
    /// the zone's own apex questions.
    async fn ask_level_server(
        &self,
        zone: &Name,
        server: &Server,
        q: &LevelQuestions<'_>,
        apex: &[ApexQuestion],
        candidate: bool,
    ) -> (NameServer, Vec<Probe>, Vec<Vec<Probe>>) {
        let ns = match server {
            Server::Known(ns) => ns.clone(),
            Server::Glueless(name) => NameServer {
                name: name.clone(),
                addrs: Box::pin(self.addresses_inner(name, q.glueless_depth + 1, q.lookup_chain))
                    .await,
            },
        };
        if candidate {
            q.early.asking(zone, &ns);
        }
        let main = async {
            let probes = self.ask_server(&ns, q.qname, q.qtype, Proto::Udp).await;
            if candidate && let Some(p) = probes.iter().find(|p| p.is_authoritative_answer()) {
                // The zone's answer: whoever follows a CNAME, or asks this server more, may start.
                q.early.send(Level {
                    zone: zone.clone(),
                    servers: vec![ns.clone()],
                    probes: vec![p.clone()],
                    apex: vec![],
                });
            }
            probes
        };
        // The walk's own question to every server of the level goes out first: the level ends
        // with its slowest server, and the apex questions are not what the next level waits for.
        let own_over = |tcp: bool| {
            let ns = &ns;
            async move {
                tokio::task::yield_now().await;
                join_all(apex.iter().filter(|q| !q.of_parent).map(|q| async move {
                    match (q.proto == Proto::Tcp) == tcp {
                        true => Some(self.ask_server(ns, zone, q.qtype, q.proto).await),
                        false => None,
                    }
                }))
                .await
            }
        };
        // A question over TCP costs a round trip more (the handshake). It matters only at the
        // level that turns out to be the zone: at a level whose server refers the walk further
        // down, it is given up rather than waited for (the referral is what the walk needs).
        let ((probes, udp), tcp) = {
            let tcp = std::pin::pin!(own_over(true));
            let over_udp = std::pin::pin!(futures_util::future::join(main, own_over(false)));
            match futures_util::future::select(over_udp, tcp).await {
                Either::Left((both, tcp)) => match probes_refer(zone, q.qname, &both.0) {
                    true => (both, Vec::new()),
                    false => (both, tcp.await),
                },
                Either::Right((tcp, over_udp)) => (over_udp.await, tcp),
            }
        };
        let mut tcp = tcp.into_iter();
        let own = udp
            .into_iter()
            .map(|u| u.or(tcp.next().flatten()).unwrap_or_default())
            .collect();
        (ns, probes, own)
    }

    /// The level from what each server and the parent's servers said; the zone cut remembered.
    fn asked_level(
        &self,
        zone: &Name,
        apex: &[ApexQuestion],
        each: Vec<(NameServer, Vec<Probe>, Vec<Vec<Probe>>)>,
        of_parent: Vec<Vec<Probe>>,
    ) -> AskedLevel {
        let mut level_servers = Vec::with_capacity(each.len());
        let mut probes = Vec::new();
        let mut own: Vec<Vec<Probe>> = vec![Vec::new(); apex.len()];
        for (ns, main, apex_probes) in each {
            level_servers.push(ns);
            probes.extend(main);
            for (i, p) in apex_probes.into_iter().enumerate() {
                own[i].extend(p);
            }
        }
        if !zone.is_root()
            && level_servers.iter().any(|s| !s.addrs.is_empty())
            && let Ok(mut cuts) = self.cuts.lock()
        {
            cuts.entry(zone.clone())
                .or_insert_with(|| level_servers.clone());
        }
        // The zone's own servers answered (the parent's answers do not count).
        let answered = probes.iter().any(|p| p.result.is_ok())
            || own.iter().flatten().any(|p| p.result.is_ok());
        // In the order of the questions: the zone's own, then the parent's.
        let mut apex_probes: Vec<Probe> = Vec::new();
        let mut own = own.into_iter();
        let mut of_parent = of_parent.into_iter();
        for q in apex {
            let next = if q.of_parent {
                of_parent.next()
            } else {
                own.next()
            };
            apex_probes.extend(next.unwrap_or_default());
        }
        AskedLevel {
            servers: level_servers,
            probes,
            apex: apex_probes,
            answered,
        }
    }

    /// The servers of the next level from a referral: with their glue, else to be looked up
    /// (glueless) — except a name server inside the child without glue (only the child could
    /// say where it is: a cycle, not chased) and lookups nested more than three deep.
    fn next_servers(
        &self,
        delegation: &Delegation,
        child: &Name,
        glueless_depth: usize,
    ) -> Vec<Server> {
        let mut next = Vec::new();
        for ns in &delegation.ns {
            next.push(match delegation.glue.get(ns) {
                Some(addrs) => Server::Known(NameServer {
                    name: ns.clone(),
                    addrs: addrs.iter().copied().collect(),
                }),
                None if child.zone_of(ns) => {
                    self.note_unresolvable(
                        ns,
                        format!(
                            "it is inside {} and the parent gives no glue for it, so it can only be found through {} itself",
                            child.to_ascii(),
                            child.to_ascii()
                        ),
                    );
                    Server::Known(NameServer {
                        name: ns.clone(),
                        addrs: vec![],
                    })
                }
                None if glueless_depth >= 3 => {
                    self.note_unresolvable(
                        ns,
                        "finding its address takes more than three levels of name servers without glue".into(),
                    );
                    Server::Known(NameServer {
                        name: ns.clone(),
                        addrs: vec![],
                    })
                }
                None => Server::Glueless(ns.clone()),
            });
        }
        next.sort_by(|a, b| a.name().cmp(b.name()));
        next
    }

    async fn walk_inner(
        &self,
        qname: &Name,
        qtype: RecordType,
        glueless_depth: usize,
        apex: &[ApexQuestion],
        chain: &Chain,
        early: &Early,
    ) -> Walk {
        let mut walk = Walk::default();
        let (mut zone, mut servers) = self.start(qname, apex);
        let mut parent_servers: Vec<NameServer> = Vec::new();
        // Finding the addresses of the next level's name servers without glue must not lead
        // back to the zone whose servers they are.
        let mut lookup_chain = chain.clone();
        for _ in 0..self.config.max_depth {
            if self.budget_spent() {
                walk.end = End::Budget;
                return walk;
            }
            let questions = LevelQuestions {
                qname,
                qtype,
                apex,
                glueless_depth,
                lookup_chain: &lookup_chain,
                early,
            };
            let asked = match zone.is_root() {
                true => self.ask_root(&servers, questions).await,
                false => {
                    self.ask_level(&zone, &servers, &parent_servers, questions)
                        .await
                }
            };
            let AskedLevel {
                servers: level_servers,
                probes,
                apex: apex_probes,
                answered,
            } = asked;
            let referral = pick_referral(&zone, qname, &probes, &mut walk.dropped);
            walk.levels.push(Level {
                zone: zone.clone(),
                servers: level_servers.clone(),
                probes,
                apex: apex_probes,
            });
            if !answered {
                walk.end = if self.budget_spent() {
                    End::Budget
                } else {
                    End::Unreachable(zone)
                };
                return walk;
            }
            let Some(delegation) = referral else {
                walk.end = End::Reached;
                return walk;
            };
            let child = delegation.child.clone().unwrap_or_else(Name::root);
            if chain.zones.contains(&child) {
                // Finding the name servers of `child` led back to `child`.
                walk.delegations.push(delegation);
                walk.end = End::Cycle(child);
                return walk;
            }
            let next = self.next_servers(&delegation, &child, glueless_depth);
            walk.delegations.push(delegation);
            lookup_chain = chain.with_zone(&child);
            zone = child;
            parent_servers = level_servers;
            servers = next;
        }
        walk.end = End::TooDeep;
        walk
    }

    /// The root's level, asked for the top-level label of the name alone (QNAME minimisation,
    /// RFC 9156, at the root only): every name under one TLD puts the root the same question,
    /// which a run asks once per root address (the run's shared answers), and the root learns
    /// no more than the TLD. Where the root's servers answer but none refers the walk for it
    /// (the TLD does not exist; the name is the root zone's own), the name itself is asked, as
    /// before, so that what is judged there is the answer for the name.
    async fn ask_root(&self, servers: &[Server], q: LevelQuestions<'_>) -> AskedLevel {
        let root = Name::root();
        if q.qname.num_labels() < 2 {
            return self.ask_level(&root, servers, &[], q).await;
        }
        let tld = q.qname.trim_to(1);
        let minimised = LevelQuestions {
            qname: &tld,
            qtype: RecordType::A,
            ..q
        };
        let asked = self.ask_level(&root, servers, &[], minimised).await;
        // No root server answered at all: asking again would only wait as long again.
        if probes_refer(&root, &tld, &asked.probes) || !asked.answered {
            return asked;
        }
        // The root's own questions (its key set) were asked with the first.
        let again = LevelQuestions { apex: &[], ..q };
        let mut full = self.ask_level(&root, servers, &[], again).await;
        full.apex = asked.apex;
        full.answered |= asked.answered;
        full
    }

    /// Where a walk starts: the root's servers; or, when only the answer is wanted, the
    /// deepest zone cut already known (as a resolver's cache would).
    fn start(&self, qname: &Name, apex: &[ApexQuestion]) -> (Name, Vec<Server>) {
        if apex.is_empty()
            && let Some((cut, known)) = self.deepest_cut(qname)
        {
            return (cut, known.into_iter().map(Server::Known).collect());
        }
        let hints = self.hints.iter().cloned().map(Server::Known).collect();
        (Name::root(), hints)
    }
}

/// A server of the next level: its addresses known (glue, or none to be had), or to be looked
/// up when the level is asked.
enum Server {
    Known(NameServer),
    Glueless(Name),
}

/// What one level of the walk asks besides the level's own zone.
/// The root's key set: the only apex question asked of the root's servers (see `apex_at`).
static ROOT_KEYS: [ApexQuestion; 1] = [ApexQuestion {
    qtype: RecordType::DNSKEY,
    proto: Proto::Udp,
    of_parent: false,
}];

struct LevelQuestions<'a> {
    qname: &'a Name,
    qtype: RecordType,
    apex: &'a [ApexQuestion],
    glueless_depth: usize,
    lookup_chain: &'a Chain,
    early: &'a Early,
}

/// One level asked: its servers (addresses found), the answers to the walk's question and to
/// the apex questions, and whether any of the zone's own servers answered at all.
struct AskedLevel {
    servers: Vec<NameServer>,
    probes: Vec<Probe>,
    apex: Vec<Probe>,
    answered: bool,
}

impl Server {
    fn name(&self) -> &Name {
        match self {
            Server::Known(ns) => &ns.name,
            Server::Glueless(name) => name,
        }
    }
}

/// Where [`Walker::walk_early`] tells what it does as it does it.
pub struct EarlyTx {
    /// Each server of a level below the root, as it is about to be asked (its addresses
    /// known): the zone, and the server.
    pub asking: tokio::sync::mpsc::UnboundedSender<(Name, NameServer)>,
    /// Each server's authoritative answer to the walk's question, as it comes in.
    pub answered: tokio::sync::mpsc::UnboundedSender<Level>,
}

/// Where the walk tells what it does as it does it (see [`Walker::walk_early`]); the default
/// tells nobody.
#[derive(Default)]
struct Early(Option<EarlyTx>);

impl Early {
    fn send(&self, level: Level) {
        if let Some(tx) = &self.0 {
            let _ = tx.answered.send(level);
        }
    }

    fn asking(&self, zone: &Name, server: &NameServer) {
        if let Some(tx) = &self.0 {
            let _ = tx.asking.send((zone.clone(), server.clone()));
        }
    }
}

/// Whether one server's answers to the walk's question refer it to a zone below `zone`.
fn probes_refer(zone: &Name, qname: &Name, probes: &[Probe]) -> bool {
    probes
        .iter()
        .any(|p| referral::referral_child(zone, qname, p).is_some())
}
