//! A DNS hierarchy on loopback for `dns check` tests, described as data: zones (records and the
//! delegations they hold, with the glue the parent gives), servers (a 127.x.y.z address each,
//! the zones they serve, their faults). Each server is a hickory-server `Server` with a scripted
//! `RequestHandler`, so every flag and section is set as a real server would set it (AA=0 and
//! glue on referrals, unlike hickory's in-memory zones). Nothing leaves 127.0.0.0/8.
//!
//! A zone with DNSKEY records is signed for real, online: its keys are ECDSA P-256 keys made
//! for the test process (one per name, `k1`), the DS at the parent is their digest, and every
//! authoritative answer's record sets are signed when served, with an NSEC proving a name
//! absent (one NSEC from the apex to itself: the minimal "white lie" of RFC 4470). The lab's
//! own RRSIG records over a DNSKEY set choose the key and the validity period; the signature is
//! computed when the set is served.

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hickory_net::xfer::Protocol;
use hickory_proto::dnssec::crypto::EcdsaSigningKey;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, NSEC, RRSIG, SigInput};
use hickory_proto::dnssec::{Algorithm, DigestType, SigningKey, TBS};
use hickory_proto::op::{Header, HeaderCounts, Metadata, ResponseCode};
use hickory_proto::rr::DNSClass;
use hickory_proto::rr::rdata::{A, CNAME, NS, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType, SerialNumber};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

/// A record in a zone: (owner, type, value), owner absolute.
pub type Rec = (&'static str, &'static str, &'static str);

#[derive(Debug, Clone)]
pub struct Delegation {
    pub child: &'static str,
    pub ns: Vec<&'static str>,
    /// Glue the parent gives: (name server, address).
    pub glue: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct ZoneSpec {
    pub name: &'static str,
    /// The zone's own apex NS set.
    pub ns: Vec<&'static str>,
    pub serial: u32,
    pub records: Vec<Rec>,
    pub delegations: Vec<Delegation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Refuse,
    ServFail,
    /// Never answer (a timeout).
    Silent,
    /// Answer without the AA bit, as a server that lost the zone but still has data.
    NoAuthority,
    /// Answer as a recursive resolver: AA=0, RA=1.
    Recursive,
    /// No TCP listener.
    NoTcp,
    /// Serve this SOA serial instead of the zone's.
    Serial(u32),
    /// Answer A questions with this address instead.
    Address(&'static str),
    /// Wait this many milliseconds before each answer (a distant server; the kernel has no netem).
    Delay(u64),
    /// A distant server as a real network has it, every packet delayed: each answer after this
    /// many milliseconds, and the first answer on a TCP connection after twice as many (the
    /// handshake's round trip, which the kernel here makes at once).
    Far(u64),
    /// The fault holds for the first milliseconds after the lab starts, then the server is well:
    /// a server catching up with a change.
    For(u64, Box<Fault>),
    /// The fault holds once the server has been asked this many questions: a parent that
    /// stops answering a client in the middle of a run (a hard rate limit).
    After(u64, Box<Fault>),
    /// Over UDP, the first copy of every question is lost (a lossy path): the client has to
    /// send each one again.
    LoseFirst,
    /// Over UDP, every answer is truncated (TC=1, no records): the client has to ask over TCP.
    Truncate,
    /// Serves its zones without their DNSSEC records (DNSKEY, RRSIG): an unsigned copy, as a
    /// new provider has before signing is enabled there.
    Unsigned,
    /// Rejects every question that carries EDNS with FORMERR (a server from before RFC 2671).
    EdnsFormErr,
    /// Drops every question that carries EDNS (a firewall that knows no OPT records).
    EdnsDrop,
    /// Answers EDNS version 1 as if it were 0, and echoes unknown EDNS flags.
    EdnsSloppy,
    /// Answers recursive questions about names outside its zones, as a resolver (the root's
    /// SOA, from its "cache").
    OpenResolver,
    /// Recurses for anyone but reaches nothing: every recursive question about names outside
    /// its zones gets SERVFAIL with RA=1 (a resolver whose upstream is gone).
    RecursorFailing,
    /// A resolver told to refuse the root's questions only: REFUSED for the root with RA=1,
    /// other recursive questions answered from its "cache" (the name's SOA).
    RefusesRootOnly,
    /// Serves its signatures with one octet changed: a signer gone wrong, or a copy of the
    /// zone altered after signing.
    BadSignatures,
    /// A hostile front on the wire (tests/common/hostile.rs) breaks the server's answers.
    Wire(super::hostile::Wire, super::hostile::On),
}

#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub name: &'static str,
    pub addr: &'static str,
    pub zones: Vec<&'static str>,
    pub faults: Vec<Fault>,
}

pub fn server(name: &'static str, addr: &'static str, zones: &[&'static str]) -> ServerSpec {
    ServerSpec {
        name,
        addr,
        zones: zones.to_vec(),
        faults: vec![],
    }
}

pub struct Lab {
    pub port: u16,
    pub servers: usize,
    pub dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Lab {
    pub fn hints(&self) -> PathBuf {
        self.dir.path().join("lab.root")
    }

    /// `dns check` arguments that point at this lab.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--root-hints".into(),
            self.hints().display().to_string(),
            "--port".into(),
            self.port.to_string(),
            "--timeout".into(),
            "300ms".into(),
            "-4".into(),
        ]
    }
}

fn name(s: &str) -> Name {
    Name::from_ascii(s).unwrap()
}

/// A record; the type may carry a TTL, `A/4` (default 300).
fn record(owner: &str, rtype: &str, value: &str) -> Record {
    let (rtype, ttl) = match rtype.split_once('/') {
        Some((t, ttl)) => (t, ttl.parse().unwrap()),
        None => (rtype, 300),
    };
    let data = match rtype {
        "A" => RData::A(A(Ipv4Addr::from_str(value).unwrap())),
        "AAAA" => RData::AAAA(hickory_proto::rr::rdata::AAAA(
            std::net::Ipv6Addr::from_str(value).unwrap(),
        )),
        "TXT" => RData::TXT(hickory_proto::rr::rdata::TXT::new(vec![value.to_string()])),
        "NS" => RData::NS(NS(name(value))),
        "CNAME" => RData::CNAME(CNAME(name(value))),
        // `PREFERENCE EXCHANGE`, as a zone file writes it.
        "MX" => {
            let (preference, exchange) = value.split_once(' ').unwrap();
            RData::MX(hickory_proto::rr::rdata::MX::new(
                preference.parse().unwrap(),
                name(exchange),
            ))
        }
        // DNSSEC, by the name of a key: `DNSKEY k1` serves the key made from "k1", and
        // `DS k1` at the parent points at it (SHA-256); `DS k9` points at a key nobody serves.
        "DNSKEY" => RData::DNSSEC(DNSSECRData::DNSKEY(lab_key(value))),
        // Or written out, as dnssec-dsfromkey prints it: `KEYTAG ALGORITHM DIGESTTYPE HEX`.
        "DS" if value.contains(' ') => {
            let f: Vec<&str> = value.split_whitespace().collect();
            let digest = (0..f[3].len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&f[3][i..i + 2], 16).unwrap())
                .collect();
            RData::DNSSEC(DNSSECRData::DS(DS::new(
                f[0].parse().unwrap(),
                Algorithm::from_u8(f[1].parse().unwrap()),
                DigestType::from(f[2].parse::<u8>().unwrap()),
                digest,
            )))
        }
        // A signature over the owner's DNSKEY set by the lab key KEY, valid from FROM to TO days
        // from now (`k1 -1 30`), in the name of the owner or of SIGNER (`k1 -1 30 test.`); the
        // octets are computed when the set is served ([`signed`]).
        "RRSIG" => {
            let days = |t: &str| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs() as i64;
                SerialNumber::new((now + t.parse::<i64>().unwrap() * 86_400) as u32)
            };
            let f: Vec<&str> = value.split_whitespace().collect();
            let (key, from, to) = (f[0], f[1], f[2]);
            RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(
                SigInput {
                    type_covered: RecordType::DNSKEY,
                    algorithm: Algorithm::ECDSAP256SHA256,
                    num_labels: name(owner).num_labels(),
                    original_ttl: ttl,
                    sig_expiration: days(to),
                    sig_inception: days(from),
                    key_tag: lab_key(key).calculate_key_tag().unwrap(),
                    signer_name: name(f.get(3).copied().unwrap_or(owner)),
                },
                vec![0; 64],
            )))
        }
        "DS" => RData::DNSSEC(DNSSECRData::DS(
            DS::from_key(
                lab_key(value).public_key(),
                &name(owner),
                DigestType::SHA256,
            )
            .unwrap(),
        )),
        other => panic!("lab records: add {other}"),
    };
    Record::from_rdata(name(owner), ttl, data)
}

