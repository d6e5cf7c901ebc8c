//! A zone's plan as a readable diff, and as JSON carrying the checksum.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Style;
use crate::plan::{Change, CheckChange, Plan, VpcChange, describe_check, safety};

/// A VPC association change in words.
fn describe_vpc(change: &VpcChange) -> (&'static str, String) {
    match change {
        VpcChange::Associate(v) => ("+", format!("VPC {} ({})", v.id, v.region)),
        VpcChange::Disassociate(v) => ("-", format!("VPC {} ({})", v.id, v.region)),
    }
}
use crate::zone::wire::presentation;
use crate::zone::{RData, RecordSet, name};

/// What `dns plan` knows about one zone.
#[derive(Debug, Clone)]
pub struct ZonePlan {
    pub plan: Plan,
    /// `None` when the hosted zone does not exist yet (`--create-zone`).
    pub hosted_zone_id: Option<String>,
    /// Live record sets dns leaves alone, with the reason.
    pub unmanaged: Vec<String>,
    /// Requests the changes take (Route 53's per-request limits).
    pub requests: usize,
    /// The zone's safety threshold (`max_change_percent`).
    pub limit: u8,
}

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

/// "N to create, N to update, N to delete (N record sets live)".
fn counts(plan: &Plan) -> String {
    let mut checks = String::new();
    if !plan.checks.is_empty() {
        checks.push_str(&format!("; {} health check change(s)", plan.checks.len()));
    }
    if !plan.vpcs.is_empty() {
        checks.push_str(&format!("; {} VPC association change(s)", plan.vpcs.len()));
    }
    format!(
        "{} to create, {} to update, {} to delete ({} record sets live){checks}",
        plan.count("create"),
        plan.count("update"),
        plan.count("delete"),
        plan.existing
    )
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
                for (i, v) in describe(new).iter().enumerate() {
                    let lead = if i == 0 {
                        who.clone()
                    } else {
                        " ".repeat(who.len())
                    };
                    writeln!(out, "  {}", style.ok(&format!("+ {lead} {v}")))?;
                }
            }
            Change::Delete { old, .. } => {
                for (i, v) in describe(old).iter().enumerate() {
                    let lead = if i == 0 {
                        who.clone()
                    } else {
                        " ".repeat(who.len())
                    };
                    writeln!(out, "  {}", style.error(&format!("- {lead} {v}")))?;
                }
            }
            Change::Update { old, new, .. } => {
                writeln!(out, "  {}", style.warning(&format!("~ {who}")))?;
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

fn set_json(set: &RecordSet) -> Value {
    let mut v = data_json(set);
    if let (Some(r), Some(map)) = (&set.routing, v.as_object_mut()) {
        map.insert(
            "routing".into(),
            json!({
                "policy": r.policy.to_string(),
                "health_check": r.health_check.as_ref().map(ToString::to_string),
            }),
        );
    }
    v
}

fn data_json(set: &RecordSet) -> Value {
    match &set.data {
        RData::Alias(a) => json!({
            "alias": {
                "target": a.target.to_ascii(),
                "hosted_zone_id": a.hosted_zone_id,
                "evaluate_target_health": a.evaluate_target_health,
            }
        }),
        data => json!({ "ttl": set.ttl, "values": presentation(data) }),
    }
}

pub fn to_json(zp: &ZonePlan) -> Value {
    let plan = &zp.plan;
    let changes: Vec<Value> = plan
        .changes
        .iter()
        .map(|c| {
            json!({
                "action": c.action(),
                "name": c.key().name.to_ascii(),
                "type": c.key().rtype.as_str(),
                "set_id": c.key().set_id,
                "old": c.old().map(set_json),
                "new": c.new_set().map(set_json),
            })
        })
        .collect();
    let checks: Vec<Value> = plan
        .checks
        .iter()
        .map(|c| {
            let (old, new) = match c {
                CheckChange::Create { new, .. } => (None, Some(new)),
                CheckChange::Update { old, new, .. } => (Some(old), Some(new)),
                CheckChange::Delete { old, .. } => (Some(old), None),
            };
            json!({
                "action": c.action(),
                "name": c.name(),
                "old": old.map(describe_check),
                "new": new.map(describe_check),
            })
        })
        .collect();
    json!({
        "zone": plan.origin.to_ascii(),
        "hosted_zone_id": zp.hosted_zone_id,
        "changes": changes,
        "health_checks": checks,
        "vpcs": plan.vpcs.iter().map(|c| {
            let (sign, _) = describe_vpc(c);
            let v = match c { VpcChange::Associate(v) | VpcChange::Disassociate(v) => v };
            json!({"action": if sign == "+" { "associate" } else { "disassociate" }, "vpc": v.id, "region": v.region})
        }).collect::<Vec<_>>(),
        "counts": { "create": plan.count("create"), "update": plan.count("update"), "delete": plan.count("delete") },
        "existing_record_sets": plan.existing,
        "ignored": plan.ignored.iter().map(|k| format!("{} {}", k.name.to_ascii(), k.rtype)).collect::<Vec<_>>(),
        "unmanaged": zp.unmanaged,
        "requests": zp.requests,
        "checksum": plan.checksum(),
    })
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
    writeln!(out, "| | name | type | before | after |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for change in &plan.changes {
        let (mark, old, new) = match change {
            Change::Create { new, .. } => ("+", vec![], describe(new)),
            Change::Delete { old, .. } => ("−", describe(old), vec![]),
            Change::Update { old, new, .. } => ("~", describe(old), describe(new)),
        };
        let join = |v: Vec<String>| {
            v.iter()
                .map(|s| format!("`{}`", cell(s.trim())))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        writeln!(
            out,
            "| {mark} | `{}` | {}{} | {} | {} |",
            cell(&owner(plan, change)),
            change.key().rtype.as_str(),
            cell(&change.key().set_label()),
            join(old),
            join(new)
        )?;
    }
    for c in &plan.vpcs {
        let (sign, text) = describe_vpc(c);
        let (mark, old, new) = if sign == "+" {
            ("+", String::new(), format!("`{}`", cell(&text)))
        } else {
            ("−", format!("`{}`", cell(&text)), String::new())
        };
        writeln!(out, "| {mark} | | private zone VPC | {old} | {new} |")?;
    }
    for c in &plan.checks {
        let (mark, old, new) = match c {
            CheckChange::Create { new, .. } => ("+", String::new(), describe_check(new)),
            CheckChange::Update { old, new, .. } => ("~", describe_check(old), describe_check(new)),
            CheckChange::Delete { old, .. } => ("−", describe_check(old), String::new()),
        };
        let code = |t: String| {
            if t.is_empty() {
                t
            } else {
                format!("`{}`", cell(&t))
            }
        };
        writeln!(
            out,
            "| {mark} | `{}` | health check | {} | {} |",
            cell(c.name()),
            code(old),
            code(new)
        )?;
    }
    writeln!(out)?;
    let left: Vec<String> = plan
        .ignored
        .iter()
        .map(|k| {
            format!(
                "`{} {}` (the zone file ignores it)",
                cell(&name::relative(&k.name, &plan.origin)),
                k.rtype
            )
        })
        .chain(zp.unmanaged.iter().map(|u| format!("`{}`", cell(u))))
        .collect();
    if !left.is_empty() {
        writeln!(out, "Left alone: {}.", left.join(", "))?;
        writeln!(out)?;
    }
    writeln!(out, "Checksum: `{}`", plan.checksum())?;
    writeln!(out)?;
    Ok(())
}
