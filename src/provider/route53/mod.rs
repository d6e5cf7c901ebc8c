//! Route 53: hosted zone lookup, listing, change batches, waiting for INSYNC.
//!
//! Credentials and region come from aws-config's default chain (environment, profiles, SSO,
//! instance roles), with `--profile`, `--region` and `--endpoint-url` / `AWS_ENDPOINT_URL` on
//! top. Route 53 allows five requests a second per account: every request first waits its turn
//! at a client-side rate limiter shared by all zones of a run, and the SDK retries throttling
//! (`Throttling`, `PriorRequestNotComplete`) with jittered exponential backoff, so that a sync
//! completes instead of stopping half-way. Credentials are never logged or printed.

pub mod batch;
mod client;
pub mod domains;
mod error;
pub mod guard;
pub mod health;
pub mod mapping;
mod operations;

pub use error::ProviderError;
pub use operations::{Need, OPERATIONS, Scope};

use client::{CountAttempts, RateLimiter};
use error::{api_error, first_line};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_route53::Client;
use aws_sdk_route53::config::{Intercept, RuntimeComponents};
use aws_sdk_route53::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_route53::operation::change_resource_record_sets::ChangeResourceRecordSetsError;
use aws_sdk_route53::types::{ChangeBatch, ChangeStatus, ResourceRecordSet, RrType};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::zone::{Name, Zone, name};
use batch::Batch;

/// How to reach Route 53.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Requests per second, across all zones of a run (Route 53 allows 5 per account).
    pub max_rps: f64,
}

/// A hosted zone, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedZone {
    /// The id without the `/hostedzone/` prefix.
    pub id: String,
    pub name: Name,
    pub private: bool,
}

/// The Route 53 client of one run.
#[derive(Debug, Clone)]
pub struct Route53 {
    client: Client,
    /// Route 53 Domains (the registrar), whose API lives in us-east-1 only.
    domains: aws_sdk_route53domains::Client,
    /// STS, for the account the credentials belong to (`$zone.account`).
    sts: aws_sdk_sts::Client,
    limiter: Arc<RateLimiter>,
    attempts: CountAttempts,
    signer: Signer,
}

/// How a run signs: the profile named (`--profile`, else `AWS_PROFILE`), the access key's last
/// four characters, and the region.
#[derive(Debug, Clone)]
struct Signer {
    profile: Option<String>,
    key_tail: String,
    region: String,
}

/// Who a run acts as, said at the head of every plan and sync: the account STS names and the
/// caller's ARN, or why they could not be told; the profile, the key's last four characters and
/// the region either way.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The account and the ARN, or why STS did not tell them.
    pub account: Result<(String, String), String>,
    pub profile: Option<String>,
    pub key_tail: String,
    pub region: String,
}

impl Identity {
    /// The account id, when STS told it.
    pub fn account_id(&self) -> Option<&str> {
        self.account.as_ref().ok().map(|(a, _)| a.as_str())
    }

    /// For `--json`: the same facts as fields.
    pub fn to_json(&self) -> serde_json::Value {
        let (account, arn, unknown) = match &self.account {
            Ok((a, arn)) => (Some(a.as_str()), Some(arn.as_str()), None),
            Err(why) => (None, None, Some(why.as_str())),
        };
        serde_json::json!({
            "account": account,
            "arn": arn,
            "account_unknown": unknown,
            "profile": self.profile,
            "key": format!("…{}", self.key_tail),
            "region": self.region,
        })
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let profile = match &self.profile {
            Some(p) => format!("profile '{p}', "),
            None => String::new(),
        };
        // STS's words come over the network: escaped before they reach a terminal.
        use crate::escape::escape;
        match &self.account {
            Ok((account, arn)) => write!(
                f,
                "AWS account {} ({profile}{}), region {}",
                escape(account),
                escape(arn),
                self.region
            ),
            Err(why) => write!(
                f,
                "AWS account not known ({}): {profile}key …{}, region {}",
                escape(why),
                self.key_tail,
                self.region
            ),
        }
    }
}

/// Where a page of ListResourceRecordSets starts: name, type, set identifier.
type PageStart = (String, RrType, Option<String>);

/// Page size of ListResourceRecordSets (Route 53's maximum).
pub const PAGE: i32 = 300;

fn bare_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/")
        .trim_start_matches("/change/")
        .to_string()
}

