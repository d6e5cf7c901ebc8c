//! A zone's plan as a readable diff, and as JSON carrying the checksum.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Style;
use crate::plan::{Change, CheckChange, Plan, VpcChange, ZonePlan, describe_check, safety};

/// A VPC association change in words.
fn describe_vpc(change: &VpcChange) -> (&'static str, String) {
    match change {
        VpcChange::Associate(v) => ("+", format!("VPC {} ({})", v.id, v.region)),
        VpcChange::Disassociate(v) => ("-", format!("VPC {} ({})", v.id, v.region)),
    }
}
use crate::zone::wire::presentation;
use crate::zone::{RData, RecordSet, name};

fn owner(plan: &Plan, change: &Change) -> String {
    let rel = name::relative(&change.key().name, &plan.origin);
    if rel.is_empty() { "@".to_string() } else { rel }
}

/// The values of a set, one per line, and a routed set's routing on a line of its own.
fn describe(set: &RecordSet) -> Vec<String> {
    let mut lines = describe_data(set);
    if let Some(r) = &set.routing {
        lines.push(format!(
            "({}{})",
            r.policy,
            r.health_check
                .as_ref()
                .map(|h| format!(", health check {h}"))
                .unwrap_or_default()
        ));
    }
    lines
}

fn describe_data(set: &RecordSet) -> Vec<String> {
    match &set.data {
        RData::Alias(a) => vec![format!(
            "ALIAS {}{}{}",
            a.target.to_ascii(),
            a.hosted_zone_id
                .as_deref()
                .map(|z| format!(" (zone {z})"))
                .unwrap_or_default(),
            if a.evaluate_target_health {
                " evaluate-target-health"
            } else {
                ""
            }
        )],
        data => presentation(data)
            .into_iter()
            .map(|v| format!("{:>6} {v}", set.ttl.unwrap_or_default()))
            .collect(),
    }
}

/// "record sets N to create, N to update, N to delete (N live)", then the health checks' and the
/// VPC associations' when there are any: every change counted once, so the parts add up to the
/// plan's total.
pub(super) fn counts(plan: &Plan) -> String {
    let mut text = format!(
        "record sets {} to create, {} to update, {} to delete ({} live)",
        plan.count("create"),
        plan.count("update"),
        plan.count("delete"),
        plan.existing
    );
    if !plan.checks.is_empty() {
        let (c, u, d) = plan.check_counts();
        text.push_str(&format!(
            "; health checks {c} to create, {u} to update, {d} to delete"
        ));
    }
    if !plan.vpcs.is_empty() {
        let (a, d) = plan.vpc_counts();
        text.push_str(&format!("; VPCs {a} to associate, {d} to disassociate"));
    }
    text
}

pub fn render_text(out: &mut impl Write, zp: &ZonePlan, style: Style) -> io::Result<()> {
    let plan = &zp.plan;
    let id = zp.hosted_zone_id.as_deref().unwrap_or("new hosted zone");
    if plan.is_empty() {
        writeln!(
            out,
            "{} ({id}): {}",
            name::display(&plan.origin),
            style.ok("no changes")
        )?;
    } else {
        writeln!(
            out,
            "{} ({id}): {} change(s): {}",
            name::display(&plan.origin),
            plan.len(),
            counts(plan)
        )?;
    }
    render_changes(out, plan, style)?;
    render_checks_and_vpcs(out, plan, style)?;
    for key in &plan.ignored {
        writeln!(
            out,
            "  {}",
            style.dim(&format!(
                "left alone: {} {} (the zone file ignores it)",
                name::relative(&key.name, &plan.origin),
                key.rtype
            ))
        )?;
    }
    for u in &zp.unmanaged {
        writeln!(out, "  {}", style.dim(&format!("left alone: {u}")))?;
    }
    if !plan.is_empty() {
        if zp.requests > 1 {
            writeln!(
                out,
                "  applied in {} requests: Route 53 takes at most 1,000 records and 32,000 characters per request; each request keeps every name whole, so the zone stays valid between them",
                zp.requests
            )?;
        }
        writeln!(out, "  checksum {}", plan.checksum())?;
    }
    Ok(())
}

/// The record set changes, a name and type (and set) per change, aligned.
fn render_changes(out: &mut impl Write, plan: &Plan, style: Style) -> io::Result<()> {
    let width = plan
        .changes
        .iter()
        .map(|c| owner(plan, c).len())
        .max()
        .unwrap_or(0);
    let label_width = plan
        .changes
        .iter()
        .map(|c| c.key().set_label().len())
        .max()
        .unwrap_or(0);
    for change in &plan.changes {
        let who = format!(
            "{:width$} {:5}{:label_width$}",
            owner(plan, change),
            change.key().rtype.as_str(),
            change.key().set_label()
        );
        match change {
            Change::Create { new, .. } => {
                render_set(out, &who, new, ("+", |t| style.ok(t)), style)?
            }
            Change::Delete { old, .. } => {
                render_set(out, &who, old, ("-", |t| style.error(t)), style)?
            }
            Change::Update { old, new, .. } => {
                writeln!(out, "  {}", style.warning(format!("~ {who}").trim_end()))?;
                let (old_v, new_v) = (describe(old), describe(new));
                for v in old_v.iter().filter(|v| !new_v.contains(v)) {
                    writeln!(out, "  {}", style.error(&format!("    - {v}")))?;
                }
                for v in new_v.iter().filter(|v| !old_v.contains(v)) {
                    writeln!(out, "  {}", style.ok(&format!("    + {v}")))?;
                }
            }
        }
    }
    Ok(())
}

