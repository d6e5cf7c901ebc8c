//! Route 53: hosted zone lookup, listing, change batches, waiting for INSYNC.
//!
//! Credentials and region come from aws-config's default chain (environment, profiles, SSO,
//! instance roles), with `--profile`, `--region` and `--endpoint-url` / `AWS_ENDPOINT_URL` on
//! top. Route 53 allows five requests a second per account: every request first waits its turn
//! at a client-side rate limiter shared by all zones of a run, and the SDK retries throttling
//! (`Throttling`, `PriorRequestNotComplete`) with jittered exponential backoff, so that a sync
//! completes instead of stopping half-way. Credentials are never logged or printed.

pub mod batch;
pub mod health;
pub mod mapping;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_route53::Client;
use aws_sdk_route53::config::{Intercept, RuntimeComponents};
use aws_sdk_route53::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
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

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("no hosted zone named {zone} in this AWS account")]
    NotFound { zone: String },
    #[error("{} hosted zones are named {zone}: {}", candidates.len(), candidates.iter().map(|z| format!("{} ({})", z.id, if z.private { "private" } else { "public" })).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        zone: String,
        candidates: Vec<HostedZone>,
    },
    #[error("hosted zone {id} is named {actual}, not {expected}")]
    WrongZone {
        id: String,
        expected: String,
        actual: String,
    },
    #[error("Route 53 refused the change: {message}")]
    Rejected { message: String },
    #[error("Route 53 {operation} failed: {message}")]
    Api {
        operation: &'static str,
        message: String,
    },
    #[error("change {change_id} was still PENDING after {waited:?}")]
    WaitTimeout { change_id: String, waited: Duration },
    #[error(
        "no AWS credentials found{}: looked in the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE), the ~/.aws config and credentials files, SSO, web identity (AWS_ROLE_ARN) and the instance or container role",
        profile.as_ref().map(|p| format!(" for profile '{p}'")).unwrap_or_default()
    )]
    NoCredentials { profile: Option<String> },
    #[error("the AWS profile '{profile}' is not defined in ~/.aws/config or ~/.aws/credentials")]
    UnknownProfile { profile: String },
    #[error("the AWS credentials{} could not be loaded: {message}", profile.as_ref().map(|p| format!(" of profile '{p}'")).unwrap_or_default())]
    CredentialsFailed {
        profile: Option<String>,
        message: String,
    },
    #[error("AWS rejected the credentials ({code}) at {operation}: {message}")]
    BadCredentials {
        operation: &'static str,
        code: String,
        message: String,
    },
    #[error("the AWS session has expired ({code}) at {operation}")]
    Expired {
        operation: &'static str,
        code: String,
    },
    #[error("AWS denied route53:{operation}: {message}")]
    AccessDenied {
        operation: &'static str,
        message: String,
    },
    #[error("cannot reach Route 53 ({operation}): {message}")]
    Network {
        operation: &'static str,
        message: String,
    },
    #[error("{0}")]
    Invalid(String),
}

impl ProviderError {
    /// What to do about it, in plain words.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ProviderError::NotFound { .. } => Some(
                "create it with `dns sync --create-zone`, or check --profile and the AWS account",
            ),
            ProviderError::Ambiguous { .. } => Some(
                "choose one with `hosted_zone_id` under `$zone` in the zone file, or --hosted-zone-id",
            ),
            ProviderError::Rejected { .. } => Some(
                "the zone changed since the plan, or a value is not accepted: run `dns plan` again and review it",
            ),
            ProviderError::Api { .. } => {
                Some("check the network, credentials (--profile) and permissions for route53:*")
            }
            ProviderError::NoCredentials { .. } => Some(
                "run `aws configure` (keys) or `aws sso login --profile NAME` (SSO), then pass --profile NAME or set AWS_PROFILE; to see dns work without an AWS account, run scripts/demo.sh",
            ),
            ProviderError::UnknownProfile { .. } => Some(
                "check the name (`aws configure list-profiles`), or create it with `aws configure --profile NAME`",
            ),
            ProviderError::CredentialsFailed { .. } => Some(
                "for SSO, run `aws sso login --profile NAME`; otherwise check the profile with `aws sts get-caller-identity`",
            ),
            ProviderError::BadCredentials { .. } => Some(
                "the access key is unknown or its secret is wrong: check the profile (`aws sts get-caller-identity`) or create a new key",
            ),
            ProviderError::Expired { .. } => Some(
                "log in again (`aws sso login --profile NAME`) or refresh the temporary credentials",
            ),
            ProviderError::AccessDenied { .. } => Some(
                "give the role or user the permissions dns needs: `dns iam-policy` prints a minimal policy for zones/",
            ),
            ProviderError::Network { .. } => Some(
                "check the network and proxy settings (HTTPS_PROXY), or --endpoint-url / AWS_ENDPOINT_URL",
            ),
            _ => None,
        }
    }
}