impl Route53 {
    /// Finds the hosted zone for `origin`: by `id` when given (and checked), else by name.
    ///
    /// `private` tells a private zone file (`Some(true)`) from a public one (`Some(false)`):
    /// only a zone of that kind is taken, so a public and a private zone of one name need no
    /// `hosted_zone_id`, and a file's records never land in a zone of the other kind.
    pub async fn find_zone(
        &self,
        origin: &Name,
        id: Option<&str>,
        private: Option<bool>,
    ) -> Result<HostedZone, ProviderError> {
        let wanted = origin.to_ascii();
        let kind = |p: bool| if p { "private" } else { "public" };
        if let Some(id) = id {
            return self.zone_by_id(origin, id, private).await;
        }
        let mut found = self.zones_named(origin).await?;
        if let Some(p) = private {
            let other = found.iter().filter(|z| z.private != p).count();
            found.retain(|z| z.private == p);
            if found.is_empty() && other > 0 {
                return Err(ProviderError::NotFound {
                    zone: format!("{wanted} ({} zone; a {} one exists)", kind(p), kind(!p)),
                });
            }
        }
        match found.len() {
            0 => Err(ProviderError::NotFound { zone: wanted }),
            1 => Ok(found.remove(0)),
            _ => Err(ProviderError::Ambiguous {
                zone: wanted,
                candidates: found,
            }),
        }
    }

    /// The hosted zone of that id, which must be the zone named (and public or private as
    /// the file says).
    async fn zone_by_id(
        &self,
        origin: &Name,
        id: &str,
        private: Option<bool>,
    ) -> Result<HostedZone, ProviderError> {
        let kind = |p: bool| if p { "private" } else { "public" };
        self.limiter.acquire().await;
        let out = self
            .client
            .get_hosted_zone()
            .id(id)
            .send()
            .await
            .map_err(|e| api_error("GetHostedZone", e))?;
        let hz = out.hosted_zone().ok_or_else(|| ProviderError::NotFound {
            zone: origin.to_ascii(),
        })?;
        let zone = hosted_zone(hz)?;
        if zone.name != *origin {
            return Err(ProviderError::WrongZone {
                id: id.into(),
                expected: origin.to_ascii(),
                actual: zone.name.to_ascii(),
            });
        }
        if let Some(p) = private
            && p != zone.private
        {
            return Err(ProviderError::Invalid(format!(
                "hosted zone {id} is a {} zone, but the zone file describes a {} one{}",
                kind(zone.private),
                kind(p),
                if p {
                    ""
                } else {
                    " (it has no `private:` under `$zone`)"
                }
            )));
        }
        Ok(zone)
    }

    /// Every hosted zone of that name (public and private ones may share it), by pages.
    async fn zones_named(&self, origin: &Name) -> Result<Vec<HostedZone>, ProviderError> {
        let mut found = Vec::new();
        let mut next: Option<(String, Option<String>)> = Some((origin.to_ascii(), None));
        while let Some((dns_name, zone_id)) = next.take() {
            self.limiter.acquire().await;
            let out = self
                .client
                .list_hosted_zones_by_name()
                .dns_name(dns_name)
                .set_hosted_zone_id(zone_id)
                .max_items(100)
                .send()
                .await
                .map_err(|e| api_error("ListHostedZonesByName", e))?;
            let mut past = false;
            for hz in out.hosted_zones() {
                let zone = hosted_zone(hz)?;
                if zone.name == *origin {
                    found.push(zone);
                } else {
                    past = true; // sorted by name: nothing further can match
                }
            }
            if out.is_truncated() && !past {
                next = out
                    .next_dns_name()
                    .map(|n| (n.to_string(), out.next_hosted_zone_id().map(str::to_string)));
            }
        }
        Ok(found)
    }

    /// The live zone, read in pages of 300 and converted page by page: the managed record sets
    /// and those dns leaves alone, with the health checks: those tagged for this zone (in the
    /// live zone's settings, as the file would define them) and those `file_checks` names by id.
    /// Health checks are listed only where they can matter: `routed` (the file has routed sets),
    /// `file_checks` not empty, or a routed set in the live zone. A zone without routing never
    /// needs `ListHealthChecks`; one with routing finds its own checks even when nothing uses
    /// them any more.
    pub async fn live_zone(
        &self,
        zone: &HostedZone,
        file_checks: &std::collections::BTreeMap<String, crate::zone::HealthCheck>,
        routed: bool,
    ) -> Result<(Zone, Vec<mapping::Unmanaged>, mapping::HealthIds), ProviderError> {
        Ok(self.live_zone_guarded(zone, file_checks, routed).await?.0)
    }

