//! Registration facts over RDAP: what the registry says of a domain (RFC 9082 queries, RFC 9083
//! answers), found through IANA's bootstrap file (RFC 9224) or at one given service
//! (`--rdap-url`, for labs and tests). DNS can say a domain is not delegated; the registry can
//! say why (a `client hold` after an unverified registrant e-mail, a lapsed registration).
//!
//! One [`Rdap`] serves a whole run: the bootstrap file is read once. An RDAP service that cannot
//! be used is [`Lookup::Unavailable`], said once and never a failed check: the registry is a
//! second opinion beside the DNS, not the check.

use std::time::Duration;

use bytes::Bytes;
use hickory_proto::rr::Name;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde_json::Value;

/// IANA's bootstrap file for domain names (RFC 9224).
pub const BOOTSTRAP: &str = "https://data.iana.org/rdap/dns.json";

/// The largest RDAP answer read (a domain object is a few kilobytes).
const MAX_BODY: usize = 1 << 20;

/// What the registry says of a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Registration {
    /// The registered domain (the name asked, or the closest enclosing one the registry has).
    pub domain: String,
    /// Where it was read.
    pub url: String,
    pub registrar: Option<String>,
    /// The EPP statuses as RDAP words them (RFC 8056): `client hold`, `client transfer
    /// prohibited`, …
    pub statuses: Vec<String>,
    /// The expiration event: as written, and in seconds since 1970.
    pub expires: Option<String>,
    pub expires_at: Option<i64>,
    /// The name servers the registry holds for the domain.
    #[serde(serialize_with = "ser_names", deserialize_with = "de_names")]
    pub name_servers: Vec<Name>,
    /// Name server entries that carry no name dns can read (no `ldhName`, or one that is no
    /// domain name), as written: the comparison with the delegation is never made without them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub unreadable_name_servers: Vec<String>,
    /// The registry's `secureDNS.delegationSigned`.
    pub delegation_signed: Option<bool>,
}

fn ser_names<S: serde::Serializer>(names: &[Name], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(names.iter().map(Name::to_ascii))
}

fn de_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Name>, D::Error> {
    use serde_with::DeserializeAs;
    Vec::<crate::walk::saved::Ascii>::deserialize_as(d)
}

impl Registration {
    pub fn has_status(&self, status: &str) -> bool {
        self.statuses.iter().any(|s| s.eq_ignore_ascii_case(status))
    }
}

/// The outcome of asking the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Lookup {
    Found(Registration),
    /// The registry has no such domain (404 for the name and every enclosing name below the
    /// top level).
    NotFound {
        domain: String,
        url: String,
    },
    /// The registry could not be asked, or gave no usable answer: why.
    Unavailable {
        why: String,
    },
}

/// Where the questions go.
#[derive(Debug)]
enum Base {
    /// `--rdap-url`: every question to this service.
    Given(String),
    /// The bootstrap file's services, read once.
    Bootstrap(tokio::sync::OnceCell<Result<Services, String>>),
}

/// The bootstrap file's services: (top-level labels, base URLs).
type Services = Vec<(Vec<String>, Vec<String>)>;

