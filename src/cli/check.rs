//! `dns check NAME`: walk, gather, judge, render.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::io::Write;
use std::str::FromStr;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use hickory_proto::rr::RecordType;

use super::Style;
use super::args::{CheckArgs, ExpectSource};
use super::sync::{options, runtime};
use std::path::PathBuf;

use super::zonefiles::{load_file, render_diagnostics};
use crate::check::{self, caches, findings, verify};
use crate::error::{Error, Result};
use crate::provider::route53::Route53;
use crate::report::check::{Trace, escape, not_reached, render_finding, render_text};
use crate::walk::{self, Config, Walker, hints};
use crate::zone::Zone;
use crate::zone::name;
use crate::zone::{RType, RrKey};

pub fn check(args: &CheckArgs, style: Style) -> Result<()> {
    let qname = name::parse_zone(&args.name)
        .map_err(|e| Error::Usage(format!("'{}' is not a domain name: {e}", args.name)))?;
    let qtype = RecordType::from_str(&args.rtype.to_ascii_uppercase())
        .map_err(|_| Error::Usage(format!("'{}' is not a record type", args.rtype)))?;
    let mut expected: Option<BTreeSet<_>> = None;
    if !args.expect_ns.is_empty() {
        let mut set = BTreeSet::new();
        for ns in &args.expect_ns {
            set.insert(
                name::parse_zone(ns)
                    .map_err(|e| Error::Usage(format!("--expect-ns '{ns}': {e}")))?,
            );
        }
        expected = Some(set);
    }
    if let Some((path, zone)) = private_zone_file(args, &qname)? {
        return check_private(args, &qname, qtype, &path, &zone, style);
    }
    let hints = hints::load(args.root_hints.as_deref())?;
    let deadline = parse_duration(&args.deadline).ok_or_else(|| {
        Error::Usage(format!(
            "--deadline '{}': write a duration such as 30s or 2m",
            args.deadline
        ))
    })?;
    let config = Config {
        port: args.port,
        timeout: Duration::from_millis(args.timeout.max(1)),
        ipv4: !args.ipv6_only,
        ipv6: !args.ipv4_only,
        max_queries: args.max_queries,
        deadline: Some(deadline),
        ..Config::default()
    };
    let rt = runtime()?;
    if args.expect == Some(ExpectSource::Route53) {
        expected = Some(rt.block_on(route53_name_servers(args, &qname))?);
    }
    let round = || rt.block_on(one_round(args, &qname, qtype, &expected, &config, &hints));
    let Some(wait) = wait_settings(args)? else {
        // A progress display on a terminal only (indicatif draws nothing elsewhere).
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(format!(
            "walking to {} from the root, asking every server",
            args.name
        ));
        bar.enable_steady_tick(Duration::from_millis(120));
        let result = round();
        bar.finish_and_clear();
        return report(args, &result?, style);
    };
    // --wait: check again until nothing is pending or the time is up.
    let started = Instant::now();
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let terminal = std::io::stderr().is_terminal();
    for n in 1.. {
        let result = round()?;
        let pending = pending(&result);
        if pending.is_empty() || started.elapsed() + wait.interval > wait.timeout {
            bar.finish_and_clear();
            // The last round's report; its own verdict gives way to the wait's.
            match report(args, &result, style) {
                Ok(()) | Err(Error::Findings(_) | Error::Unreachable(_)) => {}
                Err(other) => return Err(other),
            }
            if pending.is_empty() {
                eprintln!("done after {n} round(s), {:.0?}", started.elapsed());
                return Ok(());
            }
            return Err(Error::WaitTimeout {
                waited: started.elapsed(),
                pending: pending.join("; "),
            });
        }
        let line = format!(
            "round {n}: {} pending: {}",
            pending.len(),
            pending.join("; ")
        );
        if terminal {
            bar.set_message(line);
            bar.enable_steady_tick(Duration::from_millis(120));
        } else {
            eprintln!("{line}");
        }
        std::thread::sleep(wait.interval);
    }
    Ok(())
}

