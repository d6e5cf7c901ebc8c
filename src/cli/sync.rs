//! `dns plan`, `dns sync` and `dns import ZONE`: zone files against Route 53.
//!
//! Every zone file is loaded and validated before the first request; an invalid one stops the
//! run. Zones are then planned and applied concurrently, within the shared rate limit; a zone
//! that fails does not stop the others, and a summary says how each one ended.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::Style;
use super::args::{
    AwsArgs, DelegateArgs, ImportArgs, PlanArgs, PlanFormat, SyncArgs, ZoneSelection,
};
use crate::check::verify;
use crate::error::{Error, Result};
use crate::provider::route53::{AwsOptions, Route53};
use crate::report::plan::{ZonePlan, render_markdown, render_text, to_json};
use crate::sync::{self as engine, Say, run_checksum};
use crate::walk::{Config, Walker, hints};
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
        let results =
            engine::plan_all(&client, zones, args.zones.hosted_zone_id.as_deref(), false).await;
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

/// `dns delegate ZONE`: the domain's name servers at Route 53 Domains set to the hosted zone's
/// delegation set, after showing the change and asking (or `--yes`).
pub fn delegate(args: &DelegateArgs) -> Result<()> {
    let zone_text = args.zone.to_ascii();
    let domain = zone_text.trim_end_matches('.').to_string();
    runtime()?.block_on(async {
        let client = Route53::connect(&options(&args.aws))
            .await
            .map_err(Error::Aws)?;
        let provider = |source| Error::Provider {
            zone: zone_text.clone(),
            source,
        };
        let hosted = client
            .find_zone(&args.zone, args.hosted_zone_id.as_deref(), Some(false))
            .await
            .map_err(provider)?;
        let mut wanted: Vec<String> = client
            .name_servers(&hosted)
            .await
            .map_err(provider)?
            .iter()
            .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        wanted.sort();
        let Some(detail) = client.domain_detail(&domain).await.map_err(provider)? else {
            return Err(Error::Usage(format!(
                "{domain} is not registered with Route 53 Domains in this AWS account: set its name servers at its registrar to {}",
                wanted.join(", ")
            )));
        };
        if detail.name_servers == wanted {
            println!(
                "{domain}: Route 53 Domains already gives the hosted zone's name servers ({}); nothing to change",
                wanted.join(", ")
            );
            return Ok(());
        }
        println!("{domain}: name servers at Route 53 Domains (the registrar)");
        for ns in detail.name_servers.iter().filter(|n| !wanted.contains(n)) {
            println!("  - {ns}");
        }
        for ns in wanted.iter().filter(|n| !detail.name_servers.contains(n)) {
            println!("  + {ns}");
        }
        println!("  (the delegation set of hosted zone {})", hosted.id);
        if !args.yes {
            confirm_with(&format!("Set the name servers of {domain}?"))?;
        }
        let id = client
            .set_domain_name_servers(&domain, &wanted, args.wait_timeout)
            .await
            .map_err(provider)?;
        println!(
            "done: operation {id} succeeded. The registry publishes the change within minutes to hours; follow it with `dns check {domain} --expect route53 --wait`"
        );
        Ok(())
    })
}

fn confirm(changes: usize) -> Result<()> {
    confirm_with(&format!("Apply {changes} change(s) to Route 53?"))
}

fn confirm_with(question: &str) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::NotConfirmed(
            "not a terminal, so nobody can confirm: pass --yes to apply".into(),
        ));
    }
    eprint!("{question} [y/N] ");
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
        let results = engine::plan_all(
            &client,
            zones,
            args.plan.zones.hosted_zone_id.as_deref(),
            args.create_zone,
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
        let to_apply = engine::gate(ready, args.force, &mut failures);
        let changes: usize = to_apply.iter().map(|p| p.zp.plan.len()).sum();
        if !to_apply.is_empty() && !args.yes {
            confirm(changes)?;
        }
        let verifier = match args.verify {
            true => Some(verifier(args)?),
            false => None,
        };
        let who = engine::provenance(&args.plan.zones.dir);
        let wait = (!args.no_wait).then_some(args.wait_timeout);
        let applied = engine::apply_all(&client, to_apply, wait, &who, say(), &mut failures).await;
        if let Some(walker) = &verifier {
            for (plan, desired) in &applied {
                match engine::verify_applied(walker, plan, desired).await {
                    Ok(Some(v)) => {
                        if let Err(e) = report_verification(&plan.origin, &v, style) {
                            failures.push(e);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => failures.push(e),
                }
            }
        }
        tracing::info!("{} Route 53 requests", client.requests());
        summarize(failures, total)
    })
}

/// How a sync says what it does: each step a line on stdout, the wait for INSYNC a spinner on
/// stderr (drawn on a terminal only).
fn say() -> Say {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let (status, done) = (bar.clone(), bar);
    Say {
        line: Box::new(|text| println!("{text}")),
        status: Box::new(move |text| {
            status.enable_steady_tick(Duration::from_millis(120));
            status.set_message(text);
        }),
        done: Box::new(move || done.finish_and_clear()),
    }
}

/// `--verify`'s report for one zone, and its verdict.
fn report_verification(
    origin: &hickory_proto::rr::Name,
    v: &verify::Verification,
    style: Style,
) -> Result<()> {
    let found = verify::findings(v);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}: verify: {}", origin.to_ascii(), v.summary());
    for f in &found {
        let _ = crate::report::check::render_finding(&mut out, f, style);
    }
    match found.len() {
        0 => Ok(()),
        n => Err(Error::Findings(n)),
    }
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
        engine::name_foreign_checks(&mut zone);
        Ok::<_, Error>((zone, unmanaged))
    })?;
    engine::settle_default_ttl(&mut zone);
    for u in &unmanaged {
        eprintln!("note: left out {u}");
    }
    super::zonefiles::write_zone_file(&zone, args, |key| {
        let set = key.set_id.as_ref().map_or(String::new(), |id| {
            format!(" (set id '{}')", crate::report::check::escape(id))
        });
        format!(
            "the Route 53 record set {} {}{set}",
            key.name.to_ascii(),
            key.rtype
        )
    })
}
