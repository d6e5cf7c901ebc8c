//! Route 53 Domains, the registrar side of a domain registered with AWS: its name servers,
//! status, expiry and auto-renew (GetDomainDetail), and setting its name servers to the hosted
//! zone's delegation set (UpdateDomainNameservers, followed with GetOperationDetail to its end).

use std::time::{Duration, Instant};

use aws_sdk_route53domains::error::ProvideErrorMetadata;
use aws_sdk_route53domains::operation::get_domain_detail::GetDomainDetailError;
use aws_sdk_route53domains::types::{Nameserver, OperationStatus};
use aws_smithy_runtime_api::client::result::SdkError;

use super::error::api_error;
use super::{ProviderError, Route53};

/// A domain registered with Route 53 Domains in this account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DomainDetail {
    pub domain: String,
    /// The name servers the registrar gives the registry, without the final dot.
    pub name_servers: Vec<String>,
    /// EPP status codes (`clientTransferProhibited`, …).
    pub statuses: Vec<String>,
    /// The expiry, seconds since 1970.
    pub expires_at: Option<i64>,
    pub auto_renew: Option<bool>,
}

impl Route53 {
    /// The domain's registration with Route 53 Domains; `None` when it is not registered in this
    /// account (Route 53 Domains answers InvalidInput for a domain it does not hold).
    pub async fn domain_detail(&self, domain: &str) -> Result<Option<DomainDetail>, ProviderError> {
        let answer = self
            .domains
            .get_domain_detail()
            .domain_name(domain)
            .send()
            .await;
        let out = match answer {
            Ok(out) => out,
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), GetDomainDetailError::InvalidInput(_))
                    || e.err().code() == Some("InvalidInput") =>
            {
                return Ok(None);
            }
            Err(e) => return Err(api_error("GetDomainDetail", e)),
        };
        let mut name_servers: Vec<String> = out
            .nameservers()
            .iter()
            .map(|n| n.name().trim_end_matches('.').to_ascii_lowercase())
            .collect();
        name_servers.sort();
        Ok(Some(DomainDetail {
            domain: out.domain_name().unwrap_or(domain).to_string(),
            name_servers,
            statuses: out.status_list().to_vec(),
            expires_at: out.expiration_date().map(|d| d.secs()),
            auto_renew: out.auto_renew(),
        }))
    }

    /// Sets the domain's name servers at the registrar and follows the operation until Route 53
    /// Domains says it succeeded (or failed, or `timeout` passed); its id.
    pub async fn set_domain_name_servers(
        &self,
        domain: &str,
        servers: &[String],
        timeout: Duration,
    ) -> Result<String, ProviderError> {
        let mut request = self.domains.update_domain_nameservers().domain_name(domain);
        for server in servers {
            let ns = Nameserver::builder()
                .name(server.trim_end_matches('.'))
                .build()
                .map_err(|e| ProviderError::Invalid(e.to_string()))?;
            request = request.nameservers(ns);
        }
        let id = request
            .send()
            .await
            .map_err(|e| api_error("UpdateDomainNameservers", e))?
            .operation_id()
            .unwrap_or_default()
            .to_string();
        let started = Instant::now();
        loop {
            let op = self
                .domains
                .get_operation_detail()
                .operation_id(&id)
                .send()
                .await
                .map_err(|e| api_error("GetOperationDetail", e))?;
            match op.status() {
                Some(OperationStatus::Successful) => return Ok(id),
                Some(OperationStatus::Error | OperationStatus::Failed) => {
                    return Err(ProviderError::Api {
                        operation: "UpdateDomainNameservers",
                        message: format!(
                            "operation {id} {}: {}",
                            op.status().map_or("failed", |s| s.as_str()),
                            op.message().unwrap_or("no message")
                        ),
                    });
                }
                _ if started.elapsed() > timeout => {
                    return Err(ProviderError::Api {
                        operation: "GetOperationDetail",
                        message: format!(
                            "operation {id} still {} after {timeout:?}: follow it in the Route 53 console",
                            op.status().map_or("pending", |s| s.as_str())
                        ),
                    });
                }
                _ => tokio::time::sleep(Duration::from_secs(2)).await,
            }
        }
    }
}