/// Everything one check finds: the walk's facts, the zone file verification, the findings.
struct Round {
    facts: check::Facts,
    verification: Option<verify::Verification>,
    findings: Vec<check::Finding>,
    caches: Option<Vec<caches::CacheAnswer>>,
}

async fn one_round(
    args: &CheckArgs,
    qname: &hickory_proto::rr::Name,
    qtype: RecordType,
    expected: &Option<BTreeSet<hickory_proto::rr::Name>>,
    config: &Config,
    hints: &[walk::NameServer],
) -> Result<Round> {
    let walker = Walker::new(config.clone(), hints.to_vec());
    let mut facts = check::gather(&walker, qname, qtype, expected.clone()).await;
    facts.slow_after = Duration::from_millis(args.slow);
    let file = zone_file(args, facts.zone.as_ref())?;
    if let (Some((_, zone)), Some(t)) = (&file, crate::zone::RType::from_record_type(qtype)) {
        let plain = RrKey::new(qname.clone(), t);
        facts.routed = zone
            .rrsets
            .range(plain.clone()..)
            .take_while(|(k, _)| k.same_rrset(&plain))
            .any(|(k, _)| k.set_id.is_some());
    }
    let mut verification = match &file {
        Some((path, zone)) => {
            let servers = facts.zone_servers().to_vec();
            Some(verify::verify(&walker, zone, &path.display().to_string(), &servers, true).await)
        }
        None => None,
    };
    if args.health_status
        && let (Some(v), Some((_, zone))) = (verification.as_mut(), &file)
    {
        primary_statuses(args, zone, v).await?;
    }
    let mut found = findings(&facts);
    if let Some(v) = &verification {
        found.extend(verify::findings(v));
    }
    let caches = match &args.resolvers {
        Some(list) => {
            let resolvers = caches::parse_list(list).map_err(Error::Usage)?;
            let questions =
                cache_questions(args, &facts, file.as_ref().map(|(_, z)| z), qname, qtype);
            Some(caches::ask(&resolvers, &questions, config.timeout).await)
        }
        None => None,
    };
    Ok(Round {
        facts,
        verification,
        findings: found,
        caches,
    })
}

