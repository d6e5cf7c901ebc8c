//! The client of one run: one HTTP stack (hyper + rustls/ring), credentials checked before the
//! first request, the shared rate limiter, retries (throttling yes, an unreachable endpoint no), and
//! the count of requests sent.

use super::*;

/// A request whose connection could not even be opened (refused, no such host) is not sent
/// again: ten attempts with backoff would keep a person waiting most of a minute to learn that
/// the network is down. Throttling, server errors and connections lost mid-request are still
/// retried.
#[derive(Debug)]
pub(super) struct NoRetryWhenUnreachable;

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
pub(super) async fn check_credentials(
    shared: &aws_config::SdkConfig,
    options: &AwsOptions,
) -> Result<String, ProviderError> {
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
        // The access key's last four characters: enough to tell keys apart, never the key.
        Ok(c) => {
            let key: Vec<char> = c.access_key_id().chars().collect();
            Ok(key[key.len().saturating_sub(4)..].iter().collect())
        }
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

/// Route 53 is global: a region from --region, the environment or the profile, else us-east-1,
/// never instance metadata (which a laptop does not have).
async fn region_of(options: &AwsOptions) -> aws_config::Region {
    match &options.region {
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
    }
}

/// The profile named with `--profile`, which must be defined; key variables beside it are
/// set aside (said on stderr). `AWS_PROFILE` beside key variables is refused: the AWS CLI would
/// sign with the keys, the person who set `AWS_PROFILE` meant the profile, and which account is
/// meant cannot be told.
fn explicit_profile(options: &AwsOptions) -> Result<Option<String>, ProviderError> {
    let keys = std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty());
    let from_env = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    match (&options.profile, from_env) {
        (Some(p), _) if !profile_defined(p) => {
            Err(ProviderError::UnknownProfile { profile: p.clone() })
        }
        (Some(p), _) => {
            if keys {
                eprintln!(
                    "note: signing with the profile '{p}' (--profile); AWS_ACCESS_KEY_ID in the environment is not used"
                );
            }
            Ok(Some(p.clone()))
        }
        (None, Some(p)) if keys => Err(ProviderError::ProfileAndKeys { profile: p }),
        (None, _) => Ok(None),
    }
}

/// Whether a profile of that name is in the shared config or credentials file
/// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config`, `~/.aws/credentials`).
pub(super) fn profile_defined(profile: &str) -> bool {
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
pub(super) struct RateLimiter {
    next: Mutex<Instant>,
    interval: Duration,
}

impl RateLimiter {
    pub(super) fn new(rps: f64) -> Self {
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

    pub(super) async fn acquire(&self) {
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
pub(super) struct CountAttempts(Arc<AtomicU64>);

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
        let explicit = explicit_profile(options)?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http.clone())
            .retry_config(retry);
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        let region = region_of(options).await;
        // --profile wins over key variables, as in the AWS CLI: the profile's credentials
        // only (keys, SSO, a role, a process), not the default chain that reads the
        // environment first.
        if let Some(profile) = &explicit {
            let config = aws_config::provider_config::ProviderConfig::default()
                .with_http_client(http)
                .with_region(Some(region.clone()));
            loader = loader.credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .configure(&config)
                    .profile_name(profile)
                    .build(),
            );
        }
        loader = loader.region(region.clone());
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let shared = loader.load().await;
        let key_tail = check_credentials(&shared, options).await?;
        let signer = Signer {
            profile: explicit
                .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())),
            key_tail,
            region: region.to_string(),
        };
        let attempts = CountAttempts::default();
        let config = aws_sdk_route53::config::Builder::from(&shared)
            .interceptor(attempts.clone())
            .retry_classifier(NoRetryWhenUnreachable)
            .build();
        let domains = aws_sdk_route53domains::config::Builder::from(&shared)
            .region(aws_config::Region::new("us-east-1"))
            .interceptor(attempts.clone())
            .build();
        let sts = aws_sdk_sts::config::Builder::from(&shared)
            .retry_classifier(NoRetryWhenUnreachable)
            .build();
        Ok(Route53 {
            client: Client::from_conf(config),
            domains: aws_sdk_route53domains::Client::from_conf(domains),
            sts: aws_sdk_sts::Client::from_conf(sts),
            limiter: Arc::new(RateLimiter::new(options.max_rps)),
            attempts,
            signer,
        })
    }

    /// HTTP requests made so far (retries included).
    pub fn requests(&self) -> u64 {
        self.attempts.0.load(Ordering::Relaxed)
    }
}
