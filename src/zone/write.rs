//! Writing a zone as `zones/<zone>.yaml`, in the same layout the loader reads.
//!
//! Output is deterministic (names in DNS canonical order, types and values sorted) so that a
//! file written by `dns import` diffs cleanly in git. Strings are quoted only when YAML would
//! otherwise read them as something else.

use std::fmt::Write as _;

use super::name;
use super::wire::presentation;
use super::{
    CheckKind, Failover, HealthCheck, HealthRef, Policy, RData, Routing, RrKey, Settings, Zone,
    escape_text,
};

/// Renders the zone file text.
pub fn to_yaml(zone: &Zone) -> String {
    to_yaml_mapped(zone).0
}

/// The zone file text, and where each record set's entry begins (for the first set of a name,
/// the name's own line), in the order of the text: what lets a problem the loader finds in text
/// never written be told at the place the set came from (an import's master-file line, a Route
/// 53 record set). See [`set_at`].
pub fn to_yaml_mapped(zone: &Zone) -> (String, Vec<(usize, RrKey)>) {
    let mut out = String::new();
    let _ = writeln!(out, "# zone {}", name::display(&zone.origin));
    settings(&mut out, &zone.settings);
    let mut text = Text {
        line: out.lines().count() + 1,
        out,
        starts: Vec::new(),
    };
    let mut current = None;
    let mut group: Vec<(RrKey, String)> = Vec::new();
    for (key, set) in &zone.rrsets {
        if current.as_ref() != Some(&key.name) {
            text.flush(
                current.take().map(|n| name::relative(&n, &zone.origin)),
                &mut group,
            );
            current = Some(key.name.clone());
        }
        let mut rec = String::new();
        let is_alias = set.data.is_alias();
        let _ = writeln!(
            rec,
            "type: {}",
            if is_alias {
                "ALIAS"
            } else {
                key.rtype.as_str()
            }
        );
        if let (Some(id), Some(r)) = (&key.set_id, &set.routing) {
            let _ = writeln!(rec, "set_id: {}", scalar(id));
            routing(&mut rec, r);
        }
        if let Some(ttl) = set.ttl.filter(|t| *t != zone.settings.default_ttl) {
            let _ = writeln!(rec, "ttl: {ttl}");
        }
        values(&mut rec, &set.data, key.rtype);
        group.push((key.clone(), rec));
    }
    text.flush(
        current.map(|n| name::relative(&n, &zone.origin)),
        &mut group,
    );
    (text.out, text.starts)
}

/// The set whose entry in a text of [`to_yaml_mapped`] holds `line`; `None` for the lines
/// before the first set (the zone's settings).
pub fn set_at(starts: &[(usize, RrKey)], line: u64) -> Option<&RrKey> {
    let after = starts.partition_point(|(start, _)| *start as u64 <= line);
    after.checked_sub(1).map(|i| &starts[i].1)
}

/// The text being written, its next line's number, and where each set began.
struct Text {
    out: String,
    line: usize,
    starts: Vec<(usize, RrKey)>,
}

impl Text {
    fn push_line(&mut self, line: &str) {
        self.out.push_str(line);
        self.out.push('\n');
        self.line += 1;
    }

    /// One name and its sets: a mapping for one set, a list for more.
    fn flush(&mut self, name: Option<String>, group: &mut Vec<(RrKey, String)>) {
        let Some(name) = name else { return };
        self.push_line("");
        let single = group.len() == 1;
        // The name's line begins its first set's entry.
        let mut start = self.line;
        self.push_line(&format!("{}:", scalar(&name)));
        for (key, rec) in group.drain(..) {
            self.starts.push((start, key));
            for (i, line) in rec.lines().enumerate() {
                let prefix = match (single, i) {
                    (true, _) => "  ",
                    (false, 0) => "  - ",
                    (false, _) => "    ",
                };
                self.push_line(&format!("{prefix}{line}"));
            }
            start = self.line;
        }
    }
}

fn settings(out: &mut String, s: &Settings) {
    let default = Settings::default();
    if *s == default {
        return;
    }
    out.push_str("$zone:\n");
    if s.default_ttl != default.default_ttl {
        let _ = writeln!(out, "  ttl: {}", s.default_ttl);
    }
    if let Some(id) = &s.hosted_zone_id {
        let _ = writeln!(out, "  hosted_zone_id: {}", scalar(id));
    }
    if !s.ignore.is_empty() {
        out.push_str("  ignore:\n");
        for p in &s.ignore {
            let _ = writeln!(out, "    - {}", scalar(p));
        }
    }
    if s.max_change_percent != default.max_change_percent {
        let _ = writeln!(out, "  max_change_percent: {}", s.max_change_percent);
    }
    if let Some(vpcs) = &s.private {
        out.push_str(
            "  private:
    vpcs:
",
        );
        for v in vpcs {
            let _ = writeln!(
                out,
                "      - {{id: {}, region: {}}}",
                scalar(&v.id),
                scalar(&v.region)
            );
        }
    }
    if !s.health_checks.is_empty() {
        out.push_str(
            "  health_checks:
",
        );
    }
    for (name, check) in &s.health_checks {
        let _ = writeln!(out, "    {}:", scalar(name));
        match check {
            HealthCheck::Existing(id) => {
                let _ = writeln!(out, "      id: {}", scalar(id));
            }
            HealthCheck::Owned(c) => health_check(out, c),
        }
    }
}

