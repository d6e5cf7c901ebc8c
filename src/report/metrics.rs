//! `--format openmetrics`: a check's verdicts as OpenMetrics text, the exposition format
//! Prometheus scrapes (and reads from node_exporter's textfile collector): gauges only, each
//! zone's measures labelled by `zone`, the run's without labels, `# EOF` last. The families and
//! their labels are documented in docs/check.md and kept stable: a dashboard or an alert rule
//! written against them keeps working.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use hickory_proto::rr::RecordType;

use super::zones::{STATES, Zone};
use crate::check::facts::Facts;
use crate::check::many::ZoneOutcome;
use crate::check::run::Round;

/// `dns check NAME --format openmetrics`.
pub fn render_round(
    out: &mut impl Write,
    round: &Round,
    exit_code: u8,
    took: Duration,
) -> io::Result<()> {
    render(out, &[Zone::of_round(round)], exit_code, took)
}

/// `dns check --format openmetrics` of many zones.
pub fn render_run(
    out: &mut impl Write,
    outcomes: &[ZoneOutcome],
    exit_code: u8,
    took: Duration,
) -> io::Result<()> {
    render(out, &Zone::of_run(outcomes), exit_code, took)
}

fn render(out: &mut impl Write, zones: &[Zone], exit_code: u8, took: Duration) -> io::Result<()> {
    states_and_findings(out, zones)?;
    servers(out, zones)?;
    expiries(out, zones)?;
    family(
        out,
        "dns_check_checked_timestamp_seconds",
        "When the zone's facts were gathered (seconds since 1970).",
        Some("seconds"),
    )?;
    for z in zones {
        if let Some(round) = z.round {
            let at = round.facts.checked_at;
            sample(
                out,
                "dns_check_checked_timestamp_seconds",
                &[("zone", &z.name)],
                at,
            )?;
        }
    }
    family(
        out,
        "dns_check_duration_seconds",
        "How long the whole check took.",
        Some("seconds"),
    )?;
    sample(
        out,
        "dns_check_duration_seconds",
        &[],
        format!("{:.3}", took.as_secs_f64()),
    )?;
    family(
        out,
        "dns_check_exit_code",
        "The check's exit code (0 right, 1 findings, 3 not reached; see docs/exit-codes.md).",
        None,
    )?;
    sample(out, "dns_check_exit_code", &[], exit_code)?;
    writeln!(out, "# EOF")
}

/// Each zone's state (1 for the one it is in), and its findings by code and severity.
fn states_and_findings(out: &mut impl Write, zones: &[Zone]) -> io::Result<()> {
    family(
        out,
        "dns_check_zone_state",
        "The zone's state: 1 for the state it is in, 0 for the others (ok, warnings, errors, not_reached, not_checked).",
        None,
    )?;
    for z in zones {
        for (state, word, _) in STATES {
            let v = u8::from(z.state == state);
            sample(
                out,
                "dns_check_zone_state",
                &[("zone", &z.name), ("state", word)],
                v,
            )?;
        }
    }
    family(
        out,
        "dns_check_findings",
        "Findings of the check, by code and severity (codes as in the table of docs/check.md).",
        None,
    )?;
    for z in zones {
        let Some(round) = z.round else { continue };
        let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for f in &round.findings {
            *counts
                .entry((f.code.as_str(), f.severity.as_str()))
                .or_default() += 1;
        }
        for ((code, severity), n) in counts {
            let labels = [
                ("zone", z.name.as_str()),
                ("code", code),
                ("severity", severity),
            ];
            sample(out, "dns_check_findings", &labels, n)?;
        }
    }
    Ok(())
}

