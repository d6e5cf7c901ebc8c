//! Route 53 health checks ↔ the zone model's [`CheckConfig`], and the requests that keep a zone
//! file's checks in step.
//!
//! A check the file owns is tagged `dns:zone` (the zone) and `dns:health-check` (its name in the
//! file), plus a `Name` for the console, and found again by those tags: a rerun makes no
//! request, and a check without them is never changed or deleted. A check Route 53 holds with
//! settings the model does not have (latency measurement, chosen checker regions, CloudWatch
//! alarms, SNI off on HTTPS…) cannot be represented exactly: it is refused where the file owns
//! it, and referred to by id (`{id: …}`) where it does not.

use std::collections::BTreeMap;

use aws_sdk_route53::types::{
    HealthCheckConfig, HealthCheckType, ResettableElementName, Tag, TagResourceType,
};

use super::mapping::HealthIds;
use super::{ProviderError, Route53, api_error};
use crate::zone::{CheckConfig, CheckKind, Endpoint, Name};

/// The tag naming the zone a check belongs to.
pub const TAG_ZONE: &str = "dns:zone";
/// The tag naming the check in its zone file.
pub const TAG_NAME: &str = "dns:health-check";

/// One live health check.
#[derive(Debug, Clone)]
pub struct LiveCheck {
    pub id: String,
    /// Route 53's raw configuration (kept to read children once names are known).
    pub config: HealthCheckConfig,
    pub tags: BTreeMap<String, String>,
}

impl LiveCheck {
    /// The name this check has in `zone`'s file, when tagged for it.
    pub fn owned_name(&self, zone: &Name, private: bool) -> Option<&str> {
        (self.tags.get(TAG_ZONE).map(String::as_str) == Some(zone_tag(zone, private).as_str()))
            .then(|| self.tags.get(TAG_NAME).map(String::as_str))
            .flatten()
    }
}

/// The zone's tag value: its name without the final dot, and ` (private)` for a private zone,
/// so that the public and the private zone of one name never take each other's checks.
pub fn zone_tag(zone: &Name, private: bool) -> String {
    let name = zone.to_ascii().trim_end_matches('.').to_ascii_lowercase();
    if private {
        format!("{name} (private)")
    } else {
        name
    }
}

/// Reads a live configuration into the model; `Err` says what the model cannot represent.
/// Children are named through `ids` (a child the file does not name cannot be represented).
pub fn from_live(c: &HealthCheckConfig, ids: &HealthIds) -> Result<CheckConfig, String> {
    let t = c.r#type();
    let (kind, str_match) = match t {
        HealthCheckType::Http => (CheckKind::Http, false),
        HealthCheckType::Https => (CheckKind::Https, false),
        HealthCheckType::HttpStrMatch => (CheckKind::Http, true),
        HealthCheckType::HttpsStrMatch => (CheckKind::Https, true),
        HealthCheckType::Tcp => (CheckKind::Tcp, false),
        HealthCheckType::Calculated => (CheckKind::Calculated, false),
        other => return Err(format!("type {}", other.as_str())),
    };
    unmodelled(c, kind)?;
    let inverted = c.inverted().unwrap_or(false);
    if kind == CheckKind::Calculated {
        return calculated(c, ids, inverted);
    }
    let num = |v: Option<i32>, what: &str| {
        v.and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| format!("no {what}"))
    };
    let port = match c.port() {
        Some(p) => num(Some(p), "port")?,
        None => match kind {
            CheckKind::Http => 80,
            CheckKind::Https => 443,
            _ => return Err("no port".into()),
        },
    };
    let ip = match c.ip_address() {
        Some(ip) => Some(ip.parse().map_err(|_| format!("IP address {ip}"))?),
        None => None,
    };
    Ok(CheckConfig {
        kind,
        endpoint: Some(Endpoint {
            host: c
                .fully_qualified_domain_name()
                .map(|h| h.trim_end_matches('.').to_ascii_lowercase()),
            ip,
            port,
            path: c
                .resource_path()
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            search_string: if str_match {
                Some(c.search_string().unwrap_or_default().to_string())
            } else {
                None
            },
            interval: num(c.request_interval().or(Some(30)), "interval")? as u8,
            failure_threshold: num(c.failure_threshold().or(Some(3)), "failure threshold")? as u8,
        }),
        children: Vec::new(),
        threshold: None,
        inverted,
    })
}

