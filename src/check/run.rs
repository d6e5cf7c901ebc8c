//! One `dns check` as the library runs it, from validated [`Settings`]: the expected name
//! servers (named, or read from Route 53), one round (walk and facts, the zone file verified on
//! every server, the primaries' health from Route 53, the caches), what is still pending for
//! `--wait`, and the check of a private hosted zone through the resolvers of its VPCs. The CLI
//! builds the settings, calls these and renders.
//!
//! This is the one part of `check` that reaches Route 53 (`--expect route53`,
//! `--health-status`); the rules stay pure functions of the facts.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use hickory_proto::rr::{Name, RecordType};
use serde::Serialize;

pub use super::gather::Expectation;

use super::facts::domain_of;
use super::gather::{self, sets_at};
use super::settings::{Expect, Settings, Wait, ZoneFile};
use super::{caches, saved};
use crate::check::codes::{Code, Finding};
use crate::check::facts::Facts;
use crate::check::rules::judge;
use crate::error::{Error, Result};

use crate::provider::route53::{ProviderError, Route53};
use crate::walk::{NameServer, Walker};
use crate::zone::{RData, RType, RrKey, Zone, name};
use crate::zonedir;

/// Everything one check finds: the facts (the zone file's verification among them), the
/// findings, what the caches hold.
pub struct Round {
    pub facts: Facts,
    pub findings: Vec<Finding>,
    pub caches: Option<Vec<caches::CacheAnswer>>,
    /// Judged again from saved facts (`--from-facts`), not gathered now.
    pub replayed: Option<super::saved::Replayed>,
}

/// The name servers the zone should be delegated to: as named, or the delegation set of the
/// hosted zone that holds the name (and then the domain's registration at Route 53 Domains).
pub async fn expected_ns(s: &Settings) -> Result<Expectation> {
    match &s.expect {
        None => Ok(Expectation::default()),
        Some(Expect::Names(names)) => Ok(Expectation {
            name_servers: Some(names.clone()),
            hosted_zone: None,
            registrar: None,
        }),
        Some(Expect::Route53 { hosted_zone_id }) => {
            route53_expectation(s, hosted_zone_id.as_deref()).await
        }
    }
}

/// One round of the check.
pub async fn one_round(
    s: &Settings,
    expected: &Expectation,
    hints: &[NameServer],
) -> Result<Round> {
    one_round_on(s, expected, Walker::new(s.walk.clone(), hints.to_vec())).await
}

/// One round of the check on `walker` (one of a run's, sharing what it learns with the others):
/// the facts gathered, judged, and the caches asked.
pub async fn one_round_on(s: &Settings, expected: &Expectation, walker: Walker) -> Result<Round> {
    let (facts, zone) = gather::round(&walker, s, expected).await?;
    let found = judge(&facts);
    let caches = match &s.resolvers {
        Some(r) => {
            let questions = cache_questions(s, r.all_records, &facts, zone.as_ref());
            Some(caches::ask(&r.list, &questions, s.walk.timeout).await)
        }
        None => None,
    };
    Ok(Round {
        facts,
        findings: found,
        caches,
        replayed: None,
    })
}

/// The questions for the caches, each with what the zone serves now: NAME (from the zone file,
/// else from the authoritative answers), and with `--all-records` every record set of the file.
fn cache_questions(
    s: &Settings,
    all_records: bool,
    facts: &Facts,
    zone: Option<&Zone>,
) -> Vec<caches::Question> {
    // The sets of the file at a name and type (several when routed), CNAME first; none when
    // the file does not say (or says ALIAS, whose addresses it does not know).
    let from_file = |name: &Name, rtype: RecordType| -> Vec<RData> {
        let Some(zone) = zone else { return Vec::new() };
        [Some(RType::CNAME), RType::from_record_type(rtype)]
            .into_iter()
            .flatten()
            .map(|t| {
                sets_at(zone, &RrKey::new(name.clone(), t))
                    .map(|(_, s)| s)
                    .collect::<Vec<_>>()
            })
            .find(|sets| !sets.is_empty())
            .filter(|sets| sets.iter().all(|s| !s.data.is_alias()))
            .map(|sets| sets.into_iter().map(|s| s.data.clone()).collect())
            .unwrap_or_default()
    };
    let mut expected = from_file(&s.name, s.qtype);
    if expected.is_empty() {
        expected.extend(facts.authoritative_data());
    }
    let mut out = vec![caches::Question {
        name: s.name.clone(),
        rtype: s.qtype,
        expected,
    }];
    if let (true, Some(zone)) = (all_records, zone) {
        let mut routed_asked = HashSet::new();
        for (key, set) in &zone.rrsets {
            let rtype = key.rtype.record_type();
            let is_main = key.name == s.name && rtype == s.qtype;
            if set.data.is_alias() || is_main {
                continue;
            }
            // Routed sets: one question per name and type, any of its sets current.
            if key.set_id.is_some() && !routed_asked.insert((key.name.clone(), rtype)) {
                continue;
            }
            out.push(caches::Question {
                name: key.name.clone(),
                rtype,
                expected: from_file(&key.name, rtype),
            });
        }
    }
    out
}

