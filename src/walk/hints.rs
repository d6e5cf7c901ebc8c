//! Root hints: where a walk starts (RFC 8109). IANA's `named.root` is built in; `--root-hints
//! FILE` replaces it with any file of that format (a master file of NS records for `.` and the
//! servers' A/AAAA records), which is how tests point the walker at servers on loopback.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use hickory_proto::rr::{Name, RData, RecordType};
use hickory_proto::serialize::txt::Parser;

use super::NameServer;

/// IANA's root hints (named.root, last changed 2024-06-21).
pub const BUILT_IN: &str = include_str!("named.root");

#[derive(Debug, thiserror::Error)]
pub enum HintsError {
    #[error("cannot read root hints {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("root hints {path} are not a master file: {message}")]
    Parse { path: String, message: String },
    #[error("root hints {path} name no root server with an address")]
    Empty { path: String },
}

/// Parses root hints: the `.` NS names and their addresses.
pub fn parse(text: &str, path: &str) -> Result<Vec<NameServer>, HintsError> {
    let (_, sets) = Parser::new(text, None, Some(Name::root()))
        .parse()
        .map_err(|e| HintsError::Parse {
            path: path.into(),
            message: e.to_string(),
        })?;
    let mut names = Vec::new();
    let mut addrs: BTreeMap<Name, Vec<IpAddr>> = BTreeMap::new();
    for set in sets.values() {
        for record in set.records_without_rrsigs() {
            match (&record.data, record.record_type()) {
                (RData::NS(ns), RecordType::NS) if record.name.is_root() => {
                    names.push(ns.0.to_lowercase())
                }
                (RData::A(a), _) => addrs
                    .entry(record.name.to_lowercase())
                    .or_default()
                    .push(IpAddr::V4(a.0)),
                (RData::AAAA(a), _) => addrs
                    .entry(record.name.to_lowercase())
                    .or_default()
                    .push(IpAddr::V6(a.0)),
                _ => {}
            }
        }
    }
    let servers: Vec<NameServer> = names
        .into_iter()
        .map(|name| NameServer {
            addrs: addrs.get(&name).cloned().unwrap_or_default(),
            name,
        })
        .filter(|s| !s.addrs.is_empty())
        .collect();
    if servers.is_empty() {
        return Err(HintsError::Empty { path: path.into() });
    }
    Ok(servers)
}

pub fn load(path: Option<&Path>) -> Result<Vec<NameServer>, HintsError> {
    match path {
        None => parse(BUILT_IN, "built-in named.root"),
        Some(p) => {
            let shown = p.display().to_string();
            let text = std::fs::read_to_string(p).map_err(|source| HintsError::Read {
                path: shown.clone(),
                source,
            })?;
            parse(&text, &shown)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn built_in_hints_list_thirteen_root_servers_with_both_families() {
        let servers = super::load(None).unwrap();
        assert_eq!(servers.len(), 13);
        assert!(servers.iter().all(|s| s.addrs.iter().any(|a| a.is_ipv4()) && s.addrs.iter().any(|a| a.is_ipv6())));
    }
}
