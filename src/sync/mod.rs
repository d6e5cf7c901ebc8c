//! `dns plan` and `dns sync` as the library runs them: each zone planned against its hosted
//! zone ([`prepare`], all zones at once by [`plan_all`]), the run's checksum, and a plan applied
//! ([`apply`]): the hosted zone created if asked, VPCs associated and health checks created
//! before the change batches, the batches sent one after another within Route 53's limits,
//! waiting for INSYNC, then what the batches stopped using removed. `--verify` asks every
//! authoritative server afterwards ([`verify_applied`]). [`run`] is the whole of `dns sync`
//! from its [`Settings`]; the CLI loads the files, builds the settings, and shows and asks
//! through [`Ui`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::check::verify;
use crate::error::{Error, Result};
use crate::plan::ZonePlan;
use crate::plan::{self, Plan};
use crate::provider::route53::batch::{self, Limits};
use crate::provider::route53::{
    HostedZone, Identity, ProviderError, Route53, guard, health, mapping,
};
use crate::walk::{End, Walker};
use crate::zone::{Name, Zone};

/// Where a sync says what it does while it does it: a line for each step done (the hosted
/// zone created, a VPC associated, a health check made), and the status of a change waited for.
pub struct Say {
    pub line: Box<dyn Fn(String) + Send + Sync>,
    pub status: Box<dyn Fn(String) + Send + Sync>,
    pub done: Box<dyn Fn() + Send + Sync>,
}

impl Say {
    fn line(&self, text: String) {
        (self.line)(text)
    }
    fn status(&self, text: String) {
        (self.status)(text)
    }
    fn done(&self) {
        (self.done)()
    }
}

/// `dns sync`'s settings, built once from its arguments.
pub struct Settings {
    /// The hosted zone to use when several share the name (one zone only).
    pub hosted_zone_id: Option<String>,
    /// Create a public hosted zone that does not exist yet.
    pub create_zone: bool,
    /// Apply only if the run's plan has this checksum.
    pub plan_checksum: Option<String>,
    /// Print the plans and stop.
    pub dry_run: bool,
    /// Apply past a zone's safety threshold.
    pub force: bool,
    /// How long to wait for INSYNC; `None`: do not wait.
    pub wait: Option<Duration>,
    /// `--verify`: the walker that asks every authoritative server afterwards.
    pub verify: Option<Walker>,
    /// The zone files' directory (its git commit is written into each change batch's comment).
    pub zones_dir: PathBuf,
}

/// What the caller of [`run`] shows and asks: the plans, the confirmation of the changes
/// (an error declines), a verification's report (an error for its findings), and the steps.
pub struct Ui<'a> {
    pub plans: &'a dyn Fn(&[&ZonePlan]) -> Result<()>,
    pub confirm: &'a dyn Fn(usize) -> Result<()>,
    pub verified: &'a dyn Fn(&Name, &crate::check::verification::Verification) -> Result<()>,
    pub say: Say,
}

