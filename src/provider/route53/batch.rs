//! Turning a plan into ChangeResourceRecordSets requests.
//!
//! Route 53 applies one request atomically and takes at most 1,000 `ResourceRecord` elements and
//! 32,000 characters of values per request (an UPSERT counts twice; dns sends none). Every change
//! is a CREATE or a DELETE that repeats the *current* values exactly, so that a record changed by
//! someone else since the plan makes Route 53 reject the request instead of overwriting it.
//!
//! All changes at one owner name form a unit that is never split (a CNAME ↔ A flip is a DELETE
//! and a CREATE that must land together), DELETEs before CREATEs. Units are packed greedily in
//! plan order; a plan that fits one request is sent as one.

use aws_sdk_route53::types::{Change as R53Change, ChangeAction, ResourceRecordSet};

use std::ops::Range;

use super::mapping::{HealthIds, MissingCheck, to_route53, values};
use crate::plan::{Change, Plan};
use crate::zone::{Name, RData, RecordSet};

/// Route 53's per-request limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub records: usize,
    pub chars: usize,
}

impl Limits {
    pub const ROUTE53: Limits = Limits {
        records: 1000,
        chars: 32_000,
    };
    /// Route 53's limits less what the sync guard's DELETE and CREATE take in every request
    /// (two records of at most 256 characters each).
    pub const GUARDED: Limits = Limits {
        records: 1000 - 2,
        chars: 32_000 - 2 * 256,
    };
}

/// Puts the sync guard ([`super::guard`]) first in a request: the DELETE of the value last seen
/// (none when the zone has no guard yet) and the CREATE of `new`. Route 53 refuses the whole
/// request when the DELETE names a value another sync has replaced.
pub fn guard(
    batch: &mut Batch,
    origin: &Name,
    old: Option<&RecordSet>,
    new: &RecordSet,
    zone_id: &str,
) -> Result<(), MissingCheck> {
    let key = super::guard::key(origin);
    let none = HealthIds::default();
    let mut first = Vec::new();
    for (action, set) in old
        .map(|o| (ChangeAction::Delete, o))
        .into_iter()
        .chain([(ChangeAction::Create, new)])
    {
        let rr = to_route53(&key, set, zone_id, &none)?;
        let (r, ch) = cost(&rr);
        batch.records += r;
        batch.chars += ch;
        first.push(change(action, rr));
    }
    batch.changes.splice(0..0, first);
    Ok(())
}

/// One request's changes and their cost.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub changes: Vec<R53Change>,
    pub records: usize,
    pub chars: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the changes at {name} alone ({records} records, {chars} characters) exceed one Route 53 request ({} records, {} characters)", limits.records, limits.chars)]
pub struct TooLarge {
    pub name: String,
    pub records: usize,
    pub chars: usize,
    pub limits: Limits,
}

/// (ResourceRecord elements, characters of values) of one record set in a request. An alias has
/// no elements; it is counted as one, with its target name, to stay on the safe side.
pub fn cost(rr: &ResourceRecordSet) -> (usize, usize) {
    match rr.alias_target() {
        Some(alias) => (1, alias.dns_name().len()),
        None => (
            rr.resource_records().len(),
            rr.resource_records().iter().map(|r| r.value().len()).sum(),
        ),
    }
}

fn change(action: ChangeAction, rr: ResourceRecordSet) -> R53Change {
    R53Change::builder()
        .action(action)
        .resource_record_set(rr)
        .build()
        .expect("change: action and record set set")
}

/// (ResourceRecord elements, characters) of one record set, from the model: the same figures as
/// [`cost`] of its Route 53 form, without building it.
fn set_cost(set: &RecordSet) -> (usize, usize) {
    match &set.data {
        RData::Alias(a) => (1, a.target.to_ascii().len()),
        data => {
            let values = values(data);
            (values.len(), values.iter().map(String::len).sum())
        }
    }
}

fn change_cost(c: &Change) -> (usize, usize) {
    [c.old(), c.new_set()]
        .into_iter()
        .flatten()
        .map(set_cost)
        .fold((0, 0), |(r, ch), (r2, ch2)| (r + r2, ch + ch2))
}

