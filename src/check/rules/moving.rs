//! The state of a move, derived afresh from what one round observed (no state file): whether
//! the domain is registered and published, whom the parent delegates it to, whether the expected
//! servers are proven ready, whether the registrar already gives the registry the new servers,
//! and what the caches still hold. One state, the one next step in words, and a timeline of
//! wall-clock times from the TTLs observed. A pure function of the facts, the findings and the
//! caches' answers, so that saved facts give the same state.

use std::collections::BTreeSet;

use hickory_proto::rr::{Name, RData};
use serde::Serialize;

use super::{dnssec, names, parent_name, parent_ns, registration};
use crate::check::caches::{self, CacheAnswer, CacheState};
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, Undelegated, answers_with_authority, domain_of, is_route53};
use crate::check::verification::Served;
use crate::clock::{rfc3339, span, utc_minutes};
use crate::rdap::Lookup;
use crate::severity::Severity;
use crate::walk::Probe;

/// Where a domain stands, from not registered to done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// No server of the domain's zone could be asked, and the parent's word is not known.
    NotReached,
    /// The registry has no such domain.
    NotRegistered,
    /// The registry has it, but the parent does not publish it (a hold, a pending delete, no
    /// name servers given).
    NotPublished,
    /// The parent does not delegate it, and the registry was not asked.
    NotDelegated,
    /// The parent delegates it, and no move is being followed (no `--expect`).
    Delegated,
    /// The parent delegates it to other servers than the expected ones, which are not (proven)
    /// ready.
    DelegatedElsewhere,
    /// The parent still delegates to other servers; the expected ones are proven to serve the
    /// zone: the switch is safe.
    ReadyToSwitch,
    /// The registrar gives the registry the expected servers; the parent does not publish them
    /// yet.
    RegistrarUpdated,
    /// The parent delegates to the expected servers; caches still hand out old answers.
    Propagating,
    /// The parent delegates to the expected servers, and no cache asked holds old answers.
    Done,
}

impl State {
    /// The state in a few words, as the report opens with it.
    pub fn words(self) -> &'static str {
        match self {
            State::NotReached => "not reached",
            State::NotRegistered => "not registered",
            State::NotPublished => "registered, not published",
            State::NotDelegated => "not delegated",
            State::Delegated => "delegated",
            State::DelegatedElsewhere => "delegated to other servers",
            State::ReadyToSwitch => "new servers ready",
            State::RegistrarUpdated => "registrar updated, registry not yet",
            State::Propagating => "delegated to the new servers, caches catching up",
            State::Done => "done",
        }
    }

    /// Nothing is left to wait for (`--wait` stops here).
    pub fn settled(self) -> bool {
        matches!(self, State::Delegated | State::Done)
    }

    /// The parent already delegates to the expected servers.
    pub fn switched(self) -> bool {
        matches!(self, State::Propagating | State::Done)
    }
}

/// The state of the move, what it means here, the one next step, and when things happen.
#[derive(Debug, Clone, Serialize)]
pub struct Move {
    pub state: State,
    /// The state in a sentence about this domain.
    pub said: String,
    /// The one next step.
    pub next: String,
    /// What happens when, from the TTLs observed (empty when nothing is timed).
    pub timeline: Vec<Moment>,
    /// After the switch, how long resolvers may still ask the old servers and keep their
    /// answers: the parent's NS TTL (or the old zone's, if longer) and the longest record or
    /// negative TTL, in seconds.
    pub window_seconds: Option<u64>,
}

/// One time of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    /// RFC 3339, UTC.
    pub at: String,
    #[serde(skip)]
    pub at_secs: u64,
    pub what: String,
}

impl Moment {
    fn new(at_secs: u64, what: String) -> Moment {
        Moment {
            at: rfc3339(at_secs),
            at_secs,
            what,
        }
    }

    /// The moment as a line: its time to the minute, and what happens then.
    pub fn line(&self) -> String {
        format!("{}  {}", utc_minutes(self.at_secs), self.what)
    }
}