/// Settings of a live check that the zone file cannot say: such a check is left alone, with
/// the reason.
fn unmodelled(c: &HealthCheckConfig, kind: CheckKind) -> Result<(), String> {
    if c.measure_latency() == Some(true) {
        return Err("latency measurement".into());
    }
    if !c.regions().is_empty() {
        return Err("chosen checker regions".into());
    }
    if c.disabled() == Some(true) {
        return Err("disabled".into());
    }
    if c.alarm_identifier().is_some() || c.routing_control_arn().is_some() {
        return Err("a CloudWatch alarm or routing control".into());
    }
    let sni_default = kind == CheckKind::Https;
    if kind != CheckKind::Calculated && c.enable_sni().unwrap_or(sni_default) != sni_default {
        return Err(format!("SNI {}", if sni_default { "off" } else { "on" }));
    }
    Ok(())
}

/// A live calculated check: its children by the names the zone files give them.
fn calculated(
    c: &HealthCheckConfig,
    ids: &HealthIds,
    inverted: bool,
) -> Result<CheckConfig, String> {
    let mut children = Vec::new();
    for id in c.child_health_checks() {
        match ids.reference(id) {
            crate::zone::HealthRef::Named(n) => children.push(n),
            crate::zone::HealthRef::Id(_) => {
                return Err(format!("child {id}, which no zone file names"));
            }
        }
    }
    children.sort();
    let threshold = c
        .health_threshold()
        .and_then(|t| u16::try_from(t).ok())
        .ok_or("no health threshold")?;
    Ok(CheckConfig {
        kind: CheckKind::Calculated,
        endpoint: None,
        children,
        threshold: Some(threshold),
        inverted,
    })
}

fn check_type(c: &CheckConfig) -> HealthCheckType {
    let str_match = c
        .endpoint
        .as_ref()
        .is_some_and(|e| e.search_string.is_some());
    match (c.kind, str_match) {
        (CheckKind::Http, false) => HealthCheckType::Http,
        (CheckKind::Http, true) => HealthCheckType::HttpStrMatch,
        (CheckKind::Https, false) => HealthCheckType::Https,
        (CheckKind::Https, true) => HealthCheckType::HttpsStrMatch,
        (CheckKind::Tcp, _) => HealthCheckType::Tcp,
        (CheckKind::Calculated, _) => HealthCheckType::Calculated,
    }
}

/// Whether Route 53 can change `old` into `new` in place (UpdateHealthCheck cannot change the
/// type or the interval, nor add or remove an IP address); `Err` names what differs.
pub fn updatable(old: &CheckConfig, new: &CheckConfig) -> Result<(), &'static str> {
    if check_type(old) != check_type(new) {
        return Err("a check's type");
    }
    let interval = |c: &CheckConfig| c.endpoint.as_ref().map(|e| e.interval);
    if interval(old) != interval(new) {
        return Err("a check's interval");
    }
    // An IP address can be changed, but not added to or taken from an existing check.
    let has_ip = |c: &CheckConfig| c.endpoint.as_ref().is_some_and(|e| e.ip.is_some());
    if has_ip(old) != has_ip(new) {
        return Err("whether a check has an IP address");
    }
    Ok(())
}

/// The children's ids, in the model's order.
fn child_ids(c: &CheckConfig, ids: &HealthIds) -> Result<Vec<String>, String> {
    c.children
        .iter()
        .map(|n| {
            ids.id(&crate::zone::HealthRef::Named(n.clone()))
                .map(str::to_string)
                .ok_or_else(|| format!("child check `{n}` has no id yet"))
        })
        .collect()
}

/// The configuration Route 53 takes for a new check.
pub fn to_live(c: &CheckConfig, ids: &HealthIds) -> Result<HealthCheckConfig, String> {
    let mut b = HealthCheckConfig::builder()
        .r#type(check_type(c))
        .inverted(c.inverted);
    if let Some(e) = &c.endpoint {
        b = b
            .set_fully_qualified_domain_name(e.host.clone())
            .set_ip_address(e.ip.map(|ip| ip.to_string()))
            .port(i32::from(e.port))
            .set_resource_path(e.path.clone())
            .set_search_string(e.search_string.clone())
            .request_interval(i32::from(e.interval))
            .failure_threshold(i32::from(e.failure_threshold));
        if c.kind == CheckKind::Https {
            b = b.enable_sni(true);
        }
    } else {
        b = b
            .set_child_health_checks(Some(child_ids(c, ids)?))
            .set_health_threshold(c.threshold.map(i32::from));
    }
    b.build().map_err(|e| e.to_string())
}