/// The lab's signing key of a name (`k1`): made once per test process, so that the DS at the
/// parent and the DNSKEY in the zone are of the same key.
fn signing_key(seed: &str) -> Arc<EcdsaSigningKey> {
    static KEYS: OnceLock<Mutex<BTreeMap<String, Arc<EcdsaSigningKey>>>> = OnceLock::new();
    let mut keys = KEYS.get_or_init(Default::default).lock().unwrap();
    keys.entry(seed.to_string())
        .or_insert_with(|| {
            let alg = Algorithm::ECDSAP256SHA256;
            let pkcs8 = EcdsaSigningKey::generate_pkcs8(alg).unwrap();
            Arc::new(EcdsaSigningKey::from_pkcs8(&pkcs8, alg).unwrap())
        })
        .clone()
}

/// Waits until `deadline`, to a fraction of a millisecond: tokio's timer counts whole
/// milliseconds and rounds up, so a 20 ms delay answered after 21-22 ms and the benchmarks'
/// floor of depth x delay was not the lab's real round trip. All but the last two milliseconds
/// on tokio's timer, the rest on one thread of the lab's that sleeps with the system's clock.
async fn sleep_precisely(deadline: std::time::Instant) {
    if let Some(coarse) = deadline.checked_sub(Duration::from_millis(2)) {
        tokio::time::sleep_until(coarse.into()).await;
    }
    if deadline <= std::time::Instant::now() {
        return;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (queue, wake) = precise_timer();
    queue.lock().unwrap().push(Due(deadline, tx));
    wake.notify_one();
    let _ = rx.await;
}

/// A wake-up due at an instant (the soonest first in a [`std::collections::BinaryHeap`]).
struct Due(std::time::Instant, tokio::sync::oneshot::Sender<()>);

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.cmp(&self.0)
    }
}

type Timer = (Mutex<std::collections::BinaryHeap<Due>>, std::sync::Condvar);

/// The lab's precise timer: one thread that wakes each [`Due`] at its instant.
fn precise_timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::default());
        std::thread::spawn(move || {
            let (queue, wake) = timer;
            let mut due = queue.lock().unwrap();
            loop {
                let now = std::time::Instant::now();
                while due.peek().is_some_and(|d| d.0 <= now) {
                    if let Some(Due(_, tx)) = due.pop() {
                        let _ = tx.send(());
                    }
                }
                due = match due.peek().map(|d| d.0 - now) {
                    Some(wait) => wake.wait_timeout(due, wait).unwrap().0,
                    None => wake.wait(due).unwrap(),
                };
            }
        });
        timer
    })
}

