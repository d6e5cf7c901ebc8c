//! `dns plan`, `dns sync` and `dns import ZONE`: zone files against Route 53.
//!
//! Every zone file is loaded and validated before the first request; an invalid one stops the
//! run. Zones are then planned and applied concurrently, within the shared rate limit; a zone
//! that fails does not stop the others, and a summary says how each one ended.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

use super::Style;
use super::args::{AwsArgs, ImportArgs, PlanArgs, PlanFormat, SyncArgs, ZoneSelection};
use crate::check::verify;
use crate::error::{Error, Result};
use crate::plan::{self, Plan, safety};
use crate::provider::route53::batch::{self, Limits};
use crate::provider::route53::{AwsOptions, HostedZone, ProviderError, Route53, health, mapping};
use crate::report::plan::{ZonePlan, render_markdown, render_text, to_json};
use crate::walk::{Config, End, Walker, hints};
use crate::zone::Zone;
use crate::zonedir::{self, ZonesDir};

pub(super) fn options(aws: &AwsArgs) -> AwsOptions {
    AwsOptions {
        profile: aws.profile.clone(),
        region: aws.region.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        max_rps: aws.max_rps,
    }
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Write {
            path: "<tokio runtime>".into(),
            source,
        })
}

/// Loads the selected zone files; any error stops everything before the first request.
fn load_selected(sel: &ZoneSelection) -> Result<Vec<(PathBuf, Zone)>> {
    let files = ZonesDir::new(&sel.dir).select(&sel.names)?;
    if sel.hosted_zone_id.is_some() && files.len() != 1 {
        return Err(Error::Usage(
            "--hosted-zone-id needs exactly one zone".into(),
        ));
    }
    zonedir::load_valid(files)
}

/// One zone, planned.
struct Prepared {
    zp: ZonePlan,
    hosted: Option<HostedZone>,
    limit: u8,
    /// The ids of the health checks the live zone and the file know.
    checks: mapping::HealthIds,
    /// The zone file, for `--verify`.
    desired: Zone,
    /// A private zone's first VPC, which a new hosted zone is created with.
    first_vpc: Option<crate::zone::Vpc>,
}

async fn prepare(
    client: Route53,
    zone: Zone,
    explicit_id: Option<String>,
    create: bool,
) -> Result<Prepared> {
    let origin = zone.origin.clone();
    let zone_err = |source| Error::Provider {
        zone: origin.to_ascii(),
        source,
    };
    let id = explicit_id.or_else(|| zone.settings.hosted_zone_id.clone());
    let file_checks = &zone.settings.health_checks;
    let (hosted, current, unmanaged, checks) = match client
        .find_zone(
            &origin,
            id.as_deref(),
            Some(zone.settings.private.is_some()),
        )
        .await
    {
        Ok(hosted) => {
            let (current, unmanaged, checks) = client
                .live_zone(
                    &hosted,
                    file_checks,
                    zone.rrsets.keys().any(|k| k.set_id.is_some()),
                )
                .await
                .map_err(zone_err)?;
            (Some(hosted), current, unmanaged, checks)
        }
        Err(ProviderError::NotFound { .. }) if create => {
            // No zone yet, but the file's checks may exist already (tagged by an earlier
            // run that stopped before creating the zone).
            let mut current = Zone::new(origin.clone());
            let checks = if file_checks.is_empty() {
                mapping::HealthIds::default()
            } else {
                let (live, ids) = client
                    .owned_checks(&origin, zone.settings.private.is_some(), file_checks)
                    .await
                    .map_err(zone_err)?;
                current.settings.health_checks = live;
                ids
            };
            (None, current, Vec::new(), checks)
        }
        Err(e) => return Err(zone_err(e)),
    };
    let plan = plan::diff(&zone, &current);
    for change in &plan.checks {
        if let plan::CheckChange::Update { name, old, new } = change
            && let Err(what) = health::updatable(old, new)
        {
            return Err(zone_err(ProviderError::Invalid(format!(
                "health check `{name}`: Route 53 cannot change {what} in place; give the check a new name in the file (dns then creates it, moves the record sets to it, and deletes the old one)"
            ))));
        }
    }
    let requests = batch::split(&plan, Limits::ROUTE53)
        .map_err(|source| Error::TooLarge {
            zone: origin.to_ascii(),
            source,
        })?
        .len();
    Ok(Prepared {
        zp: ZonePlan {
            plan,
            hosted_zone_id: hosted.as_ref().map(|h| h.id.clone()),
            // The apex SOA and NS are always there and always Route 53's: not worth a line.
            unmanaged: unmanaged
                .iter()
                .filter(|u| !matches!(u, mapping::Unmanaged::ApexOwned(..)))
                .map(ToString::to_string)
                .collect(),
            requests,
            limit: zone.settings.max_change_percent,
        },
        hosted,
        limit: zone.settings.max_change_percent,
        checks,
        first_vpc: zone
            .settings
            .private
            .as_ref()
            .and_then(|v| v.first().cloned()),
        desired: zone,
    })
}

