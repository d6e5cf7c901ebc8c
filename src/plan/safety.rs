//! Safety gates: a sync that would rewrite a large share of a zone is refused unless forced.
//!
//! As octoDNS's `raise_if_unsafe`: with at least [`MIN_EXISTING`] record sets in the live zone,
//! the updates and the deletes may each touch at most `max_change_percent` of them (30% by
//! default, set per zone in `$zone`). Creations are never limited: they cannot lose data.

use super::Plan;

/// Zones smaller than this are not held to the threshold.
pub const MIN_EXISTING: usize = 10;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the plan would {action} {count} of {existing} record sets ({percent:.0}%), more than the {limit}% allowed"
)]
pub struct Unsafe {
    pub action: &'static str,
    pub count: usize,
    pub existing: usize,
    pub percent: f64,
    pub limit: u8,
}

pub fn check(plan: &Plan, limit_percent: u8) -> Result<(), Unsafe> {
    if plan.existing < MIN_EXISTING {
        return Ok(());
    }
    for (action, label) in [("update", "update"), ("delete", "delete")] {
        let count = plan.count(action);
        let percent = count as f64 * 100.0 / plan.existing as f64;
        if percent > f64::from(limit_percent) {
            return Err(Unsafe {
                action: label,
                count,
                existing: plan.existing,
                percent,
                limit: limit_percent,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::diff;
    use crate::zone::load::load_str;
    use std::fmt::Write as _;
    use std::path::Path;

    fn zone_of(n: usize, start: usize) -> crate::zone::Zone {
        let mut text = String::new();
        for i in start..start + n {
            let _ = writeln!(text, "h{i}: {{type: A, value: 192.0.2.{}}}", i % 250);
        }
        load_str(Path::new("example.com.yaml"), &text).zone
    }

    #[test]
    fn deleting_a_third_of_a_zone_is_refused() {
        let current = zone_of(12, 0);
        let desired = zone_of(8, 0);
        let err = check(&diff(&desired, &current), 30).unwrap_err();
        assert_eq!((err.action, err.count, err.existing), ("delete", 4, 12));
        assert!(check(&diff(&desired, &current), 40).is_ok());
    }

    #[test]
    fn small_zones_and_creations_are_not_limited() {
        assert!(check(&diff(&zone_of(0, 0), &zone_of(9, 0)), 30).is_ok());
        assert!(check(&diff(&zone_of(100, 0), &zone_of(10, 0)), 30).is_ok());
    }
}