    /// [`Route53::live_zone`], and the sync guard's current value, taken out of the live zone
    /// (none: no sync has run yet).
    pub async fn live_zone_guarded(
        &self,
        zone: &HostedZone,
        file_checks: &std::collections::BTreeMap<String, crate::zone::HealthCheck>,
        routed: bool,
    ) -> Result<
        (
            (Zone, Vec<mapping::Unmanaged>, mapping::HealthIds),
            Option<crate::zone::RecordSet>,
        ),
        ProviderError,
    > {
        let (mut live, unmanaged, ids) = self.live_zone_all(zone, file_checks, routed).await?;
        let guard = live.rrsets.remove(&guard::key(&zone.name));
        Ok(((live, unmanaged, ids), guard))
    }

    async fn live_zone_all(
        &self,
        zone: &HostedZone,
        file_checks: &std::collections::BTreeMap<String, crate::zone::HealthCheck>,
        routed: bool,
    ) -> Result<(Zone, Vec<mapping::Unmanaged>, mapping::HealthIds), ProviderError> {
        use crate::zone::HealthRef;
        let mut live = Zone::new(zone.name.clone());
        let mut unmanaged = Vec::new();
        let none = mapping::HealthIds::default();
        let mut refers = routed;
        // In the zone's order: those read last (before the guard's place) first.
        let mut before_guard = Vec::new();
        self.list_pages(zone, |wrapped, page| {
            for rr in page {
                match mapping::from_route53(rr, &zone.name, &zone.id, &none) {
                    Ok((key, set)) => {
                        refers |= set.routing.is_some();
                        live.rrsets.insert(key, set);
                    }
                    Err(u) if wrapped => before_guard.push(u),
                    Err(u) => unmanaged.push(u),
                }
            }
        })
        .await?;
        before_guard.append(&mut unmanaged);
        let unmanaged = before_guard;
        if zone.private {
            live.settings.private = Some(self.vpcs(zone).await?);
        }
        if file_checks.is_empty() && !refers {
            return Ok((live, unmanaged, mapping::HealthIds::default()));
        }
        let (owned, ids) = self
            .owned_checks(&zone.name, zone.private, file_checks)
            .await?;
        live.settings.health_checks = owned;
        for set in live.rrsets.values_mut() {
            if let Some(r) = set.routing.as_mut()
                && let Some(HealthRef::Id(id)) = &r.health_check
            {
                r.health_check = Some(ids.reference(id));
            }
        }
        Ok((live, unmanaged, ids))
    }

    /// The health checks tagged for `origin` (as the file would define them) and the ids of
    /// those and of the checks `file_checks` names by id.
    pub async fn owned_checks(
        &self,
        origin: &Name,
        private: bool,
        file_checks: &std::collections::BTreeMap<String, crate::zone::HealthCheck>,
    ) -> Result<
        (
            std::collections::BTreeMap<String, crate::zone::HealthCheck>,
            mapping::HealthIds,
        ),
        ProviderError,
    > {
        use crate::zone::HealthCheck;
        let mut ids = mapping::HealthIds::default();
        let mut out = std::collections::BTreeMap::new();
        let checks = self.health_checks().await?;
        for (name, check) in file_checks {
            if let HealthCheck::Existing(id) = check {
                if !checks.iter().any(|c| c.id == *id) {
                    return Err(ProviderError::Invalid(format!(
                        "health check `{name}`: Route 53 has no health check with id {id}"
                    )));
                }
                ids.insert(name, id);
            }
        }
        let owned: Vec<(&str, &health::LiveCheck)> = checks
            .iter()
            .filter_map(|c| c.owned_name(origin, private).map(|n| (n, c)))
            .collect();
        for (name, c) in &owned {
            if !matches!(file_checks.get(*name), Some(HealthCheck::Existing(_))) {
                ids.insert(name, &c.id);
            }
        }
        for (name, c) in owned {
            if matches!(file_checks.get(name), Some(HealthCheck::Existing(_))) {
                continue;
            }
            let config = health::from_live(&c.config, &ids).map_err(|why| {
                ProviderError::Invalid(format!(
                    "health check `{name}` ({}) is tagged for {} but has settings dns cannot represent ({why}): remove its dns tags to leave it alone, or delete it",
                    c.id,
                    origin.to_ascii()
                ))
            })?;
            out.insert(name.to_string(), HealthCheck::Owned(config));
        }
        Ok((out, ids))
    }

