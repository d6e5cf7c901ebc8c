//! `dns check` of many zones in one run: every zone of the zones directory, or a list of names
//! (`--names FILE`), split across CI jobs with `--shard I/N`. The zones are checked at the same
//! time, `parallel` at most, each with its own budget and deadline; their walkers share what a
//! resolver's cache would (name server addresses, zone cuts, silent servers, the answers about
//! names above each zone: a provider's name servers are looked up once for all its zones, the
//! root's and the TLD's own sets asked once per run), one limit of questions in flight per
//! server address and one rate per address ([`crate::walk::polite`]), so that a run of a
//! thousand zones never floods a provider or trips a TLD's rate limiting.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use hickory_proto::rr::Name;

use super::run::{self, Round};
use super::settings::Settings;
use crate::check::codes::Severity;
use crate::error::{Error, Result};
use crate::walk::polite::{Limiting, Politeness};
use crate::walk::{NameServer, Walker};

/// How a run of many zones goes.
#[derive(Debug, Clone)]
pub struct Run {
    /// The names to check, sorted, each once.
    pub names: Vec<Name>,
    /// Zones checked at the same time.
    pub parallel: usize,
    /// Questions in flight to one server address, across all zones.
    pub per_server: usize,
    /// Each zone's outcome is slimmed once it is done (`--json-lines` has written it): the
    /// run holds its verdict and findings, not its facts.
    pub slim: bool,
}

/// One zone's check: its round, or why it could not be checked (an invalid zone file, Route 53
/// unreachable for `--expect route53`).
pub struct ZoneOutcome {
    pub name: Name,
    pub round: Result<Round>,
}

/// A zone's verdict in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Ok,
    Warnings,
    Errors,
    /// No root or parent server could be asked: nothing was judged.
    Unreached,
    /// The check could not run (its exit code is the error's).
    Failed,
}

impl ZoneOutcome {
    /// The outcome without what only its report needs (the facts' probes and answers): its
    /// verdict, exit code and findings stay.
    pub fn slim(&mut self) {
        if let Ok(round) = &mut self.round {
            round.facts.slim();
            round.caches = None;
        }
    }

    pub fn verdict(&self) -> Verdict {
        match &self.round {
            Err(_) => Verdict::Failed,
            Ok(r) => Self::verdict_of(r),
        }
    }

    /// The verdict on one round.
    pub fn verdict_of(r: &Round) -> Verdict {
        if r.findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Errors
        } else if !r.findings.is_empty() {
            Verdict::Warnings
        } else if r.facts.zone.is_none() {
            Verdict::Unreached
        } else {
            Verdict::Ok
        }
    }

    /// The exit code of this zone alone, as `dns check NAME` gives it: 0, 1 (findings), 3
    /// (nothing could be judged), or the code of the error that stopped it.
    pub fn exit_code(&self) -> u8 {
        match &self.round {
            Err(e) => e.exit_code(),
            Ok(r) => Self::exit_code_of(r),
        }
    }

    /// The exit code of one round: 0, 1 (findings) or 3 (nothing could be judged).
    pub fn exit_code_of(r: &Round) -> u8 {
        match Self::verdict_of(r) {
            Verdict::Errors | Verdict::Warnings => 1,
            Verdict::Unreached => 3,
            Verdict::Ok | Verdict::Failed => 0,
        }
    }

    /// What is still not right (`--wait` checks the zone again while there is); an error is
    /// final.
    pub fn pending(&self) -> Vec<String> {
        self.round.as_ref().map(Round::pending).unwrap_or_default()
    }
}

/// The run's exit code: the worst zone's, worst meaning a zone that could not be checked (2,
/// or 3 for a service that could not be used), then one not reached (3), then findings (1).
pub fn exit_code(outcomes: &[ZoneOutcome]) -> u8 {
    let rank = |code: u8| match code {
        0 => 0,
        1 => 1,
        3 => 2,
        _ => 3,
    };
    outcomes
        .iter()
        .map(ZoneOutcome::exit_code)
        .max_by_key(|c| rank(*c))
        .unwrap_or(0)
}

