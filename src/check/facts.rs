//! What a round of `dns check` found, as plain data: the walk (every level, server and probe
//! with its answer's wire form), the zone's apex and server questions, the addresses looked
//! up, the expected servers' answers, the registry's word, the zone file's verification, and
//! the settings the rules judge by (what counts as slow, the trust anchors), recorded so that
//! saved facts are judged the same way. Built once by [`super::gather`]; read by the rules and
//! the reports; saved and read back whole ([`super::saved`]).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use hickory_proto::rr::{Name, RData, RecordType};
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

use super::questions::{Asked, Question};
use super::{anchor, verification};
use crate::walk::saved::{Ascii, TypeCode};
use crate::walk::{self, NameServer, Probe, Walk};

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
    /// Answers slower than this are `ns.slow` (the setting, recorded with the facts so that
    /// saved facts are judged by it).
    pub slow_after: std::time::Duration,
    pub queries: usize,
    pub limits: Limits,
    /// What the registry says of the domain (RDAP), when it was asked.
    pub registration: Option<crate::rdap::Lookup>,
    /// With `--expect route53`: the domain's registration at Route 53 Domains, when this
    /// account holds it.
    pub registrar: Option<crate::provider::route53::domains::DomainDetail>,
    /// The root's trust anchors, when the chain of trust from the root is judged.
    pub anchors: Option<Vec<anchor::Anchor>>,
    /// The zone file's record sets asked of every server, when there is a zone file.
    pub verification: Option<verification::Verification>,
    /// Before a move (`--expect`, the parent delegating to other servers): the zone file's
    /// record sets asked of the expected servers, which must serve them all before the switch.
    #[serde(default)]
    pub preflight: Option<verification::Verification>,
    /// Before a move: names a zone usually has, the in-zone targets the current servers'
    /// answers name and the sets their transfers showed, that the zone file lacks, asked of the
    /// current servers and of the expected ones (`gather::beyond`): what the switch would lose
    /// beyond the file.
    #[serde(default)]
    pub beyond_file: Vec<Probe>,
    /// The walk ended at a zone above the domain: its parent does not delegate it (then there
    /// is no zone to judge).
    #[serde(default)]
    pub undelegated: Option<Undelegated>,
}

/// A domain its parent does not delegate: the parent's servers answer for it themselves.
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Undelegated {
    #[serde_as(as = "Ascii")]
    pub domain: Name,
    #[serde_as(as = "Ascii")]
    pub parent: Name,
    /// What the parent's servers said of it.
    pub said: String,
}

/// The registered domain of a name, as far as it can be told without the public suffix list:
/// its last two labels, or three under a two-letter country code whose second label is one of
/// the usual second-level names (`example.co.uk`, `example.com.au`); the name itself when it
/// has no more labels than that.
pub fn domain_of(name: &Name) -> Name {
    const SECOND_LEVEL: [&[u8]; 14] = [
        b"co", b"com", b"net", b"org", b"ac", b"gov", b"edu", b"or", b"ne", b"go", b"ltd", b"plc",
        b"nom", b"mil",
    ];
    let labels: Vec<&[u8]> = name.iter().collect();
    let n = labels.len();
    let keep = match n {
        0..=2 => n,
        _ if labels[n - 1].len() == 2
            && SECOND_LEVEL
                .iter()
                .any(|l| labels[n - 2].eq_ignore_ascii_case(l)) =>
        {
            3
        }
        _ => 2,
    };
    name.trim_to(keep).to_lowercase()
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

impl Facts {
    /// Without the probes, answers and verifications: what a zone's verdict needs (its name,
    /// whether it was found) stays, for a run that has already written the zone's report.
    pub fn slim(&mut self) {
        self.walk.levels = Vec::new();
        self.walk.dropped = Vec::new();
        for probes in [
            &mut self.soa_udp,
            &mut self.soa_tcp,
            &mut self.ns,
            &mut self.ns_addrs,
            &mut self.ds,
            &mut self.dnskey,
            &mut self.beyond_file,
        ] {
            *probes = Vec::new();
        }
        self.asked = Vec::new();
        self.transfers = Vec::new();
        self.verification = None;
        self.preflight = None;
    }

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
            queries: 0,
            limits: Limits::default(),
            registration: None,
            registrar: None,
            anchors: None,
            verification: None,
            undelegated: None,
            preflight: None,
            beyond_file: vec![],
        }
    }

    /// What this round did not look at, in a few words each (a zone was reached): the zone's
    /// records when there was no zone file, the registration when the registry was not asked.
    pub fn not_checked(&self) -> Vec<String> {
        let Some(zone) = &self.zone else {
            return vec![];
        };
        let mut out = Vec::new();
        if self.verification.is_none() {
            out.push(format!(
                "the zone's records on every server (no zone file: zones/{} or --zone-file)",
                crate::zonedir::file_name(zone)
            ));
        }
        if self.registration.is_none() {
            out.push(
                "the registration (the registry was not asked: --no-rdap, or --root-hints without --rdap-url)"
                    .to_string(),
            );
        }
        out
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

    /// Every probe of the check, at every level: the walk's, the zone's apex and data
    /// questions, the parent's DS, the name servers' addresses and the questions beyond the
    /// zone file.
    pub fn probes(&self) -> impl Iterator<Item = &Probe> {
        self.walk
            .levels
            .iter()
            .flat_map(|l| l.probes.iter())
            .chain(&self.soa_udp)
            .chain(&self.soa_tcp)
            .chain(&self.ns)
            .chain(&self.ns_addrs)
            .chain(&self.ds)
            .chain(&self.dnskey)
            .chain(self.asked.iter().map(|a| &a.probe))
            .chain(&self.beyond_file)
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

/// The mail exchangers the servers' MX answers name (not the null MX's root), each once.
pub fn exchangers<'p>(mx: impl Iterator<Item = &'p Probe>, zone: &Name) -> BTreeSet<Name> {
    mx.filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
        .flat_map(|m| &m.answers)
        .filter(|r| r.name == *zone)
        .filter_map(|r| match &r.data {
            RData::MX(mx) if !mx.exchange.is_root() => Some(mx.exchange.to_lowercase()),
            _ => None,
        })
        .collect()
}

/// Whether the probe is a proper authoritative answer (AA=1, NOERROR or NXDOMAIN).
pub fn answers_with_authority(p: &Probe) -> bool {
    p.is_authoritative_answer()
}

#[cfg(test)]
mod tests {
    use super::domain_of;
    use hickory_proto::rr::Name;

    #[test]
    fn the_registered_domain_is_the_last_two_labels_or_three_under_a_second_level_suffix() {
        let cases = [
            ("www.hive.example.com.", "example.com."),
            ("Example.COM.", "example.com."),
            ("com.", "com."),
            (".", "."),
            ("shop.example.co.uk.", "example.co.uk."),
            ("example.com.au.", "example.com.au."),
            ("www.example.de.", "example.de."),
            ("a.b.example.io.", "example.io."),
        ];
        for (name, want) in cases {
            let got = domain_of(&Name::from_ascii(name).unwrap());
            assert_eq!(got.to_ascii(), want, "{name}");
        }
    }
}
