//! The plan: what must change so that the live zone equals the zone file, as data.
//!
//! [`diff`] compares two [`Zone`]s RRset by RRset (key: owner name and type; values compared as
//! sets, TTL too) and yields [`Change`]s in a deterministic order (DNS canonical order of names,
//! then type). A plan carries a checksum over its changes *including the current values they
//! replace*, so `dns sync --plan-checksum` applies only the plan that was reviewed: if anyone
//! touched the zone in between, the plan and its checksum differ.
//!
//! The file owns its zone except for names matched by its `ignore:` list, and except for what
//! the provider reports as unmanaged (apex SOA/NS, routing policies, unsupported types). Pure
//! functions only: no AWS, no network.

pub mod safety;

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, Serializer};
use sha2::{Digest, Sha256};

use crate::zone::ignore::is_ignored;
use crate::zone::wire::presentation;
use crate::zone::{CheckConfig, HealthCheck, Name, RData, RecordSet, RrKey, Settings, Vpc, Zone};

/// What `dns plan` knows about one zone.
#[derive(Debug, Clone)]
pub struct ZonePlan {
    pub plan: Plan,
    /// `None` when the hosted zone does not exist yet (`--create-zone`).
    pub hosted_zone_id: Option<String>,
    /// Live record sets dns leaves alone, with the reason.
    pub unmanaged: Vec<String>,
    /// Requests the changes take (Route 53's per-request limits).
    pub requests: usize,
    /// The zone's safety threshold (`max_change_percent`).
    pub limit: u8,
}

/// A change to a private zone's VPC associations: associations go before the record changes,
/// disassociations after (Route 53 keeps at least one VPC on a private zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VpcChange {
    Associate(Vpc),
    Disassociate(Vpc),
}

/// A change to a health check the zone file owns. Creates and updates go before the record
/// changes (which may refer to them), deletes after (Route 53 refuses to delete a check in use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckChange {
    Create {
        name: String,
        new: CheckConfig,
    },
    Update {
        name: String,
        old: CheckConfig,
        new: CheckConfig,
    },
    Delete {
        name: String,
        old: CheckConfig,
    },
}

impl CheckChange {
    pub fn name(&self) -> &str {
        match self {
            CheckChange::Create { name, .. }
            | CheckChange::Update { name, .. }
            | CheckChange::Delete { name, .. } => name,
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            CheckChange::Create { .. } => "create",
            CheckChange::Update { .. } => "update",
            CheckChange::Delete { .. } => "delete",
        }
    }
}

/// A health check's settings in one line, for plans and checksums.
pub fn describe_check(c: &CheckConfig) -> String {
    let mut out = c.kind.as_str().to_string();
    if let Some(e) = &c.endpoint {
        let target = match (&e.host, e.ip) {
            (Some(h), Some(ip)) => format!("{h} ({ip})"),
            (Some(h), None) => h.clone(),
            (None, Some(ip)) => ip.to_string(),
            (None, None) => "-".into(),
        };
        let _ = write!(
            out,
            " {target}:{}{}",
            e.port,
            e.path.as_deref().unwrap_or("")
        );
        if let Some(s) = &e.search_string {
            let _ = write!(out, " expecting {s:?}");
        }
        let _ = write!(
            out,
            ", every {} s, {} failure(s)",
            e.interval, e.failure_threshold
        );
    } else {
        let _ = write!(
            out,
            " {} of [{}]",
            c.threshold.unwrap_or_default(),
            c.children.join(", ")
        );
    }
    if c.inverted {
        out.push_str(", inverted");
    }
    out
}

// An update holds two sets, the others one: boxing would cost an allocation per change of
// large plans for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create {
        key: RrKey,
        new: RecordSet,
    },
    Update {
        key: RrKey,
        old: RecordSet,
        new: RecordSet,
    },
    Delete {
        key: RrKey,
        old: RecordSet,
    },
}

