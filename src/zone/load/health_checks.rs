//! `$zone.health_checks` in zone files: a Route 53 health check the file owns (HTTP, HTTPS,
//! TCP, or CALCULATED over others), or an existing one by id that the file uses but never
//! changes; each setting checked against Route 53's rules at its line and column, and every
//! reference to a check (a routed set's `health_check`, a calculated check's children) checked
//! against the checks defined.

use std::collections::BTreeMap;

use super::Loader;
use crate::zone::diag::{Hint, Pos, Rule};
use crate::zone::tree::{Kind, Node};
use crate::zone::{CheckConfig, CheckKind, Endpoint, HealthCheck, name};

impl Loader {
    /// `$zone.health_checks`: name → definition.
    pub(super) fn health_checks(&mut self, node: &Node) -> BTreeMap<String, HealthCheck> {
        let mut out = BTreeMap::new();
        let Kind::Map(entries) = &node.kind else {
            self.sink
                .error(node.pos, Rule::HealthCheckInvalid, format!("`health_checks` must be a mapping of names to checks, found {}", node.what()))
                .hint("e.g. `health_checks: {web: {type: HTTPS, host: www.example.com, path: /health}}`");
            return out;
        };
        for (k, v) in entries {
            let Some(name) = k.scalar().filter(|n| valid_check_name(n)) else {
                self.sink
                    .error(
                        k.pos,
                        Rule::HealthCheckName,
                        "a health check's name is 1 to 64 letters, digits, '-', '_' or '.'",
                    )
                    .hint("e.g. `seoul-alb`");
                continue;
            };
            if let Some(check) = self.health_check(v) {
                out.insert(name.to_string(), check);
            }
        }
        out
    }

    fn health_check(&mut self, node: &Node) -> Option<HealthCheck> {
        let Kind::Map(entries) = &node.kind else {
            self.sink
                .error(
                    node.pos,
                    Rule::HealthCheckInvalid,
                    format!("a health check must be a mapping, found {}", node.what()),
                )
                .hint("e.g. `{type: HTTPS, host: www.example.com, path: /health}`");
            return None;
        };
        let f = Fields(entries);
        if let Some((_, id)) = f.get("id") {
            return self.existing_check(&f, id);
        }
        let mut bad = self.unknown_check_keys(&f);
        let Some((_, type_node)) = f.get("type") else {
            self.sink
                .error(
                    node.pos,
                    Rule::HealthCheckType,
                    "a health check needs a `type`",
                )
                .hint("HTTP, HTTPS, TCP or CALCULATED");
            return None;
        };
        let kind = match type_node.scalar().map(str::to_ascii_uppercase).as_deref() {
            Some("HTTP") => CheckKind::Http,
            Some("HTTPS") => CheckKind::Https,
            Some("TCP") => CheckKind::Tcp,
            Some("CALCULATED") => CheckKind::Calculated,
            _ => {
                self.sink
                    .error(type_node.pos, Rule::HealthCheckType, "a health check's `type` is HTTP, HTTPS, TCP or CALCULATED")
                    .hint("`search_string` turns HTTP/HTTPS into Route 53's HTTP_STR_MATCH/HTTPS_STR_MATCH");
                return None;
            }
        };
        let inverted = (self.check_field(
            &f,
            "inverted",
            boolean,
            (Rule::HealthCheckInvalid, "`inverted` is true or false"),
        ))
        .map_err(|bad| bad.hint("an inverted check reports healthy while its endpoint fails"))
        .ok()?
        .unwrap_or(false);
        bad |= self.foreign_check_keys(&f, kind);
        let config = if kind == CheckKind::Calculated {
            self.calculated_check(&f, node, inverted)?
        } else {
            self.endpoint_check(&f, kind, type_node, inverted)?
        };
        (!bad).then_some(HealthCheck::Owned(config))
    }

    /// Keys no health check has, each reported at its line: whether there was one.
    fn unknown_check_keys(&mut self, f: &Fields) -> bool {
        let mut bad = false;
        for (k, _) in f.0 {
            let key = k.scalar().unwrap_or_default();
            if !CHECK_KEYS.contains(&key) {
                self.sink
                    .error(
                        k.pos,
                        Rule::HealthCheckUnknownKey,
                        format!("unknown health check key `{key}`"),
                    )
                    .hint(format!(
                        "a health check has: id (alone), or {}",
                        CHECK_KEYS.join(", ")
                    ));
                bad = true;
            }
        }
        bad
    }

