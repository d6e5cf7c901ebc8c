//! The zone model: what `zones/<zone>.yaml` says, independent of any file format or provider.
//!
//! A zone (RFC 1034 §4.2) is the set of resource record sets (RRsets, RFC 2181 §5) below its
//! origin down to its delegations. An RRset is identified by owner name and type ([`RrKey`]);
//! its records are compared as a *set*, so order and duplicates carry no meaning. Route 53 adds
//! one non-standard kind of RRset, the *alias* (`ALIAS` in zone files): an A or AAAA RRset whose
//! addresses Route 53 takes from another AWS resource, such as a load balancer, at query time.
//! Aliases may stand at the apex, where a CNAME may not (RFC 1034 §3.6.2, RFC 2181 §10.1).
//!
//! Route 53 also splits one RRset into *routed sets* (weighted, failover, latency, geolocation,
//! multivalue answer): several record sets of one name and type, each with its own set
//! identifier, of which the name server answers one (or, for multivalue, a few) per query. The
//! model keys them by (name, type, set id) ([`RrKey::set_id`]) and keeps their policy in
//! [`Routing`]; the health checks they use are zone settings ([`HealthCheck`]).
//!
//! The apex SOA and NS RRsets belong to Route 53 and are not part of the model.

pub mod bind;
pub mod diag;
pub mod elb;
pub mod ignore;
pub mod load;
pub mod master;
pub mod name;
pub mod spf;
pub mod text;
pub mod tree;
pub mod wire;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

pub use hickory_proto::rr::Name;

/// A zone file or master file as text. A file that is not UTF-8 is refused with the line and
/// column of its first octet that is not (rather than "stream did not contain valid UTF-8").
pub fn read_text(path: &std::path::Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = at - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "line {line}, column {column}: the octet 0x{:02X} is not UTF-8 text; save the file as UTF-8 (in a master file, write other octets as \\DDD)",
                bytes[at]
            ),
        )
    })
}

/// The record types a zone file may hold (the wire type; ALIAS is an A or AAAA RRset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum RType {
    A,
    AAAA,
    CAA,
    CNAME,
    MX,
    NS,
    SRV,
    TXT,
}

impl RType {
    pub const ALL: [RType; 8] = [
        RType::A,
        RType::AAAA,
        RType::CAA,
        RType::CNAME,
        RType::MX,
        RType::NS,
        RType::SRV,
        RType::TXT,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RType::A => "A",
            RType::AAAA => "AAAA",
            RType::CAA => "CAA",
            RType::CNAME => "CNAME",
            RType::MX => "MX",
            RType::NS => "NS",
            RType::SRV => "SRV",
            RType::TXT => "TXT",
        }
    }

    pub fn parse(text: &str) -> Option<RType> {
        RType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for RType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of an RRset: owner name and type, and for a Route 53 routed set its set
/// identifier. Names compare case-insensitively in DNSSEC canonical order (RFC 4034 §6.1),
/// which is also the order of zone file output; at one name and type the plain set sorts before
/// routed sets, which sort by set identifier (case-sensitive, as Route 53 compares them).
///
/// Built with [`RrKey::new`], which keeps the canonical form as bytes (labels right to left,
/// lower-cased, each followed by a zero octet), so that comparing keys — the work of every sorted
/// map of a zone — is a byte comparison rather than a walk over both names' labels.
#[derive(Debug, Clone)]
pub struct RrKey {
    pub name: Name,
    pub rtype: RType,
    /// Route 53's `SetIdentifier`: `Some` for a routed set.
    pub set_id: Option<String>,
    order: Box<[u8]>,
}

impl RrKey {
    /// A routed set's key.
    pub fn routed(name: Name, rtype: RType, set_id: Option<String>) -> Self {
        RrKey {
            set_id,
            ..RrKey::new(name, rtype)
        }
    }

    /// Whether `other` is the same DNS RRset (name and type), whatever its set identifier.
    pub fn same_rrset(&self, other: &RrKey) -> bool {
        self.rtype == other.rtype && self.order == other.order
    }

    /// `[set id]` after a name and type in messages, or nothing for a plain set.
    pub fn set_label(&self) -> String {
        self.set_id
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default()
    }

    pub fn new(name: Name, rtype: RType) -> Self {
        let mut order = Vec::with_capacity(name.len() + 1);
        for label in name.iter().rev() {
            order.extend(label.iter().map(u8::to_ascii_lowercase));
            order.push(0);
        }
        RrKey {
            name,
            rtype,
            set_id: None,
            order: order.into_boxed_slice(),
        }
    }
}

impl PartialEq for RrKey {
    fn eq(&self, other: &Self) -> bool {
        self.rtype == other.rtype && self.order == other.order && self.set_id == other.set_id
    }
}

impl Eq for RrKey {}

impl std::hash::Hash for RrKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.order.hash(state);
        self.rtype.hash(state);
        self.set_id.hash(state);
    }
}