/// Plans every selected zone concurrently; results in file order.
async fn plan_all(
    client: &Route53,
    zones: Vec<(PathBuf, Zone)>,
    sel: &ZoneSelection,
    create: bool,
) -> Vec<(String, Result<Prepared>)> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (_, zone)) in zones.into_iter().enumerate() {
        let name = zone.origin.to_ascii();
        let fut = prepare(client.clone(), zone, sel.hosted_zone_id.clone(), create);
        tasks.spawn(async move { (i, name, fut.await) });
    }
    let mut out = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((i, name, result)) = joined {
            out.insert(i, (name, result));
        }
    }
    out.into_values().collect()
}

/// The checksum of a whole run: the zone's own for one zone, else over every zone's.
fn run_checksum(plans: &[&ZonePlan]) -> String {
    if let [one] = plans {
        return one.plan.checksum();
    }
    let text: String = plans
        .iter()
        .map(|zp| format!("{} {}\n", zp.plan.origin.to_ascii(), zp.plan.checksum()))
        .collect();
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn print_plans(plans: &[&ZonePlan], format: PlanFormat, style: Style) -> Result<()> {
    // Buffered: stdout is line-buffered, and a large plan or verification is many lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let werr = |source| Error::Write {
        path: "<stdout>".into(),
        source,
    };
    if format == PlanFormat::Markdown {
        writeln!(out, "## dns plan").map_err(werr)?;
        writeln!(out).map_err(werr)?;
        for zp in plans {
            render_markdown(&mut out, zp).map_err(werr)?;
        }
        if plans.len() > 1 && plans.iter().any(|zp| !zp.plan.is_empty()) {
            writeln!(out, "Run checksum (all zones): `{}`", run_checksum(plans)).map_err(werr)?;
        }
    } else if format == PlanFormat::Json {
        let doc = serde_json::json!({
            "zones": plans.iter().map(|zp| to_json(zp)).collect::<Vec<_>>(),
            "checksum": run_checksum(plans),
        });
        serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| werr(e.into()))?;
        writeln!(out).map_err(werr)?;
    } else {
        for zp in plans {
            render_text(&mut out, zp, style).map_err(werr)?;
        }
        if plans.len() > 1 && plans.iter().any(|zp| !zp.plan.is_empty()) {
            writeln!(out, "run checksum {}", run_checksum(plans)).map_err(werr)?;
        }
    }
    out.flush().map_err(werr)
}

/// Who applies a change, for Route 53's change history and CloudTrail: the zone files' git
/// commit (`+dirty` with uncommitted changes) and the CI run or the local user.
fn provenance(zones: &Path) -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(zones)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let mut parts = Vec::new();
    if let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) {
        let dirty = git(&["status", "--porcelain", "--", "."]).is_some_and(|s| !s.is_empty());
        parts.push(format!(
            "zones {commit}{}",
            if dirty { "+dirty" } else { "" }
        ));
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let by = if let (Some(repo), Some(run)) = (env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID")) {
        format!(
            "by {} in {}/actions/runs/{run}",
            env("GITHUB_ACTOR").unwrap_or_else(|| "GitHub Actions".into()),
            repo
        )
    } else if let Some(url) = env("CI_JOB_URL") {
        format!("by {}", url)
    } else {
        format!(
            "by {}",
            env("USER")
                .or_else(|| env("USERNAME"))
                .unwrap_or_else(|| "unknown".into())
        )
    };
    parts.push(by);
    parts.join("; ")
}