/// What `dns check NAME` comes to.
pub enum Checked {
    /// A name of a private hosted zone, asked of the resolvers of its VPCs.
    Private(PrivateCheck),
    /// The walk from the root: one round, or with `--wait` the rounds until nothing was
    /// pending (`pending`: what still was when the time ran out).
    Walked(Box<Waited<Round>>),
}

/// `dns check NAME` as the library runs it, from its settings: a name of a private hosted zone
/// through the resolvers of its VPCs; else the expected servers read once, then one round, or
/// with `--wait` rounds until nothing is pending or the time is up (`told` hears a line for each
/// round that left something pending).
pub fn check_name(
    rt: &tokio::runtime::Runtime,
    s: &Settings,
    told: &mut dyn FnMut(String),
) -> Result<Checked> {
    if let Some((path, zone)) = private_zone(s)? {
        return Ok(Checked::Private(
            rt.block_on(check_private(s, &path, &zone))?,
        ));
    }
    let hints = crate::walk::hints::load(s.root_hints.as_deref())?;
    let started = Instant::now();
    let expected = rt.block_on(expected_ns(s))?;
    let round = || rt.block_on(one_round(s, &expected, &hints));
    let first = round()?;
    let Some(wait) = s.wait else {
        return Ok(Checked::Walked(Box::new(Waited {
            last: first,
            pending: vec![],
            rounds: 1,
        })));
    };
    let told = std::cell::RefCell::new(told);
    let mut last_state = None;
    let mut said_state = |round: &Round| {
        if let Some(line) = state_change(round, &mut last_state) {
            (told.borrow_mut())(line);
        }
    };
    said_state(&first);
    let waited = wait_until_done(
        wait,
        started,
        first,
        Round::pending,
        |last| {
            *last = round()?;
            said_state(last);
            Ok(())
        },
        |n, pending| {
            (told.borrow_mut())(format!(
                "round {n}: {} pending: {}",
                pending.len(),
                pending.join("; ")
            ))
        },
    )?;
    Ok(Checked::Walked(Box::new(waited)))
}

/// Under `--wait`, a line when the round's state differs from the last one: the time, the new
/// state, and, when the parent has just been seen switching to the expected servers, until
/// when resolvers may still ask the old ones.
fn state_change(round: &Round, last: &mut Option<crate::check::rules::State>) -> Option<String> {
    let m = round.moved();
    if *last == Some(m.state) {
        return None;
    }
    let now = round.facts.checked_at;
    let mut line = format!(
        "{} state: {} — {}",
        crate::clock::utc_minutes(now),
        m.state.words(),
        m.said
    );
    if let (true, Some(before), Some(window)) = (m.state.switched(), *last, m.window_seconds)
        && !before.switched()
    {
        line.push_str(&format!(
            "; the switch was seen now: until {} resolvers may still ask the old servers, so keep the old zone served and unchanged until then",
            crate::clock::utc_minutes(now + window)
        ));
    }
    *last = Some(m.state);
    Some(line)
}

/// `dns check --from-facts FILE`: saved facts judged again, sending nothing.
pub fn replay(path: &Path) -> Result<Round> {
    let saved = saved::load(path)?;
    let replayed = saved::Replayed::of(&saved, path);
    Ok(Round {
        findings: judge(&saved.facts),
        facts: saved.facts,
        caches: saved.caches,
        replayed: Some(replayed),
    })
}

/// How a `--wait` ended.
pub struct Waited<T> {
    /// The last round's result (every zone's, for a run of many).
    pub last: T,
    /// What was still pending after it (empty: done).
    pub pending: Vec<String>,
    pub rounds: usize,
}

