//! The master-file reader's fuzz harness: random edits of the corpus (tests/masters/) never
//! make `dns import` panic, and whatever it accepts, BIND (when it accepts the same text) reads
//! as the same records.

mod common;

use std::path::Path;

use dns::zone::bind;
use dns::zone::name;
use proptest::prelude::*;

const CORPUS: [(&str, &str); 2] = [
    ("example.com", include_str!("masters/example.com.db")),
    ("example.net", include_str!("masters/example.net.db")),
];

fn edit(text: &str, edits: &[(prop::sample::Index, usize, String)]) -> String {
    let mut text = text.to_string();
    for (at, kind, insert) in edits {
        let mut i = at.index(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let end = (i + insert.len().max(1)).min(text.len());
        if !text.is_char_boundary(end) {
            continue;
        }
        match kind {
            0 => text.insert_str(i, insert),
            1 => text.replace_range(i..end, ""),
            _ => text.replace_range(i..end, insert),
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn edited_master_files_never_panic_and_what_is_accepted_is_what_bind_reads(
        which in 0usize..2,
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0usize..3, "[a-z0-9 \t\n();\"\\\\.]{0,3}"),
            1..4,
        )
    ) {
        let (zone, original) = CORPUS[which];
        let text = edit(original, &edits);
        let origin = name::parse_zone(zone).unwrap();
        let Ok((imported, _)) = bind::import(&text, Path::new("fuzz.db"), Some(origin)) else {
            return Ok(()); // refused, with lines (checked by master_corpus)
        };
        let Some(checkzone) = common::require_tool("named-checkzone", "bind9-utils") else {
            return Ok(());
        };
        let work = tempfile::tempdir().unwrap();
        let input = work.path().join("input.db");
        std::fs::write(&input, &text).unwrap();
        let Ok(bind_says) = common::bind_reading(&checkzone, zone, &input, work.path()) else {
            // BIND refuses things dns accepts on purpose (an apex NS without an address: Route
            // 53 owns the apex NS); only texts both accept are compared.
            return Ok(());
        };
        let copy = work.path().join("copy.db");
        std::fs::write(&copy, bind::export(&imported, &[], None)).unwrap();
        let dns_says = common::bind_reading(&checkzone, zone, &copy, work.path())
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(bind_says, dns_says, "{}", text);
    }
}