/// The questions for the caches, each with what the zone serves now: NAME (from the zone file,
/// else from the authoritative answers), and with --all-records every record set of the file.
fn cache_questions(
    args: &CheckArgs,
    facts: &check::Facts,
    zone: Option<&Zone>,
    qname: &hickory_proto::rr::Name,
    qtype: RecordType,
) -> Vec<caches::Question> {
    // The sets of the file at a name and type (several when routed), CNAME first; none when
    // the file does not say (or says ALIAS, whose addresses it does not know).
    let from_file =
        |name: &hickory_proto::rr::Name, rtype: RecordType| -> Vec<crate::zone::RData> {
            let Some(zone) = zone else { return Vec::new() };
            [Some(RType::CNAME), RType::from_record_type(rtype)]
                .into_iter()
                .flatten()
                .map(|t| {
                    let plain = RrKey::new(name.clone(), t);
                    zone.rrsets
                        .range(plain.clone()..)
                        .take_while(|(k, _)| k.same_rrset(&plain))
                        .map(|(_, s)| s)
                        .collect::<Vec<_>>()
                })
                .find(|sets| !sets.is_empty())
                .filter(|sets| sets.iter().all(|s| !s.data.is_alias()))
                .map(|sets| sets.into_iter().map(|s| s.data.clone()).collect())
                .unwrap_or_default()
        };
    let mut expected = from_file(qname, qtype);
    if expected.is_empty() {
        expected.extend(facts.authoritative_data());
    }
    let mut out = vec![caches::Question {
        name: qname.clone(),
        rtype: qtype,
        expected,
    }];
    if args.all_records
        && let Some(zone) = zone
    {
        let mut routed_asked = std::collections::HashSet::new();
        for (key, set) in &zone.rrsets {
            let is_main = key.name == *qname && key.rtype.record_type() == qtype;
            if set.data.is_alias() || is_main {
                continue;
            }
            let rtype = key.rtype.record_type();
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

/// What is still not right, in a few words per problem.
fn pending(round: &Round) -> Vec<String> {
    let mut out: Vec<String> = round.findings.iter().map(|f| f.code.to_string()).collect();
    for a in round
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
    if round.facts.zone.is_none() {
        out.push("zone not reached".into());
    }
    out
}

struct Wait {
    timeout: Duration,
    interval: Duration,
}

fn wait_settings(args: &CheckArgs) -> Result<Option<Wait>> {
    if !args.wait {
        return Ok(None);
    }
    let parse = |flag: &str, text: &str| {
        parse_duration(text).ok_or_else(|| {
            Error::Usage(format!(
                "{flag} '{text}': write a duration such as 48h, 30s or 500ms"
            ))
        })
    };
    Ok(Some(Wait {
        timeout: parse("--wait-timeout", &args.wait_timeout)?,
        interval: parse("--interval", &args.interval)?,
    }))
}

/// `48h`, `30m`, `30s`, `500ms`, or plain seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let ms = match unit {
        "ms" => n,
        "" | "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(ms))
}

fn report(args: &CheckArgs, round: &Round, style: Style) -> Result<()> {
    let (facts, verification, found) = (&round.facts, &round.verification, &round.findings);
    // Buffered: stdout is line-buffered, and a large plan or verification is many lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let werr = |source| Error::Write {
        path: "<stdout>".into(),
        source,
    };
    if args.json {
        /// The walk's document, and the verification written out as it is (tens of thousands
        /// of entries for a large zone).
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            #[serde(flatten)]
            trace: Trace<'a>,
            verification: &'a Option<verify::Verification>,
            caches: &'a Option<Vec<caches::CacheAnswer>>,
            let_go_in_seconds: Option<u32>,
            parent_ns_ttl: Option<u32>,
        }
        let doc = Doc {
            trace: Trace::new(facts, found),
            verification,
            caches: &round.caches,
            let_go_in_seconds: round.caches.as_deref().and_then(caches::let_go_in),
            parent_ns_ttl: facts.parent_ns_ttl(),
        };
        serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| werr(e.into()))?;
        writeln!(out).map_err(werr)?;
    } else {
        render_text(&mut out, facts, found, style).map_err(werr)?;
        if let Some(v) = verification {
            writeln!(out, ";; {}", escape(&v.summary())).map_err(werr)?;
            for line in v.routed_lines() {
                writeln!(out, ";;   {}", escape(&line)).map_err(werr)?;
            }
        }
        if let Some(answers) = &round.caches {
            render_caches(&mut out, answers, facts, style).map_err(werr)?;
        }
    }
    out.flush().map_err(werr)?;
    // Exit 3 only when nothing could be judged: no root or parent server could be asked. A
    // zone whose servers are all dead or broken is judged (exit 1), never "no problems".
    if !found.is_empty() {
        return Err(Error::Findings(found.len()));
    }
    if facts.zone.is_none() {
        return Err(Error::Unreachable(not_reached(facts)));
    }
    Ok(())
}

