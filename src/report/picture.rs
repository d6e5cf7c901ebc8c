//! `--format svg`: one check's walk as a picture. A band per level of the delegation, the root
//! first; in each, a box per server address (its name and address as SVG text, searchable and
//! copyable), filled by the worst finding that names it and labelled with its code; between the
//! bands, the referral that led down, as an arrow labelled with the child zone. Below, every
//! finding that names no server drawn (the zone's own, the expected servers', the caches').
//! Laid out here, in Rust, on a grid (no Graphviz at run time): boxes never overlap, and a level
//! of forty servers wraps onto rows. The DNSSEC chain (DS → DNSKEY → signed sets) is not drawn
//! yet.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::check::run::Round;
use crate::severity::Severity;
use crate::walk::Level;

const MARGIN: f64 = 16.0;
const LABEL_W: f64 = 170.0;
const BOX_W: f64 = 230.0;
const BOX_H: f64 = 60.0;
const GAP: f64 = 14.0;
const PER_ROW: usize = 5;
const ARROW_H: f64 = 46.0;
const LINE_H: f64 = 18.0;

/// What the findings say of one server: the worst severity and its code, and every code.
#[derive(Default)]
struct Said {
    health: Health,
    worst: String,
    codes: Vec<String>,
}

/// What a box is filled by: the worst finding naming the server, or none.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Health {
    #[default]
    Ok,
    Warning,
    Error,
}

impl Health {
    fn class(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Warning => "warning",
            Health::Error => "error",
        }
    }
}

/// `dns check NAME --format svg`.
pub fn render_svg(out: &mut impl Write, round: &Round) -> io::Result<()> {
    let f = &round.facts;
    let drawn: std::collections::BTreeSet<String> = f
        .walk
        .levels
        .iter()
        .flat_map(boxes_of)
        .map(|(name, addr)| format!("{name} ({addr})"))
        .collect();
    let (worst, unplaced) = worst_per_server(round, &drawn);
    let mut body = String::new();
    let mut y = MARGIN + 30.0;
    let mut widest = 0usize;
    let levels = &f.walk.levels;
    for (i, level) in levels.iter().enumerate() {
        let drawn = band(&mut body, level, y, &worst);
        widest = widest.max(drawn.min(PER_ROW));
        y += drawn.div_ceil(PER_ROW).max(1) as f64 * (BOX_H + GAP) - GAP;
        if let Some(next) = levels.get(i + 1) {
            let x = MARGIN + LABEL_W + BOX_W / 2.0;
            let _ = writeln!(
                body,
                r#"<line class="referral" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" marker-end="url(#arrow)"/><text class="referral" x="{:.1}" y="{:.1}">referral to {}</text>"#,
                y + 4.0,
                y + ARROW_H - 6.0,
                x + 12.0,
                y + ARROW_H / 2.0 + 4.0,
                xml(&next.zone.to_ascii())
            );
            y += ARROW_H;
        }
    }
    y += GAP * 2.0;
    for line in &unplaced {
        let _ = writeln!(
            body,
            r#"<text class="finding" x="{MARGIN}" y="{y:.1}">{}</text>"#,
            xml(line)
        );
        y += LINE_H;
    }
    let width = MARGIN * 2.0 + LABEL_W + widest.max(1) as f64 * (BOX_W + GAP);
    let title = format!(
        "{}: {} finding(s)",
        f.qname.to_ascii(),
        round.findings.len()
    );
    head(out, width, y + MARGIN, &title)?;
    out.write_all(body.as_bytes())?;
    writeln!(out, "</svg>")
}

/// Each server as findings name it ("name (address)") with its worst finding; and the findings
/// that name no server of the picture, as lines (none is left out).
fn worst_per_server<'r>(
    round: &'r Round,
    drawn: &std::collections::BTreeSet<String>,
) -> (BTreeMap<&'r str, Said>, Vec<String>) {
    let mut worst: BTreeMap<&str, Said> = BTreeMap::new();
    let mut unplaced: Vec<String> = Vec::new();
    for finding in &round.findings {
        let health = match finding.severity {
            Severity::Error => Health::Error,
            Severity::Warning => Health::Warning,
        };
        for s in &finding.servers {
            let said = worst.entry(s.as_str()).or_default();
            if health > said.health {
                said.health = health;
                said.worst = finding.code.to_string();
            }
            said.codes.push(finding.code.to_string());
        }
        if !finding.servers.iter().any(|s| drawn.contains(s)) {
            unplaced.push(format!("{} {}", finding.severity.as_str(), finding.code));
        }
    }
    (worst, unplaced)
}

