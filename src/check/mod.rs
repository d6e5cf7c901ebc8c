//! `dns check`: facts from the walk, and the rules that turn them into findings.
//!
//! [`gather`] walks to the zone that holds the name, then asks every server of that zone for
//! its SOA (over UDP and over TCP), its apex NS set and the addresses of its in-zone name
//! servers, and follows the name's CNAME chain to its end. [`findings`] is a pure function of
//! those facts (and the expected name servers), so each rule is tested without sockets too.
//! Each finding has a stable code, documented in the README.

pub mod caches;
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, RecordType};
use serde::Serialize;

use crate::walk::{self, End, NameServer, NoAnswer, Probe, Proto, Walk, Walker};

/// The name servers the zone should be delegated to, and what they said when asked directly.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub names: BTreeSet<Name>,
    /// SOA probes sent straight to the expected servers.
    pub soa: Vec<Probe>,
    /// DNSKEY probes sent straight to the expected servers: whether they sign the zone with a
    /// key the parent's DS points at decides whether switching to them is safe.
    pub dnskey: Vec<Probe>,
}

#[derive(Debug, Clone)]
pub struct Facts {
    pub qname: Name,
    pub qtype: RecordType,
    pub walk: Walk,
    /// The zone that holds the name (the last level reached).
    pub zone: Option<Name>,
    pub soa_udp: Vec<Probe>,
    pub soa_tcp: Vec<Probe>,
    pub ns: Vec<Probe>,
    /// A/AAAA of the zone's in-zone name servers, asked of the zone's own servers.
    pub ns_addrs: Vec<Probe>,
    /// The zone's DS set, asked of every server of the parent (the parent's own data).
    pub ds: Vec<Probe>,
    /// The zone's DNSKEY set, asked of every server of the zone (with the DO bit: the answers
    /// carry the signatures over the set).
    pub dnskey: Vec<Probe>,
    /// When the facts were gathered, in seconds since 1970 (for signature validity).
    pub checked_at: u64,
    /// (name, target) for each CNAME followed.
    pub cname_chain: Vec<(Name, Name)>,
    pub cname_loop: bool,
    /// The addresses at the end of the chain.
    pub addresses: Vec<IpAddr>,
    pub expected: Option<Expected>,
    pub queries: usize,
}

impl Facts {
    /// The servers of the zone, as the last level asked them.
    pub fn zone_servers(&self) -> &[NameServer] {
        self.walk
            .levels
            .last()
            .map(|l| l.servers.as_slice())
            .unwrap_or(&[])
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
        let d = self.delegation()?;
        let (parent, child) = (d.parent.as_ref()?, d.child.as_ref()?);
        let level = self.walk.levels.iter().find(|l| l.zone == *parent)?;
        level
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
        let level = self.walk.levels.last()?;
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
                crate::zone::bind::convert(rtype, &records).map(|(_, d)| d)
            })
    }

    /// Whether any server answered anything at all.
    pub fn reached_anything(&self) -> bool {
        self.walk
            .levels
            .iter()
            .any(|l| l.probes.iter().any(|p| p.result.is_ok()))
    }
}