/// The state of the move the facts show, with the findings (for the next step) and what the
/// caches asked hand out (`--resolvers`).
pub fn move_of(f: &Facts, findings: &[Finding], caches: Option<&[CacheAnswer]>) -> Move {
    let window = window(f);
    let m = |state, said, next, timeline| Move {
        state,
        said,
        next,
        timeline,
        window_seconds: window,
    };
    if let Some(u) = &f.undelegated {
        let (state, said, next) = undelegated(f, u, findings);
        return m(state, said, next, vec![]);
    }
    let Some(zone) = &f.zone else {
        return m(
            State::NotReached,
            format!(
                "no server on the way to {} gave a usable answer",
                f.qname.to_ascii()
            ),
            first_fix(findings).unwrap_or_else(|| "see the findings below".into()),
            vec![],
        );
    };
    let zone_text = zone.to_ascii();
    let current = parent_ns(f);
    let delegates = format!(
        "{} delegates {zone_text} to {}",
        parent_name(f),
        provider(&current)
    );
    let Some(expected) = &f.expected else {
        let next = first_fix(findings).unwrap_or_else(|| {
            "nothing to do (to follow a move to other servers, pass --expect route53 or --expect-ns)"
                .into()
        });
        return m(State::Delegated, delegates, next, vec![]);
    };
    if current.is_empty() {
        // No delegation seen (the root, or a parent that gave none): nothing to follow.
        let next = first_fix(findings).unwrap_or_else(|| "nothing to do".into());
        return m(State::Delegated, delegates, next, vec![]);
    }
    if current == expected.names {
        return switched(f, findings, caches, delegates, window);
    }
    let (state, said, next) = before_switch(f, zone, findings, &expected.names, delegates);
    let timeline = timeline_before(f, zone, state, window);
    m(state, said, next, timeline)
}

/// A domain its parent does not delegate: not registered, on hold, or not known why.
fn undelegated(f: &Facts, u: &Undelegated, findings: &[Finding]) -> (State, String, String) {
    let (domain, parent) = (u.domain.to_ascii(), u.parent.to_ascii());
    let said = format!("{parent} does not delegate {domain}");
    let fix = fix_of(findings, Code::DelegationMissing);
    if let Some((given, wanted)) = registration::registrar_names(f)
        && given == wanted
        && !on_hold(f)
    {
        return (
            State::RegistrarUpdated,
            format!(
                "{said}: Route 53 Domains already gives the registry {}, which has not published it yet",
                names(&f.expected.as_ref().map(|e| e.names.clone()).unwrap_or_default())
            ),
            "nothing to do but wait: the registry publishes the delegation within minutes to hours (--wait follows it)".into(),
        );
    }
    match (&f.registration, &f.registrar) {
        (Some(Lookup::NotFound { .. }), _) => (
            State::NotRegistered,
            format!("{said}: the registry has no such domain"),
            fix,
        ),
        (Some(Lookup::Found(r)), _) => {
            let statuses = if r.statuses.is_empty() {
                "no status".to_string()
            } else {
                r.statuses.join(", ")
            };
            (
                State::NotPublished,
                format!("{said}: the registry has it ({statuses}), but does not publish it"),
                fix,
            )
        }
        (_, Some(d)) => (
            State::NotPublished,
            format!(
                "{said}: Route 53 Domains has it in this account ({}), but the registry does not publish it",
                d.statuses.join(", ")
            ),
            fix,
        ),
        _ => (
            State::NotDelegated,
            format!("{said}; whether it is registered was not asked (the registry: --rdap-url)"),
            fix,
        ),
    }
}

fn on_hold(f: &Facts) -> bool {
    const HOLDS: [&str; 6] = [
        "client hold",
        "server hold",
        "pending delete",
        "redemption period",
        "clientHold",
        "serverHold",
    ];
    let rdap =
        matches!(&f.registration, Some(Lookup::Found(r)) if HOLDS.iter().any(|h| r.has_status(h)));
    let route53 = f.registrar.as_ref().is_some_and(|d| {
        d.statuses
            .iter()
            .any(|s| HOLDS.iter().any(|h| s.eq_ignore_ascii_case(h)))
    });
    rdap || route53
}