fn render_caches(
    out: &mut impl Write,
    answers: &[caches::CacheAnswer],
    facts: &check::Facts,
    style: Style,
) -> std::io::Result<()> {
    writeln!(
        out,
        ";; caches: what resolvers hand out now (a stale cache is not a fault of the zone)"
    )?;
    for a in answers {
        let state = match a.state {
            caches::CacheState::Current => style.ok("current"),
            caches::CacheState::Stale => style.warning("stale"),
            caches::CacheState::Missing => style.warning("missing"),
            caches::CacheState::NoAnswer => style.dim("no answer"),
        };
        let ttl = a
            .ttl_left
            .map(|t| format!("TTL left {t}s"))
            .unwrap_or_default();
        let values = if a.values.is_empty() {
            a.rcode.clone().unwrap_or_default()
        } else {
            escape(&a.values.join(", ")).into_owned()
        };
        writeln!(
            out,
            "   {:<24} {} {} {values}  {ttl}  {state}",
            a.resolver, a.name, a.rtype
        )?;
    }
    match caches::let_go_in(answers) {
        Some(secs) => writeln!(
            out,
            ";; every cache will have let go of old data within {secs} s"
        )?,
        None => writeln!(out, ";; every cache asked serves the current data")?,
    }
    if let (Some(ttl), Some(zone)) = (facts.parent_ns_ttl(), &facts.zone) {
        writeln!(
            out,
            ";; after a delegation change, resolvers may use the old name servers of {} for up to {ttl} s (the parent's NS TTL)",
            zone.to_ascii()
        )?;
    }
    Ok(())
}

/// The zone file to verify: `--zone-file`, else `<zones>/<zone>.yaml` when it exists. It must
/// be valid and be the zone the walk reached.
fn zone_file(
    args: &CheckArgs,
    zone: Option<&hickory_proto::rr::Name>,
) -> Result<Option<(PathBuf, Zone)>> {
    let Some(zone) = zone else { return Ok(None) };
    let path = match &args.zone_file {
        Some(p) => p.clone(),
        None => {
            let p = args
                .zones_dir
                .join(format!("{}.yaml", zone.to_ascii().trim_end_matches('.')));
            if !p.exists() {
                return Ok(None);
            }
            p
        }
    };
    let loaded = load_file(&path)?;
    if !loaded.is_valid() {
        let _ = render_diagnostics(&mut std::io::stderr(), &loaded.diagnostics, Style::plain());
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        return Err(Error::InvalidZones { files: 1, errors });
    }
    if loaded.zone.origin != *zone {
        return Err(Error::Usage(format!(
            "{} is the zone file of {}, but {} lives in the zone {}",
            path.display(),
            loaded.zone.origin.to_ascii(),
            args.name,
            zone.to_ascii()
        )));
    }
    Ok(Some((path, loaded.zone)))
}

/// `--health-status`: for each failover pair a server answered with its secondary, what Route 53
/// says of the primary's health check (found as sync finds it: by its tags, or its `id`).
async fn primary_statuses(
    args: &CheckArgs,
    zone: &Zone,
    v: &mut verify::Verification,
) -> Result<()> {
    let wanted: Vec<usize> = v
        .sets
        .iter()
        .enumerate()
        .filter(|(_, set)| set.primary_check.is_some() && !set.on_secondary().is_empty())
        .map(|(i, _)| i)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let client = Route53::connect(&options(&args.aws))
        .await
        .map_err(Error::Aws)?;
    let zone_err = |source| Error::Provider {
        zone: zone.origin.to_ascii(),
        source,
    };
    let (_, ids) = client
        .owned_checks(
            &zone.origin,
            zone.settings.private.is_some(),
            &zone.settings.health_checks,
        )
        .await
        .map_err(zone_err)?;
    for i in wanted {
        let set = &mut v.sets[i];
        let Some(name) = set.primary_check.clone() else {
            continue;
        };
        // Not known (no such check in Route 53 yet, or no status): the warning stays.
        let named = crate::zone::HealthRef::Named(name.clone());
        let Some(id) = ids.id(&named) else {
            eprintln!(
                "note: Route 53 has no health check `{name}` for {}: run dns sync",
                zone.origin.to_ascii()
            );
            continue;
        };
        match client.health_status(id).await {
            Ok((healthy, report)) => {
                set.primary_status = Some(verify::CheckStatus { healthy, report })
            }
            Err(e) => eprintln!("note: health check `{name}` ({id}): {e}"),
        }
    }
    Ok(())
}

