//! The cache view: what resolvers hand out for a name right now, and how long their old data
//! can live on.
//!
//! Each resolver is asked with recursion desired (RD=1), as a stub resolver would. An answer that
//! differs from the zone file (or, without one, from the authoritative servers) is *stale*: the
//! resolver cached it before the change and keeps it for the TTL left in its answer (RFC 1035
//! §7.3, RFC 2308 for negative answers). A stale cache is information, not a fault of the zone, so
//! it is reported apart from the findings; `--wait` waits it out.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures_util::future::join_all;
use hickory_proto::op::{Query, ResponseCode};
use hickory_proto::rr::{Name, RData as HRData, RecordType};
use serde::Serialize;

use crate::walk::{rcode_name, transport};
use crate::zone::RData;
use crate::zone::wire::{from_hickory, presentation};

/// The resolvers asked when `--resolvers` is given no list: large public services.
pub const PUBLIC: &[(&str, &str)] = &[
    ("1.1.1.1", "Cloudflare"),
    ("8.8.8.8", "Google"),
    ("9.9.9.9", "Quad9"),
    ("208.67.222.222", "OpenDNS"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolver {
    pub label: String,
    pub addr: SocketAddr,
}

/// Reads `--resolvers`: addresses (`192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`),
/// `public` for the built-in list and `system` for the host's own (/etc/resolv.conf).
pub fn parse_list(items: &[String]) -> Result<Vec<Resolver>, String> {
    let mut out = Vec::new();
    let items: Vec<String> = if items.is_empty() {
        vec!["public".into()]
    } else {
        items.to_vec()
    };
    for item in &items {
        match item.as_str() {
            "public" => out.extend(PUBLIC.iter().map(|(ip, who)| Resolver {
                label: format!("{ip} ({who})"),
                addr: SocketAddr::new(ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1])), 53),
            })),
            "system" => {
                let text = std::fs::read_to_string("/etc/resolv.conf")
                    .map_err(|e| format!("cannot read /etc/resolv.conf: {e}"))?;
                for line in text.lines() {
                    let mut words = line.split_whitespace();
                    if words.next() == Some("nameserver")
                        && let Some(Ok(ip)) = words.next().map(str::parse::<IpAddr>)
                    {
                        out.push(Resolver {
                            label: format!("{ip} (system)"),
                            addr: SocketAddr::new(ip, 53),
                        });
                    }
                }
            }
            text => {
                let addr = text
                    .parse::<SocketAddr>()
                    .or_else(|_| text.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
                    .map_err(|_| {
                        format!(
                            "'{text}' is not a resolver address (IP, IP:PORT, public or system)"
                        )
                    })?;
                out.push(Resolver {
                    label: addr.to_string(),
                    addr,
                });
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheState {
    /// The resolver hands out what the zone serves now.
    Current,
    /// It hands out older data, for `ttl_left` more seconds.
    Stale,
    /// It has nothing for the name (NXDOMAIN or no data), possibly a cached negative answer.
    Missing,
    /// Nothing comparable came back.
    NoAnswer,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CacheAnswer {
    pub resolver: String,
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub values: Vec<String>,
    pub ttl_left: Option<u32>,
    pub rcode: Option<String>,
    pub state: CacheState,
}

/// One question for the caches, with what the zone serves now.
#[derive(Debug, Clone)]
pub struct Question {
    pub name: Name,
    pub rtype: RecordType,
    /// What the zone serves now: one RRset, or for Route 53 routed sets each one a resolver
    /// may have been given; empty when not known.
    pub expected: Vec<RData>,
}

async fn ask_one(resolver: &Resolver, q: &Question, timeout: Duration) -> CacheAnswer {
    let settings = transport::Settings {
        timeout,
        retries: 1,
        recursion: true,
        form: transport::Form::Standard,
    };
    let reply = transport::ask(
        &transport::Budget::unlimited(),
        resolver.addr,
        &Query::query(q.name.clone(), q.rtype),
        settings,
        transport::Proto::Udp,
    )
    .await;
    let mut answer = CacheAnswer {
        resolver: resolver.label.clone(),
        name: q.name.to_ascii(),
        rtype: q.rtype.to_string(),
        values: vec![],
        ttl_left: None,
        rcode: None,
        state: CacheState::NoAnswer,
    };
    let Ok(reply) = reply else { return answer };
    let m = &reply.message;
    answer.rcode = Some(rcode_name(m.metadata.response_code));
    // The records at the name itself: of the type asked, or the CNAME that stands for it.
    let at_name: Vec<_> = m
        .answers
        .iter()
        .filter(|r| r.name.to_lowercase() == q.name.to_lowercase())
        .collect();
    let rtype = if at_name.iter().any(|r| r.record_type() == q.rtype) {
        q.rtype
    } else {
        RecordType::CNAME
    };
    let records: Vec<_> = at_name
        .iter()
        .filter(|r| r.record_type() == rtype)
        .collect();
    answer.ttl_left = records.iter().map(|r| r.ttl).min().or_else(|| {
        // A negative answer is cached for the SOA's TTL (RFC 2308 §5).
        m.authorities
            .iter()
            .find(|r| r.record_type() == RecordType::SOA)
            .map(|r| r.ttl)
    });
    if records.is_empty() {
        answer.state = if matches!(
            m.metadata.response_code,
            ResponseCode::NXDomain | ResponseCode::NoError
        ) {
            CacheState::Missing
        } else {
            CacheState::NoAnswer
        };
        return answer;
    }
    let data: Vec<&HRData> = records.iter().map(|r| &r.data).collect();
    let Some((_, got)) = from_hickory(rtype, &data) else {
        return answer;
    };
    answer.values = presentation(&got);
    answer.state = if q.expected.is_empty() || q.expected.contains(&got) {
        CacheState::Current
    } else {
        CacheState::Stale
    };
    answer
}

/// Asks every resolver every question, in parallel.
pub async fn ask(
    resolvers: &[Resolver],
    questions: &[Question],
    timeout: Duration,
) -> Vec<CacheAnswer> {
    let futures = resolvers
        .iter()
        .flat_map(|r| questions.iter().map(move |q| ask_one(r, q, timeout)));
    join_all(futures).await
}

/// Seconds until every cache has let go of data older than the zone's: the longest TTL left
/// among stale (and negative) answers.
pub fn let_go_in(answers: &[CacheAnswer]) -> Option<u32> {
    answers
        .iter()
        .filter(|a| matches!(a.state, CacheState::Stale | CacheState::Missing))
        .filter_map(|a| a.ttl_left)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_lists() {
        let r = parse_list(&[
            "127.0.0.53".into(),
            "127.0.0.54:5353".into(),
            "[::1]:53".into(),
        ])
        .unwrap();
        assert_eq!(
            r.iter().map(|r| r.addr.to_string()).collect::<Vec<_>>(),
            ["127.0.0.53:53", "127.0.0.54:5353", "[::1]:53"]
        );
        assert_eq!(parse_list(&[]).unwrap().len(), PUBLIC.len());
        assert!(parse_list(&["nonsense".into()]).is_err());
    }
}