/// `dns sync`: every zone planned, the plans shown, the checksum compared, the safety gates,
/// the confirmation, the changes applied and waited for, then verified if asked. A zone that
/// fails does not stop the others: the failures, one per zone, are returned with the count of
/// zones.
pub async fn run(
    client: &Route53,
    zones: Vec<(PathBuf, Zone)>,
    settings: &Settings,
    ui: Ui<'_>,
) -> Result<Vec<Error>> {
    verifiable(&zones, settings)?;
    let results = plan_all(
        client,
        zones,
        settings.hosted_zone_id.as_deref(),
        settings.create_zone,
    )
    .await;
    let mut failures = Vec::new();
    let mut ready = Vec::new();
    for (_, r) in results {
        match r {
            Ok(p) => ready.push(p),
            Err(e) => failures.push(e),
        }
    }
    let plans: Vec<&ZonePlan> = ready.iter().map(|p| &p.zp).collect();
    (ui.plans)(&plans)?;
    if let Some(expected) = &settings.plan_checksum {
        let actual = run_checksum(&plans);
        if !failures.is_empty() || !actual.eq_ignore_ascii_case(expected) {
            return Err(Error::StalePlan {
                expected: expected.clone(),
                actual,
            });
        }
    }
    if settings.dry_run {
        return Ok(failures);
    }
    let to_apply = gate(ready, settings.force, &mut failures);
    let changes: usize = to_apply.iter().map(|p| p.zp.plan.len()).sum();
    if !to_apply.is_empty() {
        (ui.confirm)(changes)?;
    }
    let who = provenance(&settings.zones_dir);
    let applied = apply_all(client, to_apply, settings.wait, &who, ui.say, &mut failures).await;
    if let Some(walker) = &settings.verify {
        for (plan, desired) in &applied {
            match verify_applied(walker, plan, desired).await {
                Ok(Some(v)) => {
                    if let Err(e) = (ui.verified)(&plan.origin, &v) {
                        failures.push(e);
                    }
                }
                Ok(None) => {}
                Err(e) => failures.push(e),
            }
        }
    }
    tracing::info!("{} Route 53 requests", client.requests());
    Ok(failures)
}

/// `--verify` walks from the root, which cannot lead into a private zone: refused before
/// anything is asked or changed rather than failing after.
pub fn verifiable(zones: &[(PathBuf, Zone)], settings: &Settings) -> Result<()> {
    if settings.verify.is_some()
        && let Some((path, zone)) = zones.iter().find(|(_, z)| z.settings.private.is_some())
    {
        return Err(Error::Usage(format!(
            "--verify cannot verify {} ({}): it is a private hosted zone, which the root servers do not lead to; sync without --verify, then from an instance in one of its VPCs run `dns check {} --all-records --resolvers system`",
            zone.origin.to_ascii(),
            path.display(),
            zone.origin.to_ascii().trim_end_matches('.')
        )));
    }
    Ok(())
}

/// Collapses per-zone failures into the run's error: the zone's own for one zone; for more,
/// each said on stderr and the worst exit code kept.
pub fn summarize(mut failures: Vec<Error>, total: usize) -> Result<()> {
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

/// One zone, planned.
pub struct Prepared {
    pub zp: ZonePlan,
    pub hosted: Option<HostedZone>,
    pub limit: u8,
    /// The ids of the health checks the live zone and the file know.
    pub checks: mapping::HealthIds,
    /// The zone file, for `--verify`.
    pub desired: Zone,
    /// A private zone's first VPC, which a new hosted zone is created with.
    pub first_vpc: Option<crate::zone::Vpc>,
    /// The sync guard's value when the zone was read (none: no sync has run, or a new zone):
    /// the first request deletes exactly this one.
    pub guard: Option<crate::zone::RecordSet>,
}

/// Plans one zone: finds its hosted zone (or, with `create`, notes that it is to be made),
/// reads it, diffs the file against it, refuses health check changes Route 53 cannot make in
/// place, and counts the requests the plan takes.
pub async fn prepare(
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
    let (hosted, current, unmanaged, checks, guard) = live(&client, &zone, id.as_deref(), create)
        .await
        .map_err(zone_err)?;
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
    if let Some(why) = beside_unmanaged(&plan, &unmanaged) {
        return Err(zone_err(ProviderError::Invalid(why)));
    }
    let requests = batch::split(&plan, Limits::GUARDED)
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
        first_vpc: zone.settings.first_vpc.clone(),
        guard,
        desired: zone,
    })
}

