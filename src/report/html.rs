//! `--format html`: one self-contained page for a CI artifact or a mail — the summary of every
//! zone (state, worst finding, next step; sortable by any column, filtered by state), then each
//! zone: the state of its move and the next step, the registration line, its picture (the same
//! SVG as `--format svg`, inline), its findings with their fixes. Everything is in the file:
//! CSS, SVG and the few lines of script inline, and the page's Content-Security-Policy forbids
//! fetching anything at all, so opening it sends nothing anywhere.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use super::zones::{STATES, Zone, state};
use crate::check::many::ZoneOutcome;
use crate::check::run::Round;
use crate::severity::Severity;

/// Nothing may be fetched: styles and scripts only inline, images only as data.
const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#1b1b1b;max-width:1500px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 6px;padding-top:12px;border-top:1px solid #ccc}
p.run{color:#555;margin:0 0 14px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 9px;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{cursor:pointer;user-select:none;background:#f4f4f4}th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}
td.state,span.state{font-weight:600;white-space:nowrap}.ok{color:#1e8449}.warnings{color:#9a6200}.errors,.not_reached,.not_checked{color:#b03a2e}
.filter{margin:8px 0}code{font-family:ui-monospace,monospace;font-size:90%}
.picture{overflow-x:auto;border:1px solid #e3e3e3;padding:6px;margin:10px 0;background:#fff}.picture svg{max-width:100%;height:auto}
ul.findings{padding-left:18px}ul.findings li{margin:6px 0}li.error b{color:#b03a2e}li.warning b{color:#9a6200}
.fix{color:#333}.next{font-weight:600}.muted{color:#666}";

/// Sorting by a column (text, or the state's order) and filtering by state; nothing else. A
/// link may carry both: `report.html#state=errors&sort=2`.
const SCRIPT: &str = "(function(){
var t=document.getElementById('summary');if(!t)return;var b=t.tBodies[0];
var ths=t.tHead.rows[0].cells;
for(var i=0;i<ths.length;i++){(function(i){ths[i].addEventListener('click',function(){
var asc=ths[i].getAttribute('aria-sort')!=='ascending';
for(var j=0;j<ths.length;j++)ths[j].removeAttribute('aria-sort');
ths[i].setAttribute('aria-sort',asc?'ascending':'descending');
var rows=Array.prototype.slice.call(b.rows);
rows.sort(function(x,y){var a=x.cells[i].getAttribute('data-key')||x.cells[i].textContent,c=y.cells[i].getAttribute('data-key')||y.cells[i].textContent;
return (asc?1:-1)*a.localeCompare(c,undefined,{numeric:true});});
rows.forEach(function(r){b.appendChild(r);});});})(i);}
var f=document.getElementById('state');f.addEventListener('change',function(){
var v=f.value;Array.prototype.forEach.call(document.querySelectorAll('[data-state]'),function(e){
e.hidden=v!==''&&e.getAttribute('data-state')!==v;});});
var h=location.hash.slice(1);if(h.indexOf('=')>0)h.split('&').forEach(function(kv){var p=kv.split('=');
if(p[0]==='state'){f.value=decodeURIComponent(p[1]);f.dispatchEvent(new Event('change'));}
if(p[0]==='sort'&&ths[+p[1]])ths[+p[1]].click();});
document.body.setAttribute('data-ready','yes');})();";

/// `dns check NAME --format html`.
pub fn render_round(out: &mut impl Write, round: &Round, exit_code: u8) -> io::Result<()> {
    render(out, &[Zone::of_round(round)], exit_code, None)
}

/// `dns check --format html` of many zones: the worst first (not checked, not reached, errors,
/// warnings, ok), by name within each state; a click on a column sorts otherwise.
pub fn render_run(
    out: &mut impl Write,
    outcomes: &[ZoneOutcome],
    exit_code: u8,
    took: Duration,
) -> io::Result<()> {
    let mut zones = Zone::of_run(outcomes);
    zones.sort_by(|a, b| b.state.cmp(&a.state).then_with(|| a.name.cmp(&b.name)));
    render(out, &zones, exit_code, Some(took))
}

fn render(
    out: &mut impl Write,
    zones: &[Zone],
    exit_code: u8,
    took: Option<Duration>,
) -> io::Result<()> {
    let mut page = String::with_capacity(64 * 1024);
    let title = match zones {
        [one] => format!("dns check {}", one.name),
        _ => format!("dns check: {} zones", zones.len()),
    };
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style></head>\n<body>\n<h1>{}</h1>\n",
        text(&title),
        text(&title)
    );
    run_line(&mut page, zones, exit_code, took);
    summary(&mut page, zones);
    for (i, zone) in zones.iter().enumerate() {
        section(&mut page, zone, i);
    }
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body></html>\n");
    out.write_all(page.as_bytes())
}

/// Under the title: when, how many zones in each state, the exit code.
fn run_line(page: &mut String, zones: &[Zone], exit_code: u8, took: Option<Duration>) {
    let when = zones
        .iter()
        .filter_map(|z| z.round)
        .map(|r| r.facts.checked_at)
        .max()
        .map(crate::clock::rfc3339)
        .unwrap_or_default();
    let counts: Vec<String> = STATES
        .iter()
        .filter_map(|(v, _, words)| {
            let n = zones.iter().filter(|z| z.state == *v).count();
            (n > 0).then(|| format!("{n} {words}"))
        })
        .collect();
    let when = match when.is_empty() {
        true => String::new(),
        false => format!(" {when}"),
    };
    let took = match took {
        Some(t) if t.as_secs() == 0 => format!(" in {} ms", t.as_millis()),
        Some(t) => format!(" in {:.1} s", t.as_secs_f64()),
        None => String::new(),
    };
    let _ = writeln!(
        page,
        "<p class=\"run\">checked{}{took}: {} zone(s), {}; exit code {exit_code}</p>",
        text(&when),
        zones.len(),
        counts.join(", ")
    );
}

/// The table of every zone: its state, worst finding and next step; a filter by state.
fn summary(page: &mut String, zones: &[Zone]) {
    page.push_str("<div class=\"filter\"><label>show <select id=\"state\"><option value=\"\">every state</option>");
    for (_, key, words) in STATES {
        let _ = write!(page, "<option value=\"{key}\">{words}</option>");
    }
    page.push_str("</select></label></div>\n<table id=\"summary\"><thead><tr><th>zone</th><th>state</th><th>worst finding</th><th>next step</th></tr></thead><tbody>\n");
    for (i, z) in zones.iter().enumerate() {
        let (key, words) = state(z.state);
        let worst = z
            .round
            .and_then(|r| {
                r.findings
                    .iter()
                    .min_by_key(|f| f.severity != Severity::Error)
            })
            .map_or(String::new(), |f| format!("<code>{}</code>", f.code));
        let next = match (z.round, &z.failed) {
            (Some(r), _) => r.moved().next,
            // The first diagnostic (file:line:column) or the error; the section says all.
            (None, Some(why)) => why.lines().next().unwrap_or_default().to_string(),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            page,
            "<tr data-state=\"{key}\"><td><a href=\"#zone-{i}\">{}</a></td><td class=\"state {key}\" data-key=\"{}\">{words}</td><td>{worst}</td><td>{}</td></tr>",
            text(&z.name),
            z.state as u8,
            text(&next)
        );
    }
    page.push_str("</tbody></table>\n");
}

/// One zone: its move's state and next step, the registration, the picture, the findings.
fn section(page: &mut String, zone: &Zone, i: usize) {
    let (key, words) = state(zone.state);
    let _ = writeln!(
        page,
        "<section id=\"zone-{i}\" data-state=\"{key}\"><h2>{} <span class=\"state {key}\">{words}</span></h2>",
        text(&zone.name)
    );
    let Some(round) = zone.round else {
        let why = zone.failed.as_deref().unwrap_or_default();
        let _ = writeln!(
            page,
            "<p>not checked:</p><pre>{}</pre></section>",
            text(why)
        );
        return;
    };
    let moved = round.moved();
    let _ = writeln!(
        page,
        "<p><b>state: {}</b> — {}</p><p class=\"next\">next: {}</p>",
        text(moved.state.words()),
        text(&moved.said),
        text(&moved.next)
    );
    for moment in &moved.timeline {
        let _ = writeln!(page, "<p class=\"muted\">{}</p>", text(&moment.line()));
    }
    if let Some(lookup) = &round.facts.registration {
        let line = super::check::registration_line(lookup, round.facts.checked_at);
        let _ = writeln!(page, "<p>{}</p>", text(&line));
    }
    if round.facts.zone.is_none() {
        let why = super::check::not_reached(&round.facts);
        let _ = writeln!(page, "<p>{}</p>", text(&why));
    }
    let _ = writeln!(
        page,
        "<div class=\"picture\">{}</div>",
        super::picture::svg(round, &format!("z{i}-"))
    );
    findings(page, round);
    page.push_str("</section>\n");
}

/// The findings, errors first, each with its fix.
fn findings(page: &mut String, round: &Round) {
    if round.findings.is_empty() {
        page.push_str("<p class=\"ok\">no findings</p>\n");
        return;
    }
    let _ = writeln!(
        page,
        "<h3>{} finding(s)</h3><ul class=\"findings\">",
        round.findings.len()
    );
    let mut sorted: Vec<_> = round.findings.iter().collect();
    sorted.sort_by_key(|f| f.severity != Severity::Error);
    for f in sorted {
        let sev = f.severity.as_str();
        let _ = writeln!(
            page,
            "<li class=\"{sev}\"><b>{sev} <code>{}</code></b>: {}<br><span class=\"fix\"><i>fix:</i> {}</span></li>",
            f.code,
            text(&f.message),
            text(&f.fix)
        );
    }
    page.push_str("</ul>\n");
}

/// Text for HTML: as XML's (the five special characters, control characters shown), line
/// breaks kept (a `<pre>` shows them).
fn text(s: &str) -> String {
    s.split('\n')
        .map(super::picture::xml)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `dns plan --format html`: the plans of a run on one self-contained page, as the Markdown
/// plan has them — per zone the counts, the safety verdict, a table of the changes (values
/// before and after), what is left alone and the checksum `dns sync --plan-checksum` takes.
pub fn render_plans(
    out: &mut impl Write,
    plans: &[&crate::plan::ZonePlan],
    who: &str,
    run_checksum: Option<&str>,
) -> io::Result<()> {
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>dns plan</title>\n<style>{STYLE}\ntr.create td{{background:#eefaf1}}tr.delete td{{background:#fdf0ef}}tr.update td{{background:#fff8e6}}</style></head>\n<body>\n<h1>dns plan</h1>\n<p class=\"run\">{}</p>\n",
        text(who)
    );
    for zp in plans {
        plan_section(&mut page, zp);
    }
    if let Some(sum) = run_checksum {
        let _ = writeln!(
            page,
            "<p>Run checksum (all zones): <code>{}</code></p>",
            text(sum)
        );
    }
    page.push_str("</body></html>\n");
    out.write_all(page.as_bytes())
}

/// One zone's plan.
fn plan_section(page: &mut String, zp: &crate::plan::ZonePlan) {
    let plan = &zp.plan;
    let id = zp.hosted_zone_id.as_deref().unwrap_or("new hosted zone");
    let _ = writeln!(
        page,
        "<section><h2><code>{}</code> <span class=\"muted\">({})</span></h2>",
        text(&plan.origin.to_ascii()),
        text(id)
    );
    if plan.is_empty() {
        page.push_str("<p class=\"ok\">No changes.</p></section>\n");
        return;
    }
    let _ = writeln!(
        page,
        "<p><b>{} change(s)</b>: {}.</p>",
        plan.len(),
        text(&super::plan::counts(plan))
    );
    let _ = match crate::plan::safety::check(plan, zp.limit) {
        Ok(()) => writeln!(
            page,
            "<p class=\"ok\">Safety: within the threshold ({}% of the live record sets may be updated or deleted).</p>",
            zp.limit
        ),
        Err(e) => writeln!(
            page,
            "<p class=\"errors\"><b>Safety: REFUSED</b> — {}. <code>dns sync</code> will not apply it without <code>--force</code>.</p>",
            text(&e.to_string())
        ),
    };
    page.push_str("<table><thead><tr><th></th><th>name</th><th>type</th><th>before</th><th>after</th></tr></thead><tbody>\n");
    let lines = |v: &[String]| {
        v.iter()
            .map(|s| format!("<code>{}</code>", text(s.trim())))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    for row in super::plan::rows(plan) {
        let class = match row.mark {
            "+" => "create",
            "~" => "update",
            _ => "delete",
        };
        let _ = writeln!(
            page,
            "<tr class=\"{class}\"><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            row.mark,
            text(&row.name),
            text(&row.what),
            lines(&row.old),
            lines(&row.new)
        );
    }
    page.push_str("</tbody></table>\n");
    let left = super::plan::left_alone(zp);
    if !left.is_empty() {
        let left: Vec<String> = left
            .iter()
            .map(|(what, why)| format!("<code>{}</code>{why}", text(what)))
            .collect();
        let _ = writeln!(page, "<p>Left alone: {}.</p>", left.join(", "));
    }
    let _ = writeln!(
        page,
        "<p>Checksum: <code>{}</code></p></section>",
        plan.checksum()
    );
}