impl Change {
    pub fn key(&self) -> &RrKey {
        match self {
            Change::Create { key, .. }
            | Change::Update { key, .. }
            | Change::Delete { key, .. } => key,
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            Change::Create { .. } => "create",
            Change::Update { .. } => "update",
            Change::Delete { .. } => "delete",
        }
    }

    pub fn old(&self) -> Option<&RecordSet> {
        match self {
            Change::Update { old, .. } | Change::Delete { old, .. } => Some(old),
            Change::Create { .. } => None,
        }
    }

    pub fn new_set(&self) -> Option<&RecordSet> {
        match self {
            Change::Update { new, .. } | Change::Create { new, .. } => Some(new),
            Change::Delete { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub origin: Name,
    pub changes: Vec<Change>,
    /// RRsets the live zone has that the file manages (the base of the safety threshold).
    pub existing: usize,
    /// Live RRsets left alone because the zone file's `ignore:` list matches them.
    pub ignored: Vec<RrKey>,
    /// Changes to the health checks the file owns, by name.
    pub checks: Vec<CheckChange>,
    /// Changes to a private zone's VPC associations.
    pub vpcs: Vec<VpcChange>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.checks.is_empty() && self.vpcs.is_empty()
    }

    /// Record set changes, health check changes and VPC association changes.
    pub fn len(&self) -> usize {
        self.changes.len() + self.checks.len() + self.vpcs.len()
    }

    /// Record set changes of one action.
    pub fn count(&self, action: &str) -> usize {
        self.changes.iter().filter(|c| c.action() == action).count()
    }

    /// Health check changes: (create, update, delete).
    pub fn check_counts(&self) -> (usize, usize, usize) {
        let of = |f: fn(&CheckChange) -> bool| self.checks.iter().filter(|c| f(c)).count();
        (
            of(|c| matches!(c, CheckChange::Create { .. })),
            of(|c| matches!(c, CheckChange::Update { .. })),
            of(|c| matches!(c, CheckChange::Delete { .. })),
        )
    }

    /// VPC association changes: (associate, disassociate).
    pub fn vpc_counts(&self) -> (usize, usize) {
        let associate = self
            .vpcs
            .iter()
            .filter(|v| matches!(v, VpcChange::Associate(_)))
            .count();
        (associate, self.vpcs.len() - associate)
    }

    /// SHA-256 over the plan's one canonical form (its JSON: the changes with the live values
    /// they replace, the health check and VPC changes, in the plan's order), hex.
    pub fn checksum(&self) -> String {
        let doc = Canonical {
            zone: self.origin.to_ascii(),
            changes: &self.changes,
            health_checks: &self.checks,
            vpcs: &self.vpcs,
        };
        // Serialising strings and numbers into a Vec does not fail; were it to, the plan's own
        // debug form stands in, so that two different plans never share a checksum.
        let bytes = serde_json::to_vec(&doc)
            .unwrap_or_else(|e| format!("unserialisable plan ({e}): {self:?}").into_bytes());
        let digest = Sha256::digest(&bytes);
        digest.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

/// What a plan's checksum covers: everything it would change and everything it would replace.
#[derive(serde::Serialize)]
struct Canonical<'a> {
    zone: String,
    changes: &'a [Change],
    health_checks: &'a [CheckChange],
    vpcs: &'a [VpcChange],
}

/// A plan as `dns plan --json` writes it (less what only the provider knows: the hosted zone,
/// unmanaged sets, requests and the checksum, which the report adds).
impl Serialize for Plan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (create, update, delete) = self.check_counts();
        let (associate, disassociate) = self.vpc_counts();
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("zone", &self.origin.to_ascii())?;
        m.serialize_entry("changes", &self.changes)?;
        m.serialize_entry("health_checks", &self.checks)?;
        m.serialize_entry("vpcs", &self.vpcs)?;
        m.serialize_entry(
            "counts",
            &serde_json::json!({
                "create": self.count("create"), "update": self.count("update"), "delete": self.count("delete"),
                "health_checks": { "create": create, "update": update, "delete": delete },
                "vpcs": { "associate": associate, "disassociate": disassociate },
                "total": self.len(),
            }),
        )?;
        m.serialize_entry("existing_record_sets", &self.existing)?;
        let ignored: Vec<String> = (self.ignored.iter())
            .map(|k| format!("{} {}", k.name.to_ascii(), k.rtype))
            .collect();
        m.serialize_entry("ignored", &ignored)?;
        m.end()
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let key = self.key();
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("action", self.action())?;
        m.serialize_entry("name", &key.name.to_ascii())?;
        m.serialize_entry("type", key.rtype.as_str())?;
        m.serialize_entry("set_id", &key.set_id)?;
        m.serialize_entry("old", &self.old().map(SetDoc))?;
        m.serialize_entry("new", &self.new_set().map(SetDoc))?;
        m.end()
    }
}

/// A record set in a plan: TTL and values in presentation form (or the alias), and a routed
/// set's policy and health check.
struct SetDoc<'a>(&'a RecordSet);