/// The zone file of a private hosted zone that holds `qname`: `--zone-file` when it is one, else
/// the closest enclosing zone's file in the zones directory.
fn private_zone_file(
    args: &CheckArgs,
    qname: &hickory_proto::rr::Name,
) -> Result<Option<(PathBuf, Zone)>> {
    let candidates: Vec<PathBuf> = match &args.zone_file {
        Some(p) => vec![p.clone()],
        None => {
            let mut out = Vec::new();
            let mut name = qname.clone();
            while !name.is_root() {
                out.push(
                    args.zones_dir
                        .join(format!("{}.yaml", name.to_ascii().trim_end_matches('.'))),
                );
                name = name.base_name();
            }
            out
        }
    };
    let Some(path) = candidates.into_iter().find(|p| p.exists()) else {
        return Ok(None);
    };
    let loaded = load_file(&path)?;
    if loaded.zone.settings.private.is_none() {
        return Ok(None);
    }
    if !loaded.is_valid() {
        let _ = render_diagnostics(&mut std::io::stderr(), &loaded.diagnostics, Style::plain());
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        return Err(Error::InvalidZones { files: 1, errors });
    }
    if !loaded.zone.origin.zone_of(qname) {
        return Ok(None);
    }
    Ok(Some((path, loaded.zone)))
}

/// One finding per answer of the VPC resolver that is not what the zone file says.
fn private_findings(
    answers: &[caches::CacheAnswer],
    path: &std::path::Path,
) -> Vec<check::Finding> {
    let mut found = Vec::new();
    for a in answers {
        let (code, what) = match a.state {
            caches::CacheState::Current => continue,
            caches::CacheState::Stale => (
                check::Code::RecordsDiffer,
                format!("answers [{}]", a.values.join(", ")),
            ),
            caches::CacheState::Missing => (
                check::Code::RecordsNotServed,
                format!(
                    "has no such record set ({})",
                    a.rcode.as_deref().unwrap_or("-")
                ),
            ),
            caches::CacheState::NoAnswer => (
                check::Code::RecordsUnverified,
                "gave no usable answer".to_string(),
            ),
        };
        found.push(check::Finding::new(
            code,
            format!(
                "{} {}: resolver {} {what}, but {} says otherwise",
                a.name,
                a.rtype,
                a.resolver,
                path.display()
            ),
            vec![a.resolver.clone()],
            "sync the zone (dns sync), check that the resolver's VPC is associated with the private zone, and that a newer answer is not cached (TTL)".into(),
        ));
    }
    found
}

/// The private-zone check as text: what was asked, each answer, the findings.
fn render_private(
    out: &mut impl Write,
    head: &str,
    answers: &[caches::CacheAnswer],
    found: &[check::Finding],
    style: Style,
) -> std::io::Result<()> {
    writeln!(out, "{head}")?;
    for a in answers {
        let state = match a.state {
            caches::CacheState::Current => style.ok("as the file says"),
            caches::CacheState::Stale => style.error("differs"),
            caches::CacheState::Missing => style.error("missing"),
            caches::CacheState::NoAnswer => style.warning("no answer"),
        };
        writeln!(
            out,
            "{} {} from {}: {state} [{}]",
            escape(&a.name),
            a.rtype,
            escape(&a.resolver),
            escape(&a.values.join(", "))
        )?;
    }
    for f in found {
        render_finding(out, f, style)?;
    }
    if found.is_empty() {
        writeln!(out, "{}", style.ok("no problems found"))?;
    }
    Ok(())
}