/// A request whose connection could not even be opened (refused, no such host) is not sent
/// again: ten attempts with backoff would keep a person waiting most of a minute to learn that
/// the network is down. Throttling, server errors and connections lost mid-request are still
/// retried.
#[derive(Debug)]
struct NoRetryWhenUnreachable;

impl aws_smithy_runtime_api::client::retries::classifiers::ClassifyRetry
    for NoRetryWhenUnreachable
{
    fn classify_retry(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::InterceptorContext,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryAction {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryAction;
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let Some(connector) = err.as_connector_error() else {
            return RetryAction::NoActionIndicated;
        };
        let mut cause: Option<&dyn std::error::Error> = Some(connector);
        while let Some(e) = cause {
            let text = e.to_string();
            if text.contains("tcp connect error") || text.contains("dns error") {
                return RetryAction::RetryForbidden;
            }
            cause = e.source();
        }
        RetryAction::NoActionIndicated
    }

    fn name(&self) -> &'static str {
        "no retry when the endpoint cannot be reached"
    }
}

/// Whether the default chain finds credentials, in a person's terms when it does not.
async fn check_credentials(
    shared: &aws_config::SdkConfig,
    options: &AwsOptions,
) -> Result<(), ProviderError> {
    use aws_credential_types::provider::ProvideCredentials;
    use aws_credential_types::provider::error::CredentialsError;
    let profile = options
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    if let Some(p) = &profile
        && std::env::var_os("AWS_ACCESS_KEY_ID").is_none()
        && !profile_defined(p)
    {
        return Err(ProviderError::UnknownProfile { profile: p.clone() });
    }
    let Some(provider) = shared.credentials_provider() else {
        return Err(ProviderError::NoCredentials { profile });
    };
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(CredentialsError::CredentialsNotLoaded(_)) => {
            Err(ProviderError::NoCredentials { profile })
        }
        Err(e) => {
            let message = DisplayErrorContext(&e).to_string();
            match &profile {
                Some(p)
                    if message.contains("ProfileNotFound")
                        || message.contains(&format!("profile `{p}` was not defined"))
                        || message.contains("was not defined") =>
                {
                    Err(ProviderError::UnknownProfile { profile: p.clone() })
                }
                // The chain's last resort, instance metadata, refused or failed: nothing in
                // the chain had credentials (a host whose metadata service answers 403).
                None if message.contains("IMDS") => Err(ProviderError::NoCredentials { profile }),
                _ => Err(ProviderError::CredentialsFailed {
                    profile,
                    message: first_line(&message),
                }),
            }
        }
    }
}

/// Whether a profile of that name is in the shared config or credentials file
/// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config`, `~/.aws/credentials`).
fn profile_defined(profile: &str) -> bool {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let file = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
    };
    let sections = [
        (file("AWS_CONFIG_FILE", "config"), true),
        (file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false),
    ];
    sections.into_iter().any(|(path, is_config)| {
        let Some(text) = path.and_then(|p| std::fs::read_to_string(p).ok()) else {
            return false;
        };
        text.lines().any(|line| {
            let Some(header) = line
                .trim()
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
            else {
                return false;
            };
            let header = header.trim();
            let name = if is_config && header != "default" {
                header.strip_prefix("profile").map(str::trim)
            } else {
                Some(header)
            };
            name == Some(profile)
        })
    })
}

/// Spaces requests evenly: at most `rps` a second, shared by every task holding a clone.
#[derive(Debug)]
struct RateLimiter {
    next: Mutex<Instant>,
    interval: Duration,
}

impl RateLimiter {
    fn new(rps: f64) -> Self {
        let interval = if rps > 0.0 {
            Duration::from_secs_f64(1.0 / rps)
        } else {
            Duration::ZERO
        };
        RateLimiter {
            next: Mutex::new(Instant::now()),
            interval,
        }
    }

    async fn acquire(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep_until(*next).await;
        }
        *next = (*next).max(now) + self.interval;
    }
}

/// Counts HTTP attempts (retries included): the figure the benchmarks report.
#[derive(Debug, Clone, Default)]
struct CountAttempts(Arc<AtomicU64>);

impl Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        "CountAttempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The Route 53 client of one run.
#[derive(Debug, Clone)]
pub struct Route53 {
    client: Client,
    limiter: Arc<RateLimiter>,
    attempts: CountAttempts,
}