/// One level's band from `y`: its name, and a box per server address, five to a row; gives
/// the number of boxes drawn.
fn band(body: &mut String, level: &Level, y: f64, worst: &BTreeMap<&str, Said>) -> usize {
    let boxes = boxes_of(level);
    let zone = match level.zone.is_root() {
        true => ". (the root)".to_string(),
        false => level.zone.to_ascii(),
    };
    let _ = writeln!(
        body,
        r#"<text class="level" x="{MARGIN}" y="{:.1}">{}</text>"#,
        y + BOX_H / 2.0 + 5.0,
        xml(&zone)
    );
    for (k, (name, addr)) in boxes.iter().enumerate() {
        let x = MARGIN + LABEL_W + (k % PER_ROW) as f64 * (BOX_W + GAP);
        let top = y + (k / PER_ROW) as f64 * (BOX_H + GAP);
        let who = format!("{name} ({addr})");
        let said = worst.get(who.as_str());
        let health = said.map_or(Health::Ok, |s| s.health);
        // The worst finding's code on the box ("+2": two more name it); every code in its
        // tooltip.
        let (code, all) = match said {
            Some(s) if s.codes.len() > 1 => (
                format!("{} +{}", s.worst, s.codes.len() - 1),
                s.codes.join(", "),
            ),
            Some(s) => (s.worst.clone(), s.worst.clone()),
            None => (String::new(), String::new()),
        };
        let _ = writeln!(
            body,
            r#"<g class="server {class}">{}<rect class="server {class}" x="{x:.1}" y="{top:.1}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text x="{:.1}" y="{:.1}">{}</text><text class="addr" x="{:.1}" y="{:.1}">{}</text><text class="code" x="{:.1}" y="{:.1}">{}</text></g>"#,
            match all.is_empty() {
                true => String::new(),
                false => format!("<title>{}</title>", xml(&all)),
            },
            x + 10.0,
            top + 18.0,
            xml(name),
            x + 10.0,
            top + 35.0,
            xml(if addr.is_empty() { "no address" } else { addr }),
            x + 10.0,
            top + 52.0,
            xml(&code),
            class = health.class(),
        );
    }
    boxes.len()
}

/// A level's boxes: (server name, address), one per address (an empty address for a server
/// whose address was not found).
fn boxes_of(level: &Level) -> Vec<(String, String)> {
    level
        .servers
        .iter()
        .flat_map(|s| {
            let name = s.name.to_ascii();
            let addrs: Vec<String> = match s.addrs.is_empty() {
                true => vec![String::new()],
                false => s.addrs.iter().map(ToString::to_string).collect(),
            };
            addrs.into_iter().map(move |a| (name.clone(), a))
        })
        .collect()
}

/// The document's start: its size, title, style, the arrow's marker and the heading.
fn head(out: &mut impl Write, width: f64, height: f64, title: &str) -> io::Result<()> {
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="13">"#
    )?;
    writeln!(out, "<title>dns check {}</title>", xml(title))?;
    writeln!(
        out,
        "<style>rect.server{{stroke-width:1.5}} rect.ok{{fill:#d5f0dc;stroke:#1e8449}} rect.warning{{fill:#fdebc8;stroke:#b9770e}} rect.error{{fill:#f8d0d0;stroke:#c0392b}} text.level{{font-weight:bold}} text.addr{{fill:#444;font-family:monospace}} text.code{{fill:#7b241c;font-size:12px}} line.referral{{stroke:#555;stroke-width:1.5}} text.referral{{fill:#555;font-style:italic}} text.finding{{fill:#c0392b}}</style>"
    )?;
    writeln!(
        out,
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>"##
    )?;
    writeln!(
        out,
        r#"<text x="{MARGIN}" y="{:.1}" font-size="15" font-weight="bold">{}</text>"#,
        MARGIN + 10.0,
        xml(title)
    )
}

/// Text as XML character data or an attribute value: the five special characters escaped, and
/// control characters (which XML 1.0 cannot carry) shown as `\u{…}`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            super::xml("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\\u{1}"
        );
    }
}