/// Before the switch: the registrar already updated, the new servers proven ready, or why not.
fn before_switch(
    f: &Facts,
    zone: &Name,
    findings: &[Finding],
    expected: &BTreeSet<Name>,
    delegates: String,
) -> (State, String, String) {
    if let Some((given, wanted)) = registration::registrar_names(f)
        && given == wanted
    {
        return (
            State::RegistrarUpdated,
            format!(
                "{delegates}, but Route 53 Domains already gives the registry {}: the registry has not published it yet",
                names(expected)
            ),
            "nothing to do but wait: the registry publishes the change within minutes to hours (--wait follows it)".into(),
        );
    }
    match not_ready(f, zone, findings, expected) {
        Some((why, next)) => (
            State::DelegatedElsewhere,
            format!(
                "{delegates}; the new servers ({}) are not ready: {why}",
                names(expected)
            ),
            next,
        ),
        None => (
            State::ReadyToSwitch,
            format!(
                "{delegates}; the new servers ({}) serve every record set of {}, and what the current servers serve beyond it: the switch is safe{}",
                names(expected),
                f.preflight
                    .as_ref()
                    .map(|v| v.file.as_str())
                    .unwrap_or("the zone file"),
                super::intended(f)
            ),
            format!("switch: {}", super::registrar_fix(f, zone, expected)),
        ),
    }
}

/// Why the expected servers are not ready to take the zone, and the next step, if they are not:
/// not answering, not holding the key the parent's DS points at, not serving the zone file,
/// or not proven to (no zone file).
fn not_ready(
    f: &Facts,
    zone: &Name,
    findings: &[Finding],
    expected: &BTreeSet<Name>,
) -> Option<(String, String)> {
    let not_ready: Vec<String> = f
        .expected
        .iter()
        .flat_map(|e| &e.soa)
        .filter(|p| !ready(p))
        .map(Probe::who)
        .collect();
    let complete = f
        .preflight
        .as_ref()
        .map(|_| !findings.iter().any(|x| x.code == Code::MoveRecordsMissing));
    let unsafe_ds = dnssec::unsafe_move(f, zone).is_some();
    if !not_ready.is_empty() {
        Some((
            format!(
                "{} do not answer for {} with authority yet",
                not_ready.join(", "),
                zone.to_ascii()
            ),
            if expected.iter().all(is_route53) {
                format!(
                    "create the hosted zone and its records on Route 53 (`dns sync {} --create-zone`), then check again",
                    zone.to_ascii()
                )
            } else {
                format!(
                    "load {} on the new servers, then check again",
                    zone.to_ascii()
                )
            },
        ))
    } else if unsafe_ds {
        Some((
            "the parent's DS points at keys the new servers do not serve".to_string(),
            fix_of(findings, Code::DnssecMoveUnsafe),
        ))
    } else if complete == Some(false) {
        Some((
            "they do not yet serve every record set of the zone file and the current servers (move.records-missing)".to_string(),
            fix_of(findings, Code::MoveRecordsMissing),
        ))
    } else if complete.is_none() {
        Some((
            "whether they serve what the current servers do was not checked (no zone file)"
                .to_string(),
            format!(
                "prove it first: keep the zone file as zones/{} (or pass --zone-file; with --expect route53 the hosted zone's record sets stand in for it), then check again",
                crate::zonedir::file_name(zone)
            ),
        ))
    } else {
        None
    }
}