impl PartialOrd for RrKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RrKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order
            .cmp(&other.order)
            .then(self.rtype.cmp(&other.rtype))
            .then_with(|| self.set_id.cmp(&other.set_id))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mx {
    pub preference: u16,
    pub exchange: Name,
}

/// What is wrong with an MX set's null MX (RFC 7505 §3: `0 .`, the domain takes no mail, stands
/// alone with preference 0), if it has one: the set as (preference, exchange) pairs. For
/// `dns validate` (the zone file's set) and `dns check` (each server's).
pub fn null_mx_fault<'n>(set: impl IntoIterator<Item = (u16, &'n Name)>) -> Option<&'static str> {
    let set: Vec<(u16, &Name)> = set.into_iter().collect();
    let (preference, _) = set.iter().find(|(_, exchange)| exchange.is_root())?;
    if set.len() > 1 {
        Some("beside other MX records: senders may still try those, and the null MX says nothing")
    } else if *preference != 0 {
        Some("with a preference other than 0")
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: Name,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Caa {
    pub flags: u8,
    pub tag: String,
    pub value: String,
}

/// One TXT record: its character-strings (RFC 1035 §3.3.14), each at most 255 octets, kept as
/// they are: `"a" "b"` is not `"ab"` (SPF joins them, RFC 7208 §3.3; other readers may not). A
/// plain text value in a zone file is split at 255 octets ([`Txt::from_text`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Txt(pub Vec<Vec<u8>>);

/// The longest character-string (RFC 1035 §3.3).
pub const MAX_TXT_STRING: usize = 255;

impl Txt {
    /// A text split into strings of at most 255 octets, never inside a UTF-8 character (one
    /// empty string for an empty text).
    pub fn from_text(text: &[u8]) -> Txt {
        if text.is_empty() {
            return Txt(vec![Vec::new()]);
        }
        let mut strings = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let mut cut = rest.len().min(MAX_TXT_STRING);
            // Back off over UTF-8 continuation octets (10xxxxxx), unless that leaves nothing.
            while cut < rest.len() && cut > 0 && rest[cut] & 0xC0 == 0x80 {
                cut -= 1;
            }
            if cut == 0 {
                cut = rest.len().min(MAX_TXT_STRING);
            }
            strings.push(rest[..cut].to_vec());
            rest = &rest[cut..];
        }
        Txt(strings)
    }

    /// The strings joined: what SPF and DKIM read.
    pub fn joined(&self) -> Vec<u8> {
        self.0.concat()
    }

    /// Whether this is the plain split of its joined text (a zone file writes it as one text).
    pub fn is_plain(&self) -> bool {
        *self == Txt::from_text(&self.joined())
    }

    /// The strings in presentation form: each quoted, `"` and `\` escaped, octets outside
    /// printable ASCII as `\DDD` (decimal, RFC 1035 §5.1), UTF-8 text kept as it is.
    pub fn presentation(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push('"');
            out.push_str(&escape_text(s, false));
            out.push('"');
        }
        out
    }
}

/// Octets as master-file text: `"` and `\` escaped (and `;` when `semicolon`, as octoDNS
/// writes TXT), control octets and octets that are not UTF-8 as `\DDD`; UTF-8 text stays.
pub fn escape_text(octets: &[u8], semicolon: bool) -> String {
    let mut out = String::with_capacity(octets.len() + 2);
    for chunk in octets.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(ch);
                }
                ';' if semicolon => out.push_str("\\;"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\{b:03}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\{b:03}"));
        }
    }
    out
}

/// Master-file text decoded: `\DDD` (decimal) is that octet, `\X` is X; the rest as it is.
/// `None` for a `\DDD` over 255 or a `\` at the end.
pub fn unescape_text(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1..i + 4) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => {
                let v = d.iter().fold(0u32, |v, c| v * 10 + u32::from(c - b'0'));
                out.push(u8::try_from(v).ok()?);
                i += 4;
            }
            _ => {
                out.push(*b.get(i + 1)?);
                i += 2;
            }
        }
    }
    Some(out)
}

/// The label of the TXT record `dns sync` keeps under every zone's apex as its concurrency
/// guard (`provider::route53::guard`): no zone file may name it.
pub const SYNC_GUARD_LABEL: &str = "_dns-sync";

/// A Route 53 alias target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Alias {
    pub target: Name,
    /// The hosted zone that serves `target`. `None`: a record in this same hosted zone, whose id
    /// is known only at sync time.
    pub hosted_zone_id: Option<String>,
    pub evaluate_target_health: bool,
}

