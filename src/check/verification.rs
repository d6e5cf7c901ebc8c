//! The zone file's verification on every server, as plain data (part of the facts): each
//! record set of the file with what each server address serves of it, what each server's whole
//! zone holds beyond the file (when it gives it by transfer), and the sets whose signatures did
//! not verify. Made by [`super::verify`] as the answers come in; judged by the rules
//! (`rules::records`).

use std::net::IpAddr;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Served {
    Same,
    /// Routed sets: the answer is the one of these sets (several for multivalue answers).
    Matched {
        sets: Vec<String>,
    },
    /// The server does not have the record set (NXDOMAIN or no data).
    Missing {
        rcode: String,
    },
    /// The server has it with other values or another TTL.
    Differs {
        values: Vec<String>,
        ttl: Option<u32>,
    },
    /// No usable answer (timeout, refused, not authoritative).
    NoAnswer {
        why: String,
    },
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SetCheck {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub expected: Vec<String>,
    pub ttl: Option<u32>,
    /// Routed sets: how Route 53 chooses among them (`weight`, `failover`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<String>,
    /// A failover pair's secondary set: answered only while the primary is unhealthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary: Option<String>,
    /// A failover pair's primary health check, by its name in the zone file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_check: Option<String>,
    /// What Route 53 says of that check (`--health-status`): healthy or not, in its words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_status: Option<CheckStatus>,
    /// (server, address, what it serves)
    pub servers: Vec<(String, IpAddr, Served)>,
}

impl SetCheck {
    /// The servers (`name (address)`) that answered a failover pair with its secondary.
    pub fn on_secondary(&self) -> Vec<String> {
        let Some(secondary) = &self.secondary else {
            return Vec::new();
        };
        self.servers
            .iter()
            .filter(|(_, _, s)| matches!(s, Served::Matched { sets } if sets.contains(secondary)))
            .map(|(n, a, _)| format!("{n} ({a})"))
            .collect()
    }

    pub fn all_same(&self) -> bool {
        self.servers
            .iter()
            .all(|(_, _, s)| matches!(s, Served::Same | Served::Matched { .. }))
    }
}

/// A health check's status as Route 53's checkers report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CheckStatus {
    pub healthy: bool,
    /// "3 of 16 checkers report success", or why the status is not known.
    pub report: String,
}

/// What one server's whole zone, when it gives it out, holds beyond the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Listing {
    /// The zone came by zone transfer: `records` in all, and the record sets (`name TYPE`)
    /// the file does not have.
    Transferred {
        records: usize,
        unexpected: Vec<String>,
    },
    /// No zone transfer from this server (Route 53 never gives one): record sets beyond the
    /// file cannot be seen here.
    NotGiven { why: String },
    /// The transfer went past the limits and was stopped.
    CutShort { records: usize, octets: usize },
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Verification {
    pub zone: String,
    pub file: String,
    pub servers: usize,
    pub sets: Vec<SetCheck>,
    /// Per server address, what the zone holds beyond the file (empty when not looked for).
    pub listings: Vec<(String, IpAddr, Listing)>,
    /// The record sets whose signatures did not verify with the zone's keys (a signed zone),
    /// for the DNSSEC rules: reported with the other sets' signatures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<crate::check::verdicts::SetVerdict>,
    /// The file routes the question's name and type (Route 53 routed sets): servers answering
    /// it differently is by design, each answer judged by its set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub routed: bool,
}

impl Verification {
    pub fn served_identically(&self) -> usize {
        self.sets.iter().filter(|s| s.all_same()).count()
    }

    /// For each routed name and type, which set each server answered: `www.example.com. A
    /// (weight): ns-1… → blue, ns-2… → green`.
    pub fn routed_lines(&self) -> Vec<String> {
        self.sets
            .iter()
            .filter_map(|set| {
                let kind = set.routing.as_ref()?;
                let answers: Vec<String> = set
                    .servers
                    .iter()
                    .map(|(server, addr, served)| {
                        let what = match served {
                            Served::Matched { sets } => sets.join("+"),
                            Served::Same => "as the file says".into(),
                            Served::Missing { rcode } => format!("nothing ({rcode})"),
                            Served::Differs { .. } => "none of the sets".into(),
                            Served::NoAnswer { .. } => "no answer".into(),
                        };
                        format!("{server} ({addr}) → {what}")
                    })
                    .collect();
                Some(format!(
                    "{} {} ({kind}): {}",
                    set.name,
                    set.rtype,
                    answers.join(", ")
                ))
            })
            .collect()
    }

    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} of {} record sets of {} served identically by all {} server(s)",
            self.served_identically(),
            self.sets.len(),
            self.zone,
            self.servers
        );
        if self.listings.is_empty() {
            return line;
        }
        let transferred: Vec<&Vec<String>> = self
            .listings
            .iter()
            .filter_map(|(_, _, l)| match l {
                Listing::Transferred { unexpected, .. } => Some(unexpected),
                Listing::NotGiven { .. } | Listing::CutShort { .. } => None,
            })
            .collect();
        let extra = transferred.iter().filter(|u| !u.is_empty()).count();
        line.push_str(&match (transferred.len(), extra) {
            (0, _) => "; record sets beyond the file not looked for: no server gives a zone transfer (Route 53 never does; `dns plan` lists what the hosted zone has beyond the file)".to_string(),
            (n, 0) => format!("; no record sets beyond the file on the {n} server(s) that gave a zone transfer"),
            (n, e) => format!("; {e} of the {n} server(s) that gave a zone transfer serve record sets the file does not have"),
        });
        line
    }
}
