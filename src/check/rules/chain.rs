//! The chain of trust above the zone, from the root's trust anchor down to the DS set the
//! zone's parent serves (RFC 4035 §5; Zonemaster DNSSEC11, which DNSViz draws as the chain's
//! upper half): the root's DNSKEY set verified with a key the anchor names; at each zone cut the
//! child's DS set verified with the parent's verified keys, then the child's DNSKEY set with a
//! key that DS points at; last, the zone's own DS set at its parent. The zone's own half (its
//! DNSKEY set from that DS, and every record set from its keys) is [`super::dnssec`]'s and
//! [`super::signatures`]'s.
//!
//! Every server of every level is judged: one server of a top-level domain serving a bad
//! signature over the zone's DS is bogus to every resolver that happens to ask it. A level whose
//! parent serves no DS for it ends the chain: what lies below is insecure (validators do not
//! validate it), which is said when the zone itself has a DS. The parent, signed, must prove
//! there is no DS (an NSEC or NSEC3 at the delegation without the DS bit, or an opt-out NSEC3
//! span, validly signed): a denial without that proof is bogus, as validators see it. Judged
//! only with a trust anchor: IANA's for the real root, `--trust-anchor` for a lab.

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_proto::rr::{Name, RData, RecordType};

use super::{first_few, who};
use crate::check::anchor::Anchor;
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::validate::{Verdict, signed_sets, verdict};
use crate::walk::{Level, Probe};

/// One server's broken link.
struct Broken {
    server: String,
    what: String,
}

/// What a level's verification came to.
enum Keys {
    /// The keys of the level's DNSKEY sets that verified.
    Trusted(Vec<DNSKEY>),
    /// Nothing to judge (no server answered the question).
    Unknown,
}

pub fn chain_from_root(f: &Facts) -> Vec<Finding> {
    walk_chain(f).map(|(_, found)| found).unwrap_or_default()
}

/// Where the walk down the chain ended.
enum Outcome {
    /// Every link verified, down to the zone's DS set at its parent.
    Verified,
    /// The zone's parent serves no DS for it (verified down to the parent).
    Unsigned,
    /// A level above the zone has no DS at its parent.
    Insecure(Name),
    /// A link that does not verify (the finding says which).
    Broken,
    /// A question the chain needs went unanswered: not judged, and why.
    NotJudged(String),
}

/// One line for the report on the chain above the zone, when a trust anchor judges it: never
/// a silent "not judged".
pub fn chain_note(f: &Facts) -> Option<String> {
    let (outcome, _) = walk_chain(f)?;
    Some(match outcome {
        Outcome::Verified => "chain of trust from the root: verified down to the zone's DS".into(),
        Outcome::Unsigned => {
            "chain of trust from the root: verified down to the parent, which has no DS for the zone (unsigned)".into()
        }
        Outcome::Insecure(level) => format!(
            "chain of trust from the root: ends at {} (no DS), the zone is insecure",
            level.to_ascii()
        ),
        Outcome::Broken => "chain of trust from the root: broken (dnssec.chain-bogus)".into(),
        Outcome::NotJudged(why) => format!("chain of trust from the root: not judged ({why})"),
    })
}

fn walk_chain(f: &Facts) -> Option<(Outcome, Vec<Finding>)> {
    let (Some(anchors), Some(zone)) = (&f.anchors, &f.zone) else {
        return None;
    };
    let now = f.checked_at as u32;
    let levels: Vec<_> = f
        .walk
        .levels
        .iter()
        .filter(|l| l.zone != *zone && l.zone.zone_of(zone))
        .collect();
    let not_judged = |why: String| Some((Outcome::NotJudged(why), vec![]));
    let Some(root) = levels.first().filter(|l| l.zone.is_root()) else {
        return not_judged("the walk did not start at the root".into());
    };
    let mut broken = Vec::new();
    let by_anchor = |k: &DNSKEY| anchors.iter().any(|a| a.trusts(k));
    let root_keys = of_type(&root.apex, RecordType::DNSKEY);
    let mut keys = match key_set(&root_keys, &Name::root(), &by_anchor, now, &mut broken) {
        Keys::Trusted(keys) if !keys.is_empty() => keys,
        Keys::Trusted(_) => return Some((Outcome::Broken, bogus(zone, anchors, broken))),
        Keys::Unknown => return not_judged("no root server answered its DNSKEY question".into()),
    };
    let mut parent = Name::root();
    let cuts = cuts_below_root(f, &levels[1..], zone);
    let mut outcome = Outcome::Verified;
    for (child, ds_probes, key_probes) in cuts {
        let Some(ds) = ds_set(&ds_probes, &parent, &child, &keys, now, &mut broken) else {
            outcome = Outcome::NotJudged(format!(
                "no server of {} answered the DS question for {}",
                parent.to_ascii(),
                child.to_ascii()
            ));
            break;
        };
        let Some(key_probes) = key_probes else {
            if ds.is_empty() {
                outcome = Outcome::Unsigned;
            }
            break;
        };
        if ds.is_empty() {
            // No DS for this level: everything below it is insecure.
            if !broken.is_empty() {
                break;
            }
            return Some((
                Outcome::Insecure(child.clone()),
                insecure(f, zone, &child, &parent),
            ));
        }
        let by_ds = |k: &DNSKEY| ds.iter().any(|d| d.covers(&child, k).unwrap_or(false));
        match key_set(&key_probes, &child, &by_ds, now, &mut broken) {
            Keys::Trusted(trusted) if !trusted.is_empty() => keys = trusted,
            Keys::Trusted(_) => break,
            Keys::Unknown => {
                outcome = Outcome::NotJudged(format!(
                    "no server of {} answered its DNSKEY question",
                    child.to_ascii()
                ));
                break;
            }
        }
        parent = child;
    }
    if !broken.is_empty() {
        outcome = Outcome::Broken;
    }
    Some((outcome, bogus(zone, anchors, broken)))
}

