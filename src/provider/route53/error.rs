//! What went wrong with Route 53, in a person's terms: the network, the credentials, a denied
//! action (named, for `dns iam-policy`), or what Route 53 said; and the hint that goes with it.

use super::*;

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
    #[error(
        "both AWS_PROFILE ('{profile}') and AWS_ACCESS_KEY_ID are set: which account is meant cannot be told (the AWS CLI would sign with the keys)"
    )]
    ProfileAndKeys { profile: String },
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
            ProviderError::ProfileAndKeys { .. } => Some(
                "pass --profile NAME to sign with the profile, or unset AWS_PROFILE to sign with the keys",
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

/// A failed request in a person's terms: the network, the credentials, a denied action, or
/// what Route 53 said (its error code and message, not the SDK's debug text).
pub(super) fn api_error<E: ProvideErrorMetadata + std::error::Error + 'static>(
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
pub(super) fn xml_field(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = body[start..].find(&format!("</{name}>"))? + start;
    Some(body[start..end].to_string())
}

pub(super) fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}