    /// The sync guard's current text (one ListResourceRecordSets of one item), as said when a
    /// batch is refused for it; empty when the zone has none.
    pub async fn guard_now(&self, zone: &HostedZone) -> Result<String, ProviderError> {
        let key = guard::key(&zone.name);
        self.limiter.acquire().await;
        let out = self
            .client
            .list_resource_record_sets()
            .hosted_zone_id(&zone.id)
            .start_record_name(key.name.to_ascii())
            .start_record_type(RrType::Txt)
            .max_items(1)
            .send()
            .await
            .map_err(|e| api_error("ListResourceRecordSets", e))?;
        Ok(out
            .resource_record_sets()
            .iter()
            .filter(|s| {
                s.r#type() == &RrType::Txt
                    && s.name()
                        .trim_end_matches('.')
                        .eq_ignore_ascii_case(key.name.to_ascii().trim_end_matches('.'))
            })
            .flat_map(|s| s.resource_records())
            .map(|r| r.value().trim_matches('"').to_string())
            .collect::<Vec<_>>()
            .join(" "))
    }

    /// Every record set of the zone, in pages of 300, handed to `page` as they arrive, the
    /// sync guard read before anything else of the zone. Route 53 answers each page atomically,
    /// not the listing: a sync that changes the zone while the pages are read must replace the
    /// guard after this read, so that a plan made of such a torn read is refused at its first
    /// request instead of undoing what it did not see. When the first page holds the guard, or
    /// the whole zone, it is read from the start as usual; otherwise (more than a page of names
    /// sort before `_dns-sync`: the apex, names that begin with a digit; or no guard yet) it is
    /// read again from the guard's place to the end, then from the start up to that place
    /// (`page` hears `true` for those): one page more.
    pub async fn list_pages(
        &self,
        zone: &HostedZone,
        mut page: impl FnMut(bool, &[ResourceRecordSet]),
    ) -> Result<(), ProviderError> {
        let key_of = |rr: &ResourceRecordSet| -> PageStart {
            (
                rr.name().to_string(),
                rr.r#type().clone(),
                rr.set_identifier().map(str::to_string),
            )
        };
        let guard = guard::key(&zone.name);
        let is_guard = |rr: &ResourceRecordSet| {
            rr.r#type() == &RrType::Txt
                && Name::from_ascii(rr.name()).is_ok_and(|n| n == guard.name)
        };
        #[derive(PartialEq)]
        enum Pass {
            First,
            Plain,
            FromGuard,
            Wrapped,
        }
        let mut pass = Pass::First;
        let mut start: Option<PageStart> = None;
        // Where the pass from the guard began: the wrapped pass stops there.
        let mut from_guard: std::collections::HashSet<PageStart> = Default::default();
        loop {
            let out = self.list_page(zone, start.take()).await?;
            let sets = out.resource_record_sets();
            let truncated = out.is_truncated();
            match pass {
                Pass::First if truncated && !sets.iter().any(is_guard) => {
                    pass = Pass::FromGuard;
                    start = Some((guard.name.to_ascii(), RrType::Txt, None));
                    continue;
                }
                Pass::First => {
                    pass = Pass::Plain;
                    page(false, sets);
                }
                Pass::Plain => page(false, sets),
                Pass::FromGuard => {
                    if from_guard.is_empty() {
                        from_guard = sets.iter().map(key_of).collect();
                    }
                    page(false, sets);
                }
                Pass::Wrapped => {
                    let end = sets
                        .iter()
                        .position(|rr| from_guard.contains(&key_of(rr)))
                        .unwrap_or(sets.len());
                    page(true, &sets[..end]);
                    if end < sets.len() {
                        break;
                    }
                }
            }
            match (truncated, out.next_record_name(), out.next_record_type()) {
                (true, Some(name), Some(rtype)) => {
                    start = Some((
                        name.to_string(),
                        rtype.clone(),
                        out.next_record_identifier().map(str::to_string),
                    ));
                }
                // The end of the zone: once more from its start, up to the guard's place.
                _ if pass == Pass::FromGuard => pass = Pass::Wrapped,
                _ => break,
            }
        }
        Ok(())
    }

