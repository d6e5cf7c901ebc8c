//! The rules across the records of a file, once every record is read: one set per name and
//! type (and set id), routed sets and the health checks they name, CNAME beside other data,
//! records occluded by a delegation; then the zone.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::routing::SetView;
use super::{Loaded, Loader};
use crate::zone::diag::{Pos, Rule};
use crate::zone::{HealthRef, Name, RData, RType, RecordSet, RrKey, name};

impl Loader {
    /// Rules across records, then the zone.
    pub(super) fn finish(mut self) -> Loaded {
        let default_ttl = self.zone.settings.default_ttl;
        for e in self.entries.iter_mut().filter(|e| e.default_ttl) {
            if let Some(ttl) = &mut e.set.ttl {
                *ttl = default_ttl;
            }
        }
        // Grouping only: a hash map spares the canonical name comparisons of a tree.
        let mut by_name: HashMap<Name, Vec<usize>> = HashMap::with_capacity(self.entries.len());
        for (i, entry) in self.entries.iter().enumerate() {
            by_name.entry(entry.key.name.clone()).or_default().push(i);
        }
        let mut keep = vec![true; self.entries.len()];
        let mut health_refs = Vec::new();
        for indices in by_name.values() {
            let seen = self.distinct_sets(indices, &mut keep);
            self.routed_rules(&seen, &mut health_refs);
            self.cname_beside_others(&seen);
        }
        self.check_references(&health_refs);
        self.alias_targets(&by_name);
        drop(by_name);
        self.occlusion();
        self.zone.rrsets = into_tree(self.entries, &keep);
        Loaded {
            zone: self.zone,
            diagnostics: self.sink.into_sorted(),
        }
    }
}

/// The kept entries as the zone's tree, without holding the whole list of entries and the whole
/// tree at once: entries are taken from the end, and the list is shrunk each time half of it
/// has moved (each entry is copied at most twice more; the peak is the list and half the tree,
/// where moving them in one pass held both whole).
fn into_tree(mut entries: Vec<super::Entry>, keep: &[bool]) -> BTreeMap<RrKey, RecordSet> {
    let mut tree = BTreeMap::new();
    while let Some(entry) = entries.pop() {
        if keep[entries.len()] {
            tree.insert(entry.key, entry.set);
        }
        if entries.len() < entries.capacity() / 2 {
            entries.shrink_to_fit();
        }
    }
    tree
}

impl Loader {
    /// The record sets at one name (`indices`, in file order) that are kept, per type: a
    /// second set of a type (or of a type and set id) and a plain set beside routed ones are
    /// reported and dropped from `keep`.
    fn distinct_sets(
        &mut self,
        indices: &[usize],
        keep: &mut [bool],
    ) -> BTreeMap<RType, Vec<usize>> {
        // Per type: the entries kept, in file order.
        let mut seen: BTreeMap<RType, Vec<usize>> = BTreeMap::new();
        for &i in indices {
            let e = &self.entries[i];
            let same = seen.get(&e.key.rtype).and_then(|kept| {
                kept.iter().copied().find(|&k| {
                    let other = &self.entries[k];
                    other.key.set_id == e.key.set_id
                        || other.key.set_id.is_none() != e.key.set_id.is_none()
                })
            });
            let Some(first) = same else {
                seen.entry(e.key.rtype).or_default().push(i);
                continue;
            };
            keep[i] = false;
            let other = &self.entries[first];
            let owner = name::relative(&e.key.name, &self.zone.origin);
            if other.key.set_id.is_none() != e.key.set_id.is_none() {
                self.sink
                    .error(
                        e.type_pos,
                        Rule::RoutingMixed,
                        format!(
                            "'{owner}' has a plain {} record set and routed ones (with `set_id`)",
                            e.key.rtype
                        ),
                    )
                    .hint("Route 53 answers a name and type from one plain set or from routed sets: give every record of it a `set_id` and routing key, or none");
                continue;
            }
            let shown = if e.set.data.is_alias() || other.set.data.is_alias() {
                "an ALIAS record takes the place of the A (or AAAA) record set; keep one of them"
            } else if e.key.set_id.is_some() {
                "each routed set of a name and type has its own `set_id`"
            } else {
                "put all values in one `values` list"
            };
            self.sink
                .error(
                    e.type_pos,
                    Rule::RecordDuplicateType,
                    format!(
                        "a second {} record set{} for '{owner}'",
                        e.key.rtype,
                        e.key
                            .set_id
                            .as_deref()
                            .map(|s| format!(" with set_id {s}"))
                            .unwrap_or_default()
                    ),
                )
                .hint(shown);
        }
        seen
    }