/// A set the plan creates at a name and type where the hosted zone holds sets dns leaves
/// alone (CIDR or geoproximity routing, a traffic policy's, one it cannot read): Route 53
/// refuses the batch (a plain set beside routed ones, another routing, a set that exists), so
/// the plan is refused now, with why, rather than the sync later.
fn beside_unmanaged(plan: &plan::Plan, unmanaged: &[mapping::Unmanaged]) -> Option<String> {
    let held: Vec<(Name, &str, &mapping::Unmanaged)> = unmanaged
        .iter()
        .filter_map(|u| match u {
            mapping::Unmanaged::RoutingPolicy(n, t)
            | mapping::Unmanaged::TrafficPolicy(n, t)
            | mapping::Unmanaged::Unreadable(n, t, _) => {
                let owner = crate::zone::name::parse_owner(
                    &format!("{}.", n.trim_end_matches('.')),
                    &plan.origin,
                )
                .ok()?;
                Some((owner, t.as_str(), u))
            }
            _ => None,
        })
        .collect();
    let clashes: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action() == "create")
        .filter_map(|c| {
            let key = c.key();
            let (_, _, u) = held
                .iter()
                .find(|(n, t, _)| *n == key.name && key.rtype.to_string() == *t)?;
            Some(format!(
                "{} {}: the hosted zone holds {u}, and Route 53 refuses a set of the file beside it",
                crate::zone::name::relative(&key.name, &plan.origin),
                key.rtype
            ))
        })
        .collect();
    (!clashes.is_empty()).then(|| {
        format!(
            "the plan cannot be applied: {}; remove those sets in Route 53 (or leave the name and type out of the file, or under `ignore:`)",
            clashes.join("; ")
        )
    })
}

/// What Route 53 holds for the zone: its hosted zone (`None` when it is to be created), the
/// live zone, what dns leaves alone, and the health checks' ids.
async fn live(
    client: &Route53,
    zone: &Zone,
    id: Option<&str>,
    create: bool,
) -> std::result::Result<
    (
        Option<HostedZone>,
        Zone,
        Vec<mapping::Unmanaged>,
        mapping::HealthIds,
        Option<crate::zone::RecordSet>,
    ),
    ProviderError,
> {
    let origin = &zone.origin;
    let file_checks = &zone.settings.health_checks;
    let private = zone.settings.private.is_some();
    match client.find_zone(origin, id, Some(private)).await {
        Ok(hosted) => {
            let routed = zone.rrsets.keys().any(|k| k.set_id.is_some());
            let ((current, unmanaged, checks), guard) = client
                .live_zone_guarded(&hosted, file_checks, routed)
                .await?;
            Ok((Some(hosted), current, unmanaged, checks, guard))
        }
        Err(ProviderError::NotFound { .. }) if create => {
            // No zone yet, but the file's checks may exist already (tagged by an earlier
            // run that stopped before creating the zone).
            let mut current = Zone::new(origin.clone());
            // A private zone is created with the file's first VPC: the plan associates the
            // others after it.
            if let Some(first) = &zone.settings.first_vpc {
                current.settings.private = Some([first.clone()].into());
            }
            let checks = if file_checks.is_empty() {
                mapping::HealthIds::default()
            } else {
                let (live, ids) = client.owned_checks(origin, private, file_checks).await?;
                current.settings.health_checks = live;
                ids
            };
            Ok((None, current, Vec::new(), checks, None))
        }
        Err(e) => Err(e),
    }
}

/// `$zone.account`: every zone file that names an AWS account must be synced with that
/// account's credentials. The first zone that another account (or credentials whose account
/// could not be told) would touch stops the run before anything is sent to Route 53.
pub fn check_accounts(who: &Identity, zones: &[(PathBuf, Zone)]) -> Result<()> {
    use crate::escape::escape;
    for (zone, want) in zones
        .iter()
        .filter_map(|(_, z)| z.settings.account.as_ref().map(|a| (z, a)))
    {
        let said = match &who.account {
            Ok((account, _)) if account == want => continue,
            Ok((account, arn)) => format!(
                "these credentials are of account {} ({})",
                escape(account),
                escape(arn)
            ),
            Err(why) => format!(
                "the account of these credentials could not be told ({})",
                escape(why)
            ),
        };
        return Err(Error::WrongAccount {
            zone: zone.origin.to_ascii(),
            want: want.clone(),
            said,
        });
    }
    Ok(())
}