/// A health check the file owns, its defaults left out.
fn health_check(out: &mut String, c: &super::CheckConfig) {
    let _ = writeln!(out, "      type: {}", c.kind.as_str());
    if let Some(e) = &c.endpoint {
        if let Some(h) = &e.host {
            let _ = writeln!(out, "      host: {}", scalar(h));
        }
        if let Some(ip) = e.ip {
            let _ = writeln!(out, "      ip: {}", scalar(&ip.to_string()));
        }
        let default_port = match c.kind {
            CheckKind::Http => Some(80),
            CheckKind::Https => Some(443),
            _ => None,
        };
        if Some(e.port) != default_port {
            let _ = writeln!(out, "      port: {}", e.port);
        }
        if let Some(p) = &e.path {
            let _ = writeln!(out, "      path: {}", scalar(p));
        }
        if let Some(t) = &e.search_string {
            let _ = writeln!(out, "      search_string: {}", scalar(t));
        }
        if e.interval != 30 {
            let _ = writeln!(out, "      interval: {}", e.interval);
        }
        if e.failure_threshold != 3 {
            let _ = writeln!(out, "      failure_threshold: {}", e.failure_threshold);
        }
    } else {
        let children: Vec<String> = c.children.iter().map(|n| scalar(n)).collect();
        let _ = writeln!(out, "      children: [{}]", children.join(", "));
        if let Some(t) = c.threshold {
            let _ = writeln!(out, "      threshold: {t}");
        }
    }
    if c.inverted {
        out.push_str("      inverted: true\n");
    }
}

/// A routed set's routing key and health check.
fn routing(rec: &mut String, r: &Routing) {
    let _ = match &r.policy {
        Policy::Weighted(w) => writeln!(rec, "weight: {w}"),
        Policy::Failover(Failover::Primary) => writeln!(rec, "failover: primary"),
        Policy::Failover(Failover::Secondary) => writeln!(rec, "failover: secondary"),
        Policy::Latency(region) => writeln!(rec, "region: {}", scalar(region)),
        Policy::Geo(g) => {
            let parts: Vec<String> = [
                ("continent", &g.continent),
                ("country", &g.country),
                ("subdivision", &g.subdivision),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {}", scalar(v))))
            .collect();
            writeln!(rec, "geo: {{{}}}", parts.join(", "))
        }
        Policy::MultiValue => writeln!(rec, "multivalue: true"),
    };
    match &r.health_check {
        Some(HealthRef::Named(n)) => {
            let _ = writeln!(rec, "health_check: {}", scalar(n));
        }
        // Import names every check it writes; an id here would not read back.
        Some(HealthRef::Id(id)) => {
            let _ = writeln!(rec, "health_check: {}", scalar(id));
        }
        None => {}
    }
}

/// Writes one name's records: a single mapping, or a list when there are several.
fn values(rec: &mut String, data: &RData, rtype: super::RType) {
    match data {
        RData::Alias(a) => {
            rec.push_str("value:\n");
            let _ = writeln!(rec, "  target: {}", scalar(&a.target.to_ascii()));
            // Omit the id where the loader derives the same one from a load balancer's name.
            let derived = match super::elb::lookup(&a.target.to_ascii()) {
                super::elb::ElbLookup::Known { hosted_zone_id, .. } => Some(hosted_zone_id),
                _ => None,
            };
            if let Some(id) = a
                .hosted_zone_id
                .as_deref()
                .filter(|id| Some(*id) != derived)
            {
                let _ = writeln!(rec, "  hosted_zone_id: {}", scalar(id));
            }
            if a.evaluate_target_health {
                rec.push_str("  evaluate_target_health: true\n");
            }
            if rtype != super::RType::A {
                let _ = writeln!(rec, "  record_type: {rtype}");
            }
        }
        RData::Mx(v) => list(
            rec,
            v.iter().map(|m| {
                vec![
                    ("exchange", scalar(&m.exchange.to_ascii())),
                    ("preference", m.preference.to_string()),
                ]
            }),
        ),
        RData::Srv(v) => list(
            rec,
            v.iter().map(|s| {
                vec![
                    ("port", s.port.to_string()),
                    ("priority", s.priority.to_string()),
                    ("target", scalar(&s.target.to_ascii())),
                    ("weight", s.weight.to_string()),
                ]
            }),
        ),
        RData::Caa(v) => list(
            rec,
            v.iter().map(|c| {
                vec![
                    ("flags", c.flags.to_string()),
                    ("tag", scalar(&c.tag)),
                    ("value", scalar(&c.value)),
                ]
            }),
        ),
        // A plain text, or its strings where they are split elsewhere than every 255 octets.
        RData::Txt(v) => plain_list(
            rec,
            v.iter().map(|t| {
                // A plain value holds `\;` and nothing else escaped, and is not wrapped in
                // double quotes (see values.rs); anything else is written as its strings.
                let joined = t.joined();
                let quoted = |s: &str| s.len() >= 2 && s.starts_with('"') && s.ends_with('"');
                let escaped = |s: &str| s.contains('\\') || s.chars().any(char::is_control);
                let plain = std::str::from_utf8(&joined)
                    .ok()
                    .filter(|s| t.is_plain() && !escaped(s) && !quoted(s));
                if let Some(text) = plain {
                    scalar(&text.replace(';', "\\;"))
                } else {
                    let strings: Vec<String> =
                        t.0.iter().map(|s| scalar(&escape_text(s, true))).collect();
                    format!("{{strings: [{}]}}", strings.join(", "))
                }
            }),
        ),
        other => plain_list(rec, presentation(other).iter().map(|t| scalar(t))),
    }
}

fn plain_list(rec: &mut String, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if let [one] = items.as_slice() {
        let _ = writeln!(rec, "value: {one}");
        return;
    }
    rec.push_str("values:\n");
    for item in items {
        let _ = writeln!(rec, "  - {item}");
    }
}

fn list<'a>(rec: &mut String, items: impl Iterator<Item = Vec<(&'a str, String)>>) {
    let items: Vec<_> = items.collect();
    let single = items.len() == 1;
    let _ = writeln!(rec, "{}:", if single { "value" } else { "values" });
    for fields in items {
        for (i, (k, v)) in fields.iter().enumerate() {
            let prefix = if single {
                "  "
            } else if i == 0 {
                "  - "
            } else {
                "    "
            };
            let _ = writeln!(rec, "{prefix}{k}: {v}");
        }
    }
}