/// The DNSKEY (flags 257: it signs everything, as `dnssec-signzone -z`) of a lab key.
fn lab_key(seed: &str) -> DNSKEY {
    DNSKEY::with_flags(257, signing_key(seed).to_public_key().unwrap())
}

/// The lab key a DNSKEY is, by its key tag among the keys made so far.
fn key_of(tag: u16) -> Option<Arc<EcdsaSigningKey>> {
    (1..=9)
        .map(|i| format!("k{i}"))
        .find(|seed| lab_key(seed).calculate_key_tag().ok() == Some(tag))
        .map(|seed| signing_key(&seed))
}

/// `records` (one set) signed as `input` says, with the lab key of its key tag.
fn sign_as(input: SigInput, records: &[&Record]) -> Option<Record> {
    let first = records.first()?;
    let key = key_of(input.key_tag)?;
    let tbs = TBS::from_input(&first.name, DNSClass::IN, &input, records.iter().copied()).ok()?;
    let sig = key.sign(&tbs).ok()?;
    let data = RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, sig)));
    Some(Record::from_rdata(first.name.clone(), first.ttl, data))
}

/// A section's record sets signed by the zone: the DNSKEY set with the zone's own RRSIG
/// records (their key and period), every other set with the zone's first key, valid from a
/// day ago for thirty days.
fn signed(zone: &Zone, section: Vec<Record>) -> Vec<Record> {
    let Some(key) = zone.records.iter().find_map(|r| match &r.data {
        RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k.clone()),
        _ => None,
    }) else {
        return section;
    };
    let mut sets: BTreeMap<(Name, RecordType), Vec<&Record>> = BTreeMap::new();
    for r in section
        .iter()
        .filter(|r| r.record_type() != RecordType::RRSIG)
    {
        sets.entry((r.name.clone(), r.record_type()))
            .or_default()
            .push(r);
    }
    let mut out: Vec<Record> = sets.values().flatten().map(|r| (*r).clone()).collect();
    for ((owner, rtype), records) in &sets {
        if *rtype == RecordType::DNSKEY {
            let lab_sigs = section.iter().filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::RRSIG(sig)) if r.name == *owner => Some(sig),
                _ => None,
            });
            out.extend(lab_sigs.filter_map(|sig| sign_as(sig.input().clone(), records)));
            continue;
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as u32;
        let input = SigInput {
            type_covered: *rtype,
            algorithm: Algorithm::ECDSAP256SHA256,
            num_labels: owner.num_labels(),
            original_ttl: records[0].ttl,
            sig_expiration: SerialNumber::new(now + 30 * 86_400),
            sig_inception: SerialNumber::new(now - 86_400),
            key_tag: key.calculate_key_tag().unwrap(),
            signer_name: zone.origin.clone(),
        };
        out.extend(sign_as(input, records));
    }
    out
}

/// The proof that no name but the apex exists (RFC 4470's minimal covering NSEC, at its
/// widest): it covers every name the zone does not have, wildcards included.
fn denial(zone: &Zone) -> Record {
    let types = [
        RecordType::SOA,
        RecordType::NS,
        RecordType::DNSKEY,
        RecordType::NSEC,
        RecordType::RRSIG,
    ];
    let nsec = NSEC::new(zone.origin.clone(), types);
    Record::from_rdata(
        zone.origin.clone(),
        300,
        RData::DNSSEC(DNSSECRData::NSEC(nsec)),
    )
}

/// The proof that `qname` has no record of the type asked (RFC 4035 §3.1.3.1): an NSEC at the
/// name listing the types it has (RFC 4470's minimal form: the next name is the name's
/// immediate successor, so it covers no other name; at the apex, [`denial`]'s).
fn nodata(zone: &Zone, qname: &Name) -> Record {
    if *qname == zone.origin {
        let mut apex = denial(zone);
        if let RData::DNSSEC(DNSSECRData::NSEC(nsec)) = &apex.data {
            let mut types: Vec<RecordType> = nsec.type_bit_maps().collect();
            types.extend(
                zone.records
                    .iter()
                    .filter(|r| r.name == *qname)
                    .map(|r| r.record_type()),
            );
            types.sort();
            types.dedup();
            apex.data = RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(zone.origin.clone(), types)));
        }
        return apex;
    }
    // A delegation's NSEC lists its NS set (and no DS: the child is unsigned).
    let cut = zone.delegations.iter().any(|(child, _, _)| child == qname);
    let mut types: Vec<RecordType> = zone
        .records
        .iter()
        .filter(|r| r.name == *qname)
        .map(|r| r.record_type())
        .chain(cut.then_some(RecordType::NS))
        .chain([RecordType::NSEC, RecordType::RRSIG])
        .collect();
    types.sort();
    types.dedup();
    let next = Name::from_labels(vec![&[0u8][..]])
        .unwrap()
        .append_domain(qname)
        .unwrap();
    Record::from_rdata(
        qname.clone(),
        300,
        RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(next, types))),
    )
}

struct Zone {
    origin: Name,
    serial: u32,
    ns: Vec<Record>,
    records: Vec<Record>,
    delegations: Vec<(Name, Vec<Record>, Vec<Record>)>,
    /// The records by owner (lower case), and every name that exists (owners and the empty
    /// non-terminals above them): looked up per question, not scanned.
    at: std::collections::HashMap<Name, Vec<Record>>,
    exists: HashSet<Name>,
}