    /// The rules across the routed sets of each type at one name; collects their health checks.
    fn routed_rules(
        &mut self,
        seen: &BTreeMap<RType, Vec<usize>>,
        health_refs: &mut Vec<(String, Pos)>,
    ) {
        for (rtype, kept) in seen {
            let sets: Vec<SetView> = kept
                .iter()
                .filter_map(|&i| {
                    let e = &self.entries[i];
                    let (policy_pos, health_pos) = e.routed?;
                    Some(SetView {
                        set_id: e.key.set_id.clone()?,
                        ttl: e.set.ttl,
                        routing: e.set.routing.as_deref()?.clone(),
                        policy_pos,
                        health_pos,
                        evaluates_target: matches!(
                            &e.set.data,
                            super::RData::Alias(a) if a.evaluate_target_health
                        ),
                    })
                })
                .collect();
            for s in &sets {
                if let (Some(HealthRef::Named(n)), Some(pos)) =
                    (&s.routing.health_check, s.health_pos)
                {
                    health_refs.push((n.clone(), pos));
                }
            }
            if !sets.is_empty() {
                let owner = name::relative(&self.entries[kept[0]].key.name, &self.zone.origin);
                self.routed_group(&owner, *rtype, &sets);
            }
        }
    }

    /// A CNAME cannot stand beside other types at its name (RFC 1034 §3.6.2).
    fn cname_beside_others(&mut self, seen: &BTreeMap<RType, Vec<usize>>) {
        if let Some(c) = seen.get(&RType::CNAME).and_then(|v| v.first().copied())
            && seen.len() > 1
        {
            let e = &self.entries[c];
            let others: Vec<_> = seen
                .keys()
                .filter(|t| **t != RType::CNAME)
                .map(|t| t.as_str())
                .collect();
            self.sink
                .error(
                    e.type_pos,
                    Rule::CnameCoexist,
                    format!(
                        "a CNAME cannot stand beside other records ({}) at the same name",
                        others.join(", ")
                    ),
                )
                .hint("RFC 1034 §3.6.2: give the name either a CNAME or other records, not both");
        }
    }

    /// Records at or below a delegation (other than its NS and glue addresses) are not served
    /// by this zone (RFC 1034 §4.2.1).
    /// alias.target-missing: an alias to a name of this zone must find a set of its type
    /// there (a CNAME alias, any set), or the name must be left to others (`ignore:`): Route 53
    /// refuses an alias whose target it does not hold.
    fn alias_targets(&mut self, by_name: &HashMap<Name, Vec<usize>>) {
        let origin = self.zone.origin.clone();
        for e in &self.entries {
            let RData::Alias(a) = &e.set.data else {
                continue;
            };
            if a.hosted_zone_id.is_some() || !origin.zone_of(&a.target) {
                continue;
            }
            let found = by_name.get(&a.target.to_lowercase()).is_some_and(|at| {
                at.iter().any(|&i| {
                    e.key.rtype == RType::CNAME || self.entries[i].key.rtype == e.key.rtype
                })
            });
            let ignored = crate::zone::ignore::is_ignored(
                &crate::zone::RrKey::new(a.target.clone(), e.key.rtype),
                &origin,
                &self.zone.settings,
            );
            if found || ignored {
                continue;
            }
            let target = name::relative(&a.target, &origin);
            self.sink
                .error(
                    e.type_pos,
                    Rule::AliasTargetMissing,
                    format!(
                        "ALIAS {} to '{target}' in this zone, which the file has no {} record set for: Route 53 refuses an alias whose target does not exist",
                        e.key.rtype, e.key.rtype
                    ),
                )
                .hint(format!(
                    "add the {} record set at '{target}', point the alias elsewhere, or list '{target}' under `ignore:` if another tool keeps it",
                    e.key.rtype
                ));
        }
    }

    fn occlusion(&mut self) {
        // Each delegation, with the name servers it names (an address of one of them below the
        // cut is glue, which is served; any other record there is not).
        let cuts: Vec<(Name, BTreeSet<Name>)> = self
            .entries
            .iter()
            .filter(|e| e.key.rtype == RType::NS && e.key.name != self.zone.origin)
            .map(|e| {
                let servers = match &e.set.data {
                    RData::Ns(servers) => servers.clone(),
                    _ => BTreeSet::new(),
                };
                (e.key.name.clone(), servers)
            })
            .collect();
        for e in &self.entries {
            let Some((cut, servers)) = cuts.iter().find(|(c, _)| c.zone_of(&e.key.name)) else {
                continue;
            };
            let at_cut = e.key.name == *cut;
            let glue = matches!(e.key.rtype, RType::A | RType::AAAA)
                && !e.set.data.is_alias()
                && !at_cut
                && servers.contains(&e.key.name);
            if (at_cut && e.key.rtype != RType::NS) || (!at_cut && !glue) {
                self.sink
                    .warning(e.name_pos, Rule::NsOccluded, format!("{} record at '{}' is at or below the delegation '{}' and will not be served", e.key.rtype, name::relative(&e.key.name, &self.zone.origin), name::relative(cut, &self.zone.origin)))
                    .hint("move the record into the delegated zone, or remove the NS delegation");
            }
        }
    }
}
