//! Property tests (the fuzz harness of the zone loader): no input makes it panic, and any zone
//! it accepts survives YAML and BIND round trips unchanged.

use std::path::Path;

use dns::zone::bind;
use dns::zone::load::load_str;
use dns::zone::write::to_yaml;
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../zones/hive.example.com.yaml");

fn file() -> &'static Path {
    Path::new("fuzz.example.com.yaml")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = load_str(file(), &text);
    }

    #[test]
    fn yaml_shaped_text_never_panics(text in "[a-zA-Z0-9 :{}\\[\\],'\"*@&!|>#.$_\\\\\n-]{0,300}") {
        let _ = load_str(file(), &text);
    }

    #[test]
    fn edits_of_the_example_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, "[ -~\n\t]{0,4}"), 1..8)
    ) {
        let mut text = EXAMPLE.to_string();
        for (at, kind, insert) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) { i -= 1; }
            match kind {
                0 => text.insert_str(i, &insert),
                1 => { let end = (i + insert.len()).min(text.len()); if text.is_char_boundary(end) { text.replace_range(i..end, ""); } }
                _ => { let end = (i + insert.len()).min(text.len()); if text.is_char_boundary(end) { text.replace_range(i..end, &insert); } }
            }
        }
        let loaded = load_str(Path::new("hive.example.com.yaml"), &text);
        // Whatever it made of the text, every diagnostic points into the file.
        let lines = text.lines().count().max(1) as u64 + 1;
        for d in &loaded.diagnostics {
            prop_assert!(d.pos.line >= 1 && d.pos.line <= lines, "{d}");
        }
    }

    #[test]
    fn accepted_zones_round_trip_through_yaml_and_bind(records in prop::collection::vec(record(), 1..25)) {
        let mut text = String::new();
        for (i, (name, body)) in records.iter().enumerate() {
            text.push_str(&format!("'{name}{i}':\n{body}\n"));
        }
        let loaded = load_str(file(), &text);
        prop_assume!(loaded.is_valid());
        let zone = loaded.zone;

        let again = load_str(file(), &to_yaml(&zone));
        prop_assert!(again.is_valid(), "{:?}\n{}", again.diagnostics, to_yaml(&zone));
        prop_assert_eq!(&again.zone.rrsets, &zone.rrsets);

        let master = bind::export(&zone, &[], None);
        let (back, _) = bind::import(&master, Path::new("fuzz.zone"), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back.rrsets, &zone.rrsets);
    }
}

/// A record under a random name: (name prefix, indented YAML body).
fn record() -> impl Strategy<Value = (String, String)> {
    let name = "[a-z][a-z0-9-]{0,10}|_[a-z]{1,5}\\._tcp\\.x|\\*\\.w";
    let ttl = prop::option::of(0u32..100_000);
    let body = prop_oneof![
        prop::collection::vec(any::<[u8; 4]>(), 1..4).prop_map(|v| format!("type: A\nvalues: [{}]", v.iter().map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])).collect::<Vec<_>>().join(", "))),
        any::<[u16; 8]>().prop_map(|a| format!("type: AAAA\nvalue: '{}'", std::net::Ipv6Addr::from(a))),
        "[a-z]{1,10}\\.example\\.net\\.".prop_map(|t| format!("type: CNAME\nvalue: {t}")),
        // A plain text has no backslash but in `\;`; `strings:` takes any text, escaped.
        prop::collection::vec("[ -\\[\\]-~]{0,300}|[a-zé€ 😀]{0,40}", 1..3).prop_map(|v| format!("type: TXT\nvalues:\n{}", v.iter().map(|t| format!("  - '{}'", t.replace('\'', "''"))).collect::<Vec<_>>().join("\n"))),
        prop::collection::vec(prop::collection::vec("[ -~]{0,40}|[a-zé€ 😀]{0,20}", 1..4), 1..3).prop_map(|v| format!("type: TXT\nvalues:\n{}", v.iter().map(|strings| format!("  - {{strings: [{}]}}", strings.iter().map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join("\n"))),
        (any::<u16>(), "[a-z]{1,8}\\.example\\.net\\.").prop_map(|(p, e)| format!("type: MX\nvalue: {{preference: {p}, exchange: {e}}}")),
        (any::<u8>(), "issue|issuewild|iodef|tbs", "[ -~]{0,40}").prop_map(|(f, t, v)| format!("type: CAA\nvalue: {{flags: {f}, tag: {t}, value: '{}'}}", v.replace('\'', "''"))),
        (any::<[u16; 3]>(), "[a-z]{1,8}\\.example\\.net\\.").prop_map(|(n, t)| format!("type: SRV\nvalue: {{priority: {}, weight: {}, port: {}, target: {t}}}", n[0], n[1], n[2])),
        "[a-z]{1,8}".prop_map(|t| format!("type: ALIAS\nvalue: {{target: dualstack.{t}-1.us-west-2.elb.amazonaws.com., evaluate_target_health: true}}")),
    ];
    (name, body, ttl).prop_map(|(name, body, ttl)| {
        let mut lines: Vec<String> = body.lines().map(|l| format!("  {l}")).collect();
        if let Some(ttl) = ttl.filter(|_| !body.contains("ALIAS")) {
            lines.push(format!("  ttl: {ttl}"));
        }
        (name, lines.join("\n"))
    })
}

#[test]
fn deep_nesting_and_alias_bombs_are_refused_not_crashed() {
    let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let loaded = load_str(file(), &deep);
    assert!(!loaded.is_valid());

    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..20 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let loaded = load_str(file(), &bomb);
    assert!(!loaded.is_valid());
}

#[test]
fn zones_of_many_records_are_not_refused_by_the_yaml_budget() {
    // serde-saphyr's default budget (250,000 nodes) stopped near 60,000 records; the loader
    // now builds its tree from the parser's events, and this keeps large zones loading.
    let mut text = String::with_capacity(70_000 * 40);
    for i in 0..70_000u32 {
        text.push_str(&format!(
            "h{i}: {{type: A, value: 10.{}.{}.{}}}\n",
            i >> 16,
            (i >> 8) & 255,
            i & 255
        ));
    }
    let loaded = load_str(Path::new("big.example.com.yaml"), &text);
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics.first());
    assert_eq!(loaded.zone.record_count(), 70_000);
}
