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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};

pub use transport::{Budget, Form, NoAnswer, Proto, Reply, Transfer, TransferLimits};

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
        // In an answer with OPT; TSIG calls the same number BADSIG.
        16 => "BADVERS".into(),
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
    /// No server of this zone gave a usable answer.
    Unreachable(Name),
    /// The budget of messages, or the check's deadline, was spent.
    Budget,
    /// More zone cuts than the depth limit.
    TooDeep,
    /// The walk came back to a zone whose name servers it was resolving: they can only be
    /// found through themselves (name servers without glue in each other's zones).
    Cycle(Name),
}

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
    /// Zone cuts met so far (the child and its servers, addresses found): a walk that only
    /// needs the answer (a CNAME target, a name server's address) starts at the deepest one
    /// above its name instead of at the root, as a resolver's cache would.
    cuts: Arc<Mutex<BTreeMap<Name, Vec<NameServer>>>>,
    /// Every question sent, by address: asked once, answered for everyone who asks.
    asked: Arc<Mutex<HashMap<Question, Arc<tokio::sync::OnceCell<Probe>>>>>,
}

/// One question to one address.
type Question = (IpAddr, Name, RecordType, Proto);

impl Walker {
    pub fn new(config: Config, hints: Vec<NameServer>) -> Self {
        let deadline = config.deadline.map(|d| Instant::now() + d);
        Walker {
            budget: Budget::new(config.max_queries, deadline),
            config,
            hints: Arc::new(hints),
            dead: Arc::default(),
            addresses: Arc::default(),
            aliases: Arc::default(),
            unresolvable: Arc::default(),
            routes: Arc::default(),
            cuts: Arc::default(),
            asked: Arc::default(),
        }
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

    /// Hosts whose address lookup went through a CNAME, with the target.
    pub fn aliases(&self) -> BTreeMap<Name, Name> {
        self.aliases.lock().map(|a| a.clone()).unwrap_or_default()
    }

    /// Every address of `servers` this check may ask (the `-4`/`-6` family filter, and a route
    /// from this host), with its server: the one place that picks addresses, for the walk,
    /// verification and transfers.
    pub fn targets<'s>(
        &'s self,
        servers: &'s [NameServer],
    ) -> impl Iterator<Item = (&'s NameServer, IpAddr)> + 's {
        let (v4, v6) = (self.config.ipv4, self.config.ipv6);
        servers.iter().flat_map(move |s| {
            s.addrs
                .iter()
                .filter(move |a| match a {
                    IpAddr::V4(_) => v4,
                    IpAddr::V6(_) => v6,
                })
                .filter(move |a| self.routable(**a))
                .map(move |a| (s, *a))
        })
    }

    /// Whether this host has a route to `addr`: a UDP socket is connected to it, which sends
    /// nothing. Asked once per address.
    fn routable(&self, addr: IpAddr) -> bool {
        let Ok(mut routes) = self.routes.lock() else {
            return true;
        };
        *routes.entry(addr).or_insert_with(|| {
            let any: IpAddr = match addr {
                IpAddr::V4(_) => std::net::Ipv4Addr::UNSPECIFIED.into(),
                IpAddr::V6(_) => std::net::Ipv6Addr::UNSPECIFIED.into(),
            };
            std::net::UdpSocket::bind((any, 0))
                .and_then(|s| s.connect((addr, self.config.port)))
                .is_ok()
        })
    }

    /// Addresses of name servers this host has no route to: not asked (and not blamed).
    pub fn unroutable(&self) -> Vec<IpAddr> {
        self.routes
            .lock()
            .map(|r| {
                let mut out: Vec<IpAddr> =
                    r.iter().filter(|(_, ok)| !**ok).map(|(a, _)| *a).collect();
                out.sort();
                out
            })
            .unwrap_or_default()
    }

    fn is_dead(&self, addr: IpAddr, proto: Proto) -> bool {
        self.dead
            .lock()
            .map(|d| d.contains(&(addr, proto)))
            .unwrap_or(false)
    }

    fn mark_dead(&self, addr: IpAddr, proto: Proto) {
        if let Ok(mut dead) = self.dead.lock() {
            dead.insert((addr, proto));
        }
    }

    fn settings(&self) -> transport::Settings {
        transport::Settings {
            timeout: self.config.timeout,
            retries: self.config.retries,
            recursion: false,
            form: transport::Form::Standard,
        }
    }

    /// `qname`/`qtype` asked of `addr` over UDP in another form (another EDNS, or RD=1), to see
    /// how the server behaves: asked even of a server the walk found silent (silence to the
    /// usual form is what such a question tells apart), never marking it, never shared.
    pub async fn probe_form(
        &self,
        server: &Name,
        addr: IpAddr,
        question: (&Name, RecordType),
        form: transport::Form,
        recursion: bool,
        retries: u32,
    ) -> Probe {
        let (qname, qtype) = question;
        let settings = transport::Settings {
            form,
            recursion,
            retries,
            ..self.settings()
        };
        let sock = SocketAddr::new(addr, self.config.port);
        let query = Query::query(qname.clone(), qtype);
        Probe {
            server: server.clone(),
            addr,
            qname: qname.clone(),
            qtype,
            proto: Proto::Udp,
            result: transport::ask(&self.budget, sock, &query, settings, Proto::Udp).await,
        }
    }

    /// One question to one address, counted against the budget.
    /// What `addr` says to `qname`/`qtype` over `proto`. Each question is sent to each address
    /// once per check: whoever asks it again (another name of the same server, another walk
    /// through the same zone) shares the answer.
    pub async fn probe(
        &self,
        server: &Name,
        addr: IpAddr,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Probe {
        let key = (addr, qname.clone(), qtype, proto);
        let cell = match self.asked.lock() {
            Ok(mut asked) => asked.entry(key).or_default().clone(),
            Err(_) => Arc::default(),
        };
        let probe = cell
            .get_or_init(|| self.probe_once(server, addr, qname, qtype, proto))
            .await;
        Probe {
            server: server.clone(),
            ..probe.clone()
        }
    }

    async fn probe_once(
        &self,
        server: &Name,
        addr: IpAddr,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Probe {
        let result = if self.is_dead(addr, proto) {
            Err(NoAnswer::Timeout)
        } else {
            let sock = SocketAddr::new(addr, self.config.port);
            let query = Query::query(qname.clone(), qtype);
            let r = transport::ask(&self.budget, sock, &query, self.settings(), proto).await;
            match &r {
                Err(e) if e.is_silence() => self.mark_dead(addr, proto),
                Err(NoAnswer::AfterTruncation(e)) if e.is_silence() => {
                    self.mark_dead(addr, Proto::Tcp);
                }
                _ => {}
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
        if self.is_dead(addr, Proto::Udp) {
            return (0..questions.len())
                .map(|i| judge(i, &Err(NoAnswer::Timeout)))
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
        let slots = batch::ask_many(&self.budget, sock, &queries, limits, |i, result| {
            heard |= !matches!(&result, Err(e) if e.is_silence() || e.not_asked());
            match result {
                Ok(reply) if reply.message.metadata.truncation => None,
                other => Some(judge(i, &other)),
            }
        })
        .await;
        if !heard && !questions.is_empty() && !self.budget.was_spent() {
            self.mark_dead(addr, Proto::Udp);
        }
        let mut judged = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            let verdict = match slot {
                Some(verdict) => verdict,
                None => {
                    let tcp = if self.is_dead(addr, Proto::Tcp) {
                        Err(NoAnswer::Timeout)
                    } else {
                        transport::ask(&self.budget, sock, &queries[i], self.settings(), Proto::Tcp)
                            .await
                    };
                    if matches!(&tcp, Err(e) if e.is_silence()) {
                        self.mark_dead(addr, Proto::Tcp);
                    }
                    let tcp = tcp
                        .map(|mut reply| {
                            reply.retried_tcp = true;
                            reply
                        })
                        .map_err(|e| NoAnswer::AfterTruncation(Box::new(e)));
                    judge(i, &tcp)
                }
            };
            judged.push(verdict);
        }
        judged
    }

    /// The whole zone from one server address, by zone transfer (counts as one message),
    /// stopped past `limits`.
    pub async fn transfer(
        &self,
        addr: IpAddr,
        origin: &Name,
        limits: TransferLimits,
    ) -> transport::Transfer {
        let sock = SocketAddr::new(addr, self.config.port);
        transport::transfer(&self.budget, sock, origin, self.config.timeout, limits).await
    }

    /// Asks every address of every server, in parallel. Names that share an address are one
    /// server, asked once (a referral naming 200 servers at a few addresses costs a few
    /// questions, not 200).
    pub async fn ask_all(
        &self,
        servers: &[NameServer],
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Vec<Probe> {
        join_all(
            servers
                .iter()
                .map(|s| self.ask_server(s, qname, qtype, proto)),
        )
        .await
        .into_iter()
        .flatten()
        .collect()
    }

    /// Asks every address of one server.
    async fn ask_server(
        &self,
        server: &NameServer,
        qname: &Name,
        qtype: RecordType,
        proto: Proto,
    ) -> Vec<Probe> {
        let targets: Vec<IpAddr> = self
            .targets(std::slice::from_ref(server))
            .map(|(_, a)| a)
            .collect();
        join_all(
            targets
                .into_iter()
                .map(|a| self.probe(&server.name, a, qname, qtype, proto)),
        )
        .await
    }

    fn budget_spent(&self) -> bool {
        self.budget.was_spent() || self.budget.past_deadline()
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
        let LevelQuestions {
            qname,
            qtype,
            apex,
            glueless_depth,
            lookup_chain,
            early,
        } = q;
        let with_apex = !apex.is_empty() && !zone.is_root();
        let each = join_all(servers.iter().map(|server| async {
            let ns = match server {
                Server::Known(ns) => ns.clone(),
                Server::Glueless(name) => NameServer {
                    name: name.clone(),
                    addrs: Box::pin(self.addresses_inner(name, glueless_depth + 1, lookup_chain))
                        .await,
                },
            };
            if with_apex {
                early.asking(zone, &ns);
            }
            let main = async {
                let probes = self.ask_server(&ns, qname, qtype, Proto::Udp).await;
                if with_apex && let Some(p) = probes.iter().find(|p| p.is_authoritative_answer()) {
                    // The zone's answer: whoever follows a CNAME, or asks this server more,
                    // may start.
                    early.send(Level {
                        zone: zone.clone(),
                        servers: vec![ns.clone()],
                        probes: vec![p.clone()],
                        apex: vec![],
                    });
                }
                probes
            };
            let own = join_all(
                apex.iter()
                    .filter(|q| with_apex && !q.of_parent)
                    .map(|q| self.ask_server(&ns, zone, q.qtype, q.proto)),
            );
            let (probes, own) = futures_util::join!(main, own);
            (ns, probes, own)
        }));
        let of_parent = join_all(
            apex.iter()
                .filter(|q| with_apex && q.of_parent)
                .map(|q| self.ask_all(parent_servers, zone, q.qtype, q.proto)),
        );
        let (each, of_parent) = futures_util::join!(each, of_parent);
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
        for q in apex.iter().filter(|_| with_apex) {
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
        let mut zone = Name::root();
        let mut servers: Vec<Server> = self.hints.iter().cloned().map(Server::Known).collect();
        let mut parent_servers: Vec<NameServer> = Vec::new();
        if apex.is_empty()
            && let Some((cut, known)) = self.deepest_cut(qname)
        {
            // Only the answer is wanted: start where a resolver's cache would.
            zone = cut;
            servers = known.into_iter().map(Server::Known).collect();
        }
        // Finding the addresses of the next level's name servers without glue must not lead
        // back to the zone whose servers they are.
        let mut lookup_chain = chain.clone();
        for _ in 0..self.config.max_depth {
            if self.budget_spent() {
                walk.end = End::Budget;
                return walk;
            }
            let asked = self
                .ask_level(
                    &zone,
                    &servers,
                    &parent_servers,
                    LevelQuestions {
                        qname,
                        qtype,
                        apex,
                        glueless_depth,
                        lookup_chain: &lookup_chain,
                        early,
                    },
                )
                .await;
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

    /// The deepest zone cut met so far that holds `qname`, with its servers.
    fn deepest_cut(&self, qname: &Name) -> Option<(Name, Vec<NameServer>)> {
        let cuts = self.cuts.lock().ok()?;
        cuts.iter()
            .filter(|(zone, _)| zone.zone_of(qname))
            .max_by_key(|(zone, _)| zone.num_labels())
            .map(|(zone, servers)| (zone.clone(), servers.clone()))
    }

    fn note_unresolvable(&self, host: &Name, why: String) {
        if let Ok(mut map) = self.unresolvable.lock() {
            map.entry(host.clone()).or_insert(why);
        }
    }

    /// Name servers whose address the walk could not find, and why (no glue inside the zone, a
    /// cycle of zones without glue, too deep).
    pub fn unresolvable(&self) -> BTreeMap<Name, String> {
        self.unresolvable
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// A host's addresses, found by walking from the root (A and AAAA, following CNAMEs a few
    /// steps), never through the system resolver. Each host is looked up once per check.
    pub async fn addresses(&self, host: &Name) -> Vec<IpAddr> {
        self.addresses_inner(host, 1, &Chain::default()).await
    }

    async fn addresses_inner(&self, host: &Name, depth: usize, chain: &Chain) -> Vec<IpAddr> {
        if chain.hosts.contains(host) {
            // Finding this host's address needs this host's address.
            self.note_unresolvable(
                host,
                "finding its address leads back to itself (name servers without glue in each other's zones)".into(),
            );
            return Vec::new();
        }
        let cell = match self.addresses.lock() {
            Ok(mut map) => map.entry(host.clone()).or_default().clone(),
            Err(_) => Arc::default(),
        };
        let inner = chain.with_host(host);
        cell.get_or_init(|| self.look_up(host, depth, &inner))
            .await
            .clone()
    }

    async fn look_up(&self, host: &Name, depth: usize, chain: &Chain) -> Vec<IpAddr> {
        // A and AAAA at the same time: a name server's address costs one walk's time, not two.
        let families = [RecordType::A, RecordType::AAAA].into_iter().filter(|t| {
            (*t == RecordType::A && self.config.ipv4)
                || (*t == RecordType::AAAA && self.config.ipv6)
        });
        let found = join_all(families.map(|t| self.look_up_one(host, t, depth, chain))).await;
        let mut out = BTreeSet::new();
        let mut cycle = None;
        let mut why = None;
        for (addrs, c, w) in found {
            out.extend(addrs);
            cycle = cycle.or(c);
            why = why.or(w);
        }
        if out.is_empty() {
            let why = match cycle {
                Some(zone) => format!(
                    "finding it leads back to {} (name servers without glue in each other's zones: a cycle)",
                    zone.to_ascii()
                ),
                None => why.unwrap_or_else(|| "it could not be looked up".into()),
            };
            self.note_unresolvable(host, why);
        }
        out.into_iter().collect()
    }

    /// One family of a host's addresses, following CNAMEs a few steps: the addresses, the zone
    /// a cycle led back to, and why there are none.
    async fn look_up_one(
        &self,
        host: &Name,
        qtype: RecordType,
        depth: usize,
        chain: &Chain,
    ) -> (Vec<IpAddr>, Option<Name>, Option<String>) {
        let mut out = Vec::new();
        let mut cycle = None;
        let mut why = None;
        let mut name = host.clone();
        for _ in 0..8 {
            let walk =
                Box::pin(self.walk_inner(&name, qtype, depth, &[], chain, &Early::default())).await;
            if let End::Cycle(zone) = &walk.end {
                cycle = Some(zone.clone());
            }
            let Some(level) = walk.levels.last() else {
                break;
            };
            let answer = authoritative_answer(level, &name, qtype);
            why = Some(match &walk.end {
                End::Unreachable(zone) if level.servers.iter().all(|s| s.addrs.is_empty()) => {
                    let notes = self.unresolvable();
                    let servers: Vec<String> = level
                        .servers
                        .iter()
                        .map(|s| match notes.get(&s.name) {
                            Some(why) => format!("{} ({why})", s.name.to_ascii()),
                            None => s.name.to_ascii(),
                        })
                        .collect();
                    format!(
                        "no name server of {} has an address: {}",
                        zone.to_ascii(),
                        servers.join(", ")
                    )
                }
                End::Unreachable(zone) => {
                    format!("no server of {} gives a usable answer", zone.to_ascii())
                }
                _ if answer.nxdomain => {
                    format!("{} does not exist (NXDOMAIN)", name.to_ascii())
                }
                _ => "it has no address record of the families asked".to_string(),
            });
            out.extend(answer.addrs);
            match answer.cname {
                Some(target) if out.is_empty() => {
                    if let Ok(mut aliases) = self.aliases.lock() {
                        aliases.entry(name.clone()).or_insert(target.clone());
                    }
                    name = target;
                }
                _ => break,
            }
        }
        (out, cycle, why)
    }
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

/// What an address lookup is nested in: the zones whose glueless name servers are being looked
/// up, and the hosts being looked up. Meeting one of them again is a cycle.
#[derive(Debug, Clone, Default)]
struct Chain {
    zones: Vec<Name>,
    hosts: Vec<Name>,
}

/// A server of the next level: its addresses known (glue, or none to be had), or to be looked
/// up when the level is asked.
enum Server {
    Known(NameServer),
    Glueless(Name),
}

/// What one level of the walk asks besides the level's own zone.
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

impl Chain {
    fn with_zone(&self, zone: &Name) -> Chain {
        let mut c = self.clone();
        c.zones.push(zone.clone());
        c
    }

    fn with_host(&self, host: &Name) -> Chain {
        let mut c = self.clone();
        c.hosts.push(host.clone());
        c
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
            // Signatures are judged by the DNSSEC rules; an online signer's differ from answer
            // to answer (ECDSA is randomised), so they are no part of what a server answers.
            .filter(|r| r.record_type() != RecordType::RRSIG)
            .map(|r: &Record| format!("{} {} {}", r.name.to_lowercase(), r.record_type(), r.data))
            .collect(),
    )
}