    /// Keys of the other family of checks (an endpoint's on a calculated check, or the
    /// reverse), each reported at its line: whether there was one.
    fn foreign_check_keys(&mut self, f: &Fields, kind: CheckKind) -> bool {
        let (foreign, why, hint) = if kind == CheckKind::Calculated {
            (
                &ENDPOINT_KEYS[..],
                "a CALCULATED check has no",
                "a calculated check combines `children` (names of other checks) with a `threshold`",
            )
        } else {
            (
                &["children", "threshold"][..],
                "only a CALCULATED check has",
                "set `type: CALCULATED` to combine other checks",
            )
        };
        let mut bad = false;
        for key in foreign {
            if let Some((k, _)) = f.get(key) {
                self.sink
                    .error(k.pos, Rule::HealthCheckInvalid, format!("{why} `{key}`"))
                    .hint(hint);
                bad = true;
            }
        }
        bad
    }

    /// `{id: …}`: an existing check, used and never changed.
    fn existing_check(&mut self, f: &Fields, id: &Node) -> Option<HealthCheck> {
        if let Some((k, _)) = f.0.iter().find(|(k, _)| k.scalar() != Some("id")) {
            self.sink
                .error(k.pos, Rule::HealthCheckId, "a check given by `id` is an existing one that the file refers to but does not configure")
                .hint("keep `id` alone to use a check managed elsewhere, or remove `id` to let dns create and own the check");
            return None;
        }
        let valid = |t: &&str| {
            !t.is_empty()
                && t.len() <= 64
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        match id.scalar().filter(valid) {
            Some(id) => Some(HealthCheck::Existing(id.to_string())),
            None => {
                self.sink
                    .error(id.pos, Rule::HealthCheckId, "`id` must be a Route 53 health check id")
                    .hint("e.g. `id: 0b5b2c5e-1a2b-4c3d-8e9f-0123456789ab` (aws route53 list-health-checks)");
                None
            }
        }
    }

    /// A CALCULATED check: its children (a set of names, at most Route 53's 256) and threshold.
    fn calculated_check(&mut self, f: &Fields, node: &Node, inverted: bool) -> Option<CheckConfig> {
        let hint = "e.g. `children: [seoul-alb, oregon-alb]`";
        let items = match f.get("children").map(|(_, v)| &v.kind) {
            Some(Kind::Seq(items)) if !items.is_empty() && items.len() <= MAX_CHILDREN => items,
            _ => {
                self.sink
                    .error(
                        f.get("children").map_or(node.pos, |(k, _)| k.pos),
                        Rule::HealthCheckChildren,
                        format!("a CALCULATED check needs `children`: a list of 1 to {MAX_CHILDREN} check names"),
                    )
                    .hint(hint);
                return None;
            }
        };
        let mut children = Vec::new();
        let mut bad = false;
        for item in items {
            match item.scalar().filter(|n| valid_check_name(n)) {
                Some(n) => {
                    self.child_refs.push((n.to_string(), item.pos));
                    children.push(n.to_string());
                }
                None => {
                    self.sink
                        .error(
                            item.pos,
                            Rule::HealthCheckChildren,
                            "a child is the name of another check in `health_checks`",
                        )
                        .hint(hint);
                    bad = true;
                }
            }
        }
        if bad {
            return None;
        }
        // A set: the order in the file carries no meaning (Route 53 keeps its own).
        children.sort();
        children.dedup();
        let most = children.len() as u32;
        let threshold = self.check_number(f, "threshold", 0..=most).ok()?;
        Some(CheckConfig {
            kind: CheckKind::Calculated,
            endpoint: None,
            threshold: Some(threshold.unwrap_or(most) as u16),
            children,
            inverted,
        })
    }

    /// An HTTP, HTTPS or TCP check: where it connects and how.
    fn endpoint_check(
        &mut self,
        f: &Fields,
        kind: CheckKind,
        type_node: &Node,
        inverted: bool,
    ) -> Option<CheckConfig> {
        let (host, ip) = self.check_target(f)?;
        if host.is_none() && ip.is_none() {
            self.sink
                .error(
                    type_node.pos,
                    Rule::HealthCheckHost,
                    format!("a {} check needs `host` or `ip`", kind.as_str()),
                )
                .hint("`host: www.example.com` (also sent as the Host header and TLS SNI)");
            return None;
        }
        let default_port = match kind {
            CheckKind::Http => Some(80),
            CheckKind::Https => Some(443),
            _ => None,
        };
        let port = match (self.check_number(f, "port", 1..=65535).ok()?, default_port) {
            (Some(p), _) | (None, Some(p)) => p as u16,
            (None, None) => {
                self.sink
                    .error(
                        type_node.pos,
                        Rule::HealthCheckInvalid,
                        "a TCP check needs a `port`",
                    )
                    .hint("e.g. `port: 5432`");
                return None;
            }
        };
        let http = matches!(kind, CheckKind::Http | CheckKind::Https);
        let path = self.check_text(f, "path", http).ok()?;
        if let (Some(p), Some((_, v))) = (&path, f.get("path"))
            && !p.starts_with('/')
        {
            self.sink
                .error(v.pos, Rule::HealthCheckInvalid, "`path` starts with '/'")
                .hint("e.g. `path: /health`");
            return None;
        }
        let search_string = self.check_text(f, "search_string", http).ok()?;
        let interval = self.check_interval(f)?;
        let failure_threshold = self.check_number(f, "failure_threshold", 1..=10).ok()?;
        Some(CheckConfig {
            kind,
            endpoint: Some(Endpoint {
                host,
                ip,
                port,
                path,
                search_string,
                interval,
                failure_threshold: failure_threshold.unwrap_or(3) as u8,
            }),
            children: Vec::new(),
            threshold: None,
            inverted,
        })
    }

    /// A check's `host` (as Route 53 returns it: lower case, no final dot) and `ip`, each if
    /// given; `None` when reported.
    fn check_target(&mut self, f: &Fields) -> Option<(Option<String>, Option<std::net::IpAddr>)> {
        let host_name = |h: &str| {
            let n = name::parse_target(&format!("{}.", h.trim_end_matches('.')), false).ok()?;
            Some(n.to_ascii().trim_end_matches('.').to_ascii_lowercase())
        };
        let host = (self.check_field(
            f,
            "host",
            host_name,
            (Rule::HealthCheckHost, "`host` must be a host name"),
        ))
        .map_err(|bad| bad.hint("e.g. `host: my-alb-123.ap-northeast-2.elb.amazonaws.com`"))
        .ok()?;
        let ip = (self.check_field(
            f,
            "ip",
            |t| t.parse().ok(),
            (Rule::HealthCheckIp, "`ip` must be an IPv4 or IPv6 address"),
        ))
        .map_err(|bad| bad.hint("or give `host` alone: Route 53 then resolves it"))
        .ok()?;
        Some((host, ip))
    }

    /// A check's `interval`: 10 or 30 seconds (30 when not given); `None` when reported.
    fn check_interval(&mut self, f: &Fields) -> Option<u8> {
        let read = |t: &str| matches!(t, "10" | "30").then(|| t.parse().ok()).flatten();
        (self.check_field(f, "interval", read, (Rule::HealthCheckInterval, "`interval` is 10 or 30 (seconds)")))
            .map_err(|bad| bad.hint("Route 53 checks every 30 s by default; 10 s costs more and cannot be changed later"))
            .ok()
            .map(|v| v.unwrap_or(30))
    }

    /// The value under `key` as `read` reads it, if given; when it does not read, the error
    /// (`rule`, and `what` the key holds, at the value) for the caller's hint.
    fn check_field<T>(
        &mut self,
        f: &Fields,
        key: &str,
        read: impl Fn(&str) -> Option<T>,
        (rule, what): (Rule, &str),
    ) -> Result<Option<T>, Hint<'_>> {
        let Some((_, v)) = f.get(key) else {
            return Ok(None);
        };
        if let Some(value) = v.scalar().and_then(&read) {
            return Ok(Some(value));
        }
        Err(self.sink.error(v.pos, rule, what))
    }