/// Plans every selected zone concurrently; results in file order.
pub async fn plan_all(
    client: &Route53,
    zones: Vec<(PathBuf, Zone)>,
    hosted_zone_id: Option<&str>,
    create: bool,
) -> Vec<(String, Result<Prepared>)> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (_, zone)) in zones.into_iter().enumerate() {
        let name = zone.origin.to_ascii();
        let fut = prepare(
            client.clone(),
            zone,
            hosted_zone_id.map(str::to_string),
            create,
        );
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
pub fn run_checksum(plans: &[&ZonePlan]) -> String {
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

/// The safety gates, zone by zone: the plans to apply (a zone with nothing to change is left
/// out unless its hosted zone is to be created); a plan past its zone's `max_change_percent`
/// is refused into `failures` unless forced.
pub fn gate(ready: Vec<Prepared>, force: bool, failures: &mut Vec<Error>) -> Vec<Prepared> {
    let mut to_apply = Vec::new();
    for p in ready {
        if p.zp.plan.is_empty() && p.hosted.is_some() {
            continue;
        }
        match plan::safety::check(&p.zp.plan, p.limit) {
            Err(source) if !force => failures.push(Error::Unsafe {
                zone: p.zp.plan.origin.to_ascii(),
                source,
            }),
            _ => to_apply.push(p),
        }
    }
    to_apply
}

/// Applies every plan at once (each zone's batches in order), saying each zone's summary as it
/// ends; the applied plans with their zone files (for `--verify`), the failures into `failures`.
pub async fn apply_all(
    client: &Route53,
    to_apply: Vec<Prepared>,
    wait: Option<Duration>,
    who: &str,
    say: Say,
    failures: &mut Vec<Error>,
) -> Vec<(Plan, Zone)> {
    let (who, say): (std::sync::Arc<str>, _) = (who.into(), std::sync::Arc::new(say));
    let mut tasks = tokio::task::JoinSet::new();
    for mut p in to_apply {
        let client = client.clone();
        let plan = p.zp.plan.clone();
        let desired = std::mem::replace(&mut p.desired, Zone::new(plan.origin.clone()));
        let (who, say) = (who.clone(), say.clone());
        tasks.spawn(async move {
            apply(client, p, wait, &who, &say).await.map(|line| {
                say.line(line);
                (plan, desired)
            })
        });
    }
    let mut applied = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(done)) => applied.push(done),
            Ok(Err(e)) => failures.push(e),
            Err(join) => failures.push(Error::Usage(format!("internal error: {join}"))),
        }
    }
    applied
}