/// What an IAM policy must allow a Route 53 operation on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Route 53 cannot scope it: `*`.
    Any,
    /// The hosted zones of the zone files.
    Zones,
    /// Change ids, which are not known in advance: `arn:aws:route53:::change/*`.
    Changes,
    /// Health checks, whose ids are not known in advance: `arn:aws:route53:::healthcheck/*`.
    HealthChecks,
}

/// When a run sends an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every run that reaches its step.
    Always,
    /// Only `--create-zone`.
    CreateZone,
    /// Only for zone files that use health checks (or live sets that refer to one).
    HealthChecks,
    /// Only for private zones (`$zone.private`).
    PrivateZones,
    /// Only `dns check --health-status`.
    HealthStatus,
}

/// Every Route 53 operation this client sends: its IAM action, what it can be scoped to, whether
/// a read-only run (plan, import ZONE, check --expect route53) sends it, and whether only
/// `--create-zone` does. `dns iam-policy` is built from this table, and a test holds it equal to
/// the operations seen on the wire.
pub const OPERATIONS: &[(&str, Scope, bool, Need)] = &[
    ("ListHostedZonesByName", Scope::Any, true, Need::Always),
    ("GetHostedZone", Scope::Zones, true, Need::Always),
    ("ListResourceRecordSets", Scope::Zones, true, Need::Always),
    (
        "ChangeResourceRecordSets",
        Scope::Zones,
        false,
        Need::Always,
    ),
    ("GetChange", Scope::Changes, false, Need::Always),
    ("CreateHostedZone", Scope::Any, false, Need::CreateZone),
    (
        "AssociateVPCWithHostedZone",
        Scope::Zones,
        false,
        Need::PrivateZones,
    ),
    (
        "DisassociateVPCFromHostedZone",
        Scope::Zones,
        false,
        Need::PrivateZones,
    ),
    ("ListHealthChecks", Scope::Any, true, Need::HealthChecks),
    (
        "GetHealthCheckStatus",
        Scope::HealthChecks,
        true,
        Need::HealthStatus,
    ),
    (
        "ListTagsForResources",
        Scope::HealthChecks,
        true,
        Need::HealthChecks,
    ),
    ("CreateHealthCheck", Scope::Any, false, Need::HealthChecks),
    (
        "ChangeTagsForResource",
        Scope::HealthChecks,
        false,
        Need::HealthChecks,
    ),
    (
        "UpdateHealthCheck",
        Scope::HealthChecks,
        false,
        Need::HealthChecks,
    ),
    (
        "DeleteHealthCheck",
        Scope::HealthChecks,
        false,
        Need::HealthChecks,
    ),
];

/// Page size of ListResourceRecordSets (Route 53's maximum).
pub const PAGE: i32 = 300;

/// A failed request in a person's terms: the network, the credentials, a denied action, or
/// what Route 53 said (its error code and message, not the SDK's debug text).
fn api_error<E: ProvideErrorMetadata + std::error::Error + 'static>(
    operation: &'static str,
    err: SdkError<E>,
) -> ProviderError {
    let (code, message) = match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            // The innermost cause says it best ("Connection refused", "dns error").
            let mut cause: &dyn std::error::Error = &err;
            let mut text = err.to_string();
            while let Some(next) = cause.source() {
                cause = next;
                let t = next.to_string();
                if !t.is_empty() {
                    text = t;
                }
            }
            return ProviderError::Network {
                operation,
                message: first_line(&text),
            };
        }
        SdkError::ServiceError(e) => {
            // Route 53 puts the code under <Error>; moto (and some proxies) one level deeper,
            // where the SDK does not look: read it from the body then.
            let body = e
                .raw()
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let code = e
                .err()
                .code()
                .map(str::to_string)
                .or_else(|| xml_field(&body, "Code"))
                .unwrap_or_else(|| format!("HTTP {}", e.raw().status().as_u16()));
            let message = e
                .err()
                .message()
                .map(str::to_string)
                .or_else(|| xml_field(&body, "Message"))
                .unwrap_or_default();
            (code, message)
        }
        _ => {
            return ProviderError::Api {
                operation,
                message: first_line(&DisplayErrorContext(&err).to_string()),
            };
        }
    };
    match code.as_str() {
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "UnrecognizedClientException"
        | "InvalidAccessKeyId"
        | "IncompleteSignature" => ProviderError::BadCredentials {
            operation,
            code,
            message,
        },
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
            ProviderError::Expired { operation, code }
        }
        "AccessDenied" | "AccessDeniedException" => {
            ProviderError::AccessDenied { operation, message }
        }
        _ => ProviderError::Api {
            operation,
            message: format!("{code}: {message}"),
        },
    }
}

/// The text of `<NAME>…</NAME>` in an XML error body.
fn xml_field(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = body[start..].find(&format!("</{name}>"))? + start;
    Some(body[start..end].to_string())
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

fn bare_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/")
        .trim_start_matches("/change/")
        .to_string()
}

