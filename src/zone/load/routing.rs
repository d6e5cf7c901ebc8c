//! Route 53 routed sets in zone files (health checks: `health_checks.rs`; private zones:
//! `private.rs`): reading their keys, and
//! the rules Route 53 enforces across the routed sets of one name and type.
//!
//! A routed set is a record with `set_id` and exactly one routing key: `weight`, `failover`,
//! `region` (latency), `geo` or `multivalue`; `health_check` names a check under
//! `$zone.health_checks`. Every rule is checked here, at the key's line and column, so that
//! Route 53 never has to refuse a request halfway through a sync.

use std::collections::BTreeMap;

use super::Loader;
use super::health_checks::valid_check_name;
use crate::zone::diag::{Pos, Rule};
use crate::zone::tree::{Kind, Node};
use crate::zone::{Failover, Geo, HealthRef, Policy, RType, Routing};

/// The routing keys of a record, as found (key position, value).
#[derive(Default)]
pub(super) struct RoutingKeys<'a> {
    pub set_id: Option<(Pos, &'a Node)>,
    pub policies: Vec<(&'a str, Pos, &'a Node)>,
    pub health_check: Option<(Pos, &'a Node)>,
}

/// The keys of a routed set, beside a record's `type`, `ttl` and `value(s)`: `set_id`, the
/// routing keys (one per set), `health_check`.
pub(super) const ROUTING_KEYS: [&str; 7] = [
    "set_id",
    "weight",
    "failover",
    "region",
    "geo",
    "multivalue",
    "health_check",
];

impl<'a> RoutingKeys<'a> {
    /// Takes `key` if it is one of [`ROUTING_KEYS`].
    pub fn take(&mut self, key: &'a str, pos: Pos, value: &'a Node) -> bool {
        match key {
            "set_id" => self.set_id = Some((pos, value)),
            "health_check" => self.health_check = Some((pos, value)),
            k if ROUTING_KEYS.contains(&k) => self.policies.push((key, pos, value)),
            _ => return false,
        }
        true
    }
}

/// A routed set as read: its set id, routing, and where its keys stand (for rules across sets).
pub(super) struct Routed {
    pub set_id: String,
    pub routing: Routing,
    pub policy_pos: Pos,
    pub health_pos: Option<Pos>,
}

/// The continent codes Route 53 takes.
const CONTINENTS: [&str; 7] = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"];

/// Whether `text` looks like an AWS region (`us-east-1`, `ap-northeast-2`, `us-gov-west-1`).
pub(super) fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1]
            .parse::<u8>()
            .is_ok_and(|n| n > 0 && n < 100)
}

impl Loader {
    /// A record's routing: `Ok(None)` for a plain record, `Err(())` when reported.
    pub(super) fn routing(
        &mut self,
        keys: &RoutingKeys,
        rtype: RType,
        is_alias: bool,
    ) -> Result<Option<Routed>, ()> {
        let Some((set_pos, set_node)) = keys.set_id else {
            return self.unrouted(keys).map(|()| None);
        };
        let set_id = match set_node.scalar() {
            Some(s)
                if !s.is_empty()
                    && s.chars().count() <= 128
                    && !s.chars().any(char::is_control) =>
            {
                s.to_string()
            }
            _ => {
                self.sink
                    .error(
                        set_node.pos,
                        Rule::RoutingSetId,
                        "`set_id` must be text of 1 to 128 characters",
                    )
                    .hint("e.g. `set_id: blue` or `set_id: seoul`");
                return Err(());
            }
        };
        let (kind, policy_pos, value) = self.one_policy(keys, set_pos)?;
        let policy = self.policy(kind, value)?;
        if policy == Policy::MultiValue && (is_alias || rtype == RType::CNAME) {
            let what = if is_alias { "ALIAS" } else { "CNAME" };
            self.sink
                .error(
                    policy_pos,
                    Rule::RoutingMultivalue,
                    format!("Route 53 has no multivalue answer {what} records"),
                )
                .hint("use weighted sets (`weight`) to spread answers over several targets");
            return Err(());
        }
        let health_check = match keys.health_check {
            None => None,
            Some((_, node)) => match node.scalar().filter(|n| valid_check_name(n)) {
                Some(n) => Some(HealthRef::Named(n.to_string())),
                None => {
                    self.sink
                        .error(
                            node.pos,
                            Rule::HealthCheckName,
                            "`health_check` names a check under `$zone.health_checks`",
                        )
                        .hint("e.g. `health_check: seoul-alb`");
                    return Err(());
                }
            },
        };
        Ok(Some(Routed {
            set_id,
            routing: Routing {
                policy,
                health_check,
            },
            policy_pos,
            health_pos: keys.health_check.map(|(_, n)| n.pos),
        }))
    }