/// The records of one RRset. Values are sets: order and duplicates do not matter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RData {
    A(BTreeSet<Ipv4Addr>),
    AAAA(BTreeSet<Ipv6Addr>),
    Caa(BTreeSet<Caa>),
    /// Boxed, as `Alias`: a name is 80 octets inline, and every set of a zone's tree pays for
    /// its largest variant (112 octets → 32).
    Cname(Box<Name>),
    Mx(BTreeSet<Mx>),
    Ns(BTreeSet<Name>),
    Srv(BTreeSet<Srv>),
    /// Each value is one TXT record: its character-strings, as they are on the wire.
    Txt(BTreeSet<Txt>),
    Alias(Box<Alias>),
}

impl RData {
    /// Number of values (an alias or CNAME counts one).
    pub fn len(&self) -> usize {
        match self {
            RData::A(v) => v.len(),
            RData::AAAA(v) => v.len(),
            RData::Caa(v) => v.len(),
            RData::Mx(v) => v.len(),
            RData::Ns(v) => v.len(),
            RData::Srv(v) => v.len(),
            RData::Txt(v) => v.len(),
            RData::Cname(_) | RData::Alias(_) => 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_alias(&self) -> bool {
        matches!(self, RData::Alias(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordSet {
    /// `None` for an alias, which takes the target's TTL.
    pub ttl: Option<u32>,
    pub data: RData,
    /// Route 53 routing: `Some` exactly when the key has a set identifier. Boxed: most sets
    /// have none, and a zone's tree holds one `RecordSet` per set (224 octets → 128).
    pub routing: Option<Box<Routing>>,
}

impl RecordSet {
    pub fn new(ttl: Option<u32>, data: RData) -> Self {
        RecordSet {
            ttl,
            data,
            routing: None,
        }
    }
}

/// How Route 53 chooses among the routed sets of one name and type, and the health check that
/// takes this set out of the answers while it fails.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Routing {
    pub policy: Policy,
    pub health_check: Option<HealthRef>,
}

/// One routed set's policy (Route 53's routing policies; one kind per name and type).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Answered in proportion to its weight among the sets' weights (0–255).
    Weighted(u8),
    /// Answered while healthy (primary), or when the primary is not (secondary).
    Failover(Failover),
    /// Answered to clients nearest (in latency) to this AWS region.
    Latency(String),
    /// Answered to clients located here (`*` country: everyone not matched elsewhere).
    Geo(Geo),
    /// Up to eight healthy sets' values answered together.
    MultiValue,
}

impl Policy {
    /// The policy's kind, as zone files name it (one kind per name and type).
    pub fn kind(&self) -> &'static str {
        match self {
            Policy::Weighted(_) => "weight",
            Policy::Failover(_) => "failover",
            Policy::Latency(_) => "region",
            Policy::Geo(_) => "geo",
            Policy::MultiValue => "multivalue",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Weighted(w) => write!(f, "weight {w}"),
            Policy::Failover(Failover::Primary) => f.write_str("failover primary"),
            Policy::Failover(Failover::Secondary) => f.write_str("failover secondary"),
            Policy::Latency(r) => write!(f, "latency {r}"),
            Policy::Geo(g) => write!(f, "geo {g}"),
            Policy::MultiValue => f.write_str("multivalue"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Failover {
    Primary,
    Secondary,
}

/// A geolocation: a continent, or a country (`*` for the default) with an optional
/// subdivision. Codes as Route 53 writes them (upper case).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Geo {
    pub continent: Option<String>,
    pub country: Option<String>,
    pub subdivision: Option<String>,
}

impl Geo {
    /// The `'*'` location: clients that no other set's location matches.
    pub fn is_default(&self) -> bool {
        self.country.as_deref() == Some("*")
    }
}

impl fmt::Display for Geo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            self.continent.as_ref().map(|c| format!("continent={c}")),
            self.country.as_ref().map(|c| format!("country={c}")),
            self.subdivision
                .as_ref()
                .map(|c| format!("subdivision={c}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        f.write_str(&parts.join(","))
    }
}

/// A routed set's health check: one the zone file defines (by its name there), or, read from a
/// live set, one the file does not own (by its Route 53 id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HealthRef {
    Named(String),
    Id(String),
}

impl fmt::Display for HealthRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HealthRef::Named(n) => f.write_str(n),
            HealthRef::Id(id) => write!(f, "id {id} (not defined in the zone file)"),
        }
    }
}

/// A health check under `$zone.health_checks`, referred to by its name there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HealthCheck {
    /// Owned by the zone file: sync creates it, keeps its configuration, tags it (zone and
    /// name) to find it again, and deletes it when the file no longer has it.
    Owned(CheckConfig),
    /// An existing check, by its Route 53 id, that the file uses but does not own: sync never
    /// changes or deletes it (`dns import` writes checks that carry no dns tags so).
    Existing(String),
}

/// What an owned health check checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckConfig {
    pub kind: CheckKind,
    /// What an endpoint check asks (`None` for a calculated check).
    pub endpoint: Option<Endpoint>,
    /// A calculated check: the checks it combines (names in the file), and how many must be
    /// healthy.
    pub children: Vec<String>,
    pub threshold: Option<u16>,
    /// Reports healthy when the check fails, and the other way round.
    pub inverted: bool,
}

