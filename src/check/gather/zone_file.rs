//! The zone file of a round: `--zone-file`, or the zone's file in the zones directory, which
//! must be valid and the zone the walk reached; and with `--health-status`, what Route 53 says
//! of the failover primaries' health checks.

use std::path::PathBuf;

use hickory_proto::rr::Name;

use crate::check::settings::{Settings, ZoneFile};
use crate::check::verification::{CheckStatus, Verification};
use crate::error::{Error, Result};
use crate::provider::route53::Route53;
use crate::zone::{HealthRef, Zone};
use crate::zonedir;

/// The zone file to verify: `--zone-file`, else the zone's file in the zones directory when it
/// exists. It must be valid and be the zone the walk reached.
pub(super) fn zone_file(s: &Settings, zone: Option<&Name>) -> Result<Option<(PathBuf, Zone)>> {
    let Some(zone) = zone else { return Ok(None) };
    let path = match &s.zone_file {
        ZoneFile::Given(p) => p.clone(),
        ZoneFile::InDir(dir) => match dir.file_of(zone) {
            p if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let loaded = zonedir::load(&path)?;
    zonedir::refuse_invalid(&loaded)?;
    if loaded.zone.origin != *zone {
        return Err(Error::Usage(format!(
            "{} is the zone file of {}, but {} lives in the zone {}",
            path.display(),
            loaded.zone.origin.to_ascii(),
            s.name_text(),
            zone.to_ascii()
        )));
    }
    Ok(Some((path, loaded.zone)))
}

/// Before a move with `--expect route53` and no zone file: the hosted zone's record sets, read
/// through the Route 53 API, stand in for the file (the current servers are compared with what
/// Route 53 will serve, and the expected servers asked for it), named as such in the report.
pub(super) async fn hosted_zone_sets(
    s: &Settings,
    expected: &super::Expectation,
    facts: &crate::check::facts::Facts,
    moving: bool,
) -> Result<Option<(String, Zone)>> {
    let Some(hosted) = &expected.hosted_zone else {
        return Ok(None);
    };
    if !moving || facts.zone.as_ref() != Some(&hosted.name) {
        return Ok(None);
    }
    let client = Route53::connect(&s.aws).await.map_err(Error::Aws)?;
    let (zone, _, _) = client
        .live_zone(hosted, &Default::default(), false)
        .await
        .map_err(|source| Error::Provider {
            zone: hosted.name.to_ascii(),
            source,
        })?;
    let label = format!(
        "the hosted zone {} ({}, read from Route 53: no zone file)",
        hosted.name.to_ascii(),
        hosted.id
    );
    Ok(Some((label, zone)))
}

/// `--health-status`: for each failover pair a server answered with its secondary, what Route 53
/// says of the primary's health check (found as sync finds it: by its tags, or its `id`).
pub(super) async fn primary_statuses(
    s: &Settings,
    zone: &Zone,
    v: &mut Verification,
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
    let client = Route53::connect(&s.aws).await.map_err(Error::Aws)?;
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
        let named = HealthRef::Named(name.clone());
        let Some(id) = ids.id(&named) else {
            eprintln!(
                "note: Route 53 has no health check `{name}` for {}: run dns sync",
                zone.origin.to_ascii()
            );
            continue;
        };
        match client.health_status(id).await {
            Ok((healthy, report)) => set.primary_status = Some(CheckStatus { healthy, report }),
            Err(e) => eprintln!("note: health check `{name}` ({id}): {e}"),
        }
    }
    Ok(())
}