    /// A whole number in `range` under `key`, if given; `Err` when reported.
    fn check_number(
        &mut self,
        f: &Fields,
        key: &str,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<Option<u32>, ()> {
        let Some((_, v)) = f.get(key) else {
            return Ok(None);
        };
        match v
            .whole_number()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| range.contains(n))
        {
            Some(n) => Ok(Some(n)),
            None => {
                self.sink
                    .error(
                        v.pos,
                        Rule::HealthCheckInvalid,
                        format!("`{key}` must be a whole number from {} to {}{}", range.start(), range.end(), v.octal_note()),
                    )
                    .hint(if key == "threshold" {
                        "at most the number of children: the check is healthy when at least `threshold` children are"
                    } else {
                        "see Route 53's CreateHealthCheck limits"
                    });
                Err(())
            }
        }
    }

    /// Text of 1 to 255 characters under `key` (HTTP and HTTPS checks only), if given; `Err`
    /// when reported.
    fn check_text(&mut self, f: &Fields, key: &str, http: bool) -> Result<Option<String>, ()> {
        let Some((k, v)) = f.get(key) else {
            return Ok(None);
        };
        if !http {
            self.sink
                .error(
                    k.pos,
                    Rule::HealthCheckInvalid,
                    format!("`{key}` belongs to HTTP and HTTPS checks"),
                )
                .hint("a TCP check only connects");
            return Err(());
        }
        let valid = |t: &&str| !t.is_empty() && t.len() <= 255 && !t.chars().any(char::is_control);
        match v.scalar().filter(valid) {
            Some(t) => Ok(Some(t.to_string())),
            None => {
                self.sink
                    .error(
                        v.pos,
                        Rule::HealthCheckInvalid,
                        format!("`{key}` must be text of 1 to 255 characters"),
                    )
                    .hint("e.g. `path: /health`, `search_string: ok`");
                Err(())
            }
        }
    }