/// A change batch's Comment (Route 53 keeps at most 256 characters): the tool, the plan, which
/// request of how many, and who applied it.
fn change_comment(checksum: &str, i: usize, of: usize, who: &str) -> String {
    let text = format!(
        "dns {} sync {} ({i}/{of}); {who}",
        env!("CARGO_PKG_VERSION"),
        &checksum[..12.min(checksum.len())]
    );
    text.chars().take(256).collect()
}

/// Collapses per-zone failures into the run's error: the zone's own for one zone.
fn summarize(mut failures: Vec<Error>, total: usize) -> Result<()> {
    match failures.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failures.remove(0)),
        n => {
            let code = failures.iter().map(Error::exit_code).max().unwrap_or(3);
            for f in &failures {
                eprintln!("dns: {f}");
            }
            Err(Error::ZonesFailed {
                failed: n,
                total,
                code,
            })
        }
    }
}

pub fn plan(args: &PlanArgs, style: Style) -> Result<()> {
    let zones = load_selected(&args.zones)?;
    let total = zones.len();
    runtime()?.block_on(async {
        let client = Route53::connect(&options(&args.aws))
            .await
            .map_err(Error::Aws)?;
        let results = plan_all(&client, zones, &args.zones, false).await;
        let mut failures = Vec::new();
        let mut plans = Vec::new();
        for (_, r) in results {
            match r {
                Ok(p) => plans.push(p.zp),
                Err(e) => failures.push(e),
            }
        }
        print_plans(
            &plans.iter().collect::<Vec<_>>(),
            args.output_format(),
            style,
        )?;
        tracing::info!("{} Route 53 requests", client.requests());
        summarize(failures, total)?;
        let pending: usize = plans.iter().map(|zp| zp.plan.len()).sum();
        if args.detailed_exitcode && pending > 0 {
            return Err(Error::ChangesPending(pending));
        }
        Ok(())
    })
}

fn confirm(changes: usize) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::NotConfirmed(
            "not a terminal, so nobody can confirm: pass --yes to apply".into(),
        ));
    }
    eprint!("Apply {changes} change(s) to Route 53? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|source| Error::Read {
            path: "<stdin>".into(),
            source,
        })?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::NotConfirmed("declined".into()))
    }
}