/// The protocol of a health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckKind {
    Http,
    Https,
    Tcp,
    Calculated,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Http => "HTTP",
            CheckKind::Https => "HTTPS",
            CheckKind::Tcp => "TCP",
            CheckKind::Calculated => "CALCULATED",
        }
    }
}

/// Where and how an endpoint check connects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The host name asked (and sent as Host/SNI); at least one of `host` and `ip`.
    pub host: Option<String>,
    pub ip: Option<std::net::IpAddr>,
    pub port: u16,
    /// HTTP(S) only: the path asked.
    pub path: Option<String>,
    /// HTTP(S) only: the text the response must contain (Route 53's `_STR_MATCH` types).
    pub search_string: Option<String>,
    /// Seconds between checks: 10 or 30. Route 53 cannot change it on an existing check.
    pub interval: u8,
    /// Consecutive results that flip the status: 1–10.
    pub failure_threshold: u8,
}

/// A private hosted zone's VPCs (`$zone.private`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vpc {
    pub id: String,
    pub region: String,
}

/// Zone-wide settings, kept under the reserved `$zone` key of a zone file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// TTL for records that give none.
    pub default_ttl: u32,
    /// The Route 53 hosted zone to use when several share the zone's name.
    pub hosted_zone_id: Option<String>,
    /// The AWS account the zone lives in: plan and sync refuse credentials of any other.
    pub account: Option<String>,
    /// Names (relative, `*` as a glob) that sync leaves alone.
    pub ignore: Vec<String>,
    /// Record sets that sync leaves alone: those marked `octodns: {ignored: true}`.
    pub ignored_sets: BTreeSet<RrKey>,
    /// Safety threshold: the largest share of existing records one sync may change or delete.
    pub max_change_percent: u8,
    /// Health checks the file owns, by their name in the file.
    pub health_checks: BTreeMap<String, HealthCheck>,
    /// `Some` for a private hosted zone: the VPCs it is associated with.
    pub private: Option<BTreeSet<Vpc>>,
    /// A private zone's VPC listed first in the file: the one a new hosted zone is created
    /// with (Route 53 takes one at creation; the others are associated after).
    pub first_vpc: Option<Vpc>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_ttl: DEFAULT_TTL,
            hosted_zone_id: None,
            account: None,
            ignore: Vec::new(),
            ignored_sets: BTreeSet::new(),
            max_change_percent: 30,
            health_checks: BTreeMap::new(),
            private: None,
            first_vpc: None,
        }
    }
}

/// octoDNS's default TTL, so that octoDNS zone files mean the same here.
pub const DEFAULT_TTL: u32 = 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub origin: Name,
    pub settings: Settings,
    pub rrsets: BTreeMap<RrKey, RecordSet>,
}

impl Zone {
    pub fn new(origin: Name) -> Self {
        Zone {
            origin,
            settings: Settings::default(),
            rrsets: BTreeMap::new(),
        }
    }

    /// Total number of records (values) in the zone.
    pub fn record_count(&self) -> usize {
        self.rrsets.values().map(|s| s.data.len()).sum()
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn byte_order_is_the_canonical_name_order() {
        let names = [
            "example.com.",
            "a.example.com.",
            "yljkjljk.a.example.com.",
            "Z.a.example.com.",
            "zABC.a.EXAMPLE.com.",
            "*.z.example.com.",
            "b.example.com.",
            "ab.example.com.",
            "example.org.",
        ];
        let mut parsed: Vec<Name> = names.iter().map(|n| Name::from_ascii(n).unwrap()).collect();
        let mut by_key = parsed.clone();
        parsed.sort();
        by_key
            .sort_by(|a, b| RrKey::new(a.clone(), RType::A).cmp(&RrKey::new(b.clone(), RType::A)));
        assert_eq!(parsed, by_key);
        assert_eq!(
            RrKey::new(Name::from_ascii("WWW.example.com.").unwrap(), RType::A),
            RrKey::new(Name::from_ascii("www.example.com.").unwrap(), RType::A)
        );
    }
}