    /// Every `health_check` of a routed set and every calculated check's child names a check
    /// defined under `$zone.health_checks`.
    pub(super) fn check_references(&mut self, refs: &[(String, Pos)]) {
        let defined = &self.zone.settings.health_checks;
        let mut missing = Vec::new();
        for (name, pos) in refs {
            if !defined.contains_key(name) {
                missing.push((name.clone(), *pos));
            }
        }
        let mut calculated = Vec::new();
        for (child, pos) in std::mem::take(&mut self.child_refs) {
            match defined.get(&child) {
                None => missing.push((child, pos)),
                Some(HealthCheck::Owned(c)) if c.kind == CheckKind::Calculated => {
                    calculated.push((child, pos))
                }
                _ => {}
            }
        }
        let known: Vec<&str> = defined.keys().map(String::as_str).collect();
        for (name, pos) in missing {
            self.sink
                .error(
                    pos,
                    Rule::HealthCheckUndefined,
                    format!("no health check named `{name}` under `$zone.health_checks`"),
                )
                .hint(if known.is_empty() {
                    "define it under `$zone: {health_checks: {NAME: {type: HTTPS, host: …}}}`"
                        .to_string()
                } else {
                    format!("defined: {}", known.join(", "))
                });
        }
        for (child, pos) in calculated {
            self.sink
                .error(
                    pos,
                    Rule::HealthCheckChildren,
                    format!("`{child}` is a calculated check, which cannot be a child"),
                )
                .hint("Route 53 combines endpoint checks only: list their names as children");
        }
    }
}

/// A health check's keys (`id` stands alone).
const CHECK_KEYS: [&str; 11] = [
    "type",
    "host",
    "ip",
    "port",
    "path",
    "search_string",
    "interval",
    "failure_threshold",
    "children",
    "threshold",
    "inverted",
];

/// The keys of HTTP, HTTPS and TCP checks.
const ENDPOINT_KEYS: [&str; 7] = [
    "host",
    "ip",
    "port",
    "path",
    "search_string",
    "interval",
    "failure_threshold",
];

/// Route 53's most children of a calculated check.
const MAX_CHILDREN: usize = 256;

/// A mapping's entries, looked up by key.
struct Fields<'a>(&'a [(Node, Node)]);

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&(Node, Node)> {
        self.0.iter().find(|(k, _)| k.scalar() == Some(key))
    }
}

fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A health check's name in the file (also a tag value).
pub(super) fn valid_check_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::zone::load::load_str;

    #[test]
    fn each_bad_field_of_a_check_is_reported_at_its_value_with_its_hint() {
        let text = "\
$zone:
  health_checks:
    a: {type: HTTPS, host: 'not a host'}
    b: {type: HTTP, host: www.example.com, ip: 192.0.2.300}
    c: {type: HTTP, host: www.example.com, interval: 20}
    d: {type: TCP, ip: 192.0.2.1, port: 5432, inverted: maybe}
    e: {type: HTTPS, host: WWW.Example.com., ip: '2001:db8::1', interval: 10, inverted: true}
www: {type: A, value: 192.0.2.1}
";
        let loaded = load_str(Path::new("example.com.yaml"), text);
        let found: Vec<(&str, u64, u64)> = (loaded.diagnostics.iter())
            .map(|d| (d.rule, d.pos.line, d.pos.column))
            .collect();
        assert_eq!(
            found,
            [
                ("health_check.host", 3, 28),
                ("health_check.ip", 4, 48),
                ("health_check.interval", 5, 54),
                ("health_check.invalid", 6, 57),
            ],
            "{:#?}",
            loaded.diagnostics
        );
        assert!(loaded.diagnostics.iter().all(|d| d.hint.is_some()));
        let Some(crate::zone::HealthCheck::Owned(e)) = loaded.zone.settings.health_checks.get("e")
        else {
            panic!("check e not read: {:?}", loaded.zone.settings.health_checks);
        };
        let endpoint = e.endpoint.as_ref().unwrap();
        assert_eq!(endpoint.host.as_deref(), Some("www.example.com"));
        assert_eq!(endpoint.ip, Some("2001:db8::1".parse().unwrap()));
        assert_eq!((endpoint.interval, e.inverted), (10, true));
    }
}
