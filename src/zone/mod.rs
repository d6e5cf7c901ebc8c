//! The zone model: what `zones/<zone>.yaml` says, independent of any file format or provider.
//!
//! A zone (RFC 1034 §4.2) is the set of resource record sets (RRsets, RFC 2181 §5) below its
//! origin down to its delegations. An RRset is identified by owner name and type ([`RrKey`]);
//! its records are compared as a *set*, so order and duplicates carry no meaning. Route 53 adds
//! one non-standard kind of RRset, the *alias* (`ALIAS` in zone files): an A or AAAA RRset whose
//! addresses Route 53 takes from another AWS resource, such as a load balancer, at query time.
//! Aliases may stand at the apex, where a CNAME may not (RFC 1034 §3.6.2, RFC 2181 §10.1).
//!
//! The apex SOA and NS RRsets belong to Route 53 and are not part of the model.

pub mod bind;
pub mod diag;
pub mod elb;
pub mod load;
pub mod master;
pub mod name;
pub mod tree;
mod values;
pub mod wire;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

pub use hickory_proto::rr::Name;

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

/// The identity of an RRset: owner name and type. Names compare case-insensitively in DNSSEC
/// canonical order (RFC 4034 §6.1), which is also the order of zone file output.
///
/// Built with [`RrKey::new`], which keeps the canonical form as bytes (labels right to left,
/// lower-cased, each followed by a zero octet), so that comparing keys — the work of every sorted
/// map of a zone — is a byte comparison rather than a walk over both names' labels.
#[derive(Debug, Clone)]
pub struct RrKey {
    pub name: Name,
    pub rtype: RType,
    order: Box<[u8]>,
}

impl RrKey {
    pub fn new(name: Name, rtype: RType) -> Self {
        let mut order = Vec::with_capacity(name.len() + 1);
        for label in name.iter().rev() {
            order.extend(label.iter().map(u8::to_ascii_lowercase));
            order.push(0);
        }
        RrKey {
            name,
            rtype,
            order: order.into_boxed_slice(),
        }
    }
}

impl PartialEq for RrKey {
    fn eq(&self, other: &Self) -> bool {
        self.rtype == other.rtype && self.order == other.order
    }
}

impl Eq for RrKey {}

impl std::hash::Hash for RrKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.order.hash(state);
        self.rtype.hash(state);
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
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mx {
    pub preference: u16,
    pub exchange: Name,
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
    Cname(Name),
    Mx(BTreeSet<Mx>),
    Ns(BTreeSet<Name>),
    Srv(BTreeSet<Srv>),
    /// Each value is one TXT record: its character-strings, as they are on the wire.
    Txt(BTreeSet<Txt>),
    Alias(Alias),
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
}

/// Zone-wide settings, kept under the reserved `$zone` key of a zone file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// TTL for records that give none.
    pub default_ttl: u32,
    /// The Route 53 hosted zone to use when several share the zone's name.
    pub hosted_zone_id: Option<String>,
    /// Names (relative, `*` as a glob) that sync leaves alone.
    pub ignore: Vec<String>,
    /// Record sets that sync leaves alone: those marked `octodns: {ignored: true}`.
    pub ignored_sets: BTreeSet<RrKey>,
    /// Safety threshold: the largest share of existing records one sync may change or delete.
    pub max_change_percent: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_ttl: DEFAULT_TTL,
            hosted_zone_id: None,
            ignore: Vec::new(),
            ignored_sets: BTreeSet::new(),
            max_change_percent: 30,
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