/// `dns check` of many zones as the library runs it: every zone of the run, and with `--wait`
/// the zones still pending again until none is or the time is up (`told` hears a line for
/// each round that left zones pending).
pub fn check_run(
    rt: &tokio::runtime::Runtime,
    s: &Settings,
    run: &Run,
    told: &mut dyn FnMut(String),
    done: &dyn Fn(&ZoneOutcome),
) -> Result<(run::Waited<Vec<ZoneOutcome>>, Vec<Limiting>)> {
    let hints = crate::walk::hints::load(s.root_hints.as_deref())?;
    let started = std::time::Instant::now();
    // One rate per server for the whole run, its rounds included.
    let polite = Politeness::new(s.walk.qps);
    let outcomes = rt.block_on(check_all(s, run, &run.names, &hints, &polite, done));
    let Some(wait) = s.wait else {
        let done = run::Waited {
            last: outcomes,
            pending: vec![],
            rounds: 1,
        };
        return Ok((done, polite.limiting()));
    };
    let total = outcomes.len();
    let pending_zones = |outcomes: &Vec<ZoneOutcome>| {
        outcomes
            .iter()
            .filter(|o| !o.pending().is_empty())
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
    };
    let waited = run::wait_until_done(
        wait,
        started,
        outcomes,
        |o| pending_zones(o).iter().map(|n| n.to_ascii()).collect(),
        |outcomes| {
            let again = pending_zones(outcomes);
            for zone in rt.block_on(check_all(s, run, &again, &hints, &polite, done)) {
                if let Some(slot) = outcomes.iter_mut().find(|o| o.name == zone.name) {
                    *slot = zone;
                }
            }
            Ok(())
        },
        |n, pending| {
            told(format!(
                "round {n}: {} of {total} zone(s) pending: {}",
                pending.len(),
                pending.join(", ")
            ))
        },
    )?;
    Ok((waited, polite.limiting()))
}

/// Checks every name of `names` (a subset of the run's, for `--wait`), `parallel` at a time,
/// sharing the walkers' memory and `polite`'s rates; `done` hears each zone as it is done; the
/// outcomes in the order of `names`.
pub async fn check_all(
    base: &Settings,
    run: &Run,
    names: &[Name],
    hints: &[NameServer],
    polite: &Arc<Politeness>,
    done: &dyn Fn(&ZoneOutcome),
) -> Vec<ZoneOutcome> {
    let shared = Walker::new(base.walk.clone(), hints.to_vec())
        .with_per_server_limit(run.per_server)
        .with_politeness(polite.clone());
    // Taken in an order that mixes the names (a hash of each), so that the zones of one
    // provider, which sort together, do not all ask its servers at once while other servers
    // wait: every server's questions spread over the run, and the run is as long as the
    // busiest server's questions take at its rate. The outcomes come back in the names' order.
    let mut order: Vec<(u64, usize)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            name.to_ascii().hash(&mut h);
            (h.finish(), i)
        })
        .collect();
    order.sort_unstable();
    let mut outcomes =
        futures_util::stream::iter(order.into_iter().map(|(_, i)| (i, names[i].clone())))
            .map(|(i, name)| {
                let s = Settings {
                    name: name.clone(),
                    ..base.clone()
                };
                // Made when the zone's turn comes: its deadline runs from then.
                let walker = shared.sharing(s.walk.clone(), &name);
                // A task of its own: the zones' work spreads over the runtime's threads.
                let task = tokio::spawn(async move {
                    match run::expected_ns(&s).await {
                        Ok(expected) => run::one_round_on(&s, &expected, walker).await,
                        Err(e) => Err(e),
                    }
                });
                async move {
                    let round = task.await.unwrap_or_else(|e| {
                        Err(Error::Unreachable(format!(
                            "the check of {} stopped: {e}",
                            name.to_ascii()
                        )))
                    });
                    (i, ZoneOutcome { name, round })
                }
            })
            .buffer_unordered(run.parallel.max(1))
            .map(|(i, mut o)| {
                done(&o);
                if run.slim {
                    o.slim();
                }
                (i, o)
            })
            .collect::<Vec<_>>()
            .await;
    outcomes.sort_unstable_by_key(|(i, _)| *i);
    for (addr, sent) in shared.sent_by_address().iter().take(8) {
        tracing::info!("{sent} questions to {addr}");
    }
    outcomes.into_iter().map(|(_, o)| o).collect()
}