/// A created or deleted set: its values each on a line with the sign, then a routed set's
/// routing on a line without one (it is no value that comes or goes).
fn render_set(
    out: &mut impl Write,
    who: &str,
    set: &RecordSet,
    (sign, paint): (&str, impl Fn(&str) -> String),
    style: Style,
) -> io::Result<()> {
    let values = describe_data(set);
    let pad = " ".repeat(who.len());
    for (i, v) in values.iter().enumerate() {
        let lead = if i == 0 { who } else { &pad };
        writeln!(out, "  {}", paint(&format!("{sign} {lead} {v}")))?;
    }
    if let Some(routing) = describe(set).get(values.len()) {
        writeln!(out, "  {}", style.dim(&format!("  {pad} {routing}")))?;
    }
    Ok(())
}

/// The plan's health check and VPC association lines, after the record sets'.
fn render_checks_and_vpcs(out: &mut impl Write, plan: &Plan, style: Style) -> io::Result<()> {
    for change in &plan.checks {
        let line = |sign: &str, c| {
            format!(
                "{sign} health check {} {}",
                change.name(),
                describe_check(c)
            )
        };
        match change {
            CheckChange::Create { new, .. } => writeln!(out, "  {}", style.ok(&line("+", new)))?,
            CheckChange::Delete { old, .. } => writeln!(out, "  {}", style.error(&line("-", old)))?,
            CheckChange::Update { old, new, .. } => {
                writeln!(
                    out,
                    "  {}",
                    style.warning(&format!("~ health check {}", change.name()))
                )?;
                writeln!(
                    out,
                    "  {}",
                    style.error(&format!("    - {}", describe_check(old)))
                )?;
                writeln!(
                    out,
                    "  {}",
                    style.ok(&format!("    + {}", describe_check(new)))
                )?;
            }
        }
    }
    for change in &plan.vpcs {
        let (sign, text) = describe_vpc(change);
        let line = format!("{sign} private zone {text}");
        writeln!(
            out,
            "  {}",
            if sign == "+" {
                style.ok(&line)
            } else {
                style.error(&line)
            }
        )?;
    }
    Ok(())
}

/// A zone's plan as `dns plan --json` writes it: the plan's own form, with what the provider
/// knows and the checksum.
pub fn to_json(zp: &ZonePlan) -> Value {
    let mut doc = serde_json::to_value(&zp.plan).unwrap_or_else(|_| json!({}));
    if let Some(map) = doc.as_object_mut() {
        map.insert("hosted_zone_id".into(), json!(zp.hosted_zone_id));
        map.insert("unmanaged".into(), json!(zp.unmanaged));
        map.insert("requests".into(), json!(zp.requests));
        map.insert("checksum".into(), json!(zp.plan.checksum()));
    }
    doc
}

/// Text for a Markdown table cell: `|` and line breaks escaped, the rest as it is.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('`', "\\`")
}

/// A zone's plan for a pull-request comment: a heading with the counts, the safety verdict, a
/// table of the changes (values before and after), what is left alone, and the checksum that
/// `dns sync --plan-checksum` takes.
pub fn render_markdown(out: &mut impl Write, zp: &ZonePlan) -> io::Result<()> {
    let plan = &zp.plan;
    let id = zp.hosted_zone_id.as_deref().unwrap_or("new hosted zone");
    writeln!(out, "### `{}` ({id})", plan.origin.to_ascii())?;
    writeln!(out)?;
    if plan.is_empty() {
        writeln!(out, "No changes.")?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "**{} change(s)**: {}.", plan.len(), counts(plan))?;
    writeln!(out)?;
    match safety::check(plan, zp.limit) {
        Ok(()) => writeln!(
            out,
            "Safety: within the threshold ({}% of the live record sets may be updated or deleted).",
            zp.limit
        )?,
        Err(e) => writeln!(
            out,
            "**Safety: REFUSED** — {e}. `dns sync` will not apply it without `--force`."
        )?,
    }
    writeln!(out)?;
    markdown_rows(out, plan)?;
    writeln!(out)?;
    let left: Vec<String> = left_alone(zp)
        .iter()
        .map(|(what, why)| format!("`{}`{why}", cell(what)))
        .collect();
    if !left.is_empty() {
        writeln!(out, "Left alone: {}.", left.join(", "))?;
        writeln!(out)?;
    }
    writeln!(out, "Checksum: `{}`", plan.checksum())?;
    writeln!(out)?;
    Ok(())
}