impl Route53 {
    /// A client from the default chain, its credentials checked before any request: a run
    /// without credentials stops here, with where they were looked for and what to do.
    pub async fn connect(options: &AwsOptions) -> Result<Self, ProviderError> {
        // hyper 1 + rustls/ring: the one HTTP stack (default features are off).
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let retry = RetryConfig::standard()
            .with_max_attempts(10)
            .with_initial_backoff(Duration::from_millis(300))
            .with_max_backoff(Duration::from_secs(20));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .retry_config(retry);
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        // Route 53 is global: a region from --region, the environment or the profile, else
        // us-east-1, never instance metadata (which a laptop does not have).
        let region = match &options.region {
            Some(region) => aws_config::Region::new(region.clone()),
            None => {
                let mut profile = aws_config::profile::ProfileFileRegionProvider::builder();
                if let Some(name) = &options.profile {
                    profile = profile.profile_name(name);
                }
                let chain = aws_config::meta::region::RegionProviderChain::first_try(
                    aws_config::environment::EnvironmentVariableRegionProvider::new(),
                )
                .or_else(profile.build());
                match chain.region().await {
                    Some(region) => region,
                    None => {
                        tracing::info!(
                            "no AWS region configured: using us-east-1 (Route 53 is global)"
                        );
                        aws_config::Region::new("us-east-1")
                    }
                }
            }
        };
        loader = loader.region(region);
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let shared = loader.load().await;
        check_credentials(&shared, options).await?;
        let attempts = CountAttempts::default();
        let config = aws_sdk_route53::config::Builder::from(&shared)
            .interceptor(attempts.clone())
            .retry_classifier(NoRetryWhenUnreachable)
            .build();
        Ok(Route53 {
            client: Client::from_conf(config),
            limiter: Arc::new(RateLimiter::new(options.max_rps)),
            attempts,
        })
    }

    /// HTTP requests made so far (retries included).
    pub fn requests(&self) -> u64 {
        self.attempts.0.load(Ordering::Relaxed)
    }

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
            self.limiter.acquire().await;
            let out = self
                .client
                .get_hosted_zone()
                .id(id)
                .send()
                .await
                .map_err(|e| api_error("GetHostedZone", e))?;
            let hz = out.hosted_zone().ok_or_else(|| ProviderError::NotFound {
                zone: wanted.clone(),
            })?;
            let zone = hosted_zone(hz)?;
            if zone.name != *origin {
                return Err(ProviderError::WrongZone {
                    id: id.into(),
                    expected: wanted,
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
            return Ok(zone);
        }
        let mut found = Vec::new();
        let mut next: Option<(String, Option<String>)> = Some((wanted.clone(), None));
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
        use crate::zone::HealthRef;
        let mut live = Zone::new(zone.name.clone());
        let mut unmanaged = Vec::new();
        let none = mapping::HealthIds::default();
        let mut refers = routed;
        self.list_pages(zone, |page| {
            for rr in page {
                match mapping::from_route53(rr, &zone.name, &zone.id, &none) {
                    Ok((key, set)) => {
                        refers |= set.routing.is_some();
                        live.rrsets.insert(key, set);
                    }
                    Err(u) => unmanaged.push(u),
                }
            }
        })
        .await?;
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

    /// Every record set of the zone, in pages of 300, handed to `page` as they arrive.
    pub async fn list_pages(
        &self,
        zone: &HostedZone,
        mut page: impl FnMut(&[ResourceRecordSet]),
    ) -> Result<(), ProviderError> {
        let mut start: Option<(String, RrType, Option<String>)> = None;
        loop {
            self.limiter.acquire().await;
            let mut req = self
                .client
                .list_resource_record_sets()
                .hosted_zone_id(&zone.id)
                .max_items(PAGE);
            if let Some((name, rtype, ident)) = start.take() {
                req = req
                    .start_record_name(name)
                    .start_record_type(rtype)
                    .set_start_record_identifier(ident);
            }
            let out = req
                .send()
                .await
                .map_err(|e| api_error("ListResourceRecordSets", e))?;
            page(out.resource_record_sets());
            match (
                out.is_truncated(),
                out.next_record_name(),
                out.next_record_type(),
            ) {
                (true, Some(name), Some(rtype)) => {
                    start = Some((
                        name.to_string(),
                        rtype.clone(),
                        out.next_record_identifier().map(str::to_string),
                    ));
                }
                _ => break,
            }
        }
        Ok(())
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
                    ProviderError::Rejected {
                        message: service
                            .meta()
                            .message()
                            .unwrap_or("InvalidChangeBatch")
                            .to_string(),
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