/// Splits the plan into requests within `limits`: ranges of `plan.changes`, each made of whole
/// names. Nothing is built yet, so a plan of 100,000 changes costs no request objects.
pub fn split(plan: &Plan, limits: Limits) -> Result<Vec<Range<usize>>, TooLarge> {
    let mut out: Vec<(Range<usize>, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < plan.changes.len() {
        let name = &plan.changes[i].key().name;
        let end = plan.changes[i..]
            .iter()
            .position(|c| c.key().name != *name)
            .map_or(plan.changes.len(), |n| i + n);
        let (records, chars) = plan.changes[i..end]
            .iter()
            .map(change_cost)
            .fold((0, 0), |(r, ch), (r2, ch2)| (r + r2, ch + ch2));
        if records > limits.records || chars > limits.chars {
            return Err(TooLarge {
                name: name.to_ascii(),
                records,
                chars,
                limits,
            });
        }
        match out.last_mut() {
            Some((range, r, ch))
                if *r + records <= limits.records && *ch + chars <= limits.chars =>
            {
                range.end = end;
                *r += records;
                *ch += chars;
            }
            _ => out.push((i..end, records, chars)),
        }
        i = end;
    }
    Ok(out.into_iter().map(|(range, _, _)| range).collect())
}

/// Builds the request for one range of [`split`]: at each name its deletes, then its creates.
/// Every health check the sets refer to must have its id in `checks`.
pub fn build(
    plan: &Plan,
    range: Range<usize>,
    zone_id: &str,
    checks: &HealthIds,
) -> Result<Batch, MissingCheck> {
    let changes = &plan.changes[range];
    let mut batch = Batch::default();
    let mut i = 0;
    while i < changes.len() {
        let name = &changes[i].key().name;
        let end = changes[i..]
            .iter()
            .position(|c| c.key().name != *name)
            .map_or(changes.len(), |n| i + n);
        let u = unit(&changes[i..end], zone_id, checks)?;
        batch.records += u.records;
        batch.chars += u.chars;
        batch.changes.extend(u.changes);
        i = end;
    }
    Ok(batch)
}

/// The changes at one name: deletes, then creates.
fn unit(changes: &[Change], zone_id: &str, checks: &HealthIds) -> Result<Batch, MissingCheck> {
    let mut batch = Batch::default();
    let mut creates = Vec::new();
    for c in changes {
        if let Some(old) = c.old() {
            let rr = to_route53(c.key(), old, zone_id, checks)?;
            let (r, ch) = cost(&rr);
            batch.records += r;
            batch.chars += ch;
            batch.changes.push(change(ChangeAction::Delete, rr));
        }
        if let Some(new) = c.new_set() {
            let rr = to_route53(c.key(), new, zone_id, checks)?;
            let (r, ch) = cost(&rr);
            batch.records += r;
            batch.chars += ch;
            creates.push(change(ChangeAction::Create, rr));
        }
    }
    batch.changes.extend(creates);
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::diff;
    use crate::zone::load::load_str;
    use std::fmt::Write as _;
    use std::path::Path;

    /// Splits and builds every request at once (plans without health checks).
    fn batches(plan: &Plan, zone_id: &str, limits: Limits) -> Result<Vec<Batch>, TooLarge> {
        let none = HealthIds::default();
        Ok(split(plan, limits)?
            .into_iter()
            .map(|range| build(plan, range, zone_id, &none).unwrap())
            .collect())
    }

    fn zone(text: &str) -> crate::zone::Zone {
        let l = load_str(Path::new("example.com.yaml"), text);
        assert!(l.is_valid(), "{:?}", l.diagnostics);
        l.zone
    }

    #[test]
    fn small_plan_is_one_batch_with_deletes_first_at_each_name() {
        let plan = diff(
            &zone(
                "www: {type: ALIAS, value: lb-1.us-east-1.elb.amazonaws.com.}\nx: {type: A, value: 192.0.2.1}\n",
            ),
            &zone("www: {type: CNAME, value: lb-1.us-east-1.elb.amazonaws.com.}\n"),
        );
        let b = batches(&plan, "ZSELF", Limits::ROUTE53).unwrap();
        assert_eq!(b.len(), 1);
        let actions: Vec<_> = b[0]
            .changes
            .iter()
            .map(|c| {
                (
                    c.action().as_str().to_string(),
                    c.resource_record_set()
                        .unwrap()
                        .r#type()
                        .as_str()
                        .to_string(),
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                ("DELETE".into(), "CNAME".into()),
                ("CREATE".into(), "A".into()),
                ("CREATE".into(), "A".into())
            ]
        );
    }

    #[test]
    fn splits_by_record_count() {
        let mut text = String::new();
        for i in 0..1500 {
            let _ = writeln!(
                text,
                "h{i}: {{type: A, value: 10.0.{}.{}}}",
                i / 250,
                i % 250
            );
        }
        let plan = diff(&zone(&text), &zone(""));
        let b = batches(&plan, "Z", Limits::ROUTE53).unwrap();
        assert_eq!(b.iter().map(|b| b.records).collect::<Vec<_>>(), [1000, 500]);
    }

    #[test]
    fn splits_by_characters_keeping_names_whole() {
        let mut text = String::new();
        for i in 0..30 {
            let _ = writeln!(
                text,
                "t{i}:\n  type: TXT\n  values: ['{}', '{}']",
                "a".repeat(1500),
                "b".repeat(1500)
            );
        }
        let plan = diff(&zone(&text), &zone(""));
        let b = batches(&plan, "Z", Limits::ROUTE53).unwrap();
        // 30 names of 3,008 characters each: 10 per request.
        assert_eq!(
            b.iter().map(|b| b.changes.len()).collect::<Vec<_>>(),
            [10, 10, 10]
        );
        assert!(b.iter().all(|b| b.chars <= 32_000 && b.records == 20));
    }

    #[test]
    fn split_counts_what_build_sends() {
        let mut text = String::new();
        for i in 0..700 {
            let _ = writeln!(
                text,
                "n{i}:\n  - {{type: TXT, value: '{}'}}\n  - {{type: A, values: [10.0.0.1, 10.0.0.2]}}",
                "t".repeat(i % 90)
            );
        }
        text.push_str("'': {type: ALIAS, value: lb-1.us-east-1.elb.amazonaws.com.}\n");
        let plan = diff(&zone(&text), &zone("n1: {type: A, value: 10.9.9.9}\n"));
        for range in split(&plan, Limits::ROUTE53).unwrap() {
            let b = build(&plan, range, "Z", &HealthIds::default()).unwrap();
            let counted: (usize, usize) = b
                .changes
                .iter()
                .map(|c| cost(c.resource_record_set().unwrap()))
                .fold((0, 0), |a, x| (a.0 + x.0, a.1 + x.1));
            assert_eq!((b.records, b.chars), counted);
            assert!(b.records <= 1000 && b.chars <= 32_000);
        }
    }

    #[test]
    fn a_name_too_large_for_one_request_is_refused() {
        let mut text = String::from("big:\n  type: TXT\n  values:\n");
        for i in 0..12 {
            let _ = writeln!(text, "    - '{i}{}'", "c".repeat(3000));
        }
        let plan = diff(&zone(&text), &zone(""));
        assert!(batches(&plan, "Z", Limits::ROUTE53).is_err());
    }
}