pub fn sync(args: &SyncArgs, style: Style) -> Result<()> {
    let zones = load_selected(&args.plan.zones)?;
    let total = zones.len();
    // --verify walks from the root, which cannot lead into a private zone: refused before
    // anything is changed rather than failing after.
    if args.verify
        && let Some((path, zone)) = zones.iter().find(|(_, z)| z.settings.private.is_some())
    {
        return Err(Error::Usage(format!(
            "--verify cannot verify {} ({}): it is a private hosted zone, which the root servers do not lead to; sync without --verify, then from an instance in one of its VPCs run `dns check {} --all-records --resolvers system`",
            zone.origin.to_ascii(),
            path.display(),
            zone.origin.to_ascii().trim_end_matches('.')
        )));
    }
    runtime()?.block_on(async {
        let client = Route53::connect(&options(&args.plan.aws))
            .await
            .map_err(Error::Aws)?;
        let results = plan_all(&client, zones, &args.plan.zones, args.create_zone).await;
        let mut failures = Vec::new();
        let mut ready = Vec::new();
        for (_, r) in results {
            match r {
                Ok(p) => ready.push(p),
                Err(e) => failures.push(e),
            }
        }
        let plans: Vec<&ZonePlan> = ready.iter().map(|p| &p.zp).collect();
        print_plans(&plans, args.plan.output_format(), style)?;
        if let Some(expected) = &args.plan_checksum {
            let actual = run_checksum(&plans);
            if !failures.is_empty() || !actual.eq_ignore_ascii_case(expected) {
                return Err(Error::StalePlan {
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        if args.dry_run {
            return summarize(failures, total);
        }
        // Safety gates, zone by zone.
        let mut to_apply = Vec::new();
        for p in ready {
            let needs_zone = p.hosted.is_none();
            if p.zp.plan.is_empty() && !needs_zone {
                continue;
            }
            match safety::check(&p.zp.plan, p.limit) {
                Err(source) if !args.force => failures.push(Error::Unsafe {
                    zone: p.zp.plan.origin.to_ascii(),
                    source,
                }),
                _ => to_apply.push(p),
            }
        }
        let changes: usize = to_apply.iter().map(|p| p.zp.plan.len()).sum();
        if !to_apply.is_empty() && !args.yes {
            confirm(changes)?;
        }
        let verifier = match args.verify {
            true => Some(verifier(args)?),
            false => None,
        };
        let who: Arc<str> = provenance(&args.plan.zones.dir).into();
        let mut tasks = tokio::task::JoinSet::new();
        for mut p in to_apply {
            let client = client.clone();
            let wait = (!args.no_wait).then_some(args.wait_timeout);
            let plan = p.zp.plan.clone();
            let desired = std::mem::replace(&mut p.desired, Zone::new(plan.origin.clone()));
            let who = who.clone();
            tasks.spawn(async move {
                apply(client, p, wait, &who)
                    .await
                    .map(|line| (line, plan, desired))
            });
        }
        let mut applied = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Ok((line, plan, desired))) => {
                    println!("{line}");
                    applied.push((plan, desired));
                }
                Ok(Err(e)) => failures.push(e),
                Err(join) => failures.push(Error::Usage(format!("internal error: {join}"))),
            }
        }
        if let Some(walker) = &verifier {
            for (plan, desired) in &applied {
                if let Err(e) = verify_applied(walker, plan, desired, style).await {
                    failures.push(e);
                }
            }
        }
        tracing::info!("{} Route 53 requests", client.requests());
        summarize(failures, total)
    })
}

/// Applies one zone's plan: creates the hosted zone if needed, sends the batches one after
/// another, waits for the last to be INSYNC. Returns the summary line.
async fn apply(client: Route53, p: Prepared, wait: Option<Duration>, who: &str) -> Result<String> {
    let origin = p.zp.plan.origin.to_ascii();
    let zone_err = |source| Error::Provider {
        zone: origin.clone(),
        source,
    };
    let started = Instant::now();
    let hosted = match p.hosted {
        Some(h) => h,
        None => {
            let first = p.first_vpc.as_ref();
            let (h, servers) = client
                .create_zone(&p.zp.plan.origin, first)
                .await
                .map_err(zone_err)?;
            match first {
                Some(vpc) => println!(
                    "{origin}: created private hosted zone {}, associated with {} ({})",
                    h.id, vpc.id, vpc.region
                ),
                None => println!(
                    "{origin}: created public hosted zone {}; set these name servers at your registrar:\n  {}",
                    h.id,
                    servers.join("\n  ")
                ),
            }
            h
        }
    };
    let ranges = batch::split(&p.zp.plan, Limits::ROUTE53).map_err(|source| Error::TooLarge {
        zone: origin.clone(),
        source,
    })?;
    let ids = before_batches(&client, &hosted, &p.zp.plan, p.checks.clone())
        .await
        .map_err(zone_err)?;
    let checksum = p.zp.plan.checksum();
    let mut last = None;
    let requests = ranges.len();
    for (i, range) in ranges.into_iter().enumerate() {
        // Built one at a time, just before it is sent.
        let b = &batch::build(&p.zp.plan, range, &hosted.id, &ids)
            .map_err(|e| zone_err(ProviderError::Invalid(e.to_string())))?;
        let comment = change_comment(&checksum, i + 1, requests, who);
        last = Some(
            client
                .change(&hosted, b, &comment)
                .await
                .map_err(zone_err)?,
        );
        tracing::info!("{origin}: request {}/{} accepted", i + 1, requests);
    }
    let changes = p.zp.plan.len();
    // What the batches stopped using goes after them (after INSYNC when waiting).
    let (Some(change_id), Some(timeout)) = (last, wait) else {
        after_batches(&client, &hosted, &p.zp.plan, &ids)
            .await
            .map_err(zone_err)?;
        return Ok(format!(
            "{origin}: applied {changes} change(s) in {} request(s)",
            requests
        ));
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(format!(
        "{origin}: waiting for Route 53 to apply {change_id}"
    ));
    let result = client
        .wait(&change_id, timeout, |status| {
            bar.set_message(format!("{origin}: change {change_id} is {status}"))
        })
        .await;
    bar.finish_and_clear();
    result.map_err(zone_err)?;
    after_batches(&client, &hosted, &p.zp.plan, &ids)
        .await
        .map_err(zone_err)?;
    Ok(format!(
        "{origin}: applied {changes} change(s) in {} request(s); INSYNC after {:.0?}",
        requests,
        started.elapsed()
    ))
}

/// What the change batches need first: VPCs associated, health checks created (endpoint checks
/// before the calculated ones that combine them) and updated. The ids of every check after it.
async fn before_batches(
    client: &Route53,
    hosted: &HostedZone,
    plan: &Plan,
    mut ids: mapping::HealthIds,
) -> Result<mapping::HealthIds, ProviderError> {
    let origin = plan.origin.to_ascii();
    for change in &plan.vpcs {
        if let plan::VpcChange::Associate(v) = change {
            client.vpc_association(hosted, v, true).await?;
            println!("{origin}: associated VPC {} ({})", v.id, v.region);
        }
    }
    for change in &plan.checks {
        match change {
            plan::CheckChange::Create { name, new } => {
                let id = client
                    .create_health_check(&plan.origin, hosted.private, name, new, &ids)
                    .await?;
                println!("{origin}: created health check {name} ({id})");
                ids.insert(name, &id);
            }
            plan::CheckChange::Update { name, new, .. } => {
                let id = check_id(&ids, name)?;
                client.update_health_check(&id, new, &ids).await?;
                println!("{origin}: updated health check {name} ({id})");
            }
            plan::CheckChange::Delete { .. } => {}
        }
    }
    Ok(ids)
}

/// What the change batches stopped using: VPCs disassociated (the file's others are associated
/// by then, so a private zone keeps one), health checks deleted (Route 53 refuses to delete one
/// that a record set still uses).
async fn after_batches(
    client: &Route53,
    hosted: &HostedZone,
    plan: &Plan,
    ids: &mapping::HealthIds,
) -> Result<(), ProviderError> {
    let origin = plan.origin.to_ascii();
    for change in &plan.vpcs {
        if let plan::VpcChange::Disassociate(v) = change {
            client.vpc_association(hosted, v, false).await?;
            println!("{origin}: disassociated VPC {} ({})", v.id, v.region);
        }
    }
    for change in &plan.checks {
        if let plan::CheckChange::Delete { name, .. } = change {
            let id = check_id(ids, name)?;
            client.delete_health_check(&id).await?;
            println!("{origin}: deleted health check {name} ({id})");
        }
    }
    Ok(())
}

/// The id of a check the plan changes (known from the live checks or just created).
fn check_id(ids: &mapping::HealthIds, name: &str) -> Result<String, ProviderError> {
    ids.id(&crate::zone::HealthRef::Named(name.to_string()))
        .map(str::to_string)
        .ok_or_else(|| ProviderError::Invalid(format!("health check `{name}` has no id")))
}

/// The walker for `--verify`, from the same options as `dns check`.
fn verifier(args: &SyncArgs) -> Result<Walker> {
    let hints = hints::load(args.root_hints.as_deref())?;
    let config = Config {
        port: args.port,
        timeout: args.timeout,
        // The walker is made before the changes are applied and waited for: no deadline from
        // then (the budget still bounds the verification).
        deadline: None,
        ..Config::default()
    };
    Ok(Walker::new(config, hints))
}

/// `--verify`: after INSYNC, asks every authoritative server of the zone for each record set the
/// plan created or updated (with every routed set of its name and type, any of which may be the
/// answer), and fails the run if any is not served as planned.
async fn verify_applied(walker: &Walker, plan: &Plan, desired: &Zone, style: Style) -> Result<()> {
    let origin = plan.origin.to_ascii();
    let mut changed = Zone::new(plan.origin.clone());
    for change in &plan.changes {
        if change.new_set().is_none() {
            continue;
        }
        let plain = crate::zone::RrKey::new(change.key().name.clone(), change.key().rtype);
        for (k, set) in desired
            .rrsets
            .range(plain.clone()..)
            .take_while(|(k, _)| k.same_rrset(&plain))
        {
            changed.rrsets.insert(k.clone(), set.clone());
        }
    }
    if changed.rrsets.is_empty() {
        return Ok(());
    }
    let walk = walker
        .walk_plain(&plan.origin, hickory_proto::rr::RecordType::SOA)
        .await;
    let servers = match (walk.end, walk.levels.last()) {
        (End::Reached, Some(level)) if level.zone == plan.origin => level.servers.clone(),
        _ => {
            return Err(Error::Unreachable(format!(
                "{origin}: the zone's name servers could not be reached from the root to verify the sync"
            )));
        }
    };
    let v = verify::verify(walker, &changed, "the plan", &servers, false).await;
    let found = verify::findings(&v);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{origin}: verify: {}", v.summary());
    for f in &found {
        let _ = crate::report::check::render_finding(&mut out, f, style);
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Error::Findings(found.len()))
    }
}

/// Health checks the live sets use that no zone file owns become `{id: …}` entries of the file
/// (used, never changed), named `check-` and the start of their id.
fn name_foreign_checks(zone: &mut Zone) {
    use crate::zone::{HealthCheck, HealthRef};
    let settings = &mut zone.settings;
    for set in zone.rrsets.values_mut() {
        let Some(r) = set.routing.as_mut() else {
            continue;
        };
        let Some(HealthRef::Id(id)) = &r.health_check else {
            continue;
        };
        let existing = settings.health_checks.iter().find_map(|(n, c)| match c {
            HealthCheck::Existing(i) if i == id => Some(n.clone()),
            _ => None,
        });
        let name = existing.unwrap_or_else(|| {
            let stem: String = id.chars().take(8).collect();
            let mut name = format!("check-{stem}");
            let mut n = 2;
            while settings.health_checks.contains_key(&name) {
                name = format!("check-{stem}-{n}");
                n += 1;
            }
            settings
                .health_checks
                .insert(name.clone(), HealthCheck::Existing(id.clone()));
            name
        });
        r.health_check = Some(HealthRef::Named(name));
    }
}

/// `dns import ZONE`: the live hosted zone as a zone file.
pub fn import(args: &ImportArgs, zone_name: &str) -> Result<()> {
    let origin = crate::zone::name::parse_zone(zone_name)
        .map_err(|e| Error::Usage(format!("'{zone_name}' is not a zone name: {e}")))?;
    let (mut zone, unmanaged) = runtime()?.block_on(async {
        let client = Route53::connect(&options(&args.aws))
            .await
            .map_err(Error::Aws)?;
        let zone_err = |source| Error::Provider {
            zone: origin.to_ascii(),
            source,
        };
        let hosted = client
            .find_zone(&origin, args.hosted_zone_id.as_deref(), None)
            .await
            .map_err(zone_err)?;
        let (mut zone, unmanaged, _) = client
            .live_zone(&hosted, &BTreeMap::new(), false)
            .await
            .map_err(zone_err)?;
        zone.settings.hosted_zone_id = args.hosted_zone_id.as_ref().map(|_| hosted.id.clone());
        name_foreign_checks(&mut zone);
        Ok::<_, Error>((zone, unmanaged))
    })?;
    // The most common TTL becomes the zone default, so the file repeats it least.
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for set in zone.rrsets.values() {
        if let Some(ttl) = set.ttl {
            *counts.entry(ttl).or_default() += 1;
        }
    }
    if let Some((&ttl, _)) = counts
        .iter()
        .max_by_key(|(ttl, n)| (**n, std::cmp::Reverse(**ttl)))
    {
        zone.settings.default_ttl = ttl;
    }
    for u in &unmanaged {
        eprintln!("note: left out {u}");
    }
    super::zonefiles::write_zone_file(&zone, args)
}