/// An RDAP client for one run.
#[derive(Debug)]
pub struct Rdap {
    base: Base,
    timeout: Duration,
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

impl Rdap {
    /// A client asking `url` (an RDAP base URL such as `https://rdap.example/rdap/`), or the
    /// registries IANA's bootstrap file names; each request given `timeout`.
    pub fn new(url: Option<String>, timeout: Duration) -> Result<Rdap, String> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("no TLS root certificates for RDAP: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(Rdap {
            base: match url {
                Some(u) => Base::Given(u),
                None => Base::Bootstrap(tokio::sync::OnceCell::new()),
            },
            timeout,
            client,
        })
    }

    /// What the registry says of `name`: the name itself, else the closest enclosing name it
    /// has (a zone such as `hive.example.com` is registered as `example.com`).
    pub async fn lookup(&self, name: &Name) -> Lookup {
        let ascii = name.to_ascii();
        let labels: Vec<&str> = ascii
            .trim_end_matches('.')
            .split('.')
            .filter(|l| !l.is_empty())
            .collect();
        if labels.len() < 2 {
            return Lookup::Unavailable {
                why: format!("{ascii} is a top-level domain: registries register names below it"),
            };
        }
        let base = match self.base_for(labels[labels.len() - 1]).await {
            Ok(base) => base,
            Err(why) => return Lookup::Unavailable { why },
        };
        let mut last = None;
        for start in 0..labels.len() - 1 {
            let domain = labels[start..].join(".").to_ascii_lowercase();
            let url = format!("{}/domain/{domain}", base.trim_end_matches('/'));
            match self.get(&url).await {
                Ok(Some(doc)) => return parse(&domain, &url, &doc),
                Ok(None) => last = Some((domain, url)),
                Err(why) => return Lookup::Unavailable { why },
            }
        }
        match last {
            Some((domain, url)) => Lookup::NotFound { domain, url },
            None => Lookup::Unavailable {
                why: "nothing to ask".into(),
            },
        }
    }

    /// The base URL of the registry of top-level label `tld`.
    async fn base_for(&self, tld: &str) -> Result<String, String> {
        let services = match &self.base {
            Base::Given(url) => return Ok(url.clone()),
            Base::Bootstrap(cell) => cell.get_or_init(|| self.bootstrap()).await,
        };
        let services = services.as_ref().map_err(Clone::clone)?;
        services
            .iter()
            .find(|(tlds, _)| tlds.iter().any(|t| t.eq_ignore_ascii_case(tld)))
            .and_then(|(_, urls)| {
                // An https service where there is one (RFC 9224 §3: the client picks).
                urls.iter()
                    .find(|u| u.starts_with("https://"))
                    .or(urls.first())
            })
            .cloned()
            .ok_or_else(|| {
                format!("the registry of .{tld} publishes no RDAP service (IANA's bootstrap file)")
            })
    }

    async fn bootstrap(&self) -> Result<Services, String> {
        let doc = self
            .get(BOOTSTRAP)
            .await?
            .ok_or_else(|| format!("{BOOTSTRAP}: not found"))?;
        let services = doc["services"]
            .as_array()
            .ok_or_else(|| format!("{BOOTSTRAP}: no `services` list"))?;
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(services
            .iter()
            .map(|s| (strings(&s[0]), strings(&s[1])))
            .collect())
    }

    /// GET an RDAP document: `Ok(None)` for 404, the JSON for 200, else why not. Redirects
    /// (RFC 7480 §5.2: a bootstrap or aggregating service sends the client on) are followed, three
    /// at most.
    async fn get(&self, url: &str) -> Result<Option<Value>, String> {
        let mut url = url.to_string();
        for _ in 0..=3 {
            match self.get_once(&url).await? {
                Got::Document(doc) => return Ok(doc),
                Got::Redirect(to) if to.starts_with('/') => {
                    // A path on the same service.
                    let base: hyper::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
                    url = format!(
                        "{}://{}{to}",
                        base.scheme_str().unwrap_or("https"),
                        base.authority().map_or("", |a| a.as_str())
                    );
                }
                Got::Redirect(to) => url = to,
            }
        }
        Err(format!("{url}: more than 3 redirects"))
    }

    async fn get_once(&self, url: &str) -> Result<Got, String> {
        let request = hyper::Request::get(url)
            .header(hyper::header::ACCEPT, "application/rdap+json")
            .header(
                hyper::header::USER_AGENT,
                concat!("dns/", env!("CARGO_PKG_VERSION")),
            )
            .body(Empty::new())
            .map_err(|e| format!("{url}: {e}"))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{url}: {}", error_chain(&e)))?;
            let status = response.status();
            if status == hyper::StatusCode::NOT_FOUND {
                return Ok(Got::Document(None));
            }
            if status.is_redirection()
                && let Some(to) = response
                    .headers()
                    .get(hyper::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
            {
                return Ok(Got::Redirect(to.to_string()));
            }
            if !status.is_success() {
                return Err(format!("{url}: HTTP {status}"));
            }
            let body = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| format!("{url}: reading the answer: {e}"))?
                .to_bytes();
            serde_json::from_slice(&body)
                .map(|doc| Got::Document(Some(doc)))
                .map_err(|e| format!("{url}: not an RDAP (JSON) answer: {e}"))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| format!("{url}: no answer within {:?}", self.timeout))?
    }
}

/// One HTTP exchange: a document (`None` for 404), or where to go instead.
enum Got {
    Document(Option<Value>),
    Redirect(String),
}

/// An error and its causes, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A domain object (RFC 9083 §5.3) read into what the check uses; anything else is
/// [`Lookup::Unavailable`] with why.
fn parse(domain: &str, url: &str, doc: &Value) -> Lookup {
    if doc["objectClassName"].as_str() != Some("domain") {
        return Lookup::Unavailable {
            why: format!("{url}: the answer is not a domain object"),
        };
    }
    let statuses = doc["status"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let expires = doc["events"].as_array().and_then(|events| {
        events
            .iter()
            .find(|e| e["eventAction"].as_str() == Some("expiration"))
            .and_then(|e| e["eventDate"].as_str().map(str::to_string))
    });
    let expires_at = expires.as_deref().and_then(rfc3339_seconds);
    let registrar = doc["entities"].as_array().and_then(|entities| {
        entities
            .iter()
            .find(|e| {
                e["roles"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r.as_str() == Some("registrar")))
            })
            .map(|e| entity_name(e).unwrap_or_else(|| e["handle"].as_str().unwrap_or("").into()))
    });
    let (mut name_servers, mut unreadable_name_servers) = (vec![], vec![]);
    for ns in doc["nameservers"].as_array().into_iter().flatten() {
        match ns["ldhName"].as_str() {
            Some(text) => match crate::zone::name::parse_zone(text) {
                Ok(name) => name_servers.push(name),
                Err(_) => unreadable_name_servers.push(text.to_string()),
            },
            None => unreadable_name_servers.push(format!("an entry without ldhName ({ns})")),
        }
    }
    Lookup::Found(Registration {
        domain: doc["ldhName"].as_str().map_or(domain.to_string(), |n| {
            n.trim_end_matches('.').to_ascii_lowercase()
        }),
        url: url.to_string(),
        registrar,
        statuses,
        expires,
        expires_at,
        name_servers,
        unreadable_name_servers,
        delegation_signed: doc["secureDNS"]["delegationSigned"].as_bool(),
    })
}