impl Zone {
    fn new(
        origin: Name,
        serial: u32,
        ns: Vec<Record>,
        records: Vec<Record>,
        delegations: Vec<(Name, Vec<Record>, Vec<Record>)>,
    ) -> Zone {
        let mut at: std::collections::HashMap<Name, Vec<Record>> = Default::default();
        let mut exists = HashSet::new();
        for r in &records {
            let mut owner = r.name.to_lowercase();
            at.entry(owner.clone()).or_default().push(r.clone());
            while origin.zone_of(&owner) && exists.insert(owner.clone()) && !owner.is_root() {
                owner = owner.base_name();
            }
        }
        Zone {
            origin,
            serial,
            ns,
            records,
            delegations,
            at,
            exists,
        }
    }

    /// The records at `name`.
    fn at(&self, name: &Name) -> &[Record] {
        self.at
            .get(&name.to_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

struct Handler {
    zones: Vec<Arc<Zone>>,
    faults: Vec<Fault>,
    started: std::time::Instant,
    /// UDP questions seen, for `LoseFirst`.
    udp_seen: Arc<Mutex<HashSet<(Name, RecordType)>>>,
    /// TCP connections seen (by the client's address and port), for `Far`.
    tcp_seen: Arc<Mutex<HashSet<std::net::SocketAddr>>>,
    /// Questions asked so far, for `After`.
    asked: Arc<std::sync::atomic::AtomicU64>,
}

fn soa(z: &Zone, serial: u32) -> Record {
    let mname = z.ns.first().and_then(|r| match &r.data {
        RData::NS(ns) => Some(ns.0.clone()),
        _ => None,
    });
    let data = SOA::new(
        mname.unwrap_or_else(Name::root),
        name(&format!("hostmaster.{}", z.origin).replace("..", ".")),
        serial,
        3600,
        600,
        86400,
        300,
    );
    Record::from_rdata(z.origin.clone(), 300, RData::SOA(data))
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: hickory_net::runtime::Time>(
        &self,
        request: &Request,
        response: R,
    ) -> ResponseInfo {
        let elapsed = self.started.elapsed().as_millis() as u64;
        let asked = self
            .asked
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let faults: Vec<Fault> = self
            .faults
            .iter()
            .filter_map(|f| match f {
                Fault::For(ms, inner) if elapsed < *ms => Some((**inner).clone()),
                Fault::For(..) => None,
                Fault::After(n, inner) if asked >= *n => Some((**inner).clone()),
                Fault::After(..) => None,
                other => Some(other.clone()),
            })
            .collect();
        let this = Handler {
            zones: self.zones.clone(),
            faults,
            started: self.started,
            udp_seen: self.udp_seen.clone(),
            tcp_seen: self.tcp_seen.clone(),
            asked: self.asked.clone(),
        };
        this.answer::<R>(request, response).await
    }
}

impl Handler {
    async fn answer<R: ResponseHandler>(&self, request: &Request, mut response: R) -> ResponseInfo {
        let mut meta = Metadata::response_from_request(&request.metadata);
        let silent = || {
            ResponseInfo::from(Header {
                metadata: Metadata::response_from_request(&request.metadata),
                counts: HeaderCounts::default(),
            })
        };
        if self.faults.contains(&Fault::Silent) {
            return silent();
        }
        let udp = request.protocol() == Protocol::Udp;
        if udp
            && self.faults.contains(&Fault::LoseFirst)
            && let Some(q) = request.queries.queries().first()
            && self
                .udp_seen
                .lock()
                .unwrap()
                .insert((q.name().into(), q.query_type()))
        {
            return silent();
        }
        if let Some(ms) = self.faults.iter().find_map(|f| match f {
            Fault::Delay(ms) => Some(*ms),
            Fault::Far(ms) if !udp && self.tcp_seen.lock().unwrap().insert(request.src()) => {
                Some(2 * ms)
            }
            Fault::Far(ms) => Some(*ms),
            _ => None,
        }) {
            sleep_precisely(std::time::Instant::now() + Duration::from_millis(ms)).await;
        }
        let Some(query) = request.queries.queries().first() else {
            return silent();
        };
        let qname: Name = query.name().into();
        let qtype = query.query_type();
        let mut builder = MessageResponseBuilder::from_message_request(request);
        // EDNS as RFC 6891 has it: an OPT in every answer to an OPT, BADVERS to a version
        // above 0, unknown options and flags ignored (unless a fault says otherwise).
        let opt = request.edns.as_ref().map(|asked| {
            let mut opt = hickory_proto::op::Edns::new();
            opt.set_max_payload(1232);
            opt.set_dnssec_ok(asked.flags().dnssec_ok);
            if self.faults.contains(&Fault::EdnsSloppy) {
                opt.flags_mut().z = asked.flags().z;
            }
            opt
        });
        if let Some(asked) = &request.edns {
            if self.faults.contains(&Fault::EdnsDrop) {
                return silent();
            }
            if self.faults.contains(&Fault::EdnsFormErr) {
                let mut m = Metadata::response_from_request(&request.metadata);
                m.response_code = ResponseCode::FormErr;
                return response
                    .send_response(builder.build_no_records(m))
                    .await
                    .unwrap_or_else(|_| silent());
            }
            if asked.version() > 0 && !self.faults.contains(&Fault::EdnsSloppy) {
                let mut m = Metadata::response_from_request(&request.metadata);
                m.response_code = ResponseCode::BADVERS;
                if let Some(opt) = &opt {
                    builder.edns(opt);
                }
                return response
                    .send_response(builder.build_no_records(m))
                    .await
                    .unwrap_or_else(|_| silent());
            }
        }
        if let Some(opt) = &opt {
            builder.edns(opt);
        }
        let refuse = |code| {
            let mut m = Metadata::response_from_request(&request.metadata);
            m.response_code = code;
            m
        };
        if udp && self.faults.contains(&Fault::Truncate) {
            let mut m = Metadata::response_from_request(&request.metadata);
            m.truncation = true;
            return response
                .send_response(builder.build_no_records(m))
                .await
                .unwrap_or_else(|_| silent());
        }
        if self.faults.contains(&Fault::Refuse) {
            let m = refuse(ResponseCode::Refused);
            return response
                .send_response(builder.build_no_records(m))
                .await
                .unwrap_or_else(|_| silent());
        }
        if self.faults.contains(&Fault::ServFail) {
            let m = refuse(ResponseCode::ServFail);
            return response
                .send_response(builder.build_no_records(m))
                .await
                .unwrap_or_else(|_| silent());
        }
        let ours = self.zones.iter().any(|z| z.origin.zone_of(&qname));
        let recursing = !ours && request.metadata.recursion_desired;
        let failing = self.faults.contains(&Fault::RecursorFailing)
            || (qname.is_root() && self.faults.contains(&Fault::RefusesRootOnly));
        if recursing && failing {
            let mut m = refuse(
                if qname.is_root() && !self.faults.contains(&Fault::RecursorFailing) {
                    ResponseCode::Refused
                } else {
                    ResponseCode::ServFail
                },
            );
            m.recursion_available = true;
            return response
                .send_response(builder.build_no_records(m))
                .await
                .unwrap_or_else(|_| silent());
        }
        if recursing
            && (self.faults.contains(&Fault::OpenResolver)
                || self.faults.contains(&Fault::RefusesRootOnly))
        {
            let mut m = Metadata::response_from_request(&request.metadata);
            m.recursion_available = true;
            let root = Zone::new(qname.clone(), 2026120401, vec![], vec![], vec![]);
            let answer = [soa(&root, root.serial)];
            let msg = builder.build(
                m,
                answer.iter(),
                std::iter::empty(),
                std::iter::empty(),
                std::iter::empty(),
            );
            return response
                .send_response(msg)
                .await
                .unwrap_or_else(|_| silent());
        }
        let Some(zone) = self
            .zones
            .iter()
            .filter(|z| z.origin.zone_of(&qname))
            .max_by_key(|z| z.origin.num_labels())
        else {
            let m = refuse(ResponseCode::Refused);
            return response
                .send_response(builder.build_no_records(m))
                .await
                .unwrap_or_else(|_| silent());
        };
        let serial = self
            .faults
            .iter()
            .find_map(|f| {
                if let Fault::Serial(s) = f {
                    Some(*s)
                } else {
                    None
                }
            })
            .unwrap_or(zone.serial);
        let mut answers: Vec<Record> = Vec::new();
        let mut authority: Vec<Record> = Vec::new();
        let mut additional: Vec<Record> = Vec::new();
        // The DS set of a child is the parent's own data (RFC 4035 §3.1.4.1): no referral.
        let cut = zone
            .delegations
            .iter()
            .filter(|(child, _, _)| child.zone_of(&qname))
            .filter(|(child, _, _)| !(qtype == RecordType::DS && *child == qname))
            .max_by_key(|(c, _, _)| c.num_labels());
        if let Some((_, ns, glue)) = cut {
            // A referral: AA=0, the child's NS in authority, glue in additional.
            meta.authoritative = false;
            authority.extend(ns.iter().cloned());
            additional.extend(glue.iter().cloned());
        } else {
            meta.authoritative = true;
            if qname == zone.origin && qtype == RecordType::SOA {
                answers.push(soa(zone, serial));
            } else if qname == zone.origin && qtype == RecordType::NS {
                answers.extend(zone.ns.iter().cloned());
                // Additional section processing (RFC 1035 §3.3.11): the servers' addresses.
                for ns in &zone.ns {
                    if let RData::NS(target) = &ns.data {
                        additional.extend(
                            zone.records
                                .iter()
                                .filter(|r| r.name == target.0 && r.record_type() == RecordType::A)
                                .cloned(),
                        );
                    }
                }
            } else {
                let at_name: Vec<&Record> = zone.at(&qname).iter().collect();
                let cname = at_name
                    .iter()
                    .find(|r| r.record_type() == RecordType::CNAME);
                match cname {
                    Some(c) if qtype != RecordType::CNAME => answers.push((*c).clone()),
                    _ => answers.extend(
                        at_name
                            .iter()
                            .filter(|r| {
                                r.record_type() == qtype
                                    // The lab's signatures over a DNSKEY set come with it
                                    // (signed when served; the check sets the DO bit).
                                    || (qtype == RecordType::DNSKEY
                                        && r.record_type() == RecordType::RRSIG)
                            })
                            .filter(|r| {
                                !(self.faults.contains(&Fault::Unsigned)
                                    && matches!(
                                        r.record_type(),
                                        RecordType::DNSKEY | RecordType::RRSIG
                                    ))
                            })
                            .map(|r| (*r).clone()),
                    ),
                }
                // Additional section processing (RFC 1035 §3.3.9): the exchangers' addresses.
                for r in answers.iter().filter(|r| r.record_type() == qtype) {
                    if let RData::MX(mx) = &r.data {
                        additional.extend(
                            zone.at(&mx.exchange)
                                .iter()
                                .filter(|a| {
                                    matches!(a.record_type(), RecordType::A | RecordType::AAAA)
                                })
                                .cloned(),
                        );
                    }
                }
                let exists = qname == zone.origin
                    || zone.exists.contains(&qname.to_lowercase())
                    || zone.delegations.iter().any(|(c, _, _)| qname.zone_of(c));
                if !exists {
                    meta.response_code = ResponseCode::NXDomain;
                }
                if answers.is_empty() {
                    authority.push(soa(zone, serial));
                }
            }
            if let Some(addr) = self.faults.iter().find_map(|f| {
                if let Fault::Address(a) = f {
                    Some(*a)
                } else {
                    None
                }
            }) && qtype == RecordType::A
            {
                let ttl = answers.first().map_or(300, |r| r.ttl);
                answers = vec![record(&qname.to_ascii(), &format!("A/{ttl}"), addr)];
            }
        }
        let signs = zone
            .at(&zone.origin)
            .iter()
            .any(|r| r.record_type() == RecordType::DNSKEY)
            && !self.faults.contains(&Fault::Unsigned);
        if signs && meta.authoritative {
            if meta.response_code == ResponseCode::NXDomain {
                authority.push(denial(zone));
            } else if answers.is_empty() {
                authority.push(nodata(zone, &qname));
            }
            answers = signed(zone, answers);
            authority = signed(zone, authority);
            if self.faults.contains(&Fault::BadSignatures) {
                for r in answers.iter_mut().chain(authority.iter_mut()) {
                    if let RData::DNSSEC(DNSSECRData::RRSIG(sig)) = &r.data {
                        let mut octets = sig.sig().to_vec();
                        octets[10] ^= 0x01;
                        let sig = RRSIG::from_sig(sig.input().clone(), octets);
                        r.data = RData::DNSSEC(DNSSECRData::RRSIG(sig));
                    }
                }
            }
        }
        if self.faults.contains(&Fault::NoAuthority) {
            meta.authoritative = false;
        }
        if self.faults.contains(&Fault::Recursive) {
            meta.authoritative = false;
            meta.recursion_available = true;
        }
        let msg = builder.build(
            meta,
            answers.iter(),
            authority.iter(),
            std::iter::empty(),
            additional.iter(),
        );
        response
            .send_response(msg)
            .await
            .unwrap_or_else(|_| silent())
    }
}

/// Starts every server of the lab on one free port at its own loopback address.
pub fn start(zones: Vec<ZoneSpec>, servers: Vec<ServerSpec>) -> Lab {
    start_on(zones, servers, None)
}

/// The same on a given port (53 for tools that cannot use another, as root).
pub fn start_on(zones: Vec<ZoneSpec>, servers: Vec<ServerSpec>, fixed_port: Option<u16>) -> Lab {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let built: BTreeMap<&str, Arc<Zone>> = zones
        .iter()
        .map(|z| {
            let zone = Zone::new(
                name(z.name),
                z.serial,
                z.ns.iter().map(|n| record(z.name, "NS", n)).collect(),
                z.records.iter().map(|(o, t, v)| record(o, t, v)).collect(),
                z.delegations
                    .iter()
                    .map(|d| {
                        (
                            name(d.child),
                            d.ns.iter().map(|n| record(d.child, "NS", n)).collect(),
                            d.glue
                                .iter()
                                .map(|(n, a)| {
                                    record(n, if a.contains(':') { "AAAA" } else { "A" }, a)
                                })
                                .collect(),
                        )
                    })
                    .collect(),
            );
            (z.name, Arc::new(zone))
        })
        .collect();
    // One port for every address: find one that is free on all of them.
    let (port, sockets) = match fixed_port {
        Some(port) => (
            port,
            bind_all(&servers, port).expect("the lab's port is free on every address"),
        ),
        None => bind_free_port(&servers),
    };
    start_servers(&runtime, &built, &servers, sockets);
    finish(runtime, &zones, servers.len(), port)
}

type Sockets = Vec<(std::net::UdpSocket, std::net::TcpListener)>;

fn bind_all(servers: &[ServerSpec], port: u16) -> std::io::Result<Sockets> {
    servers
        .iter()
        .map(|s| {
            let addr = SocketAddr::new(s.addr.parse::<IpAddr>().unwrap(), port);
            Ok((
                std::net::UdpSocket::bind(addr)?,
                std::net::TcpListener::bind(addr)?,
            ))
        })
        .collect()
}

/// A port free on every server address, with the sockets already bound (and kept), so that no
/// other test can take the port between the choice and the use.
fn bind_free_port(servers: &[ServerSpec]) -> (u16, Sockets) {
    loop {
        let candidate = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if let Ok(sockets) = bind_all(servers, candidate) {
            return (candidate, sockets);
        }
    }
}

fn start_servers(
    runtime: &tokio::runtime::Runtime,
    built: &BTreeMap<&str, Arc<Zone>>,
    servers: &[ServerSpec],
    sockets: Sockets,
) {
    for (s, (udp, tcp)) in servers.iter().zip(sockets) {
        let handler = Handler {
            zones: s.zones.iter().map(|z| built[z].clone()).collect(),
            faults: s.faults.clone(),
            started: std::time::Instant::now(),
            udp_seen: Arc::default(),
            tcp_seen: Arc::default(),
            asked: Arc::default(),
        };
        let no_tcp = s.faults.contains(&Fault::NoTcp);
        // A hostile front takes the public sockets; the real server moves behind it.
        let wire = s.faults.iter().find_map(|f| match f {
            Fault::Wire(w, on) => Some((*w, *on)),
            _ => None,
        });
        let (udp, tcp) = match wire {
            None => (udp, tcp),
            Some((w, on)) => {
                let ip = udp.local_addr().unwrap().ip();
                let inner_udp = std::net::UdpSocket::bind((ip, 0)).unwrap();
                let inner_tcp = std::net::TcpListener::bind((ip, 0)).unwrap();
                super::hostile::spawn(
                    runtime,
                    udp,
                    tcp,
                    inner_udp.local_addr().unwrap(),
                    inner_tcp.local_addr().unwrap(),
                    w,
                    on,
                );
                (inner_udp, inner_tcp)
            }
        };
        udp.set_nonblocking(true).unwrap();
        tcp.set_nonblocking(true).unwrap();
        runtime.block_on(async move {
            let mut server = hickory_server::Server::new(handler);
            server.register_socket(tokio::net::UdpSocket::from_std(udp).unwrap());
            if no_tcp {
                drop(tcp);
            } else {
                server.register_listener(
                    tokio::net::TcpListener::from_std(tcp).unwrap(),
                    Duration::from_secs(5),
                    4096,
                );
            }
            tokio::spawn(async move {
                let _ = server.block_until_done().await;
            });
        });
    }
}

fn finish(runtime: tokio::runtime::Runtime, zones: &[ZoneSpec], servers: usize, port: u16) -> Lab {
    let dir = tempfile::tempdir().unwrap();
    let root = zones
        .iter()
        .find(|z| z.name == ".")
        .expect("a lab has a root zone");
    let mut hints = String::new();
    for ns in &root.ns {
        let addr = root
            .records
            .iter()
            .find(|(o, t, _)| o == ns && *t == "A")
            .map(|r| r.2)
            .expect("root server address");
        hints.push_str(&format!(". 3600000 NS {ns}\n{ns} 3600000 A {addr}\n"));
    }
    std::fs::write(dir.path().join("lab.root"), hints).unwrap();
    Lab {
        port,
        servers,
        dir,
        _runtime: runtime,
    }
}

/// The root zone of every lab tree: a.root.lab. (127.53.0.1), delegating test. to `nic`
/// (name server, address) with glue.
pub fn root_zone(nic: &[(&'static str, &'static str)]) -> ZoneSpec {
    ZoneSpec {
        name: ".",
        ns: vec!["a.root.lab."],
        serial: 1,
        records: vec![("a.root.lab.", "A", "127.53.0.1")],
        delegations: vec![Delegation {
            child: "test.",
            ns: nic.iter().map(|(n, _)| *n).collect(),
            glue: nic.to_vec(),
        }],
    }
}

/// The usual tree: root → test. → hive.test. (two servers, glue at test.), with `records` in
/// hive.test.
pub fn hive_tree(records: Vec<Rec>) -> (Vec<ZoneSpec>, Vec<ServerSpec>) {
    let zones = vec![
        root_zone(&[("ns1.nic.test.", "127.53.1.1")]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test."],
            serial: 1,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
            ],
            delegations: vec![Delegation {
                child: "hive.test.",
                ns: vec!["ns1.dns.test.", "ns2.dns.test."],
                glue: vec![
                    ("ns1.dns.test.", "127.53.2.1"),
                    ("ns2.dns.test.", "127.53.2.2"),
                ],
            }],
        },
        ZoneSpec {
            name: "hive.test.",
            ns: vec!["ns1.dns.test.", "ns2.dns.test."],
            serial: 1,
            records,
            delegations: vec![],
        },
    ];
    let servers = vec![
        server("a.root.lab.", "127.53.0.1", &["."]),
        server("ns1.nic.test.", "127.53.1.1", &["test."]),
        server("ns1.dns.test.", "127.53.2.1", &["hive.test."]),
        server("ns2.dns.test.", "127.53.2.2", &["hive.test."]),
    ];
    (zones, servers)
}

/// root → test. → hive.test., whose four name servers (ns-1.awsdns-01.org., ns-2.awsdns-02.net.,
/// ns-3.awsdns-03.com., ns-4.awsdns-04.co.uk.) have no glue: their addresses are found by walking
/// org./net./com. (three answers each) and uk. → co.uk. (four). www.hive.test. is a CNAME to
/// my-lb-1234.us-east-1.elb.test., in elb.test. (delegated from test. with glue).
pub fn route53(delay: u64) -> (Vec<ZoneSpec>, Vec<ServerSpec>) {
    const AWS: [(&str, &str, &str, &str, &str); 4] = [
        // (tld, provider zone, its server, its server's address, hive.test.'s name server)
        (
            "org.",
            "awsdns-01.org.",
            "g-ns-1.awsdns-01.org.",
            "127.53.5.1",
            "ns-1.awsdns-01.org.",
        ),
        (
            "net.",
            "awsdns-02.net.",
            "g-ns-2.awsdns-02.net.",
            "127.53.5.2",
            "ns-2.awsdns-02.net.",
        ),
        (
            "com.",
            "awsdns-03.com.",
            "g-ns-3.awsdns-03.com.",
            "127.53.5.3",
            "ns-3.awsdns-03.com.",
        ),
        (
            "co.uk.",
            "awsdns-04.co.uk.",
            "g-ns-4.awsdns-04.co.uk.",
            "127.53.5.4",
            "ns-4.awsdns-04.co.uk.",
        ),
    ];
    const HIVE: [&str; 4] = ["127.53.2.1", "127.53.2.2", "127.53.2.3", "127.53.2.4"];
    // Top-level zones and co.uk.: (zone, its server, address).
    const TLDS: [(&str, &str, &str); 5] = [
        ("org.", "a.nic.org.", "127.53.4.1"),
        ("net.", "a.nic.net.", "127.53.4.2"),
        ("com.", "a.nic.com.", "127.53.4.3"),
        ("uk.", "a.nic.uk.", "127.53.4.4"),
        ("co.uk.", "a.nic.co.uk.", "127.53.4.5"),
    ];
    let tld = |zone: &str| TLDS.iter().find(|t| t.0 == zone).copied().unwrap();
    let glued = |child: &'static str, ns: &'static str, addr: &'static str| Delegation {
        child,
        ns: vec![ns],
        glue: vec![(ns, addr)],
    };
    let mut root = root_zone(&[
        ("ns1.nic.test.", "127.53.1.1"),
        ("ns2.nic.test.", "127.53.1.2"),
    ]);
    for t in ["org.", "net.", "com.", "uk."] {
        let (zone, ns, addr) = tld(t);
        root.delegations.push(glued(zone, ns, addr));
    }
    let mut zones = vec![
        root,
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test.", "ns2.nic.test."],
            serial: 1,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns2.nic.test.", "A", "127.53.1.2"),
            ],
            delegations: vec![
                Delegation {
                    child: "hive.test.",
                    ns: AWS.iter().map(|a| a.4).collect(),
                    glue: vec![],
                },
                Delegation {
                    child: "elb.test.",
                    ns: vec!["ns1.elb.test.", "ns2.elb.test."],
                    glue: vec![
                        ("ns1.elb.test.", "127.53.6.1"),
                        ("ns2.elb.test.", "127.53.6.2"),
                    ],
                },
            ],
        },
        ZoneSpec {
            name: "hive.test.",
            ns: AWS.iter().map(|a| a.4).collect(),
            serial: 1,
            records: vec![
                ("hive.test.", "A", "192.0.2.10"),
                ("www.hive.test.", "CNAME", "my-lb-1234.us-east-1.elb.test."),
            ],
            delegations: vec![],
        },
        ZoneSpec {
            name: "elb.test.",
            ns: vec!["ns1.elb.test.", "ns2.elb.test."],
            serial: 1,
            records: vec![
                ("ns1.elb.test.", "A", "127.53.6.1"),
                ("ns2.elb.test.", "A", "127.53.6.2"),
                ("my-lb-1234.us-east-1.elb.test.", "A", "192.0.2.80"),
                ("my-lb-1234.us-east-1.elb.test.", "A", "192.0.2.81"),
            ],
            delegations: vec![],
        },
    ];
    for (zone, ns, addr) in TLDS {
        let mut records = vec![(ns, "A", addr)];
        let mut delegations: Vec<Delegation> = AWS
            .iter()
            .filter(|a| a.0 == zone)
            .map(|a| glued(a.1, a.2, a.3))
            .collect();
        if zone == "uk." {
            let (child, cns, caddr) = tld("co.uk.");
            delegations.push(glued(child, cns, caddr));
            records.clear(); // a.nic.uk.'s address is the root's glue
        }
        zones.push(ZoneSpec {
            name: zone,
            ns: vec![ns],
            serial: 1,
            records,
            delegations,
        });
    }
    for (i, a) in AWS.iter().enumerate() {
        zones.push(ZoneSpec {
            name: a.1,
            ns: vec![a.2],
            serial: 1,
            records: vec![(a.2, "A", a.3), (a.4, "A", HIVE[i])],
            delegations: vec![],
        });
    }
    let mut servers = vec![
        server("a.root.lab.", "127.53.0.1", &["."]),
        server("ns1.nic.test.", "127.53.1.1", &["test."]),
        server("ns2.nic.test.", "127.53.1.2", &["test."]),
        server("ns1.elb.test.", "127.53.6.1", &["elb.test."]),
        server("ns2.elb.test.", "127.53.6.2", &["elb.test."]),
    ];
    for (zone, ns, addr) in TLDS {
        servers.push(server(ns, addr, &[zone]));
    }
    for (i, a) in AWS.iter().enumerate() {
        servers.push(server(a.2, a.3, &[a.1]));
        servers.push(server(a.4, HIVE[i], &["hive.test."]));
    }
    for s in &mut servers {
        s.faults = vec![Fault::Delay(delay)];
    }
    (zones, servers)
}