/// After the switch: caches still holding old answers, or done.
fn switched(
    f: &Facts,
    findings: &[Finding],
    caches: Option<&[CacheAnswer]>,
    delegates: String,
    window: Option<u64>,
) -> Move {
    let stale: Vec<&CacheAnswer> = caches
        .into_iter()
        .flatten()
        .filter(|a| matches!(a.state, CacheState::Stale | CacheState::Missing))
        .collect();
    let left = caches.and_then(caches::let_go_in);
    if let (false, Some(left)) = (stale.is_empty(), left) {
        let until = f.checked_at + u64::from(left);
        let resolvers: BTreeSet<&str> = stale.iter().map(|a| a.resolver.as_str()).collect();
        return Move {
            state: State::Propagating,
            said: format!(
                "{delegates}; {} of the caches asked still hand out old answers, until {} at the latest",
                resolvers.len(),
                utc_minutes(until)
            ),
            next: format!(
                "nothing to do but wait until {}: keep the old servers serving the old zone, unchanged (--wait follows it)",
                utc_minutes(until)
            ),
            timeline: vec![Moment::new(
                until,
                "every cache asked has let go of the old answers".into(),
            )],
            window_seconds: window,
        };
    }
    let next = first_fix(findings).unwrap_or_else(|| match window {
        Some(w) => format!(
            "nothing to do; a resolver that cached the old delegation before the switch may use the old servers for up to {} after it: keep the old provider's zone until then",
            span(w)
        ),
        None => "nothing to do".into(),
    });
    Move {
        state: State::Done,
        said: format!("{delegates}, the expected servers"),
        next,
        timeline: vec![],
        window_seconds: window,
    }
}

/// Before the switch, if it is made now (or as soon as the DS allows): until when resolvers
/// may still ask the old servers, when the old provider can go, and whether lowering TTLs first
/// would shorten that.
fn timeline_before(f: &Facts, zone: &Name, state: State, window: Option<u64>) -> Vec<Moment> {
    let now = f.checked_at;
    let mut out = Vec::new();
    let mut switch_at = now;
    if let Some((_, _, ds_ttl)) = dnssec::unsafe_move(f, zone) {
        switch_at = now + u64::from(ds_ttl);
        out.push(Moment::new(
            switch_at,
            format!(
                "the earliest safe switch, if the DS is changed at the registrar now (its TTL: {})",
                span(u64::from(ds_ttl))
            ),
        ));
    }
    let switch = match state {
        State::ReadyToSwitch => "switch now",
        State::RegistrarUpdated => "the registry publishes the new servers (now at the earliest)",
        // Not ready: when the switch could be is not known; only what can be done before it.
        _ => "",
    };
    if switch_at == now && !switch.is_empty() {
        out.push(Moment::new(now, switch.to_string()));
    }
    let Some(window) = window else { return out };
    let ns_window = ns_window(f).unwrap_or(0);
    // The old provider's own TTLs (its apex NS set's, its records') can be lowered there; the
    // parent's NS TTL cannot.
    let lowerable = old_ttls(f)
        .into_iter()
        .chain(ttls_of(f.ns.iter(), |d| matches!(d, RData::NS(_))))
        .max()
        .unwrap_or(0);
    let lowered = f.parent_ns_ttl().map_or(0, u64::from).max(300) + 300;
    if lowerable > 3_600 && lowered < window {
        out.push(Moment::new(
            now + lowerable,
            format!(
                "the TTLs at the old provider reach {}: lowered there to 300 s now, every cache holds the lower ones by this time, and a switch made after it leaves old answers live for {} at most instead of {}",
                span(lowerable),
                span(lowered),
                span(window)
            ),
        ));
    }
    if switch.is_empty() && switch_at == now {
        out.sort_by_key(|m| m.at_secs);
        return out;
    }
    let old = provider(&parent_ns(f));
    out.push(Moment::new(
        switch_at + ns_window,
        format!("until then resolvers may still ask {old}: keep the old zone served and unchanged"),
    ));
    out.push(Moment::new(
        switch_at + window,
        "after this no resolver holds an answer from the old servers: the old provider can be cancelled".into(),
    ));
    out.sort_by_key(|m| m.at_secs);
    out
}