impl Route53 {
    /// Every health check of the account, with its tags (ListHealthChecks in pages of 100,
    /// ListTagsForResources ten at a time).
    pub async fn health_checks(&self) -> Result<Vec<LiveCheck>, ProviderError> {
        let mut checks = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            self.limiter.acquire().await;
            let out = self
                .client
                .list_health_checks()
                .set_marker(marker.take())
                .max_items(100)
                .send()
                .await
                .map_err(|e| api_error("ListHealthChecks", e))?;
            for hc in out.health_checks() {
                if let Some(config) = hc.health_check_config() {
                    checks.push(LiveCheck {
                        id: hc.id().to_string(),
                        config: config.clone(),
                        tags: BTreeMap::new(),
                    });
                }
            }
            match (out.is_truncated(), out.next_marker()) {
                (true, Some(m)) => marker = Some(m.to_string()),
                _ => break,
            }
        }
        for chunk in checks.chunks_mut(10) {
            self.limiter.acquire().await;
            let out = self
                .client
                .list_tags_for_resources()
                .resource_type(TagResourceType::Healthcheck)
                .set_resource_ids(Some(chunk.iter().map(|c| c.id.clone()).collect()))
                .send()
                .await
                .map_err(|e| api_error("ListTagsForResources", e))?;
            for set in out.resource_tag_sets() {
                let Some(check) = chunk
                    .iter_mut()
                    .find(|c| Some(c.id.as_str()) == set.resource_id())
                else {
                    continue;
                };
                for tag in set.tags() {
                    if let (Some(k), Some(v)) = (tag.key(), tag.value()) {
                        check.tags.insert(k.to_string(), v.to_string());
                    }
                }
            }
        }
        Ok(checks)
    }

    /// Creates and tags a check the file owns; its id.
    pub async fn create_health_check(
        &self,
        zone: &Name,
        private: bool,
        name: &str,
        config: &CheckConfig,
        ids: &HealthIds,
    ) -> Result<String, ProviderError> {
        let live = to_live(config, ids).map_err(|e| ProviderError::Invalid(e.to_string()))?;
        // Unique per request (Route 53 refuses a reused one), and telling whose it is.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let tag_value = zone_tag(zone, private);
        let reference: String = format!("dns {tag_value} {name} {nanos}")
            .chars()
            .rev()
            .take(64)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        self.limiter.acquire().await;
        let out = self
            .client
            .create_health_check()
            .caller_reference(reference)
            .health_check_config(live)
            .send()
            .await
            .map_err(|e| api_error("CreateHealthCheck", e))?;
        let id = out
            .health_check()
            .map(|h| h.id().to_string())
            .ok_or_else(|| ProviderError::Invalid("CreateHealthCheck returned no id".into()))?;
        let tag = |k: &str, v: String| Tag::builder().key(k).value(v).build();
        self.limiter.acquire().await;
        self.client
            .change_tags_for_resource()
            .resource_type(TagResourceType::Healthcheck)
            .resource_id(&id)
            .add_tags(tag(TAG_ZONE, tag_value.clone()))
            .add_tags(tag(TAG_NAME, name.to_string()))
            .add_tags(tag("Name", format!("{tag_value} {name}")))
            .send()
            .await
            .map_err(|e| api_error("ChangeTagsForResource", e))?;
        Ok(id)
    }

    /// Changes an owned check in place (see [`updatable`]).
    pub async fn update_health_check(
        &self,
        id: &str,
        new: &CheckConfig,
        ids: &HealthIds,
    ) -> Result<(), ProviderError> {
        let live = to_live(new, ids).map_err(ProviderError::Invalid)?;
        let mut req = self
            .client
            .update_health_check()
            .health_check_id(id)
            .set_inverted(live.inverted());
        if let Some(e) = &new.endpoint {
            req = req
                .set_fully_qualified_domain_name(e.host.clone())
                .set_ip_address(e.ip.map(|ip| ip.to_string()))
                .port(i32::from(e.port))
                .set_resource_path(e.path.clone())
                .set_search_string(e.search_string.clone())
                .failure_threshold(i32::from(e.failure_threshold));
            // What the new configuration leaves out is reset, not left as it was.
            if e.path.is_none() {
                req = req.reset_elements(ResettableElementName::ResourcePath);
            }
            if e.host.is_none() {
                req = req.reset_elements(ResettableElementName::FullyQualifiedDomainName);
            }
        } else {
            req = req
                .set_child_health_checks(Some(live.child_health_checks().to_vec()))
                .set_health_threshold(live.health_threshold());
            if live.child_health_checks().is_empty() {
                req = req.reset_elements(ResettableElementName::ChildHealthChecks);
            }
        }
        self.limiter.acquire().await;
        req.send()
            .await
            .map_err(|e| api_error("UpdateHealthCheck", e))?;
        Ok(())
    }

    /// Whether Route 53 considers a check healthy: more than 18% of its checkers report success
    /// (Route 53's rule), with the count in words.
    pub async fn health_status(&self, id: &str) -> Result<(bool, String), ProviderError> {
        self.limiter.acquire().await;
        let out = self
            .client
            .get_health_check_status()
            .health_check_id(id)
            .send()
            .await
            .map_err(|e| api_error("GetHealthCheckStatus", e))?;
        let reports: Vec<&str> = out
            .health_check_observations()
            .iter()
            .filter_map(|o| o.status_report()?.status())
            .collect();
        if reports.is_empty() {
            return Err(ProviderError::Invalid(format!(
                "health check {id}: Route 53 reports no observations"
            )));
        }
        let success = reports.iter().filter(|r| r.starts_with("Success")).count();
        let healthy = success * 100 > reports.len() * 18;
        let first_failure = reports
            .iter()
            .find(|r| !r.starts_with("Success"))
            .map(|r| format!("; {}", r.chars().take(120).collect::<String>()))
            .unwrap_or_default();
        Ok((
            healthy,
            format!(
                "{success} of {} checkers report success{first_failure}",
                reports.len()
            ),
        ))
    }

    pub async fn delete_health_check(&self, id: &str) -> Result<(), ProviderError> {
        self.limiter.acquire().await;
        self.client
            .delete_health_check()
            .health_check_id(id)
            .send()
            .await
            .map_err(|e| api_error("DeleteHealthCheck", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(ip: Option<&str>, interval: u8, search: Option<&str>) -> CheckConfig {
        CheckConfig {
            kind: CheckKind::Http,
            endpoint: Some(Endpoint {
                host: Some("www.example.net".into()),
                ip: ip.map(|i| i.parse().unwrap()),
                port: 80,
                path: Some("/health".into()),
                search_string: search.map(str::to_string),
                interval,
                failure_threshold: 3,
            }),
            children: vec![],
            threshold: None,
            inverted: false,
        }
    }

    #[test]
    fn what_route53_cannot_change_in_place_is_named() {
        let base = endpoint(Some("192.0.2.1"), 30, None);
        assert_eq!(
            updatable(&base, &endpoint(Some("192.0.2.2"), 30, None)),
            Ok(())
        );
        assert_eq!(
            updatable(&base, &endpoint(Some("192.0.2.1"), 10, None)),
            Err("a check's interval")
        );
        assert_eq!(
            updatable(&base, &endpoint(Some("192.0.2.1"), 30, Some("ok"))),
            Err("a check's type")
        );
        assert_eq!(
            updatable(&base, &endpoint(None, 30, None)),
            Err("whether a check has an IP address")
        );
    }

    #[test]
    fn a_check_round_trips_through_route53s_configuration() {
        let ids = HealthIds::default();
        for c in [
            endpoint(Some("192.0.2.1"), 30, None),
            endpoint(None, 10, Some("ok")),
            CheckConfig {
                kind: CheckKind::Https,
                ..endpoint(Some("2001:db8::1"), 30, None)
            },
        ] {
            let live = to_live(&c, &ids).unwrap();
            assert_eq!(from_live(&live, &ids), Ok(c));
        }
        let mut ids = HealthIds::default();
        ids.insert("a", "id-a");
        ids.insert("b", "id-b");
        let calculated = CheckConfig {
            kind: CheckKind::Calculated,
            endpoint: None,
            children: vec!["a".into(), "b".into()],
            threshold: Some(1),
            inverted: true,
        };
        let live = to_live(&calculated, &ids).unwrap();
        assert_eq!(live.child_health_checks(), ["id-a", "id-b"]);
        assert_eq!(from_live(&live, &ids), Ok(calculated));
        // What the model cannot hold is refused by name, never dropped.
        let latency = HealthCheckConfig::builder()
            .r#type(HealthCheckType::Http)
            .fully_qualified_domain_name("x.example")
            .measure_latency(true)
            .build()
            .unwrap();
        assert_eq!(from_live(&latency, &ids), Err("latency measurement".into()));
    }
}