/// The names of a `--names` file: one domain per line; blank lines and `#` comments are
/// skipped; each name once. A line that is no domain name is refused with its number.
pub fn names_file(path: &Path) -> Result<Vec<Name>> {
    let text = crate::zone::read_text(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut names = BTreeSet::new();
    // Every bad line is said, not only the first.
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or_default().trim();
        if entry.is_empty() {
            continue;
        }
        match crate::zone::name::parse_zone(entry) {
            Ok(name) => {
                names.insert(name);
            }
            Err(e) => bad.push(format!(
                "{}:{}: '{}' is not a domain name: {e}",
                path.display(),
                i + 1,
                crate::escape::escape(entry)
            )),
        }
    }
    if !bad.is_empty() {
        const SHOWN: usize = 20;
        let more = bad.len().saturating_sub(SHOWN);
        bad.truncate(SHOWN);
        if more > 0 {
            bad.push(format!("… and {more} more bad line(s)"));
        }
        return Err(Error::Usage(bad.join("\n")));
    }
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no domain names (one per line)",
            path.display()
        )));
    }
    Ok(names.into_iter().collect())
}

/// `--shard I/N`: the I-th of N shares (1 ≤ I ≤ N) of the sorted names, every N-th name from
/// the I-th: each name in exactly one share, the shares as even as they can be.
pub fn shard(names: Vec<Name>, i: usize, n: usize) -> Vec<Name> {
    names
        .into_iter()
        .enumerate()
        .filter(|(k, _)| k % n == i - 1)
        .map(|(_, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_name_once() {
        let names: Vec<Name> = (0..7)
            .map(|k| Name::from_ascii(format!("z{k}.test.")).unwrap())
            .collect();
        let shares: Vec<Vec<Name>> = (1..=3).map(|i| shard(names.clone(), i, 3)).collect();
        assert_eq!(shares.iter().map(Vec::len).collect::<Vec<_>>(), [3, 2, 2]);
        let mut all: Vec<Name> = shares.concat();
        all.sort();
        assert_eq!(all, names);
        assert_eq!(shard(names.clone(), 1, 1), names);
    }

    #[test]
    fn names_files_skip_comments_and_refuse_a_bad_line_with_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.txt");
        std::fs::write(
            &path,
            "# portfolio\nexample.com\n\n  Example.NET.  # a comment\nexample.com\n",
        )
        .unwrap();
        let names: Vec<String> = names_file(&path)
            .unwrap()
            .iter()
            .map(Name::to_ascii)
            .collect();
        assert_eq!(names, ["example.com.", "example.net."]);
        std::fs::write(&path, "example.com\nbad..name\n").unwrap();
        let err = names_file(&path).unwrap_err().to_string();
        assert!(
            err.contains("names.txt:2: 'bad..name' is not a domain name"),
            "{err}"
        );
        // Every bad line, each with its number.
        std::fs::write(
            &path,
            "bad..one
example.com
bad..two
",
        )
        .unwrap();
        let err = names_file(&path).unwrap_err().to_string();
        assert!(
            err.contains("names.txt:1: 'bad..one'") && err.contains("names.txt:3: 'bad..two'"),
            "{err}"
        );
        // An IDN is read as `dns check NAME` reads it; a wildcard is named as a record of its
        // zone, which is the domain to check.
        std::fs::write(&path, "Bücher.example\n").unwrap();
        let names = names_file(&path).unwrap();
        assert_eq!(names[0].to_ascii(), "xn--bcher-kva.example.");
        assert_eq!(
            names,
            [crate::zone::name::parse_zone("bücher.example").unwrap()]
        );
        std::fs::write(&path, "*.shop01.com\n").unwrap();
        let err = names_file(&path).unwrap_err().to_string();
        assert!(
            err.contains("names.txt:1: '*.shop01.com' is not a domain name: a wildcard names records inside a zone, not a domain to check: check shop01.com."),
            "{err}"
        );
    }
}