impl Serialize for SetDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let set = self.0;
        let mut m = s.serialize_map(None)?;
        match &set.data {
            RData::Alias(a) => m.serialize_entry(
                "alias",
                &serde_json::json!({
                    "target": a.target.to_ascii(),
                    "hosted_zone_id": a.hosted_zone_id,
                    "evaluate_target_health": a.evaluate_target_health,
                }),
            )?,
            data => {
                m.serialize_entry("ttl", &set.ttl)?;
                m.serialize_entry("values", &presentation(data))?;
            }
        }
        if let Some(r) = &set.routing {
            m.serialize_entry(
                "routing",
                &serde_json::json!({
                    "policy": r.policy.to_string(),
                    "health_check": r.health_check.as_ref().map(ToString::to_string),
                }),
            )?;
        }
        m.end()
    }
}

impl Serialize for CheckChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (old, new) = match self {
            CheckChange::Create { new, .. } => (None, Some(new)),
            CheckChange::Update { old, new, .. } => (Some(old), Some(new)),
            CheckChange::Delete { old, .. } => (Some(old), None),
        };
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("action", self.action())?;
        m.serialize_entry("name", self.name())?;
        m.serialize_entry("old", &old.map(describe_check))?;
        m.serialize_entry("new", &new.map(describe_check))?;
        m.end()
    }
}

impl Serialize for VpcChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (action, v) = match self {
            VpcChange::Associate(v) => ("associate", v),
            VpcChange::Disassociate(v) => ("disassociate", v),
        };
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("action", action)?;
        m.serialize_entry("vpc", &v.id)?;
        m.serialize_entry("region", &v.region)?;
        m.end()
    }
}

/// The changes that turn `current` into `desired`. Ignored names are left out on both sides.
pub fn diff(desired: &Zone, current: &Zone) -> Plan {
    use std::cmp::Ordering;
    let origin = desired.origin.clone();
    let patterns = &desired.settings;
    let mut changes = Vec::new();
    let mut ignored = Vec::new();
    let mut existing = 0;
    // Both maps are sorted by key: one merge pass, in canonical order, no lookups.
    let mut want = desired
        .rrsets
        .iter()
        .filter(|(k, _)| !is_ignored(k, &origin, patterns))
        .peekable();
    let mut have = current.rrsets.iter().peekable();
    loop {
        let order = match (want.peek(), have.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((w, _)), Some((h, _))) => w.cmp(h),
        };
        match order {
            Ordering::Less => {
                if let Some((key, new)) = want.next() {
                    changes.push(Change::Create {
                        key: key.clone(),
                        new: new.clone(),
                    });
                }
            }
            Ordering::Greater => {
                if let Some((key, old)) = have.next() {
                    if is_ignored(key, &origin, patterns) {
                        ignored.push(key.clone());
                        continue;
                    }
                    existing += 1;
                    changes.push(Change::Delete {
                        key: key.clone(),
                        old: old.clone(),
                    });
                }
            }
            Ordering::Equal => {
                if let (Some((key, new)), Some((_, old))) = (want.next(), have.next()) {
                    existing += 1;
                    if new != old {
                        changes.push(Change::Update {
                            key: key.clone(),
                            old: old.clone(),
                            new: new.clone(),
                        });
                    }
                }
            }
        }
    }
    alias_targets_first(&mut changes, &origin);
    Plan {
        origin,
        changes,
        existing,
        ignored,
        checks: diff_checks(&desired.settings, &current.settings),
        vpcs: diff_vpcs(&desired.settings, &current.settings),
    }
}

