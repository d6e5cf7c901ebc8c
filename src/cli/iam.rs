//! `dns iam-policy`: the least-privilege IAM policy for running dns on the zones of zones/.
//!
//! Built from [`OPERATIONS`], the table of every Route 53 operation the client sends: actions
//! Route 53 cannot scope on `*`, record-set actions on exactly the zones' hosted-zone ARNs, and
//! `GetChange` on `change/*` (change ids are not known in advance).

use serde_json::json;

use super::args::IamPolicyArgs;
use super::sync::{options, runtime};
use crate::error::{Error, Result};
use crate::provider::route53::{Need, OPERATIONS, ProviderError, Route53, Scope};
use crate::zone::load::zone_name_of;
use crate::zonedir::{self, ZonesDir};

pub fn policy(args: &IamPolicyArgs) -> Result<()> {
    let resources = if args.hosted_zone_id.is_empty() {
        look_up(args)?
    } else {
        args.hosted_zone_id
            .iter()
            .map(|id| zone_arn(id.trim_start_matches("/hostedzone/")))
            .collect()
    };
    let (uses_checks, private) = uses(args);
    let health = args.health_checks || args.health_status || uses_checks;
    let actions = |scope: Scope| -> Vec<String> {
        OPERATIONS
            .iter()
            .filter(|(_, s, read_only, need)| {
                *s == scope
                    && (*read_only || !args.read_only)
                    && match need {
                        Need::Always => true,
                        Need::CreateZone => args.allow_create_zone,
                        Need::HealthChecks => health,
                        Need::PrivateZones => private,
                        Need::HealthStatus => args.health_status,
                        Need::Delegate => args.delegate,
                    }
            })
            .map(|(op, scope, ..)| match scope {
                Scope::Domains => format!("route53domains:{op}"),
                _ => format!("route53:{op}"),
            })
            .collect()
    };
    let mut statements = Vec::new();
    for (sid, scope, resource) in [
        ("DnsFindZones", Scope::Any, json!("*")),
        ("DnsZones", Scope::Zones, json!(resources)),
        (
            "DnsWaitForChanges",
            Scope::Changes,
            json!("arn:aws:route53:::change/*"),
        ),
        (
            "DnsHealthChecks",
            Scope::HealthChecks,
            json!("arn:aws:route53:::healthcheck/*"),
        ),
        ("DnsRegisteredDomains", Scope::Domains, json!("*")),
    ] {
        let actions = actions(scope);
        if !actions.is_empty() {
            statements.push(json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": resource,
            }));
        }
    }
    // Route 53 checks the VPC with EC2 when a private zone is created or a VPC associated.
    if private && !args.read_only {
        statements.push(json!({
            "Sid": "DnsPrivateZoneVpcs",
            "Effect": "Allow",
            "Action": ["ec2:DescribeVpcs"],
            "Resource": "*",
        }));
    }
    let doc = json!({ "Version": "2012-10-17", "Statement": statements });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| Error::Write {
        path: "<stdout>".into(),
        source: e.into(),
    })?;
    println!("{text}");
    Ok(())
}

/// Whether a selected zone file defines health checks or has routed sets (where dns looks for
/// its health checks), and whether one is a private zone (files that cannot be read are left to
/// the commands that use them).
fn uses(args: &IamPolicyArgs) -> (bool, bool) {
    let files = ZonesDir::new(&args.dir)
        .select(&args.names)
        .unwrap_or_default();
    let loaded: Vec<_> = files.iter().filter_map(|f| zonedir::load(f).ok()).collect();
    // Routed sets are where health checks are looked for, used or not (see `live_zone`).
    let checks = loaded.iter().any(|l| {
        !l.zone.settings.health_checks.is_empty()
            || l.zone.rrsets.keys().any(|k| k.set_id.is_some())
    });
    let private = loaded.iter().any(|l| l.zone.settings.private.is_some());
    (checks, private)
}

fn zone_arn(id: &str) -> String {
    format!("arn:aws:route53:::hostedzone/{id}")
}

/// The hosted zones of the selected zone files, looked up by name (or `hosted_zone_id` in a
/// file). A zone not created yet is allowed as `hostedzone/*` with `--allow-create-zone`.
fn look_up(args: &IamPolicyArgs) -> Result<Vec<String>> {
    let files = ZonesDir::new(&args.dir)
        .select(&args.names)
        .map_err(|e| match e {
            Error::Usage(text) => Error::Usage(format!(
                "{text}: name the hosted zones with --hosted-zone-id"
            )),
            other => other,
        })?;
    let aws = &args.aws;
    runtime()?.block_on(async {
        let client = Route53::connect(&options(aws)).await.map_err(Error::Aws)?;
        let mut arns = Vec::new();
        for file in files {
            let origin = zone_name_of(&file)
                .map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
            let settings = zonedir::load(&file)?.zone.settings;
            let (pinned, private) = (settings.hosted_zone_id, settings.private.is_some());
            match client
                .find_zone(&origin, pinned.as_deref(), Some(private))
                .await
            {
                Ok(zone) => arns.push(zone_arn(&zone.id)),
                Err(ProviderError::NotFound { .. }) if args.allow_create_zone => {
                    eprintln!(
                        "note: {} has no hosted zone yet: allowed as hostedzone/*; run dns iam-policy again after the first sync to narrow it",
                        origin.to_ascii()
                    );
                    arns.push(zone_arn("*"));
                }
                Err(source) => {
                    return Err(Error::Provider {
                        zone: origin.to_ascii(),
                        source,
                    });
                }
            }
        }
        arns.sort();
        arns.dedup();
        Ok(arns)
    })
}
