//! `dns check` of many zones: one line per zone (its verdict and first finding), the servers that
//! limited the rate said once, then the report of each zone that has something to say
//! (`--summary`: not those); as JSON, one object with the summary, the run's exit code, the
//! servers that limited the rate and the zones' documents (those of `dns check NAME`, with
//! `exit_code`; a zone that could not be checked as its name, error and exit code).

use std::io::{self, Write};

use serde::Serialize;

use crate::walk::polite::Limiting;

use super::Style;
use super::check::{RoundDoc, not_reached, render_round};
use crate::check::codes::Severity;
use crate::check::many::{Verdict, ZoneOutcome};
use crate::escape::escape;

/// A run of many zones: one line per zone (its verdict and first finding), then the report of
/// each zone that has something to say. As JSON, an array of the zones' documents (those of
/// `dns check NAME`, with `exit_code`), a zone that could not be checked as its name, error and
/// exit code.
/// A run of many zones as the report shows it.
pub struct Ran<'a> {
    pub outcomes: &'a [ZoneOutcome],
    /// The servers that limited the rate of the run's questions.
    pub limiting: &'a [Limiting],
    /// `--shard I/N`, when the run is one share.
    pub shard: Option<(usize, usize)>,
    /// `--summary`: the table alone, without each zone's report.
    pub summary: bool,
    /// The terminal's width, when stdout is one: each line is fitted to it.
    pub columns: Option<usize>,
}

pub fn render_many(out: &mut impl Write, run: &Ran, json: bool, style: Style) -> io::Result<()> {
    let (outcomes, shard) = (run.outcomes, run.shard);
    if json {
        return render_many_json(out, run);
    }
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict() == v).count();
    let mut parts = vec![format!("{} ok", count(Verdict::Ok))];
    for (v, what) in [
        (Verdict::Warnings, "with warnings"),
        (Verdict::Errors, "with errors"),
        (Verdict::Unreached, "not reached"),
        (Verdict::Failed, "not checked"),
    ] {
        if count(v) > 0 {
            parts.push(format!("{} {what}", count(v)));
        }
    }
    // A share of a larger run says which one it is.
    let share = shard
        .map(|(i, n)| format!(" (share {i} of {n}, --shard {i}/{n})"))
        .unwrap_or_default();
    writeln!(
        out,
        ";; {} zone(s){share}: {}",
        outcomes.len(),
        parts.join(", ")
    )?;
    let width = outcomes
        .iter()
        .map(|o| o.name.to_ascii().len())
        .max()
        .unwrap_or(0);
    for o in outcomes {
        writeln!(
            out,
            "{}",
            summary_line(o, width, run.columns, style).trim_end()
        )?;
    }
    // A registry that could not be asked: said once for the run.
    let unread: Vec<&str> = outcomes
        .iter()
        .filter_map(
            |o| match o.round.as_ref().ok()?.facts.registration.as_ref()? {
                crate::rdap::Lookup::Unavailable { why } => Some(why.as_str()),
                _ => None,
            },
        )
        .collect();
    if let Some(first) = unread.first() {
        let note = format!(
            "registration: not read for {} zone(s) ({first})",
            unread.len()
        );
        writeln!(out, ";; {}", style.dim(&escape(&note)))?;
    }
    for l in run.limiting {
        writeln!(out, ";; {}", style.dim(&escape(&limited(l, outcomes))))?;
    }
    for o in outcomes.iter().filter(|_| !run.summary) {
        if o.verdict() == Verdict::Ok {
            continue;
        }
        writeln!(out, "\n== {} ==", o.name.to_ascii().trim_end_matches('.'))?;
        match &o.round {
            Ok(round) => render_round(out, round, false, style)?,
            Err(e) => writeln!(out, "not checked: {}", escape(&super::diag::error_text(e)))?,
        }
    }
    Ok(())
}