/// The zone's server addresses, and those that answered its SOA with authority.
fn servers(out: &mut impl Write, zones: &[Zone]) -> io::Result<()> {
    let judged = || zones.iter().filter_map(|z| Some((z, z.round?)));
    family(
        out,
        "dns_check_servers",
        "Addresses of the zone's name servers that were asked.",
        None,
    )?;
    for (z, round) in judged() {
        let n: usize = round
            .facts
            .zone_servers()
            .iter()
            .map(|s| s.addrs.len())
            .sum();
        sample(out, "dns_check_servers", &[("zone", &z.name)], n)?;
    }
    family(
        out,
        "dns_check_servers_answering",
        "Addresses of the zone's name servers that answered its SOA with authority.",
        None,
    )?;
    for (z, round) in judged() {
        let mut answering: Vec<_> = round
            .facts
            .soa_udp
            .iter()
            .chain(&round.facts.soa_tcp)
            .filter(|p| p.is_authoritative_answer())
            .map(|p| p.addr)
            .collect();
        answering.sort();
        answering.dedup();
        sample(
            out,
            "dns_check_servers_answering",
            &[("zone", &z.name)],
            answering.len(),
        )?;
    }
    Ok(())
}

/// Seconds from the check until the earliest of the zone's own signatures expires (signed
/// zones only), and until its registration does (when the registry was asked and said).
fn expiries(out: &mut impl Write, zones: &[Zone]) -> io::Result<()> {
    family(
        out,
        "dns_check_signature_expiry_seconds",
        "Seconds from the check until the earliest expiry of the zone's own signatures seen (signed zones only).",
        Some("seconds"),
    )?;
    for z in zones {
        if let Some(left) = z.round.and_then(|r| earliest_signature(&r.facts)) {
            sample(
                out,
                "dns_check_signature_expiry_seconds",
                &[("zone", &z.name)],
                left,
            )?;
        }
    }
    family(
        out,
        "dns_check_registration_expiry_seconds",
        "Seconds from the check until the domain's registration expires, as its registry (RDAP) says.",
        Some("seconds"),
    )?;
    for z in zones {
        let Some(round) = z.round else { continue };
        if let Some(crate::rdap::Lookup::Found(reg)) = &round.facts.registration
            && let Some(at) = reg.expires_at
        {
            let left = at - round.facts.checked_at as i64;
            sample(
                out,
                "dns_check_registration_expiry_seconds",
                &[("zone", &z.name)],
                left,
            )?;
        }
    }
    Ok(())
}

/// The seconds between the check and the earliest expiration of a signature made by the zone
/// (its signer name), over every answer the check was given; negative when one had expired.
fn earliest_signature(f: &Facts) -> Option<i64> {
    let zone = f.zone.as_ref()?;
    let now = f.checked_at as u32;
    f.probes()
        .filter_map(|p| p.message())
        .flat_map(|m| m.answers.iter().chain(&m.authorities))
        .filter(|r| r.record_type() == RecordType::RRSIG)
        .filter_map(|r| crate::check::validate::rrsig_of(&r.data))
        .filter(|sig| sig.input().signer_name == *zone)
        .map(|sig| i64::from(sig.input().sig_expiration.get().wrapping_sub(now) as i32))
        .min()
}

fn family(out: &mut impl Write, name: &str, help: &str, unit: Option<&str>) -> io::Result<()> {
    writeln!(out, "# TYPE {name} gauge")?;
    if let Some(unit) = unit {
        writeln!(out, "# UNIT {name} {unit}")?;
    }
    writeln!(out, "# HELP {name} {help}")
}

fn sample(
    out: &mut impl Write,
    name: &str,
    labels: &[(&str, &str)],
    value: impl std::fmt::Display,
) -> io::Result<()> {
    let labels: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    match labels.is_empty() {
        true => writeln!(out, "{name} {value}"),
        false => writeln!(out, "{name}{{{}}} {value}", labels.join(",")),
    }
}

/// A label value as OpenMetrics writes it: backslash, double quote and line feed escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_values_are_escaped() {
        assert_eq!(super::escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let mut out = Vec::new();
        super::sample(&mut out, "m", &[("zone", "x\"y.")], 1).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "m{zone=\"x\\\"y.\"} 1\n");
    }
}