/// Each cut below the root: the child, its DS probes (of the parent's servers), and its
/// DNSKEY probes (none for the zone itself: its own half is the other rules').
type Cut<'f> = (Name, Vec<&'f Probe>, Option<Vec<&'f Probe>>);

fn cuts_below_root<'f>(f: &'f Facts, levels: &[&'f Level], zone: &Name) -> Vec<Cut<'f>> {
    levels
        .iter()
        .map(|l| {
            (
                l.zone.clone(),
                of_type(&l.apex, RecordType::DS),
                Some(of_type(&l.apex, RecordType::DNSKEY)),
            )
        })
        .chain([(zone.clone(), f.ds.iter().collect(), None)])
        .collect()
}

fn of_type(probes: &[Probe], qtype: RecordType) -> Vec<&Probe> {
    probes.iter().filter(|p| p.qtype == qtype).collect()
}

/// The keys of every server's DNSKEY set of `owner` that verifies with a key `entry` accepts;
/// each server whose set does not, as broken.
fn key_set(
    probes: &[&Probe],
    owner: &Name,
    entry: &dyn Fn(&DNSKEY) -> bool,
    now: u32,
    broken: &mut Vec<Broken>,
) -> Keys {
    let mut trusted: Vec<DNSKEY> = Vec::new();
    let mut answered = false;
    for p in probes.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        answered = true;
        let sets = signed_sets(m, owner);
        let Some(set) = sets
            .iter()
            .find(|s| s.rtype == RecordType::DNSKEY && s.name == *owner)
        else {
            broken.push(Broken {
                server: who(p),
                what: format!("serves no DNSKEY set for {}", owner.to_ascii()),
            });
            continue;
        };
        let keys = crate::check::validate::keys_in(set);
        let entry_keys: Vec<&DNSKEY> = keys.iter().copied().filter(|k| entry(k)).collect();
        if entry_keys.is_empty() {
            let tags: Vec<String> = keys
                .iter()
                .filter_map(|k| k.calculate_key_tag().ok())
                .map(|t| t.to_string())
                .collect();
            broken.push(Broken {
                server: who(p),
                what: format!(
                    "no key of the {} DNSKEY set (key tags {}) is the one the {} points at",
                    owner.to_ascii(),
                    tags.join(", "),
                    if owner.is_root() {
                        "trust anchor".to_string()
                    } else {
                        format!("DS at {}", owner.base_name().to_ascii())
                    }
                ),
            });
            continue;
        }
        match verdict(set, owner, &entry_keys, now) {
            Verdict::Valid | Verdict::Unsupported(_) => {
                for k in keys {
                    if !trusted.contains(k) {
                        trusted.push(k.clone());
                    }
                }
            }
            other => broken.push(Broken {
                server: who(p),
                what: problem(&set.label(), &other),
            }),
        }
    }
    if answered {
        Keys::Trusted(trusted)
    } else {
        Keys::Unknown
    }
}