/// A company's domains at one provider: root → test. (ns1/ns2.nic.test.) → each of `zones`,
/// delegated with glue to ns1/ns2.dns.test. (127.53.2.1-2), which serve them all; each zone
/// holds `records(zone)`. Faults are the caller's to add to the servers.
pub fn provider_tree(
    zones: &[&'static str],
    records: impl Fn(&'static str) -> Vec<Rec>,
) -> (Vec<ZoneSpec>, Vec<ServerSpec>) {
    let provider = || vec!["ns1.dns.test.", "ns2.dns.test."];
    let mut specs = vec![
        root_zone(&[
            ("ns1.nic.test.", "127.53.1.1"),
            ("ns2.nic.test.", "127.53.1.2"),
        ]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test.", "ns2.nic.test."],
            serial: 1,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns2.nic.test.", "A", "127.53.1.2"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
            ],
            delegations: zones
                .iter()
                .map(|child| Delegation {
                    child,
                    ns: provider(),
                    glue: vec![
                        ("ns1.dns.test.", "127.53.2.1"),
                        ("ns2.dns.test.", "127.53.2.2"),
                    ],
                })
                .collect(),
        },
    ];
    for &name in zones {
        specs.push(ZoneSpec {
            name,
            ns: provider(),
            serial: 2026112901,
            records: records(name),
            delegations: vec![],
        });
    }
    let servers = vec![
        server("a.root.lab.", "127.53.0.1", &["."]),
        server("ns1.nic.test.", "127.53.1.1", &["test."]),
        server("ns2.nic.test.", "127.53.1.2", &["test."]),
        server("ns1.dns.test.", "127.53.2.1", zones),
        server("ns2.dns.test.", "127.53.2.2", zones),
    ];
    (specs, servers)
}
