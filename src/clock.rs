//! Wall-clock times as the reports write them: RFC 3339 for machines, minutes in UTC for people.

use aws_smithy_types::date_time::{DateTime, Format};

/// `secs` after 1970 as RFC 3339 (`2026-12-09T14:05:00Z`).
pub fn rfc3339(secs: u64) -> String {
    let t = DateTime::from_secs(i64::try_from(secs).unwrap_or(i64::MAX));
    t.fmt(Format::DateTime)
        .unwrap_or_else(|_| format!("{secs} seconds after 1970"))
}

/// `secs` after 1970 to the minute, for people (`2026-12-09 14:05 UTC`).
pub fn utc_minutes(secs: u64) -> String {
    let text = rfc3339(secs);
    match (text.get(..10), text.get(11..16)) {
        (Some(day), Some(time)) if text.as_bytes().get(10) == Some(&b'T') => {
            format!("{day} {time} UTC")
        }
        _ => text,
    }
}

/// A span of seconds as people say it: its largest unit and the next (`48 h 5 min`, `5 min`,
/// `3 days 2 h`, `30 s`), hours up to three days.
pub fn span(secs: u64) -> String {
    let (big, small) = match secs {
        s if s >= 3 * 86_400 => ((s / 86_400, "days"), (s % 86_400 / 3_600, "h")),
        s if s >= 3_600 => ((s / 3_600, "h"), (s % 3_600 / 60, "min")),
        s if s >= 60 => ((s / 60, "min"), (s % 60, "s")),
        s => return format!("{s} s"),
    };
    match small.0 {
        0 => format!("{} {}", big.0, big.1),
        n => format!("{} {} {n} {}", big.0, big.1, small.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc_to_the_minute_and_spans_in_whole_units() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_minutes(1_796_825_100), "2026-12-09 14:05 UTC");
        assert_eq!(span(172_800), "48 h");
        assert_eq!(span(173_100), "48 h 5 min");
        assert_eq!(span(864_000), "10 days");
        assert_eq!(span(266_400), "3 days 2 h");
        assert_eq!(span(300), "5 min");
        assert_eq!(span(301), "5 min 1 s");
        assert_eq!(span(59), "59 s");
    }
}