/// Walks to `qname` and gathers what the rules need.
pub async fn gather(
    walker: &Walker,
    qname: &Name,
    qtype: RecordType,
    expected_ns: Option<BTreeSet<Name>>,
) -> Facts {
    let walk = walker.walk(qname, qtype).await;
    let zone = match (&walk.end, walk.levels.last()) {
        (End::Reached, Some(level)) => Some(level.zone.clone()),
        _ => None,
    };
    let mut facts = Facts {
        qname: qname.clone(),
        qtype,
        walk,
        zone: zone.clone(),
        soa_udp: vec![],
        soa_tcp: vec![],
        ns: vec![],
        ns_addrs: vec![],
        ds: vec![],
        dnskey: vec![],
        checked_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        cname_chain: vec![],
        cname_loop: false,
        addresses: vec![],
        expected: None,
        queries: 0,
    };
    if let Some(zone) = &zone {
        let servers = facts.zone_servers().to_vec();
        let apex = facts
            .walk
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
        let in_zone: BTreeSet<Name> = facts
            .delegation()
            .map(|d| d.ns.iter().filter(|n| zone.zone_of(n)).cloned().collect())
            .unwrap_or_default();
        let questions = in_zone
            .iter()
            .flat_map(|host| [RecordType::A, RecordType::AAAA].map(|t| (host, t)));
        let answers = futures_util::future::join_all(
            questions.map(|(host, t)| walker.ask_all(&servers, host, t, Proto::Udp)),
        )
        .await;
        facts.ns_addrs = answers.into_iter().flatten().collect();
        follow_cnames(walker, &mut facts).await;
    }
    if let Some(names) = expected_ns {
        let mut soa = Vec::new();
        let mut dnskey = Vec::new();
        if let Some(zone) = &zone
            .clone()
            .or_else(|| facts.walk.delegations.last().and_then(|d| d.child.clone()))
        {
            for ns in &names {
                let addrs = walker.addresses(ns).await;
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
        facts.expected = Some(Expected { names, soa, dnskey });
    }
    facts.queries = walker.queries();
    facts
}

/// Follows the CNAME chain of the name to its end, walking each target from the root.
async fn follow_cnames(walker: &Walker, facts: &mut Facts) {
    let Some(level) = facts.walk.levels.last() else {
        return;
    };
    let mut answer = walk::authoritative_answer(level, &facts.qname, facts.qtype);
    let mut current = facts.qname.clone();
    let mut seen = BTreeSet::from([current.clone()]);
    while let Some(target) = answer
        .cname
        .clone()
        .filter(|_| facts.qtype != RecordType::CNAME)
    {
        facts.cname_chain.push((current.clone(), target.clone()));
        if !seen.insert(target.clone()) || facts.cname_chain.len() > 16 {
            facts.cname_loop = true;
            return;
        }
        let w = walker.walk_plain(&target, facts.qtype).await;
        let Some(level) = w.levels.last() else { return };
        answer = walk::authoritative_answer(level, &target, facts.qtype);
        current = target;
    }
    facts.addresses = answer.addrs;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub servers: Vec<String>,
    pub fix: String,
}

fn names(set: &BTreeSet<Name>) -> String {
    set.iter()
        .map(Name::to_ascii)
        .collect::<Vec<_>>()
        .join(", ")
}

fn who(p: &Probe) -> String {
    format!("{} ({})", p.server.to_ascii(), p.addr)
}

fn soa_serial(p: &Probe) -> Option<u32> {
    p.message()?.answers.iter().find_map(|r| match &r.data {
        RData::SOA(soa) => Some(soa.serial),
        _ => None,
    })
}

/// Whether the probe is a proper authoritative answer (AA=1, NOERROR or NXDOMAIN).
fn answers_with_authority(p: &Probe) -> bool {
    p.authoritative()
        && matches!(
            p.rcode(),
            Some(ResponseCode::NoError | ResponseCode::NXDomain)
        )
}

/// Every rule, in a stable order.
pub fn findings(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(zone) = f.zone.clone() else {
        return out;
    };
    let zone_text = zone.to_ascii();
    let delegation = f.delegation();
    let parent_ns: BTreeSet<Name> = delegation.map(|d| d.ns.clone()).unwrap_or_default();

    // delegation.expected-ns-mismatch
    if let Some(expected) = &f.expected
        && !parent_ns.is_empty()
        && expected.names != parent_ns
    {
        let ready: Vec<String> = expected
            .soa
            .iter()
            .filter(|p| answers_with_authority(p) && soa_serial(p).is_some())
            .map(who)
            .collect();
        let not_ready: Vec<String> = expected
            .soa
            .iter()
            .filter(|p| !(answers_with_authority(p) && soa_serial(p).is_some()))
            .map(who)
            .collect();
        let readiness = if not_ready.is_empty() && unsafe_move(f, &zone).is_some() {
            format!(
                "the expected servers already serve {zone_text} authoritatively, but the switch is NOT safe yet: see dnssec.move-unsafe"
            )
        } else if not_ready.is_empty() {
            format!(
                "the expected servers already serve {zone_text} authoritatively, so the switch is safe"
            )
        } else {
            format!(
                "the expected servers are NOT ready: {} do not answer authoritatively for {zone_text}",
                not_ready.join(", ")
            )
        };
        out.push(Finding {
            code: "delegation.expected-ns-mismatch",
            severity: Severity::Error,
            message: format!(
                "the parent ({}) delegates {zone_text} to {}, but it should delegate to {}; {readiness}",
                delegation.and_then(|d| d.parent.as_ref()).map(Name::to_ascii).unwrap_or_default(),
                names(&parent_ns),
                names(&expected.names)
            ),
            servers: ready.into_iter().chain(not_ready).collect(),
            fix: format!(
                "at the registrar of {zone_text}, set the name servers to {} (the registrar still lists the old ones)",
                names(&expected.names)
            ),
        });
    }

    // ns.too-few
    if !parent_ns.is_empty() && parent_ns.len() < 2 {
        out.push(Finding {
            code: "ns.too-few",
            severity: Severity::Warning,
            message: format!(
                "{zone_text} is delegated to only {} name server ({})",
                parent_ns.len(),
                names(&parent_ns)
            ),
            servers: parent_ns.iter().map(Name::to_ascii).collect(),
            fix: "delegate to at least two name servers, on different networks (RFC 1034 §4.1)"
                .into(),
        });
    }

    // delegation.parent-child-mismatch
    let child_ns: BTreeSet<Name> =
        f.ns.iter()
            .filter(|p| answers_with_authority(p))
            .filter_map(Probe::message)
            .flat_map(|m| m.answers.iter())
            .filter_map(|r| match &r.data {
                RData::NS(ns) if r.name.to_lowercase() == zone => Some(ns.0.to_lowercase()),
                _ => None,
            })
            .collect();
    if !parent_ns.is_empty() && !child_ns.is_empty() && parent_ns != child_ns {
        out.push(Finding {
            code: "delegation.parent-child-mismatch",
            severity: Severity::Error,
            message: format!("the parent lists {} for {zone_text}, but the zone itself lists {}", names(&parent_ns), names(&child_ns)),
            servers: parent_ns.union(&child_ns).map(Name::to_ascii).collect(),
            fix: "make the NS records at the zone apex and the delegation at the registrar (parent) the same set".into(),
        });
    }

    // ns.unreachable and ns.tcp-failed, per server address
    let mut unreachable: BTreeMap<(String, Proto), String> = BTreeMap::new();
    let all_probes = f
        .walk
        .levels
        .last()
        .into_iter()
        .flat_map(|l| l.probes.iter())
        .chain(&f.soa_udp)
        .chain(&f.ns);
    for p in all_probes.chain(&f.soa_tcp) {
        if let Err(e @ (NoAnswer::Timeout | NoAnswer::Refused)) = &p.result {
            unreachable.insert((who(p), p.proto), e.to_string());
        }
    }
    let udp_dead: BTreeSet<String> = unreachable
        .keys()
        .filter(|(_, pr)| *pr == Proto::Udp)
        .map(|(w, _)| w.clone())
        .collect();
    for ((server, proto), why) in &unreachable {
        if *proto == Proto::Tcp && !udp_dead.contains(server) {
            out.push(Finding {
                code: "ns.tcp-failed",
                severity: Severity::Error,
                message: format!("{server} answers over UDP but not over TCP ({why}); answers too large for UDP cannot be fetched"),
                servers: vec![server.clone()],
                fix: "allow TCP port 53 to the server (firewall, security group) and make it listen on TCP (RFC 7766)".into(),
            });
        } else {
            out.push(Finding {
                code: "ns.unreachable",
                severity: Severity::Error,
                message: format!("{server} for {zone_text}: {why} over {proto}"),
                servers: vec![server.clone()],
                fix: "check that the server runs, listens on port 53 over UDP and TCP, and is not filtered".into(),
            });
        }
    }

    // ns.lame: answers, but not with authority for the zone
    let mut lame: BTreeMap<String, String> = BTreeMap::new();
    for p in &f.soa_udp {
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
            ResponseCode::NoError if !m.metadata.authoritative => {
                Some("an answer without authority (AA=0), e.g. a referral".to_string())
            }
            rc if rc != ResponseCode::NoError => Some(walk::rcode_name(rc)),
            _ => None,
        };
        if let Some(why) = why {
            lame.insert(who(p), why);
        }
    }
    for (server, why) in lame {
        out.push(Finding {
            code: "ns.lame",
            severity: Severity::Error,
            message: format!("{server} is delegated {zone_text} but answers {why} for it"),
            servers: vec![server],
            fix: format!("load {zone_text} on this server, or remove it from the delegation and the zone's NS records"),
        });
    }

    // glue.missing / glue.mismatch
    if let Some(d) = delegation {
        for ns in d.ns.iter().filter(|n| zone.zone_of(n)) {
            let glue = d.glue.get(ns);
            if glue.is_none() {
                out.push(Finding {
                    code: "glue.missing",
                    severity: Severity::Error,
                    message: format!(
                        "{} is inside {zone_text} but the parent gives no address (glue) for it",
                        ns.to_ascii()
                    ),
                    servers: vec![ns.to_ascii()],
                    fix: format!(
                        "register the address of {} at the registrar (a \"host\" or glue record)",
                        ns.to_ascii()
                    ),
                });
                continue;
            }
            let published: BTreeSet<IpAddr> = f
                .ns_addrs
                .iter()
                .filter(|p| p.qname == *ns && answers_with_authority(p))
                .filter_map(Probe::message)
                .flat_map(|m| m.answers.iter())
                .filter_map(|r| match &r.data {
                    RData::A(a) => Some(IpAddr::V4(a.0)),
                    RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                    _ => None,
                })
                .collect();
            if let Some(glue) = glue
                && !published.is_empty()
                && *glue != published
            {
                let show = |s: &BTreeSet<IpAddr>| {
                    s.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out.push(Finding {
                    code: "glue.mismatch",
                    severity: Severity::Error,
                    message: format!("the parent's glue for {} is {}, but {zone_text} publishes {}", ns.to_ascii(), show(glue), show(&published)),
                    servers: vec![ns.to_ascii()],
                    fix: "update the glue (host record) at the registrar, or the A/AAAA records in the zone, so they agree".into(),
                });
            }
        }
    }

    // soa.serial-mismatch
    let serials: BTreeMap<u32, Vec<String>> = f
        .soa_udp
        .iter()
        .filter(|p| answers_with_authority(p))
        .filter_map(|p| Some((soa_serial(p)?, who(p))))
        .fold(BTreeMap::new(), |mut m, (s, w)| {
            m.entry(s).or_insert_with(Vec::new).push(w);
            m
        });
    if serials.len() > 1 {
        out.push(Finding {
            code: "soa.serial-mismatch",
            severity: Severity::Error,
            message: format!(
                "the servers of {zone_text} serve different SOA serials: {}",
                serials.iter().map(|(s, w)| format!("{s} at {}", w.join(", "))).collect::<Vec<_>>().join("; ")
            ),
            servers: serials.values().flatten().cloned().collect(),
            fix: "some servers have not loaded the latest zone: check zone transfers (NOTIFY/IXFR) or the provider's sync".into(),
        });
    }

    // answer.mismatch and name.nxdomain, from the question itself
    if let Some(level) = f.walk.levels.last() {
        let mut by_answer: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut nx = 0;
        let mut authoritative = 0;
        for p in level.probes.iter().filter(|p| answers_with_authority(p)) {
            authoritative += 1;
            if p.rcode() == Some(ResponseCode::NXDomain) {
                nx += 1;
            }
            let text = match p.rcode() {
                Some(ResponseCode::NXDomain) => "NXDOMAIN".to_string(),
                _ => walk::answer_texts(p)
                    .map(|s| s.into_iter().collect::<Vec<_>>().join("; "))
                    .unwrap_or_default(),
            };
            by_answer
                .entry(if text.is_empty() {
                    "no records (NODATA)".into()
                } else {
                    text
                })
                .or_default()
                .push(who(p));
        }
        if by_answer.len() > 1 {
            out.push(Finding {
                code: "answer.mismatch",
                severity: Severity::Error,
                message: format!(
                    "the servers of {zone_text} disagree on {} {}: {}",
                    f.qname.to_ascii(),
                    f.qtype,
                    by_answer.iter().map(|(a, w)| format!("{} say [{a}]", w.join(", "))).collect::<Vec<_>>().join("; ")
                ),
                servers: by_answer.values().flatten().cloned().collect(),
                fix: "the servers serve different data: check zone transfers or which servers the provider updates".into(),
            });
        }
        if authoritative > 0 && nx * 2 > authoritative {
            out.push(Finding {
                code: "name.nxdomain",
                severity: Severity::Error,
                message: format!(
                    "{} does not exist: the servers of {zone_text} answer NXDOMAIN",
                    f.qname.to_ascii()
                ),
                servers: vec![],
                fix: format!(
                    "add the record to the zone {zone_text} (zones/{}.yaml) and sync",
                    zone_text.trim_end_matches('.')
                ),
            });
        }
    }

    dnssec(f, &zone, &mut out);
    move_safety(f, &zone, &mut out);

    if f.cname_loop {
        out.push(Finding {
            code: "cname.loop",
            severity: Severity::Error,
            message: format!(
                "the CNAME chain of {} loops: {}",
                f.qname.to_ascii(),
                f.cname_chain
                    .iter()
                    .map(|(a, b)| format!("{} → {}", a.to_ascii(), b.to_ascii()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            servers: vec![],
            fix: "point one of the CNAMEs at a name with addresses (an A/AAAA record or an ALIAS)"
                .into(),
        });
    }
    out
}

fn ds_of(data: &RData) -> Option<&hickory_proto::dnssec::rdata::DS> {
    match data {
        RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DS(ds)) => Some(ds),
        _ => None,
    }
}

fn dnskey_of(data: &RData) -> Option<&hickory_proto::dnssec::rdata::DNSKEY> {
    match data {
        RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DNSKEY(key)) => Some(key),
        _ => None,
    }
}

/// The records of `rtype` at `owner` that servers answered with authority, deduplicated, and
/// whether any server answered with authority at all.
fn authoritative_set<T: Clone + PartialEq>(
    probes: &[Probe],
    owner: &Name,
    pick: impl Fn(&RData) -> Option<&T>,
) -> (Vec<T>, bool) {
    let mut set: Vec<T> = Vec::new();
    let mut answered = false;
    for m in probes
        .iter()
        .filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
    {
        answered = true;
        for r in m.answers.iter().filter(|r| r.name == *owner) {
            if let Some(item) = pick(&r.data)
                && !set.contains(item)
            {
                set.push(item.clone());
            }
        }
    }
    (set, answered)
}

/// dnssec.ds-without-dnskey, dnssec.ds-mismatch, dnssec.no-ds, and the signatures' validity: the
/// chain of trust from the parent's DS set to the keys the zone serves (RFC 4035 §5.2). After a move to new name
/// servers the parent often still holds the DS of the old provider's keys: validating resolvers
/// then refuse every answer of the zone, though every server answers.
fn dnssec(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    use hickory_proto::dnssec::rdata::{DNSKEY, DS};
    let (ds, parent_answered) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, zone_answered) = authoritative_set(&f.dnskey, zone, dnskey_of);
    let zone_text = zone.to_ascii();
    let parent = f
        .delegation()
        .and_then(|d| d.parent.as_ref())
        .map(Name::to_ascii)
        .unwrap_or_else(|| "the parent".into());
    let ds_text = |ds: &[DS]| {
        ds.iter()
            .map(|d| {
                format!(
                    "key tag {} algorithm {} digest type {}",
                    d.key_tag(),
                    u8::from(d.algorithm()),
                    u8::from(d.digest_type())
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let key_tags = |keys: &[DNSKEY]| {
        keys.iter()
            .filter_map(|k| k.calculate_key_tag().ok())
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !ds.is_empty() && keys.is_empty() && zone_answered {
        out.push(Finding {
            code: "dnssec.ds-without-dnskey",
            severity: Severity::Error,
            message: format!(
                "the parent ({parent}) publishes DS records for {zone_text} ({}), but the zone's servers serve no DNSKEY: validating resolvers (1.1.1.1, 8.8.8.8, 9.9.9.9 and most ISPs) refuse every answer of {zone_text} with SERVFAIL. This is what a signed zone looks like after a move to new name servers",
                ds_text(&ds)
            ),
            servers: vec![],
            fix: "remove the DS records at the registrar (DNSSEC settings of the domain), or enable DNSSEC signing in Route 53 and give the registrar the new DS record".into(),
        });
    } else if !ds.is_empty() && !keys.is_empty() {
        // Only the DS records whose digest can be computed are judged.
        let judged: Vec<(&DS, bool)> = ds
            .iter()
            .filter_map(|d| {
                let mut any = None;
                for k in &keys {
                    match d.covers(zone, k) {
                        Ok(true) => return Some((d, true)),
                        Ok(false) => any = Some((d, false)),
                        Err(_) => {}
                    }
                }
                any
            })
            .collect();
        if !judged.is_empty() && judged.iter().all(|(_, covered)| !covered) {
            out.push(Finding {
                code: "dnssec.ds-mismatch",
                severity: Severity::Error,
                message: format!(
                    "none of the DS records the parent ({parent}) publishes for {zone_text} ({}) matches a DNSKEY the zone serves (key tags {}): validating resolvers refuse every answer of {zone_text} with SERVFAIL",
                    ds_text(&ds),
                    key_tags(&keys)
                ),
                servers: vec![],
                fix: "give the registrar the DS record of the zone's current key-signing key (Route 53: the DNSSEC signing page of the hosted zone), and remove the old one".into(),
            });
        }
    } else if ds.is_empty() && parent_answered && keys.iter().any(DNSKEY::secure_entry_point) {
        no_ds(&zone_text, &parent, &key_tags(&keys), out);
    }
    if !ds.is_empty() && !keys.is_empty() {
        // The keys the chain of trust enters by: their signatures over the key set count.
        let entry: Vec<u16> = keys
            .iter()
            .filter(|k| ds.iter().any(|d| d.covers(zone, k).unwrap_or(false)))
            .filter_map(|k| k.calculate_key_tag().ok())
            .collect();
        if !entry.is_empty() {
            signatures(f, zone, &entry, out);
        }
    }
}

/// dnssec.signature-expired / dnssec.signature-expiring: the signatures over the zone's DNSKEY
/// set, server by server (RFC 4034 §3.1.5: validity by serial number arithmetic). Signatures
/// that lapse make the whole zone bogus to validating resolvers, though every record is there;
/// it happens when whatever re-signs the zone stops. Only signatures by a key the parent's DS
/// points at (`entry`, by key tag) count, since a validator starts from those; their validity
/// period and signer are read here, not their cryptography.
fn signatures(f: &Facts, zone: &Name, entry: &[u16], out: &mut Vec<Finding>) {
    use hickory_proto::dnssec::rdata::DNSSECRData;
    const SOON: i64 = 3 * 86_400;
    let now = f.checked_at as u32;
    let mut lapsed = Vec::new();
    let mut soon = Vec::new();
    let (mut lapsed_at, mut soon_at) = (Vec::new(), Vec::new());
    for p in f.dnskey.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        // Seconds from now to each signature's start and end (negative: in the past).
        let windows: Vec<(i64, i64)> = m
            .answers
            .iter()
            .filter(|r| r.name == *zone)
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::RRSIG(sig))
                    if sig.input().type_covered == RecordType::DNSKEY
                        && entry.contains(&sig.input().key_tag) =>
                {
                    let input = sig.input();
                    let from = i64::from(input.sig_inception.get().wrapping_sub(now) as i32);
                    let to = i64::from(input.sig_expiration.get().wrapping_sub(now) as i32);
                    Some((from, to))
                }
                _ => None,
            })
            .collect();
        if !m
            .answers
            .iter()
            .any(|r| r.record_type() == RecordType::DNSKEY)
        {
            continue;
        }
        let valid: Vec<&(i64, i64)> = windows
            .iter()
            .filter(|(from, to)| *from <= 0 && *to > 0)
            .collect();
        if valid.is_empty() {
            let why = match windows.iter().map(|(_, to)| *to).max() {
                None => format!(
                    "no signature over the DNSKEY set by the key the parent's DS points at (key tag {})",
                    entry
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(to) if to <= 0 => format!("the latest signature over the DNSKEY set expired {} ago", span(-to)),
                Some(_) => "the signatures over the DNSKEY set are not valid yet (inception in the future: a clock?)".to_string(),
            };
            lapsed.push(format!("{} {why}", who(p)));
            lapsed_at.push(who(p));
        } else if let Some(to) = valid.iter().map(|(_, to)| *to).max()
            && to < SOON
        {
            soon.push(format!("{} in {}", who(p), span(to)));
            soon_at.push(who(p));
        }
    }
    let zone_text = zone.to_ascii();
    if !lapsed.is_empty() {
        out.push(Finding {
            code: "dnssec.signature-expired",
            severity: Severity::Error,
            message: format!(
                "{zone_text} is signed and its parent holds its DS, but there is no valid signature over its DNSKEY set: {}; validating resolvers answer SERVFAIL for the whole zone",
                lapsed.join("; ")
            ),
            servers: lapsed_at,
            fix: "re-sign the zone (Route 53 signs continuously while DNSSEC signing is enabled and its KMS key usable; check the key's permissions), or remove the DS at the registrar".into(),
        });
    }
    if !soon.is_empty() {
        out.push(Finding {
            code: "dnssec.signature-expiring",
            severity: Severity::Warning,
            message: format!(
                "the signatures over {zone_text}'s DNSKEY set expire soon: {}",
                soon.join("; ")
            ),
            servers: soon_at,
            fix: "check that whatever signs the zone is still running".into(),
        });
    }
}

/// A duration for people: "3 days", "5 hours", "12 minutes".
fn span(seconds: i64) -> String {
    match seconds {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 2 * 3_600 => format!("{} hours", s / 3_600),
        s => format!("{} minutes", s / 60),
    }
}

/// dnssec.no-ds: signed, but the chain of trust does not reach the zone.
fn no_ds(zone_text: &str, parent: &str, tags: &str, out: &mut Vec<Finding>) {
    out.push(Finding {
        code: "dnssec.no-ds",
        severity: Severity::Warning,
        message: format!(
            "{zone_text} is signed (key tags {tags}), but the parent ({parent}) has no DS record for it: resolvers do not validate its answers"
        ),
        servers: vec![],
        fix: "give the registrar the DS record of the key-signing key, to finish enabling DNSSEC"
            .into(),
    });
}

/// Why switching to the expected servers would break validation, if it would: the parent holds
/// DS records for the zone and the expected servers serve no key any of them points at. Gives
/// the DS key tags, whether the expected servers sign at all, and the DS TTL.
fn unsafe_move(f: &Facts, zone: &Name) -> Option<(Vec<u16>, bool, u32)> {
    let expected = f.expected.as_ref()?;
    let parent_ns = f.delegation().map(|d| d.ns.clone()).unwrap_or_default();
    if parent_ns.is_empty() || expected.names == parent_ns {
        return None;
    }
    let (ds, _) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, answered) = authoritative_set(&expected.dnskey, zone, dnskey_of);
    if ds.is_empty()
        || !answered
        || ds
            .iter()
            .any(|d| keys.iter().any(|k| d.covers(zone, k).unwrap_or(false)))
    {
        return None;
    }
    let ds_ttl =
        f.ds.iter()
            .filter_map(Probe::message)
            .flat_map(|m| m.answers.iter())
            .filter(|r| r.record_type() == RecordType::DS)
            .map(|r| r.ttl)
            .max()
            .unwrap_or(0);
    Some((
        ds.iter().map(|d| d.key_tag()).collect(),
        !keys.is_empty(),
        ds_ttl,
    ))
}

/// dnssec.move-unsafe: the parent is to be switched to the expected servers (`--expect`), it
/// holds DS records for the zone, and the expected servers do not serve a key any of them points
/// at. Switching the name servers first would make the zone fail validation everywhere for as
/// long as resolvers keep the DS.
fn move_safety(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    let Some((tags, signed, ds_ttl)) = unsafe_move(f, zone) else {
        return;
    };
    let zone_text = zone.to_ascii();
    let tags: Vec<String> = tags.iter().map(ToString::to_string).collect();
    let state = if signed {
        "sign it with other keys"
    } else {
        "do not sign the zone"
    };
    out.push(Finding {
        code: "dnssec.move-unsafe",
        severity: Severity::Error,
        message: format!(
            "the parent holds DS records for {zone_text} (key tags {}) and the expected servers {state}: switching the name servers to them now makes {zone_text} fail validation (SERVFAIL) at every validating resolver until the DS is gone from their caches",
            tags.join(", ")
        ),
        servers: f
            .expected
            .iter()
            .flat_map(|e| &e.dnskey)
            .filter(|p| answers_with_authority(p))
            .map(who)
            .collect(),
        fix: if signed {
            format!("first add the new servers' DS record at the registrar beside the old one and wait for the DS TTL ({ds_ttl} s), then switch the name servers")
        } else {
            format!("first remove the DS records at the registrar and wait for their TTL ({ds_ttl} s) to pass, then switch the name servers; or enable DNSSEC signing on the new servers and publish their DS beside the old one first")
        },
    });
}
