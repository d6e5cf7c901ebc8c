//! Route 53's record sets ↔ the zone model, as small pure functions.
//!
//! Route 53 writes values in master-file presentation (`10 mx.example.net.`,
//! `0 issue "ca.example"`, TXT as `"…" "…"` with octal `\ooo` escapes for octets outside printable
//! ASCII) and names with octal escapes (`\052` for `*`). Routed sets (`SetIdentifier`) carry
//! their policy and health check id, which [`HealthIds`] turns into the check's name in the zone
//! file and back. Record sets of traffic policies, routing kinds dns does not model (CIDR,
//! geoproximity), types dns does not handle, and the apex SOA and NS are *unmanaged*: listed so
//! the user knows, never changed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use aws_sdk_route53::types::{
    AliasTarget, GeoLocation, ResourceRecord, ResourceRecordSet, ResourceRecordSetFailover,
    ResourceRecordSetRegion, RrType,
};

use crate::zone::text::{self, Field};
use crate::zone::{
    Alias, Failover, Geo, HealthRef, Name, Policy, RData, RType, RecordSet, Routing, RrKey, Txt,
    name,
};

/// Health checks by their name in the zone file and by their Route 53 id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthIds {
    by_name: BTreeMap<String, String>,
    by_id: BTreeMap<String, String>,
}

impl HealthIds {
    pub fn insert(&mut self, name: &str, id: &str) {
        self.by_name.insert(name.to_string(), id.to_string());
        self.by_id.insert(id.to_string(), name.to_string());
    }

    /// The Route 53 id a reference stands for (`None`: a check not created yet).
    pub fn id<'a>(&'a self, r: &'a HealthRef) -> Option<&'a str> {
        match r {
            HealthRef::Named(n) => self.by_name.get(n).map(String::as_str),
            HealthRef::Id(id) => Some(id),
        }
    }

    /// The reference a live set's id reads as: the file's name for it, else the bare id.
    pub fn reference(&self, id: &str) -> HealthRef {
        match self.by_id.get(id) {
            Some(n) => HealthRef::Named(n.clone()),
            None => HealthRef::Id(id.to_string()),
        }
    }
}

/// A routed set that refers to a health check that has no id yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} {rtype}{set}: health check `{check}` has no Route 53 id")]
pub struct MissingCheck {
    pub name: String,
    pub rtype: RType,
    pub set: String,
    pub check: String,
}

/// Why a live record set is left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmanaged {
    /// The apex SOA or NS: Route 53's own.
    ApexOwned(String, String),
    /// A routed set of a kind dns does not model (CIDR, geoproximity).
    RoutingPolicy(String, String),
    /// A record set made by a Route 53 traffic policy, which owns it.
    TrafficPolicy(String, String),
    /// A type dns does not model (PTR, DS, HTTPS…).
    UnsupportedType(String, String),
    /// A value dns could not read.
    Unreadable(String, String, String),
}

impl std::fmt::Display for Unmanaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmanaged::ApexOwned(n, t) => write!(f, "{n} {t}: the apex {t} belongs to Route 53"),
            Unmanaged::RoutingPolicy(n, t) => write!(
                f,
                "{n} {t}: CIDR or geoproximity routing, which dns does not manage yet"
            ),
            Unmanaged::TrafficPolicy(n, t) => write!(
                f,
                "{n} {t}: created by a Route 53 traffic policy, which owns it"
            ),
            Unmanaged::UnsupportedType(n, t) => {
                write!(f, "{n} {t}: dns does not manage {t} records")
            }
            Unmanaged::Unreadable(n, t, why) => write!(f, "{n} {t}: value not understood ({why})"),
        }
    }
}