/// Who applies a change, for Route 53's change history and CloudTrail: the zone files' git
/// commit (`+dirty` with uncommitted changes) and the CI run or the local user.
pub fn provenance(zones: &Path) -> String {
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

/// Sends the plan's requests one after another, each replacing the guard value the one before
/// it wrote (the first, the value the plan read): another sync in between makes the next
/// request fail whole. The last change id; a failure after the first request says which landed.
async fn send_batches(
    client: &Route53,
    p: &Prepared,
    hosted: &HostedZone,
    ids: &mapping::HealthIds,
    ranges: Vec<std::ops::Range<usize>>,
    who: &str,
) -> Result<Option<String>> {
    let origin = p.zp.plan.origin.to_ascii();
    let zone_err = |source| Error::Provider {
        zone: origin.clone(),
        source,
    };
    let checksum = p.zp.plan.checksum();
    let mut last = None;
    let requests = ranges.len();
    let mut guard = p.guard.clone();
    for (i, range) in ranges.into_iter().enumerate() {
        // Built one at a time, just before it is sent.
        let invalid = |e: mapping::MissingCheck| zone_err(ProviderError::Invalid(e.to_string()));
        let mut b = batch::build(&p.zp.plan, range.clone(), &hosted.id, ids).map_err(invalid)?;
        let next = guard::next(who, i + 1, requests);
        batch::guard(&mut b, &p.zp.plan.origin, guard.as_ref(), &next, &hosted.id)
            .map_err(invalid)?;
        let comment = change_comment(&checksum, i + 1, requests, who);
        match client.change(hosted, &b, &comment).await {
            Ok(id) => last = Some(id),
            // The guard value the plan read is gone: another sync got there first.
            Err(ProviderError::Rejected { message })
                if i == 0 && message.contains(guard::LABEL) =>
            {
                let by = client.guard_now(hosted).await.unwrap_or_default();
                return Err(Error::Overtaken {
                    zone: origin.clone(),
                    by: crate::escape::escape(&by).into_owned(),
                });
            }
            Err(source) if i == 0 => return Err(zone_err(source)),
            Err(source) => {
                return Err(Error::PartlyApplied {
                    zone: origin.clone(),
                    applied: i,
                    requests,
                    changes: range.start,
                    total: p.zp.plan.changes.len(),
                    source: Box::new(source),
                });
            }
        }
        guard = Some(next);
        tracing::info!("{origin}: request {}/{} accepted", i + 1, requests);
    }
    Ok(last)
}

/// Applies one zone's plan: creates the hosted zone if needed, sends the batches one after
/// another, waits for the last to be INSYNC. Returns the summary line.
pub async fn apply(
    client: Route53,
    p: Prepared,
    wait: Option<Duration>,
    who: &str,
    say: &Say,
) -> Result<String> {
    let origin = p.zp.plan.origin.to_ascii();
    let zone_err = |source| Error::Provider {
        zone: origin.clone(),
        source,
    };
    let started = Instant::now();
    let hosted = match p.hosted.clone() {
        Some(h) => h,
        None => create(&client, &p.zp.plan.origin, p.first_vpc.as_ref(), say)
            .await
            .map_err(zone_err)?,
    };
    let ranges = batch::split(&p.zp.plan, Limits::GUARDED).map_err(|source| Error::TooLarge {
        zone: origin.clone(),
        source,
    })?;
    let ids = before_batches(&client, &hosted, &p.zp.plan, p.checks.clone(), say)
        .await
        .map_err(zone_err)?;
    let requests = ranges.len();
    let last = send_batches(&client, &p, &hosted, &ids, ranges, who).await?;
    let changes = p.zp.plan.len();
    // What the batches stopped using goes after them (after INSYNC when waiting).
    let (Some(change_id), Some(timeout)) = (last, wait) else {
        after_batches(&client, &hosted, &p.zp.plan, &ids, say)
            .await
            .map_err(zone_err)?;
        return Ok(format!(
            "{origin}: applied {changes} change(s) in {} request(s)",
            requests
        ));
    };
    say.status(format!(
        "{origin}: waiting for Route 53 to apply {change_id}"
    ));
    let result = client
        .wait(&change_id, timeout, |status| {
            say.status(format!("{origin}: change {change_id} is {status}"))
        })
        .await;
    say.done();
    result.map_err(zone_err)?;
    after_batches(&client, &hosted, &p.zp.plan, &ids, say)
        .await
        .map_err(zone_err)?;
    Ok(format!(
        "{origin}: applied {changes} change(s) in {} request(s); INSYNC after {:.0?}",
        requests,
        started.elapsed()
    ))
}

/// Creates the hosted zone (a private one with its first VPC) and says so: a public zone's
/// name servers, to be set at the registrar.
async fn create(
    client: &Route53,
    origin: &Name,
    first: Option<&crate::zone::Vpc>,
    say: &Say,
) -> std::result::Result<HostedZone, ProviderError> {
    let (h, servers) = client.create_zone(origin, first).await?;
    let origin = origin.to_ascii();
    say.line(match first {
        Some(vpc) => format!(
            "{origin}: created private hosted zone {}, associated with {} ({})",
            h.id, vpc.id, vpc.region
        ),
        None => format!(
            "{origin}: created public hosted zone {}; set these name servers at your registrar:\n  {}",
            h.id,
            servers.join("\n  ")
        ),
    });
    Ok(h)
}

/// What the change batches need first: VPCs associated, health checks created (endpoint checks
/// before the calculated ones that combine them) and updated. The ids of every check after it.
async fn before_batches(
    client: &Route53,
    hosted: &HostedZone,
    plan: &Plan,
    mut ids: mapping::HealthIds,
    say: &Say,
) -> Result<mapping::HealthIds, ProviderError> {
    let origin = plan.origin.to_ascii();
    for change in &plan.vpcs {
        if let plan::VpcChange::Associate(v) = change {
            client.vpc_association(hosted, v, true).await?;
            say.line(format!("{origin}: associated VPC {} ({})", v.id, v.region));
        }
    }
    for change in &plan.checks {
        match change {
            plan::CheckChange::Create { name, new } => {
                let id = client
                    .create_health_check(&plan.origin, hosted.private, name, new, &ids)
                    .await?;
                say.line(format!("{origin}: created health check {name} ({id})"));
                ids.insert(name, &id);
            }
            plan::CheckChange::Update { name, new, .. } => {
                let id = check_id(&ids, name)?;
                client.update_health_check(&id, new, &ids).await?;
                say.line(format!("{origin}: updated health check {name} ({id})"));
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
    say: &Say,
) -> Result<(), ProviderError> {
    let origin = plan.origin.to_ascii();
    for change in &plan.vpcs {
        if let plan::VpcChange::Disassociate(v) = change {
            client.vpc_association(hosted, v, false).await?;
            say.line(format!(
                "{origin}: disassociated VPC {} ({})",
                v.id, v.region
            ));
        }
    }
    for change in &plan.checks {
        if let plan::CheckChange::Delete { name, .. } = change {
            let id = check_id(ids, name)?;
            client.delete_health_check(&id).await?;
            say.line(format!("{origin}: deleted health check {name} ({id})"));
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

/// `--verify`: after INSYNC, asks every authoritative server of the zone for each record set the
/// plan created or updated (with every routed set of its name and type, any of which may be the
/// answer): what they serve (None when the plan changed no record set).
pub async fn verify_applied(
    walker: &Walker,
    plan: &Plan,
    desired: &Zone,
) -> Result<Option<crate::check::verification::Verification>> {
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
        return Ok(None);
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
    Ok(Some(
        verify::verify(
            walker,
            &changed,
            "the plan",
            &servers,
            None,
            &Default::default(),
        )
        .await,
    ))
}

/// Health checks the live sets use that no zone file owns become `{id: …}` entries of the file
/// (used, never changed), named `check-` and the start of their id.
pub fn name_foreign_checks(zone: &mut Zone) {
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

/// The TTL most record sets of an imported zone have becomes its default, so that the file
/// repeats it least (ties go to the shorter TTL).
pub fn settle_default_ttl(zone: &mut Zone) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CIDR-routed live sets (which the emulator cannot keep) beside a set the file creates at
    /// the same name and type: refused with the name, type and why; other names pass.
    #[test]
    fn a_created_set_beside_cidr_routed_live_sets_is_refused() {
        let origin = Name::from_ascii("example.com.").unwrap();
        let loaded = crate::zone::load::load_str(
            std::path::Path::new("example.com.yaml"),
            "office: {type: A, value: 192.0.2.50}\nwww: {type: A, value: 192.0.2.1}\n",
        );
        let plan = plan::diff(&loaded.zone, &Zone::new(origin));
        let cidr =
            |n: &str| mapping::Unmanaged::RoutingPolicy(format!("{n}.example.com."), "A".into());
        let why = beside_unmanaged(&plan, &[cidr("office")]).unwrap();
        assert!(
            why.starts_with("the plan cannot be applied: office A: the hosted zone holds office.example.com. A: CIDR or geoproximity routing"),
            "{why}"
        );
        assert!(beside_unmanaged(&plan, &[cidr("elsewhere")]).is_none());
    }
}
