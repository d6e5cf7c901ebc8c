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
use crate::error::{Error, Result};
use crate::plan::ZonePlan;
use crate::provider::route53::{AwsOptions, Identity, Route53};
use crate::report::plan::{render_markdown, render_text, to_json};
use crate::sync::{self as engine, Say, run_checksum, summarize};
use crate::walk::{Config, Walker, hints};
use crate::zone::{Name, Zone};
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
    let (zones, warnings) = zonedir::load_valid(files)?;
    let _ = crate::report::diag::render(&mut std::io::stderr().lock(), &warnings, Style::plain());
    Ok(zones)
}

/// The plans of a run, headed by who it acts as (account, ARN or profile and key, region).
fn print_plans(
    plans: &[&ZonePlan],
    who: &Identity,
    format: PlanFormat,
    style: Style,
) -> Result<()> {
    // Buffered: stdout is line-buffered, and a large plan or verification is many lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let werr = |source| Error::Write {
        path: "<stdout>".into(),
        source,
    };
    // The run's checksum is said when it says more than a zone's: many zones, some change.
    let run_sum = (plans.len() > 1 && plans.iter().any(|zp| !zp.plan.is_empty()))
        .then(|| run_checksum(plans));
    if format == PlanFormat::Markdown {
        writeln!(out, "## dns plan").map_err(werr)?;
        writeln!(out).map_err(werr)?;
        writeln!(out, "{who}.").map_err(werr)?;
        writeln!(out).map_err(werr)?;
        for zp in plans {
            render_markdown(&mut out, zp).map_err(werr)?;
        }
        if let Some(sum) = &run_sum {
            writeln!(out, "Run checksum (all zones): `{sum}`").map_err(werr)?;
        }
    } else if format == PlanFormat::Html {
        crate::report::html::render_plans(&mut out, plans, &who.to_string(), run_sum.as_deref())
            .map_err(werr)?;
    } else if format == PlanFormat::Json {
        let doc = serde_json::json!({
            "aws": who.to_json(),
            "zones": plans.iter().map(|zp| to_json(zp)).collect::<Vec<_>>(),
            "checksum": run_checksum(plans),
        });
        serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| werr(e.into()))?;
        writeln!(out).map_err(werr)?;
    } else {
        writeln!(out, "{}", style.dim(&who.to_string())).map_err(werr)?;
        for zp in plans {
            render_text(&mut out, zp, style).map_err(werr)?;
        }
        if let Some(sum) = &run_sum {
            writeln!(out, "run checksum {sum}").map_err(werr)?;
        }
    }
    out.flush().map_err(werr)
}

pub fn plan(args: &PlanArgs, style: Style) -> Result<()> {
    let zones = load_selected(&args.zones)?;
    let total = zones.len();
    runtime()?.block_on(async {
        let client = Route53::connect(&options(&args.aws))
            .await
            .map_err(Error::Aws)?;
        let who = client.identity().await;
        engine::check_accounts(&who, &zones)?;
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
            &who,
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
    let settings = settings(args)?;
    engine::verifiable(&zones, &settings)?;
    let format = args.plan.output_format();
    let confirm = |changes| {
        if args.yes {
            Ok(())
        } else {
            self::confirm(changes)
        }
    };
    let verified = |origin: &Name, v: &crate::check::verification::Verification| {
        report_verification(origin, v, style)
    };
    runtime()?.block_on(async {
        let client = Route53::connect(&options(&args.plan.aws))
            .await
            .map_err(Error::Aws)?;
        let who = client.identity().await;
        engine::check_accounts(&who, &zones)?;
        let plans = |plans: &[&ZonePlan]| print_plans(plans, &who, format, style);
        let ui = engine::Ui {
            plans: &plans,
            confirm: &confirm,
            verified: &verified,
            say: say(),
        };
        let failures = engine::run(&client, zones, &settings, ui).await?;
        summarize(failures, total)
    })
}

/// `dns sync`'s arguments as the settings the library runs with (the root hints of `--verify`
/// read here, before anything is planned).
fn settings(args: &SyncArgs) -> Result<engine::Settings> {
    Ok(engine::Settings {
        hosted_zone_id: args.plan.zones.hosted_zone_id.clone(),
        create_zone: args.create_zone,
        plan_checksum: args.plan_checksum.clone(),
        dry_run: args.dry_run,
        force: args.force,
        wait: (!args.no_wait).then_some(args.wait_timeout),
        verify: match args.verify {
            true => Some(verifier(args)?),
            false => None,
        },
        zones_dir: args.plan.zones.dir.clone(),
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
    origin: &Name,
    v: &crate::check::verification::Verification,
    style: Style,
) -> Result<()> {
    let found = crate::check::rules::records::findings(v);
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
            format!(" (set id '{}')", crate::escape::escape(id))
        });
        format!(
            "the Route 53 record set {} {}{set}",
            key.name.to_ascii(),
            key.rtype
        )
    })
}
