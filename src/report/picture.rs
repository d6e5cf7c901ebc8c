//! `--format svg`: one check's walk as a picture. A band per level of the delegation, the root
//! first; in each, a box per server address (its name and address as SVG text, searchable and
//! copyable), filled by the worst finding that names it and labelled with its code; between the
//! bands, the referral that led down, as an arrow labelled with the child zone. When the check
//! was told which servers to expect and the parent delegates elsewhere, the expected servers
//! are a band of their own below the zone's. Then the chain of trust ([`crate::check::trust`]):
//! the parent's DS records → the keys they point at (KSK/ZSK, tag, algorithm) → the apex sets
//! each key signs, a broken link dashed and labelled with its finding's code. Last, every
//! finding that names no server drawn (the zone's own, the expected servers', the caches').
//! Laid out here, in Rust, on a grid (no Graphviz at run time): boxes never overlap, and a level
//! of forty servers wraps onto rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::check::codes::Code;
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
    out.write_all(svg(round, "").as_bytes())
}

/// The picture of one check as an SVG document; `id` makes its element ids its own (many
/// pictures in one HTML page).
pub fn svg(round: &Round, id: &str) -> String {
    let f = &round.facts;
    let drawn: std::collections::BTreeSet<String> = f
        .walk
        .levels
        .iter()
        .flat_map(boxes_of)
        .map(|(name, addr)| who(&name, &addr))
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
                r#"<line class="referral" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" marker-end="url(#{id}arrow)"/><text class="referral" x="{:.1}" y="{:.1}">referral to {}</text>"#,
                y + 4.0,
                y + ARROW_H - 6.0,
                x + 12.0,
                y + ARROW_H / 2.0 + 4.0,
                xml(&next.zone.to_ascii())
            );
            y += ARROW_H;
        }
    }
    let (bottom, expected) = expected_band(&mut body, f, y + GAP);
    y = bottom;
    widest = widest.max(expected.min(PER_ROW));
    let mut right = MARGIN + LABEL_W + widest.max(1) as f64 * (BOX_W + GAP);
    if let Some(chain) = crate::check::trust::chain(f) {
        let (bottom, edge) = chain_section(&mut body, round, &chain, y + GAP * 2.0, id);
        y = bottom;
        right = right.max(edge);
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
    let title = format!(
        "{}: {} finding(s)",
        f.qname.to_ascii(),
        round.findings.len()
    );
    let mut out = String::with_capacity(body.len() + 2048);
    head(&mut out, right + MARGIN, y + MARGIN, &title, id);
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
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
        let who = who(name, addr);
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

/// A server as findings name it (`Probe::who`): `name (address)`, or `name (no address)`.
fn who(name: &str, addr: &str) -> String {
    match addr.is_empty() {
        true => format!("{name} (no address)"),
        false => format!("{name} ({addr})"),
    }
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
fn head(out: &mut String, width: f64, height: f64, title: &str, id: &str) {
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="13" role="img" aria-labelledby="{id}title">"#
    );
    let _ = writeln!(
        out,
        r#"<title id="{id}title">dns check {}</title>"#,
        xml(title)
    );
    let _ = writeln!(
        out,
        "<style>rect.server{{stroke-width:1.5}} rect.ok{{fill:#d5f0dc;stroke:#1e8449}} rect.warning{{fill:#fdebc8;stroke:#b9770e}} rect.error{{fill:#f8d0d0;stroke:#c0392b}} rect.expected{{fill:#fff;stroke:#1e8449;stroke-dasharray:5 3}} rect.expected.error{{fill:#fdf2f2;stroke:#c0392b}} text.level{{font-weight:bold}} text.addr{{fill:#444;font-family:monospace}} text.code{{fill:#7b241c;font-size:12px}} line.referral{{stroke:#555;stroke-width:1.5}} text.referral{{fill:#555;font-style:italic}} text.finding{{fill:#c0392b}} line.link{{stroke-width:1.8}} line.link.ok{{stroke:#1e8449}} line.link.broken{{stroke:#c0392b;stroke-dasharray:6 4}} text.link{{fill:#c0392b;font-size:11px}}</style>"
    );
    let _ = writeln!(
        out,
        r##"<defs><marker id="{id}arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{MARGIN}" y="{:.1}" font-size="15" font-weight="bold">{}</text>"#,
        MARGIN + 10.0,
        xml(title)
    );
}

/// When the check was told which servers to expect and the parent delegates to others: a band
/// of the expected servers below the zone's, each box saying whether the parent names it. Gives
/// the band's bottom (`y` when there is none) and its number of boxes.
fn expected_band(body: &mut String, f: &crate::check::facts::Facts, y: f64) -> (f64, usize) {
    let (Some(expected), Some(delegation)) = (&f.expected, f.delegation()) else {
        return (y, 0);
    };
    let lower = |names: &std::collections::BTreeSet<hickory_proto::rr::Name>| {
        names
            .iter()
            .map(|n| n.to_lowercase().to_ascii())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (want, served) = (lower(&expected.names), lower(&delegation.ns));
    if want.is_empty() || want == served {
        return (y, 0);
    }
    let _ = writeln!(
        body,
        r#"<text class="level" x="{MARGIN}" y="{:.1}">expected</text><text class="referral" x="{MARGIN}" y="{:.1}">(not what the parent serves)</text>"#,
        y + BOX_H / 2.0,
        y + BOX_H / 2.0 + 16.0,
    );
    for (k, name) in want.iter().enumerate() {
        let x = MARGIN + LABEL_W + (k % PER_ROW) as f64 * (BOX_W + GAP);
        let top = y + (k / PER_ROW) as f64 * (BOX_H + GAP);
        let (class, said) = match served.contains(name) {
            true => ("expected ok", "delegated by the parent"),
            false => ("expected error", "not delegated by the parent"),
        };
        let _ = writeln!(
            body,
            r#"<g class="{class}"><rect class="{class}" x="{x:.1}" y="{top:.1}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text x="{:.1}" y="{:.1}">{}</text><text class="code" x="{:.1}" y="{:.1}">{said}</text></g>"#,
            x + 10.0,
            top + 22.0,
            xml(name),
            x + 10.0,
            top + 44.0,
        );
    }
    (
        y + want.len().div_ceil(PER_ROW) as f64 * (BOX_H + GAP),
        want.len(),
    )
}

const CHAIN_H: f64 = 44.0;
const COLUMN_GAP: f64 = 190.0;

/// The chain of trust from `y`: three columns (the parent's DS records, the zone's keys, the
/// apex sets they sign) and a link per DS → key and key → set, a broken one dashed red and
/// labelled with its finding's code. Gives the section's bottom and right edge.
fn chain_section(
    body: &mut String,
    round: &Round,
    chain: &crate::check::trust::Chain,
    y: f64,
    id: &str,
) -> (f64, f64) {
    let grid = Grid { y };
    let parent = crate::check::rules::parent_name(&round.facts);
    let _ = writeln!(
        body,
        r#"<g id="{id}chain"><text class="level" x="{MARGIN}" y="{:.1}">chain of trust</text><text class="referral" x="{:.1}" y="{:.1}">DS at {}</text><text class="referral" x="{:.1}" y="{:.1}">DNSKEY</text><text class="referral" x="{:.1}" y="{:.1}">signed sets</text>"#,
        grid.row(0) + CHAIN_H / 2.0,
        grid.column(0),
        y + 12.0,
        xml(&parent),
        grid.column(1),
        y + 12.0,
        grid.column(2),
        y + 12.0,
    );
    ds_column(body, round, chain, grid);
    for (k, key) in chain.keys.iter().enumerate() {
        let kind = if key.sep { "KSK" } else { "ZSK" };
        let text = format!("{kind} {} alg {}", key.tag, key.algorithm);
        let entered = chain.ds.iter().any(|d| d.key == Some(k));
        let class = if entered || !key.sep { "ok" } else { "warning" };
        chain_box(body, grid.column(1), grid.row(k), class, &text, None);
    }
    let zone = round
        .facts
        .zone
        .as_ref()
        .map_or(String::new(), |z| z.to_ascii());
    for (k, set) in chain.sets.iter().enumerate() {
        let mut codes: Vec<&str> = set.broken.iter().map(|b| b.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        // A set served without any signature, in a zone whose chain is not judged (its DS
        // points at no key): not "ok", but said as what it is.
        let (class, first) = match (codes.first(), set.signers.is_empty()) {
            (Some(code), _) => ("error", Some(*code)),
            (None, true) => ("warning", Some("unsigned")),
            (None, false) => ("ok", None),
        };
        let servers: Vec<String> = set
            .broken
            .iter()
            .map(|b| format!("{} at {}", b.code, b.server))
            .collect();
        let text = format!("{zone} {}", set.rtype);
        let at = (grid.column(2), grid.row(k));
        chain_box_tip(body, at, class, &text, first, &servers.join(", "));
        for tag in &set.signers {
            let Some(from) = chain.keys.iter().position(|key| key.tag == *tag) else {
                continue;
            };
            // Broken where a server's copy fails by this key's signature.
            let label = set
                .broken
                .iter()
                .find(|b| b.tags.contains(tag))
                .map(|b| b.code.as_str());
            let from = (grid.column(1) + BOX_W, grid.row(from) + CHAIN_H / 2.0);
            link(body, from, (at.0, at.1 + CHAIN_H / 2.0), label);
        }
    }
    body.push_str("</g>\n");
    let rows = chain
        .keys
        .len()
        .max(chain.sets.len())
        .max(chain.ds.len())
        .max(1);
    (grid.row(rows), grid.column(2) + BOX_W)
}

/// Where the chain's boxes go: three columns, a row per box, from `y`.
#[derive(Clone, Copy)]
struct Grid {
    y: f64,
}

impl Grid {
    fn column(self, i: usize) -> f64 {
        MARGIN + LABEL_W + i as f64 * (BOX_W + COLUMN_GAP)
    }

    fn row(self, k: usize) -> f64 {
        self.y + 24.0 + k as f64 * (CHAIN_H + GAP)
    }
}

/// The parent's DS records, each linked to the key it points at; one that points at none is
/// red, its link cut short and labelled with the finding's code. No DS at all: one box saying
/// so (the chain does not reach the zone).
fn ds_column(body: &mut String, round: &Round, chain: &crate::check::trust::Chain, grid: Grid) {
    let has = |code: Code| round.findings.iter().any(|f| f.code == code);
    if chain.ds.is_empty() {
        let code = [Code::DnssecNoDs, Code::DnssecChainInsecure]
            .into_iter()
            .find(|c| has(*c));
        let said = match chain.parent_answered {
            true => "no DS at the parent",
            false => "the parent did not say",
        };
        let at = (grid.column(0), grid.row(0));
        chain_box(body, at.0, at.1, "warning", said, code.map(|c| c.as_str()));
    }
    for (k, ds) in chain.ds.iter().enumerate() {
        let text = format!(
            "DS {} alg {} digest {}",
            ds.tag, ds.algorithm, ds.digest_type
        );
        let code = ds.key.is_none().then(|| {
            [Code::DnssecDsMismatch, Code::DnssecDsWithoutDnskey]
                .into_iter()
                .find(|c| has(*c))
                .map_or("matches no key", |c| c.as_str())
        });
        let class = if code.is_some() { "error" } else { "ok" };
        chain_box(body, grid.column(0), grid.row(k), class, &text, code);
        let (x1, y1) = (grid.column(0) + BOX_W, grid.row(k) + CHAIN_H / 2.0);
        match ds.key {
            Some(to) => link(
                body,
                (x1, y1),
                (grid.column(1), grid.row(to) + CHAIN_H / 2.0),
                None,
            ),
            None => link(body, (x1, y1), (x1 + COLUMN_GAP * 0.7, y1), code),
        }
    }
}

/// One box of the chain: its text and, when broken, its finding's code.
fn chain_box(body: &mut String, x: f64, y: f64, class: &str, text: &str, code: Option<&str>) {
    chain_box_tip(body, (x, y), class, text, code, "");
}

/// [`chain_box`] with a tooltip (the servers whose copy is broken).
fn chain_box_tip(
    body: &mut String,
    (x, y): (f64, f64),
    class: &str,
    text: &str,
    code: Option<&str>,
    tip: &str,
) {
    let tip = match tip.is_empty() {
        true => String::new(),
        false => format!("<title>{}</title>", xml(tip)),
    };
    let _ = writeln!(
        body,
        r#"<g class="chain {class}">{tip}<rect class="server {class}" x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{CHAIN_H}" rx="6"/><text x="{:.1}" y="{:.1}">{}</text><text class="code" x="{:.1}" y="{:.1}">{}</text></g>"#,
        x + 10.0,
        y + 18.0,
        xml(text),
        x + 10.0,
        y + 36.0,
        xml(code.unwrap_or_default()),
    );
}

/// A link of the chain: whole, or broken (dashed, labelled with its code at its middle).
fn link(body: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), broken: Option<&str>) {
    let class = if broken.is_some() { "broken" } else { "ok" };
    let _ = write!(
        body,
        r#"<line class="link {class}" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}"/>"#
    );
    if let Some(code) = broken {
        let _ = write!(
            body,
            r#"<text class="link" text-anchor="middle" x="{:.1}" y="{:.1}">✗ {}</text>"#,
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 - 5.0,
            xml(code)
        );
    }
    body.push('\n');
}

/// Text as XML character data or an attribute value: the five special characters escaped, and
/// control characters (which XML 1.0 cannot carry) shown as `\u{…}`.
pub(super) fn xml(text: &str) -> String {
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
    use crate::check::codes::{Code, Finding};
    use crate::check::facts::Facts;
    use crate::check::run::Round;
    use crate::walk::{Level, NameServer};
    use hickory_proto::rr::{Name, RecordType};

    /// A level of `n` servers, one address each.
    fn level(zone: &str, n: u8) -> Level {
        Level {
            zone: Name::from_ascii(zone).unwrap(),
            servers: (1..=n)
                .map(|i| NameServer {
                    name: Name::from_ascii(format!("ns{i}.{}", zone.trim_start_matches('.')))
                        .unwrap(),
                    addrs: vec![std::net::IpAddr::from([127, 53, 2, i])],
                })
                .collect(),
            probes: vec![],
            apex: vec![],
        }
    }

    /// A server name from the network with markup, quotes and a control octet in a label is
    /// text in the picture: it parses as XML and shows the name.
    #[test]
    fn a_hostile_server_name_is_text() {
        let hostile = Name::from_labels(vec![
            b"<b>&\"x\x1b".to_vec(),
            b"dns".to_vec(),
            b"test".to_vec(),
        ])
        .unwrap();
        let mut lvl = level(".", 1);
        lvl.servers[0].name = hostile.clone();
        let walk = crate::walk::Walk {
            levels: vec![lvl],
            ..Default::default()
        };
        let facts = Facts::new(Name::from_ascii("x.test.").unwrap(), RecordType::A, walk);
        let round = Round {
            facts,
            findings: vec![],
            caches: None,
            replayed: None,
        };
        let svg = super::svg(&round, "");
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        // As the name's presentation form has it (hickory escapes the control octet).
        let shown = hostile.to_ascii();
        assert!(
            doc.descendants().any(|t| t.text() == Some(shown.as_str())),
            "{shown:?} not shown: {svg}"
        );
        assert!(!svg.contains("<b>"), "{svg}");
    }

    /// Readable at 4 servers and at 40: every server a box of the same size, five to a row (the
    /// picture grows down, not sideways), none overlapping, the finding on the server it names.
    #[test]
    fn forty_servers_wrap_onto_rows_without_overlap() {
        for n in [4u8, 40] {
            let walk = crate::walk::Walk {
                levels: vec![level(".", 1), level("big.test.", n)],
                ..Default::default()
            };
            let facts = Facts::new(Name::from_ascii("big.test.").unwrap(), RecordType::A, walk);
            let round = Round {
                facts,
                findings: vec![Finding::new(
                    Code::NsLame,
                    "lame".into(),
                    vec![format!("ns{n}.big.test. (127.53.2.{n})")],
                )],
                caches: None,
                replayed: None,
            };
            let svg = super::svg(&round, "");
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let rects: Vec<[f64; 4]> = doc
                .descendants()
                .filter(|r| r.has_tag_name("rect"))
                .map(|r| {
                    ["x", "y", "width", "height"].map(|a| r.attribute(a).unwrap().parse().unwrap())
                })
                .collect();
            assert_eq!(rects.len(), 1 + usize::from(n), "{svg}");
            for (i, a) in rects.iter().enumerate() {
                for b in &rects[i + 1..] {
                    let apart = a[0] + a[2] <= b[0]
                        || b[0] + b[2] <= a[0]
                        || a[1] + a[3] <= b[1]
                        || b[1] + b[3] <= a[1];
                    assert!(apart, "{a:?} {b:?}");
                }
            }
            let width: f64 = doc
                .root_element()
                .attribute("width")
                .unwrap()
                .parse()
                .unwrap();
            let columns = usize::from(n).min(super::PER_ROW) as f64;
            assert!(
                width
                    <= super::MARGIN * 2.0 + super::LABEL_W + columns * (super::BOX_W + super::GAP),
                "{width}"
            );
            let named = doc
                .descendants()
                .find(|g| g.has_tag_name("g") && g.attribute("class") == Some("server error"))
                .unwrap();
            assert!(
                named.descendants().any(|t| t.text() == Some("ns.lame")),
                "{svg}"
            );
        }
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            super::xml("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\\u{1}"
        );
    }
}
