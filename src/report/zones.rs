//! One zone of a check as the reports that show many zones see it (the metrics, the web page):
//! the name checked, its state, its round (none when the check could not run) and why not.

use crate::check::many::{Verdict, ZoneOutcome};
use crate::check::run::Round;

/// The states a zone can be in: the verdict, its key (the metrics' `state` label, the page's
/// filter) and its words.
pub(super) const STATES: [(Verdict, &str, &str); 5] = [
    (Verdict::Ok, "ok", "ok"),
    (Verdict::Warnings, "warnings", "warnings"),
    (Verdict::Errors, "errors", "errors"),
    (Verdict::Unreached, "not_reached", "not reached"),
    (Verdict::Failed, "not_checked", "not checked"),
];

/// A state's key and words.
pub(super) fn state(v: Verdict) -> (&'static str, &'static str) {
    STATES
        .iter()
        .find(|(s, _, _)| *s == v)
        .map_or(("", ""), |(_, key, words)| (*key, *words))
}

pub(super) struct Zone<'a> {
    /// The name checked (NAME, or the name of the run's list), whatever the walk found: a
    /// zone's metric series stays one series when its delegation breaks.
    pub name: String,
    pub state: Verdict,
    pub round: Option<&'a Round>,
    /// Why the check could not run.
    pub failed: Option<String>,
}

impl<'a> Zone<'a> {
    /// The zone of one check.
    pub fn of_round(round: &'a Round) -> Zone<'a> {
        Zone {
            name: round.facts.qname.to_ascii(),
            state: ZoneOutcome::verdict_of(round),
            round: Some(round),
            failed: None,
        }
    }

    /// The zones of a run.
    pub fn of_run(outcomes: &'a [ZoneOutcome]) -> Vec<Zone<'a>> {
        outcomes
            .iter()
            .map(|o| Zone {
                name: o.name.to_ascii(),
                state: o.verdict(),
                round: o.round.as_ref().ok(),
                failed: o.round.as_ref().err().map(super::diag::error_text),
            })
            .collect()
    }
}