    /// A record without `set_id`: a routing key or a health check on it is refused.
    fn unrouted(&mut self, keys: &RoutingKeys) -> Result<(), ()> {
        if let Some(&(key, pos, value)) = keys.policies.first() {
            let hint = if is_octodns_geo(key, value) {
                OCTODNS_GEO_HINT
            } else {
                "each routed set of a name has its own `set_id`, e.g. `set_id: blue`"
            };
            self.sink
                .error(pos, Rule::RoutingSetId, format!("`{key}` needs a `set_id`"))
                .hint(hint);
            return Err(());
        }
        if let Some((pos, _)) = keys.health_check {
            self.sink
                .error(pos, Rule::RoutingSetId, "`health_check` on a record without routing")
                .hint("Route 53 uses a health check only to choose among routed sets: add `set_id` and a routing key (e.g. `failover: primary`), or remove `health_check`");
            return Err(());
        }
        Ok(())
    }

    /// A routed set's one routing key: its name, where, and its value.
    fn one_policy<'a>(
        &mut self,
        keys: &RoutingKeys<'a>,
        set_pos: Pos,
    ) -> Result<(&'a str, Pos, &'a Node), ()> {
        match keys.policies.as_slice() {
            [] => {
                self.sink
                    .error(set_pos, Rule::RoutingPolicy, "a routed set needs one routing key")
                    .hint("add one of `weight: 0-255`, `failover: primary|secondary`, `region: <AWS region>`, `geo: {country: KR}`, `multivalue: true`");
                Err(())
            }
            [one] => Ok(*one),
            [first, second, ..] => {
                self.sink
                    .error(
                        second.1,
                        Rule::RoutingPolicy,
                        format!(
                            "a routed set has one routing key; found `{}` and `{}`",
                            first.0, second.0
                        ),
                    )
                    .hint("Route 53 routes one name and type by one policy; keep one of them");
                Err(())
            }
        }
    }

    /// The value of a routing key (`kind` is one of the routing keys).
    fn policy(&mut self, kind: &str, value: &Node) -> Result<Policy, ()> {
        Ok(match kind {
            "weight" => match value.whole_number().and_then(|n| u8::try_from(n).ok()) {
                Some(w) => Policy::Weighted(w),
                None => {
                    self.sink
                        .error(value.pos, Rule::RoutingWeight, format!("a weight is a whole number from 0 to 255, found {}{}", value.scalar().unwrap_or(value.what()), value.octal_note()))
                        .hint("Route 53 answers each set in proportion to its weight; 0 takes a set out of rotation");
                    return Err(());
                }
            },
            "failover" => match value.scalar().map(str::to_ascii_lowercase).as_deref() {
                Some("primary") => Policy::Failover(Failover::Primary),
                Some("secondary") => Policy::Failover(Failover::Secondary),
                _ => {
                    self.sink
                        .error(value.pos, Rule::RoutingFailover, "`failover` is `primary` or `secondary`")
                        .hint("Route 53 answers the primary while its health check passes, else the secondary");
                    return Err(());
                }
            },
            "region" => match value.scalar().filter(|r| is_region(r)) {
                Some(r) => Policy::Latency(r.to_string()),
                None => {
                    self.sink
                        .error(value.pos, Rule::RoutingRegion, format!("`region` must be an AWS region such as us-east-1, found {}", value.scalar().unwrap_or(value.what())))
                        .hint("latency routing answers each client with the set of the region nearest to it");
                    return Err(());
                }
            },
            "geo" => Policy::Geo(self.geo(value)?),
            _ => match value.scalar() {
                Some("true") => Policy::MultiValue,
                _ => {
                    self.sink
                        .error(value.pos, Rule::RoutingMultivalue, "`multivalue` can only be `true`")
                        .hint("a plain record set needs no routing key: remove `set_id` and `multivalue`");
                    return Err(());
                }
            },
        })
    }

    fn geo(&mut self, node: &Node) -> Result<Geo, ()> {
        let hint = "e.g. `geo: {country: KR}`, `geo: {continent: EU}`, `geo: {country: US, subdivision: CA}` or `geo: {country: '*'}` for everyone else";
        let Kind::Map(entries) = &node.kind else {
            self.sink
                .error(
                    node.pos,
                    Rule::RoutingGeo,
                    format!("`geo` must be a mapping, found {}", node.what()),
                )
                .hint(hint);
            return Err(());
        };
        if is_octodns_geo("geo", node) {
            self.sink
                .error(
                    node.pos,
                    Rule::RoutingGeo,
                    "octoDNS's older geo record (locations → values) is not read",
                )
                .hint(OCTODNS_GEO_HINT);
            return Err(());
        }
        let mut geo = Geo {
            continent: None,
            country: None,
            subdivision: None,
        };
        for (k, v) in entries {
            let key = k.scalar().unwrap_or_default();
            let text = self.geo_field(k, v, hint)?;
            let slot = match key {
                "continent" => &mut geo.continent,
                "country" => &mut geo.country,
                _ => &mut geo.subdivision,
            };
            *slot = Some(text);
        }
        let valid = match (&geo.continent, &geo.country, &geo.subdivision) {
            (Some(_), None, None) | (None, Some(_), None) => true,
            (None, Some(c), Some(_)) => c != "*",
            _ => false,
        };
        if !valid {
            self.sink
                .error(
                    node.pos,
                    Rule::RoutingGeo,
                    "a location is a continent, or a country with an optional subdivision",
                )
                .hint(hint);
            return Err(());
        }
        Ok(geo)
    }

    /// One field of a `geo` location: its code, upper case; `Err` when reported (an unknown
    /// key, a code that is not one).
    fn geo_field(&mut self, k: &Node, v: &Node, hint: &str) -> Result<String, ()> {
        let key = k.scalar().unwrap_or_default();
        let text = v.scalar().unwrap_or_default().to_ascii_uppercase();
        let (ok, want) = match key {
            "continent" => (
                CONTINENTS.contains(&text.as_str()),
                "one of AF, AN, AS, EU, NA, OC, SA",
            ),
            "country" => (
                text == "*" || (text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())),
                "a two-letter ISO 3166 code such as KR, or '*' (quoted)",
            ),
            "subdivision" => (
                (1..=3).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric()),
                "a code such as CA (ISO 3166-2)",
            ),
            _ => {
                self.sink
                    .error(k.pos, Rule::RoutingGeo, format!("unknown geo key `{key}`"))
                    .hint("a location is `continent`, or `country` with an optional `subdivision`");
                return Err(());
            }
        };
        if !ok {
            self.sink
                .error(
                    v.pos,
                    Rule::RoutingGeo,
                    format!(
                        "`{key}` must be {want}, found {}",
                        v.scalar().unwrap_or(v.what())
                    ),
                )
                .hint(hint);
            return Err(());
        }
        Ok(text)
    }
}

