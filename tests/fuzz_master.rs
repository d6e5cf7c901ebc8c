//! The master-file reader's fuzz harness: random edits of the corpus (tests/masters/) never
//! make `dns import` panic, and whatever it accepts, BIND (when it accepts the same text) reads
//! as the same records. A second harness writes zones of random runs (owners in either case,
//! blank owners, NS records with their targets' records written among their owners') whose TTLs
//! disagree: BIND's batches decide those TTLs, and dns must decide them alike.

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

/// Whatever dns imports from `text`, exported again, BIND reads as it reads `text` (when BIND
/// accepts `text`: it refuses things dns accepts on purpose, such as an apex NS without an
/// address, since Route 53 owns the apex NS). A text dns refuses is refused with lines (checked
/// by master_corpus).
fn read_alike(zone: &str, text: &str) -> Result<(), TestCaseError> {
    let origin = name::parse_zone(zone).unwrap();
    let Ok((imported, _)) = bind::import(text, Path::new("fuzz.db"), Some(origin)) else {
        return Ok(());
    };
    let Some(checkzone) = common::require_tool("named-checkzone", "bind9-utils") else {
        return Ok(());
    };
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("input.db");
    std::fs::write(&input, text).unwrap();
    let Ok(bind_says) = common::bind_reading(&checkzone, zone, &input, work.path()) else {
        return Ok(());
    };
    let copy = work.path().join("copy.db");
    std::fs::write(&copy, bind::export(&imported, &[], None)).unwrap();
    let dns_says =
        common::bind_reading(&checkzone, zone, &copy, work.path()).map_err(TestCaseError::fail)?;
    prop_assert_eq!(bind_says, dns_says, "{}", text);
    Ok(())
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
        read_alike(zone, &edit(original, &edits))?;
    }
}

const OWNERS: [&str; 10] = [
    "@", "a", "A", "sub", "SUB", "ns.sub", "NS.sub", "t", "T", " ",
];
const TTLS: [&str; 5] = ["", "2 ", "60 ", "300 ", "3600 "];

/// A zone of random runs: owners in either case, blank owners, NS records at the apex and at a
/// delegation with their targets' addresses written among the owners' other records, and TTLs
/// that disagree: what decides a set's TTL in BIND (its batches).
fn interleaved(entries: &[(usize, usize, usize, u8)]) -> String {
    let mut text =
        String::from("$TTL 3600\n@ SOA ns1 hostmaster 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n");
    for &(owner, ttl, kind, n) in entries {
        let owner = if OWNERS[owner] == " " {
            ""
        } else {
            OWNERS[owner]
        };
        let data = match kind {
            0 => format!("TXT \"v{n}\""),
            1 => format!("A 192.0.2.{n}"),
            2 => format!("AAAA 2001:db8::{n}"),
            _ if n % 2 == 0 => "NS a".to_string(),
            _ => "NS ns.sub".to_string(),
        };
        text.push_str(&format!("{owner} {}{data}\n", TTLS[ttl]));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn runs_of_owners_glue_and_case_read_as_bind_reads_them(
        entries in prop::collection::vec((0usize..10, 0usize..5, 0usize..4, 1u8..4), 1..14)
    ) {
        read_alike("example.com", &interleaved(&entries))?;
    }
}