/// Route 53 refuses an alias whose target in the same zone does not exist yet, also when the
/// target is created later in the same request (cli53 #227, DNSControl #937): the names whose
/// new or changed sets are aliases to names changed in the same plan go after those names, a
/// chain (`@` → `www` → `origin`) target first. Otherwise the canonical order stays; every name
/// keeps its changes together.
fn alias_targets_first(changes: &mut [Change], origin: &Name) {
    use std::collections::{BTreeMap, BTreeSet};
    let changed: BTreeSet<&Name> = changes
        .iter()
        .filter(|c| c.action() != "delete")
        .map(|c| &c.key().name)
        .collect();
    let mut targets: BTreeMap<Name, Vec<Name>> = BTreeMap::new();
    for c in changes.iter() {
        let new = match c {
            Change::Create { new, .. } | Change::Update { new, .. } => new,
            Change::Delete { .. } => continue,
        };
        if let RData::Alias(a) = &new.data
            && a.hosted_zone_id.is_none()
            && origin.zone_of(&a.target)
            && changed.contains(&a.target)
            && a.target != c.key().name
        {
            targets
                .entry(c.key().name.clone())
                .or_default()
                .push(a.target.clone());
        }
    }
    if targets.is_empty() {
        return;
    }
    // How many aliases deep each name stands (a loop, which Route 53 refuses anyway, stops).
    fn depth(
        name: &Name,
        targets: &BTreeMap<Name, Vec<Name>>,
        seen: &mut Vec<Name>,
        memo: &mut BTreeMap<Name, usize>,
    ) -> usize {
        if let Some(d) = memo.get(name) {
            return *d;
        }
        if seen.contains(name) {
            return 0;
        }
        seen.push(name.clone());
        let d = targets.get(name).map_or(0, |ts| {
            ts.iter()
                .map(|t| 1 + depth(t, targets, seen, memo))
                .max()
                .unwrap_or(0)
        });
        seen.pop();
        memo.insert(name.clone(), d);
        d
    }
    let mut memo = BTreeMap::new();
    for name in targets.keys() {
        depth(name, &targets, &mut Vec::new(), &mut memo);
    }
    changes.sort_by_key(|c| memo.get(&c.key().name).copied().unwrap_or(0));
}

/// The VPC associations to add and remove (a public zone has none to change).
fn diff_vpcs(desired: &Settings, current: &Settings) -> Vec<VpcChange> {
    let (Some(want), Some(have)) = (&desired.private, &current.private) else {
        return Vec::new();
    };
    want.difference(have)
        .cloned()
        .map(VpcChange::Associate)
        .chain(have.difference(want).cloned().map(VpcChange::Disassociate))
        .collect()
}