/// octoDNS's older geo records: `geo: {AF: [values], NA-US-CA: [values]}` on a plain record.
fn is_octodns_geo(key: &str, value: &Node) -> bool {
    key == "geo"
        && matches!(&value.kind, Kind::Map(entries)
            if entries.iter().any(|(_, v)| matches!(v.kind, Kind::Seq(_))))
}

const OCTODNS_GEO_HINT: &str = "this is octoDNS's older geo record (locations → values): write one routed set per location, e.g. `- {type: A, set_id: africa, geo: {continent: AF}, value: …}` and `- {type: A, set_id: default, geo: {country: '*'}, value: …}` for the record's own value";

/// One routed set, for the rules across the sets of a name and type.
/// Most weighted sets of one name and type (Route 53's quota).
const MAX_WEIGHTED: usize = 100;

pub(super) struct SetView {
    pub set_id: String,
    /// None for an alias.
    pub ttl: Option<u32>,
    pub routing: Routing,
    pub policy_pos: Pos,
    pub health_pos: Option<Pos>,
    /// An ALIAS with `evaluate_target_health`: Route 53 takes the target's health instead.
    pub evaluates_target: bool,
}

impl Loader {
    /// The rules across the routed sets of one name and type (all of them routed).
    pub(super) fn routed_group(&mut self, owner: &str, rtype: RType, sets: &[SetView]) {
        let Some(first) = sets.first() else { return };
        let kind = first.routing.policy.kind();
        if let Some(other) = sets.iter().find(|s| s.routing.policy.kind() != kind) {
            self.sink
                .error(other.policy_pos, Rule::RoutingMixed, format!("'{owner}' {rtype} is routed by `{kind}` (set {}) and by `{}` (set {})", first.set_id, other.routing.policy.kind(), other.set_id))
                .hint("Route 53 routes one name and type by one policy: give every set the same routing key");
            return;
        }
        self.routed_ttls(owner, rtype, sets);
        match &first.routing.policy {
            Policy::Weighted(_) if sets.len() > MAX_WEIGHTED => {
                self.sink
                    .error(sets[MAX_WEIGHTED].policy_pos, Rule::RoutingWeight, format!("'{owner}' {rtype} has {} weighted sets: Route 53 takes at most {MAX_WEIGHTED}", sets.len()))
                    .hint("merge sets that answer alike, or spread them over several names");
            }
            crate::zone::Policy::Failover(_) => {
                let of = |f: Failover| {
                    sets.iter()
                        .filter(move |s| s.routing.policy == Policy::Failover(f))
                };
                if let Some(second) = of(Failover::Primary).nth(1) {
                    self.sink
                        .error(
                            second.policy_pos,
                            Rule::RoutingFailover,
                            format!("'{owner}' {rtype} has a second primary"),
                        )
                        .hint("a failover pair is one primary and at most one secondary");
                }
                if let Some(second) = of(Failover::Secondary).nth(1) {
                    self.sink
                        .error(
                            second.policy_pos,
                            Rule::RoutingFailover,
                            format!("'{owner}' {rtype} has a second secondary"),
                        )
                        .hint("a failover pair is one primary and at most one secondary");
                }
                if of(Failover::Primary).next().is_none() {
                    self.sink
                        .error(first.policy_pos, Rule::RoutingFailover, format!("'{owner}' {rtype} has a secondary but no primary"))
                        .hint("add the primary set (`failover: primary`), usually with a `health_check`");
                }
                if let Some(p) = of(Failover::Primary).next()
                    && p.routing.health_check.is_none()
                    && !p.evaluates_target
                    && of(Failover::Secondary).next().is_some()
                {
                    self.sink
                        .warning(p.policy_pos, Rule::RoutingFailoverUnchecked, format!("the primary of '{owner}' {rtype} has no health check"))
                        .hint("without `health_check` (or an alias evaluating target health) Route 53 treats the primary as always healthy: the secondary is never answered");
                }
            }
            Policy::Geo(_) | Policy::Latency(_) => self.routed_places(owner, rtype, sets),
            Policy::MultiValue if sets.len() > 8 => {
                self.sink
                    .warning(sets[8].policy_pos, Rule::RoutingMultivalue, format!("'{owner}' {rtype} has {} multivalue sets: Route 53 answers at most eight healthy ones", sets.len()))
                    .hint("clients see a random eight of them");
            }
            _ => {}
        }
    }