/// A YAML scalar for `text`: plain when unambiguous, single-quoted otherwise.
pub fn scalar(text: &str) -> String {
    const RESERVED: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str());
    let ipv4 = text.parse::<std::net::Ipv4Addr>().is_ok();
    if plain || ipv4 {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::load::load_str;

    /// Each set's start is its name's line (first set) or its list item, and every line of an
    /// entry maps back to its set.
    #[test]
    fn the_map_finds_the_set_of_every_line() {
        let text = "$zone:\n  ttl: 600\nwww:\n  - type: A\n    value: 192.0.2.1\n  - type: TXT\n    value: x\nmail:\n  type: A\n  value: 192.0.2.2\n";
        let zone = load_str(std::path::Path::new("example.com.yaml"), text).zone;
        let (yaml, starts) = to_yaml_mapped(&zone);
        assert_eq!(yaml, to_yaml(&zone));
        let lines: Vec<&str> = yaml.lines().collect();
        let line_of =
            |needle: &str| 1 + lines.iter().position(|l| l.contains(needle)).unwrap() as u64;
        let key = |l: u64| set_at(&starts, l).map(|k| (k.name.to_ascii(), k.rtype.to_string()));
        assert_eq!(key(line_of("ttl: 600")), None);
        assert_eq!(
            key(line_of("mail:")),
            Some(("mail.example.com.".into(), "A".into()))
        );
        assert_eq!(
            key(line_of("192.0.2.2")),
            Some(("mail.example.com.".into(), "A".into()))
        );
        assert_eq!(
            key(line_of("www:")),
            Some(("www.example.com.".into(), "A".into()))
        );
        assert_eq!(
            key(line_of("192.0.2.1")),
            Some(("www.example.com.".into(), "A".into()))
        );
        assert_eq!(
            key(line_of("type: TXT")),
            Some(("www.example.com.".into(), "TXT".into()))
        );
        assert_eq!(
            key(line_of("value: x")),
            Some(("www.example.com.".into(), "TXT".into()))
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(scalar("www"), "www");
        assert_eq!(scalar("192.0.2.1"), "192.0.2.1");
        assert_eq!(scalar(""), "''");
        assert_eq!(scalar("*"), "'*'");
        assert_eq!(scalar("yes"), "'yes'");
        assert_eq!(scalar("2001:db8::1"), "'2001:db8::1'");
        assert_eq!(scalar("it's"), "'it''s'");
        assert_eq!(scalar("v=spf1 -all"), "'v=spf1 -all'");
    }
}
