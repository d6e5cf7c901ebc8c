//! The sets every server must serve alike: each question of the table
//! ([`crate::check::questions::TABLE`]) that names a `consistent` code (the apex's CAA set,
//! `caa.inconsistent`) is judged here, by the one rule of that shape.

use std::collections::BTreeMap;

use super::who;
use crate::check::codes::Finding;
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::questions::TABLE;
use crate::escape::escape;

/// The rule of every entry that names a `consistent` code: the servers that answered the
/// question with authority must serve the same set at the apex (compared as text, names
/// without case; signatures left out, as an online signer's differ from answer to answer).
pub fn consistent_sets(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    let mut out = Vec::new();
    for e in TABLE {
        let Some(code) = e.consistent else { continue };
        let mut served: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for p in f.answers(e.question).filter(|p| answers_with_authority(p)) {
            let Some(m) = p.message() else { continue };
            let mut set: Vec<String> = m
                .answers
                .iter()
                .filter(|r| r.name == *zone && r.record_type() == e.qtype)
                .map(|r| r.data.to_string().to_lowercase())
                .collect();
            set.sort();
            set.dedup();
            let servers = served.entry(set).or_default();
            let server = who(p);
            if !servers.contains(&server) {
                servers.push(server);
            }
        }
        if served.len() < 2 {
            continue;
        }
        let said: Vec<String> = served
            .iter()
            .map(|(set, who)| {
                let what = if set.is_empty() {
                    format!("no {}", e.qtype)
                } else {
                    format!("[{}]", escape(&set.join(", ")))
                };
                format!("{} serve {what}", who.join(", "))
            })
            .collect();
        out.push(Finding::new(
            code,
            format!(
                "the servers of {} serve different {} sets at its apex: {}",
                zone.to_ascii(),
                e.qtype,
                said.join("; ")
            ),
            served.into_values().flatten().collect(),
        ));
    }
    out
}