    /// Route 53 keeps one TTL for the sets of a name and type (an alias has none): sets that
    /// differ would be a change on every plan.
    fn routed_ttls(&mut self, owner: &str, rtype: RType, sets: &[SetView]) {
        let with_ttl: Vec<(&SetView, u32)> =
            sets.iter().filter_map(|s| Some((s, s.ttl?))).collect();
        if let Some(((one, t1), (other, t2))) = with_ttl
            .first()
            .and_then(|a| with_ttl.iter().find(|b| b.1 != a.1).map(|b| (a, b)))
        {
            self.sink
                .error(other.policy_pos, Rule::RoutingTtl, format!("'{owner}' {rtype}: set {} has TTL {t2}, set {} has {t1}", other.set_id, one.set_id))
                .hint("Route 53 requires one TTL for every set of a name and type: give them all the same `ttl`");
        }
    }

    /// Geolocation and latency sets: one per location (or region), and a default location.
    fn routed_places(&mut self, owner: &str, rtype: RType, sets: &[SetView]) {
        let Some(first) = sets.first() else { return };
        // One set per location (geolocation) or per region (latency).
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for s in sets {
            let place = match &s.routing.policy {
                Policy::Geo(g) => g.to_string(),
                Policy::Latency(r) => r.clone(),
                _ => continue,
            };
            if let Some(other) = seen.insert(place.clone(), &s.set_id) {
                self.sink
                    .error(
                        s.policy_pos,
                        Rule::RoutingDuplicateLocation,
                        format!(
                            "'{owner}' {rtype}: sets {other} and {} both answer {place}",
                            s.set_id
                        ),
                    )
                    .hint("Route 53 takes one set per location (geolocation) or region (latency)");
            }
        }
        let geo: Vec<&Geo> = sets
            .iter()
            .filter_map(|s| match &s.routing.policy {
                Policy::Geo(g) => Some(g),
                _ => None,
            })
            .collect();
        if !geo.is_empty() && !geo.iter().any(|g| g.is_default()) {
            let places: Vec<String> = geo.iter().map(ToString::to_string).collect();
            self.sink
                .warning(first.policy_pos, Rule::RoutingGeoDefault, format!("'{owner}' {rtype} has no default location: clients outside {} get no {rtype} answer (NODATA)", places.join(", ")))
                .hint("add a set with `geo: {country: '*'}` for everyone else");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::zone::load::load_str;
    use crate::zone::write::to_yaml;
    use crate::zone::{Failover, HealthCheck, HealthRef, Policy};

    const EXAMPLE: &str = include_str!("../../../tests/routing/example.com.yaml");

    #[test]
    fn the_issue_example_loads_with_every_routing_kind_and_round_trips_through_the_writer() {
        let loaded = load_str(Path::new("example.com.yaml"), EXAMPLE);
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        let zone = loaded.zone;
        let kinds: Vec<(String, String, String)> = zone
            .rrsets
            .iter()
            .map(|(k, s)| {
                (
                    k.name.to_ascii(),
                    k.set_id.clone().unwrap_or_default(),
                    s.routing
                        .as_ref()
                        .map(|r| r.policy.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let expect = [
            ("api.example.com.", "seoul", "latency ap-northeast-2"),
            ("app.example.com.", "oregon", "failover secondary"),
            ("app.example.com.", "seoul", "failover primary"),
            ("kr.example.com.", "elsewhere", "geo country=*"),
            ("kr.example.com.", "korea", "geo country=KR"),
            ("mv.example.com.", "one", "multivalue"),
            ("mv.example.com.", "two", "multivalue"),
            ("www.example.com.", "blue", "weight 90"),
            ("www.example.com.", "green", "weight 10"),
        ];
        let expect: Vec<(String, String, String)> = expect
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(kinds, expect);
        let primary = zone
            .rrsets
            .iter()
            .find(|(k, _)| {
                k.set_id.as_deref() == Some("seoul") && k.name.to_ascii().starts_with("app")
            })
            .map(|(_, s)| s.routing.clone().unwrap())
            .unwrap();
        assert_eq!(primary.policy, Policy::Failover(Failover::Primary));
        assert_eq!(
            primary.health_check,
            Some(HealthRef::Named("seoul-alb".into()))
        );
        assert_eq!(zone.settings.health_checks.len(), 4);
        assert!(matches!(
            zone.settings.health_checks.get("legacy"),
            Some(HealthCheck::Existing(id)) if id == "0b5b2c5e-1a2b-4c3d-8e9f-0123456789ab"
        ));
        // What the writer (dns import) writes reads back as the same zone.
        let text = to_yaml(&zone);
        let again = load_str(Path::new("example.com.yaml"), &text);
        assert!(again.is_valid(), "{text}\n{:?}", again.diagnostics);
        assert_eq!(again.zone, zone, "{text}");
    }

    #[test]
    fn every_rule_route53_enforces_is_reported_at_its_line() {
        let text = include_str!("../../../tests/routing/invalid.example.yaml");
        let loaded = load_str(Path::new("bad.com.yaml"), text);
        let found: Vec<(&str, u64)> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.pos.line))
            .collect();
        assert_eq!(
            found,
            [
                ("health_check.host", 3),
                ("health_check.undefined", 4),
                ("health_check.undefined", 4),
                ("routing.weight", 6),
                ("routing.mixed", 8),
                ("routing.policy", 9),
                ("routing.failover", 12),
                ("record.duplicate-type", 13),
                ("routing.geo-default", 15),
                ("routing.duplicate-location", 16),
                ("routing.geo", 17),
                ("routing.multivalue", 19),
                ("cname.coexist", 20),
                ("routing.set-id", 22),
                ("routing.region", 23),
            ]
        );
    }

    #[test]
    fn a_routed_set_needs_its_set_id_and_one_policy() {
        let rules = |text: &str| -> Vec<&'static str> {
            load_str(Path::new("example.com.yaml"), text)
                .diagnostics
                .iter()
                .map(|d| d.rule)
                .collect()
        };
        assert_eq!(
            rules("w: {type: A, weight: 5, value: 192.0.2.1}\n"),
            ["routing.set-id"]
        );
        assert_eq!(
            rules("w: {type: A, set_id: a, value: 192.0.2.1}\n"),
            ["routing.policy"]
        );
        assert_eq!(
            rules("w:\n  - {type: A, set_id: a, failover: secondary, value: 192.0.2.1}\n"),
            ["routing.failover"]
        );
        assert_eq!(
            rules(
                "w:\n  - {type: A, set_id: a, weight: 1, value: 192.0.2.1}\n  - {type: A, set_id: b, region: us-east-1, value: 192.0.2.2}\n"
            ),
            ["routing.mixed"]
        );
        assert_eq!(
            rules(
                "w:\n  - {type: A, set_id: p, failover: primary, value: 192.0.2.1}\n  - {type: A, set_id: s, failover: secondary, value: 192.0.2.2}\n"
            ),
            ["routing.failover-unchecked"]
        );
        // Route 53's limits for a calculated check are kept exactly: 256 children with a
        // threshold of 256 (it did not fit the u8 the model first had), and no more children.
        let checks = |n: usize, threshold: usize| {
            let mut text = String::from("$zone:\n  health_checks:\n");
            for i in 0..n {
                text.push_str(&format!(
                    "    c{i}: {{type: TCP, ip: 192.0.2.1, port: 22}}\n"
                ));
            }
            let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            text.push_str(&format!(
                "    all: {{type: CALCULATED, children: [{}], threshold: {threshold}}}\n",
                names.join(", ")
            ));
            load_str(Path::new("example.com.yaml"), &text)
        };
        let most = checks(256, 256);
        assert!(most.is_valid(), "{:?}", most.diagnostics);
        match most.zone.settings.health_checks.get("all") {
            Some(HealthCheck::Owned(c)) => {
                assert_eq!((c.children.len(), c.threshold), (256, Some(256)))
            }
            other => panic!("{other:?}"),
        }
        let found = |l: crate::zone::load::Loaded| -> Vec<&'static str> {
            l.diagnostics.iter().map(|d| d.rule).collect()
        };
        assert_eq!(found(checks(257, 1)), ["health_check.children"]);
        assert_eq!(found(checks(2, 3)), ["health_check.invalid"]);
        // Host names compare as Route 53 keeps them: lower case, no final dot.
        let zone = load_str(
            Path::new("example.com.yaml"),
            "$zone: {health_checks: {web: {type: HTTP, host: WWW.Example.NET.}}}\n",
        )
        .zone;
        match zone.settings.health_checks.get("web") {
            Some(HealthCheck::Owned(c)) => assert_eq!(
                c.endpoint.as_ref().unwrap().host.as_deref(),
                Some("www.example.net")
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rules(
                "w:\n  - {type: A, set_id: a, region: us-east-1, value: 192.0.2.1}\n  - {type: A, set_id: b, region: us-east-1, value: 192.0.2.2}\n"
            ),
            ["routing.duplicate-location"]
        );
        // An alias primary that evaluates its target's health is checked by it.
        assert_eq!(
            rules(
                "w:\n  - {type: ALIAS, set_id: p, failover: primary, value: {target: lb-1.us-east-1.elb.amazonaws.com., evaluate_target_health: true}}\n  - {type: A, set_id: s, failover: secondary, value: 192.0.2.2}\n"
            ),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(
                "w:\n  - {type: CNAME, set_id: a, weight: 1, value: a.example.net.}\n  - {type: CNAME, set_id: b, weight: 1, value: b.example.net.}\n"
            ),
            Vec::<&str>::new()
        );
    }
}