/// Seconds since 1970 of an RFC 3339 date-time (`2027-01-02T03:04:05Z`, with fractions of a
/// second and a `±HH:MM` offset as registries write them), or `None`: read by the AWS SDK's
/// own RFC 3339 parser.
fn rfc3339_seconds(text: &str) -> Option<i64> {
    use aws_smithy_types::date_time::{DateTime, Format};
    DateTime::from_str(text, Format::DateTimeWithOffset)
        .ok()
        .map(|t| t.secs())
}

/// The `fn` (formatted name) of an entity's jCard (RFC 7095), where it has one.
fn entity_name(entity: &Value) -> Option<String> {
    entity["vcardArray"][1]
        .as_array()?
        .iter()
        .find(|p| p[0].as_str() == Some("fn"))
        .and_then(|p| p[3].as_str())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a registry's answer, as RFC 9083's example and ICANN's response profile
    /// write it.
    #[test]
    fn a_domain_object_is_read_into_the_facts_the_check_uses() {
        let doc = serde_json::json!({
            "objectClassName": "domain",
            "ldhName": "EXAMPLE.COM",
            "status": ["client hold", "client transfer prohibited"],
            "events": [
                {"eventAction": "registration", "eventDate": "2020-01-01T00:00:00Z"},
                {"eventAction": "expiration", "eventDate": "2027-01-02T03:04:05Z"}
            ],
            "entities": [{
                "objectClassName": "entity",
                "handle": "292",
                "roles": ["registrar"],
                "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Example Registrar, Inc."]]]
            }],
            "nameservers": [
                {"objectClassName": "nameserver", "ldhName": "NS-1.AWSDNS-01.ORG"},
                {"objectClassName": "nameserver", "ldhName": "ns-2.awsdns-02.com"}
            ],
            "secureDNS": {"delegationSigned": false}
        });
        let Lookup::Found(r) = parse("example.com", "http://x/domain/example.com", &doc) else {
            panic!("not found");
        };
        assert_eq!(r.domain, "example.com");
        assert_eq!(r.registrar.as_deref(), Some("Example Registrar, Inc."));
        assert!(r.has_status("Client Hold"));
        assert_eq!(r.expires_at, Some(1_798_859_045));
        assert_eq!(
            r.name_servers
                .iter()
                .map(Name::to_ascii)
                .collect::<Vec<_>>(),
            ["ns-1.awsdns-01.org.", "ns-2.awsdns-02.com."]
        );
        assert_eq!(r.delegation_signed, Some(false));
        assert!(r.unreadable_name_servers.is_empty());
        // Entries that are no name are kept as written, never dropped.
        let mut odd = doc.clone();
        odd["nameservers"] = serde_json::json!([
            {"objectClassName": "nameserver", "ldhName": "ns-1.awsdns-01.org"},
            {"objectClassName": "nameserver", "ldhName": "ns..bad"},
            {"objectClassName": "nameserver", "handle": "NS-42"}
        ]);
        let Lookup::Found(o) = parse("example.com", "u", &odd) else {
            panic!("not found");
        };
        assert_eq!(o.name_servers.len(), 1);
        assert_eq!(o.unreadable_name_servers.len(), 2);
        assert_eq!(o.unreadable_name_servers[0], "ns..bad");
        assert!(o.unreadable_name_servers[1].contains("NS-42"));
        // As ICANN's server writes dates: fractions of a second and an offset.
        let mut offset = doc.clone();
        offset["events"][1]["eventDate"] = "2027-01-02T03:04:05.123456789+00:00".into();
        let Lookup::Found(r) = parse("example.com", "u", &offset) else {
            panic!("not found");
        };
        assert_eq!(r.expires_at, Some(1_798_859_045));
        offset["events"][1]["eventDate"] = "2027-01-01T22:04:05-05:00".into();
        let Lookup::Found(r) = parse("example.com", "u", &offset) else {
            panic!("not found");
        };
        assert_eq!(r.expires_at, Some(1_798_859_045));
        assert_eq!(rfc3339_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339_seconds("2000-02-29T12:00:00Z"), Some(951_825_600));
        for bad in [
            "2027-13-01T00:00:00Z",
            "2027-01-01",
            "2027-01-01T00:00:00",
            "soon",
        ] {
            assert_eq!(rfc3339_seconds(bad), None, "{bad}");
        }
        let not_a_domain = serde_json::json!({"objectClassName": "entity"});
        assert!(matches!(
            parse("example.com", "u", &not_a_domain),
            Lookup::Unavailable { .. }
        ));
    }
}