/// The expected server answered the SOA question with authority.
pub(super) fn ready(p: &&Probe) -> bool {
    answers_with_authority(p)
        && p.message()
            .is_some_and(|m| m.answers.iter().any(|r| matches!(r.data, RData::SOA(_))))
}

/// How long resolvers may still ask the old servers after the switch: the parent's NS TTL, or
/// the old zone's own apex NS TTL where resolvers that prefer the child's set keep that longer.
fn ns_window(f: &Facts) -> Option<u64> {
    let parent = f.parent_ns_ttl().map(u64::from);
    let child = ttls_of(f.ns.iter(), |d| matches!(d, RData::NS(_))).max();
    parent.max(child)
}

/// After the switch, how long answers from the old servers can live on: [`ns_window`], then the
/// longest TTL a record or a negative answer of the zone had there.
fn window(f: &Facts) -> Option<u64> {
    let ns = ns_window(f)?;
    Some(ns + old_ttls(f).into_iter().max().unwrap_or(0))
}

/// The TTLs the current servers gave (their apex NS set aside: [`ns_window`]): every record set
/// the zone file names (what the verification saw), the answers to the server questions about
/// the zone's data, and the negative TTL (RFC 2308: the
/// lesser of the SOA's TTL and its minimum).
fn old_ttls(f: &Facts) -> Vec<u64> {
    let mut out: Vec<u64> = f
        .verification
        .iter()
        .flat_map(|v| &v.sets)
        .flat_map(|s| {
            s.servers
                .iter()
                .filter_map(move |(_, _, served)| match served {
                    Served::Same | Served::Matched { .. } => s.ttl,
                    Served::Differs { ttl, .. } => *ttl,
                    _ => None,
                })
        })
        .map(u64::from)
        .collect();
    out.extend(ttls_of(f.data_answers().chain(&f.soa_udp), |d| {
        !matches!(d, RData::NS(_))
    }));
    out.extend(
        f.soa_udp
            .iter()
            .filter(|p| answers_with_authority(p))
            .filter_map(Probe::message)
            .flat_map(|m| &m.answers)
            .filter_map(|r| match &r.data {
                RData::SOA(soa) => Some(u64::from(r.ttl.min(soa.minimum))),
                _ => None,
            }),
    );
    out
}

/// The TTLs of the records in authoritative answers whose data passes `keep`.
fn ttls_of<'p>(
    probes: impl Iterator<Item = &'p Probe>,
    keep: impl Fn(&RData) -> bool,
) -> impl Iterator<Item = u64> {
    probes
        .filter(|p| answers_with_authority(p))
        .filter_map(Probe::message)
        .flat_map(|m| m.answers.iter())
        .filter(move |r| keep(&r.data))
        .map(|r| u64::from(r.ttl))
        .collect::<Vec<_>>()
        .into_iter()
}

/// Who runs a set of name servers, as far as their names tell: Route 53, or the servers of
/// their registered domain.
fn provider(servers: &BTreeSet<Name>) -> String {
    if servers.is_empty() {
        return "no name servers".into();
    }
    if servers.iter().all(is_route53) {
        return format!("Route 53 ({})", names(servers));
    }
    let domains: BTreeSet<String> = servers
        .iter()
        .map(|s| domain_of(s).to_ascii().trim_end_matches('.').to_string())
        .collect();
    format!(
        "{} (the servers of {})",
        names(servers),
        domains.into_iter().collect::<Vec<_>>().join(", ")
    )
}

/// The fix of the first error among the findings, else of the first warning, if any.
fn first_fix(findings: &[Finding]) -> Option<String> {
    findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .or(findings.first())
        .map(|f| format!("{} ({})", f.fix, f.code))
}

/// The fix the findings give for `code`, or the code's own.
fn fix_of(findings: &[Finding], code: Code) -> String {
    findings
        .iter()
        .find(|x| x.code == code)
        .map(|x| x.fix.clone())
        .unwrap_or_else(|| code.fix().to_string())
}