    /// One page of ListResourceRecordSets, from `start` (name, type, set identifier) or the
    /// zone's start.
    async fn list_page(
        &self,
        zone: &HostedZone,
        start: Option<PageStart>,
    ) -> Result<
        aws_sdk_route53::operation::list_resource_record_sets::ListResourceRecordSetsOutput,
        ProviderError,
    > {
        self.limiter.acquire().await;
        let mut req = self
            .client
            .list_resource_record_sets()
            .hosted_zone_id(&zone.id)
            .max_items(PAGE);
        if let Some((name, rtype, ident)) = start {
            req = req
                .start_record_name(name)
                .start_record_type(rtype)
                .set_start_record_identifier(ident);
        }
        req.send()
            .await
            .map_err(|e| api_error("ListResourceRecordSets", e))
    }

    /// Sends one change batch; the change id to wait on.
    pub async fn change(
        &self,
        zone: &HostedZone,
        batch: &Batch,
        comment: &str,
    ) -> Result<String, ProviderError> {
        let change_batch = ChangeBatch::builder()
            .comment(comment)
            .set_changes(Some(batch.changes.clone()))
            .build()
            .map_err(|e| ProviderError::Api {
                operation: "ChangeResourceRecordSets",
                message: e.to_string(),
            })?;
        self.limiter.acquire().await;
        let out = self
            .client
            .change_resource_record_sets()
            .hosted_zone_id(&zone.id)
            .change_batch(change_batch)
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(service)
                    if service.is_invalid_change_batch() || service.is_invalid_input() =>
                {
                    // Route 53 lists every error of the batch: all of them are said (a stale
                    // guard among them is how another sync's change is told).
                    let listed = match service {
                        ChangeResourceRecordSetsError::InvalidChangeBatch(e) => {
                            e.messages().join("; ")
                        }
                        _ => String::new(),
                    };
                    ProviderError::Rejected {
                        message: match listed.is_empty() {
                            false => listed,
                            true => service
                                .meta()
                                .message()
                                .unwrap_or("InvalidChangeBatch")
                                .to_string(),
                        },
                    }
                }
                _ => api_error("ChangeResourceRecordSets", e),
            })?;
        Ok(out
            .change_info()
            .map(|c| bare_id(c.id()))
            .unwrap_or_default())
    }

    /// Polls GetChange with backoff until INSYNC; `tick` hears each status.
    pub async fn wait(
        &self,
        change_id: &str,
        timeout: Duration,
        mut tick: impl FnMut(&str),
    ) -> Result<(), ProviderError> {
        let started = Instant::now();
        let mut delay = Duration::from_secs(1);
        loop {
            self.limiter.acquire().await;
            let out = self
                .client
                .get_change()
                .id(change_id)
                .send()
                .await
                .map_err(|e| api_error("GetChange", e))?;
            let status = out
                .change_info()
                .map(|c| c.status().clone())
                .unwrap_or(ChangeStatus::Pending);
            tick(status.as_str());
            if status == ChangeStatus::Insync {
                return Ok(());
            }
            if started.elapsed() + delay > timeout {
                return Err(ProviderError::WaitTimeout {
                    change_id: change_id.into(),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(10));
        }
    }

    /// Creates a public hosted zone; its four name servers, for the registrar.
    pub async fn create_zone(
        &self,
        origin: &Name,
        vpc: Option<&crate::zone::Vpc>,
    ) -> Result<(HostedZone, Vec<String>), ProviderError> {
        let reference = format!(
            "dns-{}-{}",
            origin.to_ascii().trim_end_matches('.'),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default()
        );
        self.limiter.acquire().await;
        let mut req = self
            .client
            .create_hosted_zone()
            .name(origin.to_ascii())
            .caller_reference(reference);
        if let Some(v) = vpc {
            // A private zone: created with its first VPC (Route 53 needs one).
            req = req.vpc(vpc_of(v)).hosted_zone_config(
                aws_sdk_route53::types::HostedZoneConfig::builder()
                    .private_zone(true)
                    .build(),
            );
        }
        let out = req
            .send()
            .await
            .map_err(|e| api_error("CreateHostedZone", e))?;
        let zone = out
            .hosted_zone()
            .map(hosted_zone)
            .transpose()?
            .ok_or_else(|| ProviderError::Api {
                operation: "CreateHostedZone",
                message: "no hosted zone in the answer".into(),
            })?;
        let servers = out
            .delegation_set()
            .map(|d| d.name_servers().to_vec())
            .unwrap_or_default();
        Ok((zone, servers))
    }

    /// The VPCs a private zone is associated with.
    pub async fn vpcs(
        &self,
        zone: &HostedZone,
    ) -> Result<std::collections::BTreeSet<crate::zone::Vpc>, ProviderError> {
        Ok(self
            .get_hosted_zone(zone)
            .await?
            .vpcs()
            .iter()
            .filter_map(|v| {
                Some(crate::zone::Vpc {
                    id: v.vpc_id()?.to_string(),
                    region: v.vpc_region()?.as_str().to_string(),
                })
            })
            .collect())
    }

    /// Associates a VPC with a private zone, or takes it away.
    pub async fn vpc_association(
        &self,
        zone: &HostedZone,
        vpc: &crate::zone::Vpc,
        associate: bool,
    ) -> Result<(), ProviderError> {
        self.limiter.acquire().await;
        if associate {
            self.client
                .associate_vpc_with_hosted_zone()
                .hosted_zone_id(&zone.id)
                .vpc(vpc_of(vpc))
                .comment("dns sync")
                .send()
                .await
                .map_err(|e| api_error("AssociateVPCWithHostedZone", e))?;
        } else {
            self.client
                .disassociate_vpc_from_hosted_zone()
                .hosted_zone_id(&zone.id)
                .vpc(vpc_of(vpc))
                .comment("dns sync")
                .send()
                .await
                .map_err(|e| api_error("DisassociateVPCFromHostedZone", e))?;
        }
        Ok(())
    }

    async fn get_hosted_zone(
        &self,
        zone: &HostedZone,
    ) -> Result<aws_sdk_route53::operation::get_hosted_zone::GetHostedZoneOutput, ProviderError>
    {
        self.limiter.acquire().await;
        self.client
            .get_hosted_zone()
            .id(&zone.id)
            .send()
            .await
            .map_err(|e| api_error("GetHostedZone", e))
    }

    /// Who this run acts as: the account and ARN from STS GetCallerIdentity (which needs no
    /// permission), or why they could not be told, beside the profile, key and region.
    pub async fn identity(&self) -> Identity {
        let account = match self.sts.get_caller_identity().send().await {
            Ok(out) => match out.account() {
                Some(account) => Ok((
                    account.to_string(),
                    out.arn().unwrap_or_default().to_string(),
                )),
                None => Err("STS named no account".into()),
            },
            Err(e) => Err(format!(
                "STS GetCallerIdentity: {}",
                match api_error("GetCallerIdentity", e) {
                    ProviderError::Network { message, .. } | ProviderError::Api { message, .. } =>
                        message,
                    ProviderError::BadCredentials { code, .. }
                    | ProviderError::Expired { code, .. } => code,
                    other => other.to_string(),
                }
            )),
        };
        Identity {
            account,
            profile: self.signer.profile.clone(),
            key_tail: self.signer.key_tail.clone(),
            region: self.signer.region.clone(),
        }
    }

    /// The name servers Route 53 assigned to the zone (its delegation set).
    pub async fn name_servers(&self, zone: &HostedZone) -> Result<Vec<String>, ProviderError> {
        Ok(self
            .get_hosted_zone(zone)
            .await?
            .delegation_set()
            .map(|d| d.name_servers().to_vec())
            .unwrap_or_default())
    }
}

fn vpc_of(v: &crate::zone::Vpc) -> aws_sdk_route53::types::Vpc {
    aws_sdk_route53::types::Vpc::builder()
        .vpc_id(&v.id)
        .vpc_region(aws_sdk_route53::types::VpcRegion::from(v.region.as_str()))
        .build()
}

fn hosted_zone(hz: &aws_sdk_route53::types::HostedZone) -> Result<HostedZone, ProviderError> {
    let name =
        name::parse_zone(&mapping::unescape_name(hz.name())).map_err(|e| ProviderError::Api {
            operation: "ListHostedZonesByName",
            message: format!("unreadable zone name '{}': {e}", hz.name()),
        })?;
    Ok(HostedZone {
        id: bare_id(hz.id()),
        name,
        private: hz.config().is_some_and(|c| c.private_zone()),
    })
}