/// `dns check` on a name of a private hosted zone: Route 53 answers it only to resolvers inside
/// its VPCs, so the root servers cannot lead there. The resolvers given (a VPC's resolver) are
/// asked for NAME, or with `--all-records` every record set of the file, and compared with it.
fn check_private(
    args: &CheckArgs,
    qname: &hickory_proto::rr::Name,
    qtype: RecordType,
    path: &std::path::Path,
    zone: &Zone,
    style: Style,
) -> Result<()> {
    let vpcs: Vec<String> = zone
        .settings
        .private
        .iter()
        .flatten()
        .map(|v| format!("{} ({})", v.id, v.region))
        .collect();
    let zone_text = zone.origin.to_ascii();
    let resolvers = match &args.resolvers {
        Some(list) if !list.is_empty() && !list.iter().any(|r| r == "public") => {
            caches::parse_list(list).map_err(Error::Usage)?
        }
        _ => {
            return Err(Error::Usage(format!(
                "{} is in the private hosted zone {zone_text} ({}, VPCs {}): Route 53 answers it only to resolvers inside those VPCs, so it cannot be checked from the root servers, nor by public resolvers; from an instance in the VPC, run `dns check {} --resolvers system` (or --resolvers 169.254.169.253, the VPC's resolver)",
                args.name,
                path.display(),
                vpcs.join(", "),
                args.name
            )));
        }
    };
    let mut questions = Vec::new();
    let mut routed = std::collections::HashSet::new();
    for (key, set) in &zone.rrsets {
        let rtype = key.rtype.record_type();
        let wanted = args.all_records || (key.name == *qname && rtype == qtype);
        if !wanted || set.data.is_alias() || !routed.insert((key.name.clone(), rtype)) {
            continue;
        }
        let plain = RrKey::new(key.name.clone(), key.rtype);
        questions.push(caches::Question {
            name: key.name.clone(),
            rtype,
            expected: zone
                .rrsets
                .range(plain.clone()..)
                .take_while(|(k, _)| k.same_rrset(&plain))
                .map(|(_, s)| s.data.clone())
                .collect(),
        });
    }
    if questions.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no {qtype} record set (other than an ALIAS) in {}: name one it has, or pass --all-records",
            args.name,
            path.display()
        )));
    }
    let timeout = Duration::from_millis(args.timeout.max(1));
    let answers = runtime()?.block_on(caches::ask(&resolvers, &questions, timeout));
    let found = private_findings(&answers, path);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let werr = |source| Error::Write {
        path: "<stdout>".into(),
        source,
    };
    if args.json {
        let doc = serde_json::json!({
            "zone": zone_text,
            "private": true,
            "vpcs": vpcs,
            "answers": answers,
            "findings": found,
        });
        serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| werr(e.into()))?;
        writeln!(out).map_err(werr)?;
    } else {
        let head = format!(
            ";; {zone_text} is a private hosted zone (VPCs {}): not walked from the root; asked {} resolver(s) for {} record set(s) of {}",
            vpcs.join(", "),
            resolvers.len(),
            questions.len(),
            path.display()
        );
        render_private(&mut out, &head, &answers, &found, style).map_err(werr)?;
    }
    out.flush().map_err(werr)?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(Error::Findings(found.len()))
    }
}

/// The name servers Route 53 assigned to the hosted zone that holds `qname` (its closest
/// enclosing hosted zone by name).
async fn route53_name_servers(
    args: &CheckArgs,
    qname: &hickory_proto::rr::Name,
) -> Result<BTreeSet<hickory_proto::rr::Name>> {
    let client = Route53::connect(&options(&args.aws))
        .await
        .map_err(Error::Aws)?;
    let mut candidate = qname.clone();
    loop {
        match client
            .find_zone(&candidate, args.hosted_zone_id.as_deref(), Some(false))
            .await
        {
            Ok(zone) => {
                let servers =
                    client
                        .name_servers(&zone)
                        .await
                        .map_err(|source| Error::Provider {
                            zone: zone.name.to_ascii(),
                            source,
                        })?;
                return servers
                    .iter()
                    .map(|s| {
                        name::parse_zone(s)
                            .map_err(|e| Error::Usage(format!("Route 53 name server '{s}': {e}")))
                    })
                    .collect();
            }
            Err(crate::provider::route53::ProviderError::NotFound { .. })
                if candidate.num_labels() > 1 =>
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