/// The DS set of `child` as the servers of `parent` serve it, each server's signature over it
/// verified with `keys`: the DS records of the sets that verify (empty when the parent serves
/// none: the child is insecure), or `None` when no server answered.
fn ds_set(
    probes: &[&Probe],
    parent: &Name,
    child: &Name,
    keys: &[DNSKEY],
    now: u32,
    broken: &mut Vec<Broken>,
) -> Option<Vec<DS>> {
    let keys: Vec<&DNSKEY> = keys.iter().collect();
    let mut ds: Vec<DS> = Vec::new();
    let mut answered = false;
    for p in probes.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        answered = true;
        let sets = signed_sets(m, parent);
        let Some(set) = sets
            .iter()
            .find(|s| s.rtype == RecordType::DS && s.name == *child)
        else {
            // No DS: the parent, signed, must prove it, with signatures of its keys.
            let proof = sets
                .iter()
                .filter(|s| matches!(s.rtype, RecordType::NSEC | RecordType::NSEC3))
                .map(|s| (s, verdict(s, parent, &keys, now)))
                .find(|(_, v)| !matches!(v, Verdict::Valid | Verdict::Unsupported(_)))
                .map(|(s, v)| problem(&s.label(), &v))
                .or_else(|| super::denial::insecure_delegation_problem(m, parent, child));
            if let Some(why) = proof {
                broken.push(Broken {
                    server: who(p),
                    what: format!("denies a DS for {}: {why}", child.to_ascii()),
                });
            }
            continue;
        };
        match verdict(set, parent, &keys, now) {
            Verdict::Valid | Verdict::Unsupported(_) => {
                for r in &set.records {
                    if let RData::DNSSEC(DNSSECRData::DS(d)) = &r.data
                        && !ds.contains(d)
                    {
                        ds.push(d.clone());
                    }
                }
            }
            other => broken.push(Broken {
                server: who(p),
                what: problem(&set.label(), &other),
            }),
        }
    }
    answered.then_some(ds)
}

/// A set whose every signature names another zone as its signer.
pub(super) fn signed_by_another(label: &str, signers: &[String]) -> String {
    format!(
        "{label} is signed only in the name of {} (the signer name of its RRSIG), not of the zone that serves it: no key of the zone made those signatures, and resolvers reject them (RFC 4035 §5.3.1)",
        signers.join(", ")
    )
}

fn problem(label: &str, verdict: &Verdict) -> String {
    match verdict {
        Verdict::Invalid(tags) => {
            let keys: Vec<String> = tags
                .iter()
                .map(|(t, a)| format!("key tag {t}, algorithm {} ({})", u8::from(*a), a.as_str()))
                .collect();
            format!("{label} signed with {} does not verify", keys.join(" nor "))
        }
        Verdict::UnknownKey(tags) => {
            let tags: Vec<String> = tags.iter().map(ToString::to_string).collect();
            format!(
                "{label} is signed only by key tag(s) {}, which the verified keys above do not hold",
                tags.join(", ")
            )
        }
        Verdict::WrongSigner(signers) => signed_by_another(label, signers),
        Verdict::Lapsed => format!("{label} has no signature valid now"),
        Verdict::Missing => format!("{label} is served without a signature"),
        Verdict::Valid | Verdict::Unsupported(_) => format!("{label} verifies"),
    }
}

fn bogus(zone: &Name, anchors: &[Anchor], broken: Vec<Broken>) -> Vec<Finding> {
    if broken.is_empty() {
        return vec![];
    }
    let listed: Vec<String> = broken
        .iter()
        .map(|b| format!("{}: {}", b.server, b.what))
        .collect();
    let mut servers: Vec<String> = broken.iter().map(|b| b.server.clone()).collect();
    servers.sort();
    servers.dedup();
    let tags: Vec<String> = anchors
        .iter()
        .filter_map(Anchor::key_tag)
        .map(|t| t.to_string())
        .collect();
    vec![Finding::new(
        Code::DnssecChainBogus,
        format!(
            "the chain of trust from the root (trust anchor key tag {}) to {} breaks above the zone, so validating resolvers answer SERVFAIL for the names that depend on it (from the servers that serve the broken link): {}",
            tags.join(", "),
            zone.to_ascii(),
            first_few(&listed, 10)
        ),
        servers,
    )]
}

/// The zone has a DS at its parent, but a level above it is not signed from the root.
fn insecure(f: &Facts, zone: &Name, level: &Name, parent: &Name) -> Vec<Finding> {
    let zone_has_ds =
        f.ds.iter()
            .filter(|p| answers_with_authority(p))
            .filter_map(Probe::message)
            .any(|m| {
                m.answers
                    .iter()
                    .any(|r| r.record_type() == RecordType::DS && r.name == *zone)
            });
    if !zone_has_ds {
        return vec![];
    }
    vec![Finding::new(
        Code::DnssecChainInsecure,
        format!(
            "{} has DS records at its parent, but {} has none at {}: the chain of trust from the root stops there, and validating resolvers treat {} as unsigned (its signatures protect nothing)",
            zone.to_ascii(),
            level.to_ascii(),
            parent.to_ascii(),
            zone.to_ascii()
        ),
        vec![],
    )]
}