/// The owned health checks to create, update and delete (checks given by id are never
/// touched). Creates and updates of endpoint checks come before calculated ones (which refer to
/// them), deletes of calculated checks before their children.
fn diff_checks(desired: &Settings, current: &Settings) -> Vec<CheckChange> {
    let owned = |s: &Settings| -> std::collections::BTreeMap<String, CheckConfig> {
        s.health_checks
            .iter()
            .filter_map(|(n, c)| match c {
                HealthCheck::Owned(c) => Some((n.clone(), c.clone())),
                HealthCheck::Existing(_) => None,
            })
            .collect()
    };
    let (want, have) = (owned(desired), owned(current));
    let mut out = Vec::new();
    for (name, new) in &want {
        match have.get(name) {
            None => out.push(CheckChange::Create {
                name: name.clone(),
                new: new.clone(),
            }),
            Some(old) if old != new => out.push(CheckChange::Update {
                name: name.clone(),
                old: old.clone(),
                new: new.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, old) in &have {
        if !want.contains_key(name) {
            out.push(CheckChange::Delete {
                name: name.clone(),
                old: old.clone(),
            });
        }
    }
    let calculated = |c: &CheckChange| match c {
        CheckChange::Create { new, .. } | CheckChange::Update { new, .. } => new.endpoint.is_none(),
        CheckChange::Delete { old, .. } => old.endpoint.is_some(),
    };
    out.sort_by_key(|c| (c.action() == "delete", calculated(c)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::load::load_str;
    use crate::zone::name;
    use std::path::Path;

    fn zone(text: &str) -> Zone {
        let loaded = load_str(Path::new("example.com.yaml"), text);
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        loaded.zone
    }

    #[test]
    fn equal_zones_make_an_empty_plan() {
        let z = zone("www: {type: A, values: [192.0.2.1, 192.0.2.2]}\n");
        let reordered = zone("www: {type: A, values: [192.0.2.2, 192.0.2.1]}\n");
        assert!(diff(&z, &reordered).is_empty());
    }

    #[test]
    fn create_update_delete_in_canonical_order() {
        let desired =
            zone("b: {type: A, value: 192.0.2.1}\na: {type: A, ttl: 60, value: 192.0.2.9}\n");
        let current = zone("a: {type: A, value: 192.0.2.9}\nc: {type: TXT, value: old}\n");
        let plan = diff(&desired, &current);
        let actions: Vec<_> = plan
            .changes
            .iter()
            .map(|c| (c.action(), name::relative(&c.key().name, &plan.origin)))
            .collect();
        assert_eq!(
            actions,
            [
                ("update", "a".into()),
                ("create", "b".into()),
                ("delete", "c".into())
            ]
        );
        assert_eq!(plan.existing, 2);
    }

    /// An apex ALIAS to `www`, itself an ALIAS to `origin`, all new: sent target first, as
    /// Route 53 requires; names the aliases do not reach keep the canonical order.
    #[test]
    fn aliases_go_after_the_targets_they_point_to() {
        let desired = zone(
            "'': {type: ALIAS, value: www.example.com.}\nwww: {type: ALIAS, value: origin.example.com.}\norigin: {type: A, value: 192.0.2.1}\na: {type: A, value: 192.0.2.2}\nz: {type: A, value: 192.0.2.3}\n",
        );
        let plan = diff(&desired, &Zone::new(desired.origin.clone()));
        let order: Vec<String> = plan
            .changes
            .iter()
            .map(|c| name::relative(&c.key().name, &plan.origin))
            .collect();
        assert_eq!(order, ["a", "origin", "z", "www", ""]);
        // The target already there: nothing to wait for, canonical order.
        let current = zone(
            "origin: {type: A, value: 192.0.2.1}\nwww: {type: ALIAS, value: origin.example.com.}\n",
        );
        let plan = diff(&desired, &current);
        let order: Vec<String> = plan
            .changes
            .iter()
            .map(|c| name::relative(&c.key().name, &plan.origin))
            .collect();
        assert_eq!(order, ["", "a", "z"]);
    }

    #[test]
    fn type_flip_cname_to_alias_is_a_delete_and_a_create_at_one_name() {
        let desired = zone("www: {type: ALIAS, value: lb-1.us-east-1.elb.amazonaws.com.}\n");
        let current = zone("www: {type: CNAME, value: lb-1.us-east-1.elb.amazonaws.com.}\n");
        let plan = diff(&desired, &current);
        let actions: Vec<_> = plan
            .changes
            .iter()
            .map(|c| (c.action(), c.key().rtype.as_str()))
            .collect();
        assert_eq!(actions, [("create", "A"), ("delete", "CNAME")]);
    }

    #[test]
    fn ignored_names_are_left_alone() {
        let desired =
            zone("$zone: {ignore: ['_acme-challenge*', '@']}\nwww: {type: A, value: 192.0.2.1}\n");
        let current =
            zone("_acme-challenge.www: {type: TXT, value: token}\n'': {type: TXT, value: x}\n");
        let plan = diff(&desired, &current);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.ignored.len(), 2);
        assert_eq!(plan.existing, 0);
    }

    #[test]
    fn routed_sets_are_diffed_by_set_id_and_their_routing_counts() {
        let desired = zone(
            "w:\n  - {type: A, set_id: blue, weight: 90, value: 192.0.2.1}\n  - {type: A, set_id: green, weight: 10, value: 192.0.2.2}\n",
        );
        let current = zone(
            "w:\n  - {type: A, set_id: blue, weight: 50, value: 192.0.2.1}\n  - {type: A, set_id: old, weight: 10, value: 192.0.2.2}\n",
        );
        let plan = diff(&desired, &current);
        let actions: Vec<_> = plan
            .changes
            .iter()
            .map(|c| (c.action(), c.key().set_id.clone().unwrap()))
            .collect();
        assert_eq!(
            actions,
            [
                ("update", "blue".to_string()),
                ("create", "green".to_string()),
                ("delete", "old".to_string())
            ]
        );
        // Only the weight differs: a change, and the checksum says which weight was live.
        let other = zone(
            "w:\n  - {type: A, set_id: blue, weight: 51, value: 192.0.2.1}\n  - {type: A, set_id: old, weight: 10, value: 192.0.2.2}\n",
        );
        assert_ne!(plan.checksum(), diff(&desired, &other).checksum());
        assert!(diff(&desired, &desired).is_empty());
    }

    #[test]
    fn checksum_changes_when_the_live_values_change() {
        let desired = zone("www: {type: A, value: 192.0.2.1}\n");
        let a = diff(&desired, &zone("www: {type: A, value: 192.0.2.7}\n"));
        let b = diff(&desired, &zone("www: {type: A, value: 192.0.2.8}\n"));
        assert_ne!(a.checksum(), b.checksum());
        assert_eq!(a.checksum(), a.clone().checksum());
        assert_eq!(a.checksum().len(), 64);
    }

    #[test]
    fn the_json_form_carries_what_the_checksum_covers() {
        let desired = zone("www: {type: A, value: 192.0.2.1, ttl: 60}\n");
        let plan = diff(&desired, &zone("www: {type: A, value: 192.0.2.7}\n"));
        let doc = serde_json::to_value(&plan).unwrap();
        let change = &doc["changes"][0];
        assert_eq!(change["action"], "update");
        assert_eq!(change["name"], "www.example.com.");
        assert_eq!(change["type"], "A");
        assert_eq!(change["old"]["values"], serde_json::json!(["192.0.2.7"]));
        assert_eq!(change["new"]["values"], serde_json::json!(["192.0.2.1"]));
        assert_eq!(change["new"]["ttl"], 60);
        assert_eq!(doc["counts"]["update"], 1);
        assert_eq!(doc["counts"]["total"], 1);
        // The checksum is over that form: a TTL alone changes it.
        let other = diff(
            &zone("www: {type: A, value: 192.0.2.1, ttl: 61}\n"),
            &zone("www: {type: A, value: 192.0.2.7}\n"),
        );
        assert_ne!(plan.checksum(), other.checksum());
    }
}