/// Undoes Route 53's octal escapes in names (`\052` → `*`).
pub fn unescape_name(text: &str) -> String {
    let bytes = unescape_octal(text);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn unescape_octal(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if let Some(d) = b.get(i + 1..i + 4)
                && d.iter().all(|c| (b'0'..=b'7').contains(c))
                && let Ok(byte) =
                    u8::try_from(d.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0')))
            {
                out.push(byte);
                i += 4;
                continue;
            }
            if let Some(&next) = b.get(i + 1) {
                out.push(next);
                i += 2;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// A TXT record as Route 53 takes it: each string quoted, `"` and `\\` escaped, octets outside
/// printable ASCII as `\\ooo`.
pub fn txt_strings_value(txt: &Txt) -> String {
    txt.0
        .iter()
        .map(|s| quote_octets(s))
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote_octets(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &byte in bytes {
        match byte {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push('"');
    out
}

/// A Route 53 value split into its fields: quoted strings and bare words, each with Route 53's
/// octal escapes (`\ooo`) and `\X` read, and whether it was quoted.
fn split_fields(text: &str) -> Result<Vec<(Vec<u8>, bool)>, String> {
    let mut fields = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() {
                    return Err("unterminated quoted string".into());
                }
                fields.push((unescape_octal(&text[start..j]), true));
                i = j + 1;
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != b' ' {
                    i += 1;
                }
                fields.push((unescape_octal(&text[start..i]), false));
            }
        }
    }
    Ok(fields)
}

/// A TXT record read back from Route 53: its strings (quoted, or bare words), unescaped.
pub fn parse_txt_strings(text: &str) -> Result<Txt, String> {
    let strings: Vec<Vec<u8>> = split_fields(text)?.into_iter().map(|(s, _)| s).collect();
    if strings.is_empty() {
        return Err("no string".into());
    }
    Ok(Txt(strings))
}

/// The record type's Route 53 enum.
pub fn rr_type(t: RType) -> RrType {
    match t {
        RType::A => RrType::A,
        RType::AAAA => RrType::Aaaa,
        RType::CAA => RrType::Caa,
        RType::CNAME => RrType::Cname,
        RType::MX => RrType::Mx,
        RType::NS => RrType::Ns,
        RType::SRV => RrType::Srv,
        RType::TXT => RrType::Txt,
    }
}

/// The presentation values Route 53 takes for an RRset (empty for an alias).
pub fn values(data: &RData) -> Vec<String> {
    match data {
        RData::Txt(v) => v.iter().map(txt_strings_value).collect(),
        other => crate::zone::wire::presentation(other),
    }
}

/// Builds the Route 53 record set for `key`; `zone_id` fills in same-zone alias targets and
/// `checks` the health check ids.
pub fn to_route53(
    key: &RrKey,
    set: &RecordSet,
    zone_id: &str,
    checks: &HealthIds,
) -> Result<ResourceRecordSet, MissingCheck> {
    let mut builder = ResourceRecordSet::builder()
        .name(key.name.to_ascii())
        .r#type(rr_type(key.rtype))
        .set_set_identifier(key.set_id.clone());
    if let Some(routing) = &set.routing {
        builder = match &routing.policy {
            Policy::Weighted(w) => builder.weight(i64::from(*w)),
            Policy::Failover(f) => builder.failover(match f {
                Failover::Primary => ResourceRecordSetFailover::Primary,
                Failover::Secondary => ResourceRecordSetFailover::Secondary,
            }),
            Policy::Latency(r) => builder.region(ResourceRecordSetRegion::from(r.as_str())),
            Policy::Geo(g) => builder.geo_location(
                GeoLocation::builder()
                    .set_continent_code(g.continent.clone())
                    .set_country_code(g.country.clone())
                    .set_subdivision_code(g.subdivision.clone())
                    .build(),
            ),
            Policy::MultiValue => builder.multi_value_answer(true),
        };
        if let Some(r) = &routing.health_check {
            let id = checks.id(r).ok_or_else(|| MissingCheck {
                name: key.name.to_ascii(),
                rtype: key.rtype,
                set: key.set_label(),
                check: r.to_string(),
            })?;
            builder = builder.health_check_id(id);
        }
    }
    match &set.data {
        RData::Alias(alias) => {
            let target = AliasTarget::builder()
                .hosted_zone_id(alias.hosted_zone_id.as_deref().unwrap_or(zone_id))
                .dns_name(alias.target.to_ascii())
                .evaluate_target_health(alias.evaluate_target_health)
                .build()
                .expect("alias target: all required fields set");
            builder = builder.alias_target(target);
        }
        data => {
            builder = builder.ttl(i64::from(set.ttl.unwrap_or_default()));
            for value in values(data) {
                builder = builder.resource_records(
                    ResourceRecord::builder()
                        .value(value)
                        .build()
                        .expect("value set"),
                );
            }
        }
    }
    Ok(builder.build().expect("record set: name and type set"))
}

/// The routing of a live routed set.
fn routing(rr: &ResourceRecordSet, checks: &HealthIds) -> Result<Routing, String> {
    let policy = if let Some(w) = rr.weight() {
        Policy::Weighted(u8::try_from(w).map_err(|_| format!("weight {w} is over 255"))?)
    } else if let Some(f) = rr.failover() {
        match f {
            ResourceRecordSetFailover::Primary => Policy::Failover(Failover::Primary),
            ResourceRecordSetFailover::Secondary => Policy::Failover(Failover::Secondary),
            other => return Err(format!("failover {}", other.as_str())),
        }
    } else if let Some(r) = rr.region() {
        Policy::Latency(r.as_str().to_string())
    } else if let Some(g) = rr.geo_location() {
        Policy::Geo(Geo {
            continent: g.continent_code().map(str::to_string),
            country: g.country_code().map(str::to_string),
            subdivision: g.subdivision_code().map(str::to_string),
        })
    } else if rr.multi_value_answer() == Some(true) {
        Policy::MultiValue
    } else {
        return Err("a set identifier without a routing policy".into());
    };
    Ok(Routing {
        policy,
        health_check: rr.health_check_id().map(|id| checks.reference(id)),
    })
}

/// Reads one live record set into the model, or says why it is left alone.
pub fn from_route53(
    rr: &ResourceRecordSet,
    origin: &Name,
    zone_id: &str,
    checks: &HealthIds,
) -> Result<(RrKey, RecordSet), Unmanaged> {
    let raw_name = unescape_name(rr.name());
    let type_text = rr.r#type().as_str().to_string();
    let owner = name::parse_owner(&format!("{}.", raw_name.trim_end_matches('.')), origin)
        .map_err(|e| Unmanaged::Unreadable(raw_name.clone(), type_text.clone(), e.to_string()))?;
    if owner == *origin && matches!(rr.r#type(), RrType::Soa | RrType::Ns) {
        return Err(Unmanaged::ApexOwned(raw_name, type_text));
    }
    if rr.traffic_policy_instance_id().is_some() {
        return Err(Unmanaged::TrafficPolicy(raw_name, type_text));
    }
    if rr.cidr_routing_config().is_some() || rr.geo_proximity_location().is_some() {
        return Err(Unmanaged::RoutingPolicy(raw_name, type_text));
    }
    let Some(rtype) = RType::parse(&type_text) else {
        return Err(Unmanaged::UnsupportedType(raw_name, type_text));
    };
    let unreadable = |why: String| Unmanaged::Unreadable(raw_name.clone(), type_text.clone(), why);
    let routing = match rr.set_identifier() {
        Some(_) => Some(routing(rr, checks).map_err(unreadable)?),
        None => None,
    };
    let key = RrKey::routed(owner, rtype, rr.set_identifier().map(str::to_string));
    if let Some(alias) = rr.alias_target() {
        let target = name::parse_target(
            &format!("{}.", unescape_name(alias.dns_name()).trim_end_matches('.')),
            false,
        )
        .map_err(|e| unreadable(e.to_string()))?;
        let id = alias.hosted_zone_id().trim_start_matches("/hostedzone/");
        let alias = Alias {
            target,
            hosted_zone_id: (id != zone_id.trim_start_matches("/hostedzone/"))
                .then(|| id.to_string()),
            evaluate_target_health: alias.evaluate_target_health(),
        };
        return Ok((
            key,
            RecordSet {
                ttl: None,
                data: RData::Alias(Box::new(alias)),
                routing: routing.map(Box::new),
            },
        ));
    }
    let ttl = rr.ttl().and_then(|t| u32::try_from(t).ok());
    let texts: Vec<&str> = rr
        .resource_records()
        .iter()
        .map(ResourceRecord::value)
        .collect();
    let data = parse_values(rtype, &texts).map_err(unreadable)?;
    Ok((
        key,
        RecordSet {
            ttl,
            data,
            routing: routing.map(Box::new),
        },
    ))
}

/// A target of a Route 53 value, its escapes already read.
fn target(text: &str) -> Result<Name, String> {
    let fqdn = if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    };
    if fqdn == "." {
        return Ok(Name::root());
    }
    name::parse_target(&fqdn, true).map_err(|e| e.to_string())
}

/// The values of a Route 53 record set, each read as a master file's record is (zone::text),
/// its fields split by [`split_fields`].
fn parse_values(rtype: RType, texts: &[&str]) -> Result<RData, String> {
    let values = texts
        .iter()
        .map(|t| {
            let words = split_fields(t)?;
            let fields: Vec<Field> = (words.iter())
                .map(|(text, quoted)| Field {
                    text,
                    quoted: *quoted,
                    special: false,
                })
                .collect();
            text::value(rtype, &fields, &|f: &Field| target(&f.str()))
                .map_err(|e| format!("'{t}': {e}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if rtype == RType::CNAME && values.len() != 1 {
        return Err(format!(
            "{} CNAME values where one was expected",
            values.len()
        ));
    }
    Ok(text::rdata(rtype, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_round_trips_through_route53_presentation() {
        for value in [
            "v=spf1 -all",
            "say \"hi\" \\o/",
            "é€😀",
            &"x".repeat(600),
            "",
        ] {
            let txt = Txt::from_text(value.as_bytes());
            assert_eq!(
                parse_txt_strings(&txt_strings_value(&txt)).unwrap(),
                txt,
                "{value}"
            );
        }
        assert_eq!(
            txt_strings_value(&Txt::from_text("é".as_bytes())),
            "\"\\303\\251\""
        );
        let two = parse_txt_strings("\"a\" \"b\"").unwrap();
        assert_eq!(two.0, [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(parse_txt_strings("bare").unwrap().joined(), b"bare");
        assert!(parse_txt_strings("\"open").is_err());
        // CAA and MX values as Route 53 writes them, through the readers' one parser.
        let caa = parse_values(RType::CAA, &["0 issue \"ca.example; account=1\""]).unwrap();
        assert_eq!(
            crate::zone::wire::presentation(&caa),
            ["0 issue \"ca.example; account=1\""]
        );
        let mx = parse_values(RType::MX, &["10 \\052.mx.example."]);
        assert!(mx.is_err(), "a wildcard is no mail exchange: {mx:?}");
        let err = parse_values(RType::A, &["192.0.2.1", "not-an-address"]).unwrap_err();
        assert_eq!(
            err,
            "'not-an-address': 'not-an-address' is not an IPv4 address"
        );
    }

    #[test]
    fn every_routing_kind_round_trips_through_route53_with_its_health_check_id() {
        use crate::zone::load::load_str;
        let text = include_str!("../../../tests/routing/example.com.yaml");
        let loaded = load_str(std::path::Path::new("example.com.yaml"), text);
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        let mut ids = HealthIds::default();
        ids.insert("seoul-alb", "11111111-aaaa");
        ids.insert("legacy", "0b5b2c5e-1a2b-4c3d-8e9f-0123456789ab");
        let origin = loaded.zone.origin.clone();
        for (key, set) in &loaded.zone.rrsets {
            let rr = to_route53(key, set, "ZSELF", &ids).unwrap();
            assert_eq!(rr.set_identifier(), key.set_id.as_deref());
            let (k, back) = from_route53(&rr, &origin, "ZSELF", &ids).unwrap();
            assert_eq!((&k, &back), (key, set));
        }
        // A check the file does not name reads back as its bare id; one without an id yet is
        // an error, never a record set without its check.
        let (key, set) = loaded
            .zone
            .rrsets
            .iter()
            .find(|(_, s)| s.routing.as_ref().is_some_and(|r| r.health_check.is_some()))
            .unwrap();
        let err = to_route53(key, set, "Z", &HealthIds::default()).unwrap_err();
        assert!(err.to_string().contains("has no Route 53 id"), "{err}");
        let rr = to_route53(key, set, "Z", &ids).unwrap();
        let (_, back) = from_route53(&rr, &origin, "Z", &HealthIds::default()).unwrap();
        assert!(matches!(
            back.routing.unwrap().health_check,
            Some(HealthRef::Id(_))
        ));
    }

    #[test]
    fn traffic_policy_cidr_and_geoproximity_sets_are_left_alone_and_said_so() {
        use aws_sdk_route53::types::{CidrRoutingConfig, GeoProximityLocation};
        let origin = Name::from_ascii("example.com.").unwrap();
        let base = || {
            ResourceRecordSet::builder()
                .name("www.example.com.")
                .r#type(RrType::A)
                .set_identifier("x")
                .ttl(60)
                .resource_records(
                    ResourceRecord::builder()
                        .value("192.0.2.1")
                        .build()
                        .unwrap(),
                )
        };
        let ids = HealthIds::default();
        let policy = base().traffic_policy_instance_id("tp-1").build().unwrap();
        assert!(matches!(
            from_route53(&policy, &origin, "Z", &ids),
            Err(Unmanaged::TrafficPolicy(..))
        ));
        let cidr = base()
            .cidr_routing_config(
                CidrRoutingConfig::builder()
                    .collection_id("c")
                    .location_name("office")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let near = base()
            .geo_proximity_location(
                GeoProximityLocation::builder()
                    .aws_region("us-east-1")
                    .build(),
            )
            .build()
            .unwrap();
        for rr in [cidr, near] {
            let left = from_route53(&rr, &origin, "Z", &ids).unwrap_err();
            assert!(matches!(left, Unmanaged::RoutingPolicy(..)), "{left}");
            assert!(left.to_string().contains("does not manage yet"), "{left}");
        }
        // A set identifier with no policy at all is not guessed at.
        let bare = base().build().unwrap();
        assert!(matches!(
            from_route53(&bare, &origin, "Z", &ids),
            Err(Unmanaged::Unreadable(..))
        ));
    }

    #[test]
    fn wildcards_come_back_escaped() {
        assert_eq!(unescape_name("\\052.example.com."), "*.example.com.");
        assert_eq!(unescape_name("plain.example.com."), "plain.example.com.");
        assert_eq!(unescape_name("trailing\\"), "trailing\\");
    }
}