/// `--wait`, the one loop for one zone and for many: rounds until nothing is pending or the
/// time is up. `state` is the first round's result; `again` runs the next round on it (a run
/// of many checks only its pending zones again); `told` hears each round's number and what is
/// still pending before the pause.
pub fn wait_until_done<T>(
    wait: Wait,
    started: Instant,
    mut state: T,
    pending: impl Fn(&T) -> Vec<String>,
    mut again: impl FnMut(&mut T) -> Result<()>,
    mut told: impl FnMut(usize, &[String]),
) -> Result<Waited<T>> {
    let mut rounds = 0;
    loop {
        rounds += 1;
        let still = pending(&state);
        if still.is_empty() || started.elapsed() + wait.interval > wait.timeout {
            return Ok(Waited {
                last: state,
                pending: still,
                rounds,
            });
        }
        told(rounds, &still);
        std::thread::sleep(wait.interval);
        again(&mut state)?;
    }
}

impl Round {
    /// The state of the move this round shows, its next step and timeline.
    pub fn moved(&self) -> crate::check::rules::Move {
        crate::check::rules::move_of(&self.facts, &self.findings, self.caches.as_deref())
    }

    /// What is still not right, in a few words per problem (`--wait` goes on while there is).
    pub fn pending(&self) -> Vec<String> {
        let mut out: Vec<String> = self.findings.iter().map(|f| f.code.to_string()).collect();
        let state = self.moved().state;
        if !state.settled() && self.facts.expected.is_some() {
            out.push(format!("state: {}", state.words()));
        }
        for a in self
            .caches
            .iter()
            .flatten()
            .filter(|a| a.state != caches::CacheState::Current)
        {
            out.push(
                format!(
                    "cache {} {:?} for {} {} (TTL left {}s)",
                    a.resolver,
                    a.state,
                    a.name,
                    a.rtype,
                    a.ttl_left.unwrap_or(0)
                )
                .to_lowercase(),
            );
        }
        if self.facts.zone.is_none() {
            out.push("zone not reached".into());
        }
        out
    }
}

/// The name servers Route 53 assigned to the hosted zone that holds the name (its closest
/// enclosing hosted zone by name, up to its registered domain), and the registration of that zone's domain at Route 53
/// Domains when this account holds it (one that cannot be read is said, and left out).
async fn route53_expectation(s: &Settings, pinned: Option<&str>) -> Result<Expectation> {
    let client = Route53::connect(&s.aws).await.map_err(Error::Aws)?;
    let mut candidate = s.name.clone();
    loop {
        match client.find_zone(&candidate, pinned, Some(false)).await {
            Ok(zone) => {
                let servers =
                    client
                        .name_servers(&zone)
                        .await
                        .map_err(|source| Error::Provider {
                            zone: zone.name.to_ascii(),
                            source,
                        })?;
                let name_servers = servers
                    .iter()
                    .map(|ns| {
                        name::parse_zone(ns)
                            .map_err(|e| Error::Usage(format!("Route 53 name server '{ns}': {e}")))
                    })
                    .collect::<Result<BTreeSet<Name>>>()?;
                let domain = zone.name.to_ascii();
                let registrar = match client.domain_detail(domain.trim_end_matches('.')).await {
                    Ok(detail) => detail,
                    Err(e) => {
                        eprintln!(
                            "note: the registration of {domain} at Route 53 Domains could not be read: {e}"
                        );
                        None
                    }
                };
                return Ok(Expectation {
                    name_servers: Some(name_servers),
                    hosted_zone: Some(zone),
                    registrar,
                });
            }
            // Up to the registered domain, never above it: a domain without a hosted zone is
            // said as that, not as a missing hosted zone for its top-level domain.
            Err(ProviderError::NotFound { .. })
                if candidate.num_labels() > domain_of(&s.name).num_labels() =>
            {
                candidate = candidate.base_name();
            }
            Err(source) => {
                return Err(Error::Provider {
                    zone: candidate.to_ascii(),
                    source,
                });
            }
        }
    }
}