/// A server that limited the rate of the run's questions, said once for the run: what it did,
/// the rate the run slowed to, and the zones with questions it never answered.
fn limited(l: &Limiting, outcomes: &[ZoneOutcome]) -> String {
    let server = server_of(l, outcomes);
    let signs = [
        (l.slipped, "slipped (TC=1)"),
        (l.dropped, "dropped and given when asked again"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} answer(s) {what}"))
    .collect::<Vec<_>>()
    .join(", ");
    let rate = format!("the run slowed to {:.0} question(s) a second there", l.qps);
    if l.lost == 0 {
        return format!(
            "note: {server} limits the rate of questions ({signs}): {rate}, and every question was answered in the end"
        );
    }
    let zones = unjudged(l, outcomes);
    format!(
        "check.rate-limited: {server} stopped answering during the run ({}{} question(s) never answered, though asked again, slower, and over TCP: a rate limit, or a server that failed meanwhile): {rate}; not judged there: {} zone(s){}; run again with --max-qps {:.0} or fewer zones at once",
        if signs.is_empty() {
            String::new()
        } else {
            format!("{signs}; ")
        },
        l.lost,
        zones.len(),
        match zones.is_empty() {
            true => String::new(),
            false => format!(" ({})", crate::check::rules::first_few(&zones, 8)),
        },
        (l.qps / 2.0).max(1.0)
    )
}

/// The server at a limiting address, as the zones' probes name it: `name (address)`.
fn server_of(l: &Limiting, outcomes: &[ZoneOutcome]) -> String {
    outcomes
        .iter()
        .filter_map(|o| o.round.as_ref().ok())
        .find_map(|r| r.facts.probes().find(|p| p.addr == l.addr))
        .map(|p| p.who())
        .unwrap_or_else(|| l.addr.to_string())
}

/// The zones with questions the limiting address never answered (`check.rate-limited`).
fn unjudged(l: &Limiting, outcomes: &[ZoneOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| {
            o.round.as_ref().is_ok_and(|r| {
                r.findings.iter().any(|f| {
                    f.code == crate::check::codes::Code::CheckRateLimited
                        && f.message.contains(&format!("({})", l.addr))
                })
            })
        })
        .map(|o| o.name.to_ascii().trim_end_matches('.').to_string())
        .collect()
}

/// One zone's line in the summary: its name, verdict and first finding (errors first).
fn summary_line(o: &ZoneOutcome, width: usize, columns: Option<usize>, style: Style) -> String {
    let name = o.name.to_ascii();
    let name = name.trim_end_matches('.');
    let first = match &o.round {
        // The first diagnostic of a zone file that does not load, else the error.
        Err(e) => super::diag::error_text(e)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        Ok(r) if o.verdict() == Verdict::Unreached => not_reached(&r.facts),
        Ok(r) => r
            .findings
            .iter()
            .min_by_key(|f| f.severity != Severity::Error)
            .map(|f| format!("{}: {}", f.code, f.message))
            .unwrap_or_default(),
    };
    // The state in the words every report of a run uses (report/zones.rs).
    let label = format!("{:11}", super::zones::state(o.verdict()).1);
    let label = match o.verdict() {
        Verdict::Ok => style.ok(&label),
        Verdict::Warnings => style.warning(&label),
        Verdict::Errors | Verdict::Unreached | Verdict::Failed => style.error(&label),
    };
    // Cut to the terminal's width (160 characters when stdout is no terminal), and said to be
    // cut: the name, two spaces, the 11-character label, two spaces, then the finding.
    let room = columns.map_or(160, |c| c.saturating_sub(width + 15).max(20));
    format!("{name:width$}  {label}  {}", fit(&escape(&first), room))
}

/// `text` in at most `room` characters, ending in "…" when it was cut.
fn fit(text: &str, room: usize) -> String {
    if text.chars().count() > room {
        text.chars()
            .take(room.saturating_sub(1))
            .chain(['…'])
            .collect()
    } else {
        text.to_string()
    }
}

/// The run's summary as JSON, without the zones: what it is, the share, the counts by verdict,
/// the exit code and the servers that limited the rate.
fn run_head(run: &Ran) -> serde_json::Value {
    let outcomes = run.outcomes;
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict() == v).count();
    let limiting: Vec<serde_json::Value> = run
        .limiting
        .iter()
        .map(|l| {
            serde_json::json!({
                "server": server_of(l, outcomes),
                "address": l.addr.to_string(),
                "answered": l.answered,
                "slipped": l.slipped,
                "dropped": l.dropped,
                "not_answered": l.lost,
                "slowed_to_qps": (l.qps * 10.0).round() / 10.0,
                "not_judged": unjudged(l, outcomes),
            })
        })
        .collect();
    // The count of zones in each state, by the states' keys (report/zones.rs).
    let mut summary = serde_json::Map::new();
    summary.insert("zones".into(), outcomes.len().into());
    for (v, key, _) in super::zones::STATES {
        summary.insert(key.into(), count(v).into());
    }
    serde_json::json!({
        "format": "dns-check-run",
        "version": 1,
        "shard": run.shard.map(|(i, n)| serde_json::json!({"share": i, "of": n})),
        "summary": summary,
        "exit_code": crate::check::many::exit_code(outcomes),
        "rate_limited": limiting,
    })
}

/// `--json-lines`: the run's last line, its summary (the zones' lines came before).
pub fn run_line(run: &Ran) -> String {
    run_head(run).to_string()
}

/// `--json-lines`: one zone's document on one line, as soon as the zone is done.
pub fn zone_line(o: &ZoneOutcome) -> String {
    serde_json::to_string(&entry(o)).unwrap_or_default()
}

/// A zone in the run's JSON: its document (that of `dns check NAME --json`) with its exit code,
/// or its name, error and exit code when it could not be checked.
#[derive(Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Checked {
        exit_code: u8,
        #[serde(flatten)]
        doc: Box<RoundDoc<'a>>,
    },
    Failed {
        name: String,
        error: String,
        exit_code: u8,
    },
}

fn entry(o: &ZoneOutcome) -> Entry<'_> {
    match &o.round {
        Ok(round) => Entry::Checked {
            exit_code: o.exit_code(),
            doc: Box::new(RoundDoc::new(round)),
        },
        Err(e) => Entry::Failed {
            name: o.name.to_ascii(),
            error: super::diag::error_text(e),
            exit_code: o.exit_code(),
        },
    }
}

/// The run as one JSON object: what it is (`format`, `version`), the share, the summary by
/// verdict, the run's exit code, the servers that limited the rate, and each zone's document
/// (with its exit code), or its name, error and exit code when it could not be checked.
fn render_many_json(out: &mut impl Write, run: &Ran) -> io::Result<()> {
    let entries: Vec<Entry> = run.outcomes.iter().map(entry).collect();
    let mut doc = run_head(run);
    doc["zones"] = serde_json::to_value(&entries).unwrap_or_default();
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_fitted_to_its_room_and_said_to_be_cut() {
        assert_eq!(
            fit("delegation.missing: test.", 40),
            "delegation.missing: test."
        );
        assert_eq!(fit("delegation.missing: test.", 12), "delegation.…");
        assert_eq!(fit("é".repeat(30).as_str(), 10).chars().count(), 10);
    }
}