/// What the plan leaves alone, each with why: the sets the zone file ignores ("NAME TYPE"),
/// then what dns does not manage.
pub(super) fn left_alone(zp: &ZonePlan) -> Vec<(String, &'static str)> {
    let plan = &zp.plan;
    plan.ignored
        .iter()
        .map(|k| {
            let set = format!("{} {}", name::relative(&k.name, &plan.origin), k.rtype);
            (set, " (the zone file ignores it)")
        })
        .chain(zp.unmanaged.iter().map(|u| (u.clone(), "")))
        .collect()
}

/// One row of a plan's table: `+`, `~` or `−`; the owner (relative; empty for a VPC); what
/// changes (a type and set label, "private zone VPC", "health check"); the values before and
/// after, a line each.
pub(super) struct Row {
    pub mark: &'static str,
    pub name: String,
    pub what: String,
    pub old: Vec<String>,
    pub new: Vec<String>,
}

/// The plan's rows: a row per record set, VPC and health check change.
pub(super) fn rows(plan: &Plan) -> Vec<Row> {
    let mut rows = Vec::with_capacity(plan.changes.len());
    let mut row = |mark, name, what, (old, new)| {
        rows.push(Row {
            mark,
            name,
            what,
            old,
            new,
        })
    };
    for change in &plan.changes {
        let (mark, sides) = match change {
            Change::Create { new, .. } => ("+", (vec![], describe(new))),
            Change::Delete { old, .. } => ("−", (describe(old), vec![])),
            Change::Update { old, new, .. } => ("~", (describe(old), describe(new))),
        };
        let key = change.key();
        let what = format!("{}{}", key.rtype.as_str(), key.set_label());
        row(mark, owner(plan, change), what, sides);
    }
    for c in &plan.vpcs {
        let (sign, text) = describe_vpc(c);
        let (mark, sides) = match sign {
            "+" => ("+", (vec![], vec![text])),
            _ => ("−", (vec![text], vec![])),
        };
        row(mark, String::new(), "private zone VPC".into(), sides);
    }
    for c in &plan.checks {
        let (mark, sides) = match c {
            CheckChange::Create { new, .. } => ("+", (vec![], vec![describe_check(new)])),
            CheckChange::Update { old, new, .. } => {
                ("~", (vec![describe_check(old)], vec![describe_check(new)]))
            }
            CheckChange::Delete { old, .. } => ("−", (vec![describe_check(old)], vec![])),
        };
        row(mark, c.name().to_string(), "health check".into(), sides);
    }
    rows
}

/// The plan's table in Markdown.
fn markdown_rows(out: &mut impl Write, plan: &Plan) -> io::Result<()> {
    writeln!(out, "| | name | type | before | after |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    // Each value in code, a line each; nothing for an empty side.
    let code = |v: &[String]| {
        v.iter()
            .map(|s| format!("`{}`", cell(s.trim())))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    for row in rows(plan) {
        let name = match row.name.is_empty() {
            true => String::new(),
            false => format!("`{}`", cell(&row.name)),
        };
        writeln!(
            out,
            "| {} | {name} | {} | {} | {} |",
            row.mark,
            cell(&row.what),
            code(&row.old),
            code(&row.new)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::zone::load::load_str;

    fn zone(text: &str) -> crate::zone::Zone {
        let loaded = load_str(Path::new("example.com.yaml"), text);
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        loaded.zone
    }

    /// A deleted routed set's routing line carries no `-` (it is no value that goes), no line
    /// ends in spaces, and the header's parts add up to its total.
    #[test]
    fn the_text_plan_of_routed_sets_has_no_stray_signs_nor_trailing_spaces() {
        let live = zone(
            "www:\n  - {type: A, set_id: blue, weight: 90, ttl: 60, value: 192.0.2.1}\n  - {type: A, set_id: green, weight: 10, ttl: 60, value: 192.0.2.2}\napi: {type: A, ttl: 60, value: 192.0.2.3}\n",
        );
        let file = zone(
            "www:\n  - {type: A, set_id: blue, weight: 90, ttl: 60, value: 192.0.2.1}\napi: {type: A, ttl: 60, value: 192.0.2.4}\n",
        );
        let zp = ZonePlan {
            plan: crate::plan::diff(&file, &live),
            hosted_zone_id: Some("Z1".into()),
            unmanaged: vec![],
            requests: 1,
            limit: 100,
        };
        let mut out = Vec::new();
        render_text(&mut out, &zp, Style::plain()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("2 change(s): record sets 0 to create, 1 to update, 1 to delete"),
            "{text}"
        );
        for line in text.lines() {
            assert_eq!(line, line.trim_end(), "trailing spaces: {line:?}\n{text}");
        }
        let routing: Vec<&str> = text.lines().filter(|l| l.contains("(weight 10")).collect();
        assert_eq!(routing.len(), 1, "{text}");
        assert!(!routing[0].trim_start().starts_with('-'), "{text}");
        assert!(
            text.contains(
                "  - www A     [green]     60 192.0.2.2\n                      (weight 10)\n"
            ),
            "{text}"
        );
    }
}