/// The zone file of a private hosted zone that holds the name: `--zone-file` when it is one,
/// else the closest enclosing zone's file in the zones directory.
pub fn private_zone(s: &Settings) -> Result<Option<(PathBuf, Zone)>> {
    let path = match &s.zone_file {
        ZoneFile::Given(p) if p.exists() => p.clone(),
        ZoneFile::Given(_) => return Ok(None),
        ZoneFile::InDir(dir) => match dir.enclosing(&s.name).into_iter().next() {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let loaded = zonedir::load(&path)?;
    if loaded.zone.settings.private.is_none() {
        return Ok(None);
    }
    zonedir::refuse_invalid(&loaded)?;
    if !loaded.zone.origin.zone_of(&s.name) {
        return Ok(None);
    }
    Ok(Some((path, loaded.zone)))
}

/// The check of a name of a private hosted zone: what each resolver answered, and the findings.
#[derive(Debug, Serialize)]
pub struct PrivateCheck {
    pub zone: String,
    pub private: bool,
    pub vpcs: Vec<String>,
    pub answers: Vec<caches::CacheAnswer>,
    pub findings: Vec<Finding>,
    /// How many resolvers and record sets were asked, and from which file.
    #[serde(skip)]
    pub resolvers: usize,
    #[serde(skip)]
    pub questions: usize,
    #[serde(skip)]
    pub file: PathBuf,
}

/// `dns check` on a name of a private hosted zone: Route 53 answers it only to resolvers inside
/// its VPCs, so the root servers cannot lead there. The resolvers given (a VPC's resolver) are
/// asked for NAME, or with `--all-records` every record set of the file, and compared with it.
pub async fn check_private(s: &Settings, path: &Path, zone: &Zone) -> Result<PrivateCheck> {
    let vpcs: Vec<String> = zone
        .settings
        .private
        .iter()
        .flatten()
        .map(|v| format!("{} ({})", v.id, v.region))
        .collect();
    let zone_text = zone.origin.to_ascii();
    let resolvers = match &s.resolvers {
        Some(r) if !r.list.is_empty() && !r.public => r,
        _ => {
            let name = s.name_text();
            return Err(Error::Usage(format!(
                "{name} is in the private hosted zone {zone_text} ({}, VPCs {}): Route 53 answers it only to resolvers inside those VPCs, so it cannot be checked from the root servers, nor by public resolvers; from an instance in the VPC, run `dns check {name} --resolvers system` (or --resolvers 169.254.169.253, the VPC's resolver)",
                path.display(),
                vpcs.join(", "),
            )));
        }
    };
    let mut questions = Vec::new();
    let mut routed = HashSet::new();
    for (key, set) in &zone.rrsets {
        let rtype = key.rtype.record_type();
        let wanted = resolvers.all_records || (key.name == s.name && rtype == s.qtype);
        if !wanted || set.data.is_alias() || !routed.insert((key.name.clone(), rtype)) {
            continue;
        }
        questions.push(caches::Question {
            name: key.name.clone(),
            rtype,
            expected: sets_at(zone, &RrKey::new(key.name.clone(), key.rtype))
                .map(|(_, s)| s.data.clone())
                .collect(),
        });
    }
    if questions.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no {} record set (other than an ALIAS) in {}: name one it has, or pass --all-records",
            s.name_text(),
            s.qtype,
            path.display()
        )));
    }
    let answers = caches::ask(&resolvers.list, &questions, s.walk.timeout).await;
    let findings = private_findings(&answers, path);
    Ok(PrivateCheck {
        zone: zone_text,
        private: true,
        vpcs,
        findings,
        resolvers: resolvers.list.len(),
        questions: questions.len(),
        file: path.to_path_buf(),
        answers,
    })
}

/// One finding per answer of the VPC resolver that is not what the zone file says.
fn private_findings(answers: &[caches::CacheAnswer], path: &Path) -> Vec<Finding> {
    let mut found = Vec::new();
    for a in answers {
        let (code, what) = match a.state {
            caches::CacheState::Current => continue,
            caches::CacheState::Stale => (
                Code::RecordsDiffer,
                format!("answers [{}]", a.values.join(", ")),
            ),
            caches::CacheState::Missing => (
                Code::RecordsNotServed,
                format!(
                    "has no such record set ({})",
                    a.rcode.as_deref().unwrap_or("-")
                ),
            ),
            caches::CacheState::NoAnswer => {
                (Code::RecordsUnverified, "gave no usable answer".to_string())
            }
        };
        found.push(Finding::new(code, format!(
                "{} {}: resolver {} {what}, but {} says otherwise",
                a.name,
                a.rtype,
                a.resolver,
                path.display()
            ), vec![a.resolver.clone()]).with_fix("sync the zone (dns sync), check that the resolver's VPC is associated with the private zone, and that a newer answer is not cached (TTL)"));
    }
    found
}
