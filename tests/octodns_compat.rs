//! octoDNS compatibility: each zone file in tests/octodns/ is read by octoDNS's own loader
//! (PyPI `octodns`'s YamlProvider, in the test venv, through scripts/octodns_dump.py) and by
//! dns, and the two readings are compared record by record: names, types, TTLs, every value in
//! the form it is sent in (TXT as its quoted strings), and which records are `ignored`. A file
//! octoDNS syncs must load into the same records in dns, or be refused with a line.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dns::zone::load::load_str;
use dns::zone::wire::presentation;
use dns::zone::{RData, name};

/// The venv's Python with `octodns` importable, or why not. Missing under CI=true: a failure.
fn octodns_python() -> Option<PathBuf> {
    let python = common::repo().join(".venv/bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import octodns"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "octodns is not importable from .venv under CI=true: scripts/test.sh installs it"
    );
    eprintln!("SKIPPED: octodns is not installed in .venv (scripts/test.sh installs it)");
    None
}

/// (name, type) → (ttl, sorted values, ignored).
type Reading = BTreeMap<(String, String), (Option<u64>, Vec<String>, bool)>;

fn octodns_reading(python: &Path, dir: &Path, zone: &str) -> Reading {
    let out = Command::new(python)
        .arg(common::repo().join("scripts/octodns_dump.py"))
        .arg(dir)
        .arg(zone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "octoDNS refused {zone}: {}",
        common::stderr(&out)
    );
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    records
        .into_iter()
        .map(|r| {
            let ignored = r["ignored"].as_bool().unwrap();
            let values = if ignored {
                vec![]
            } else {
                r["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            };
            (
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["type"].as_str().unwrap().to_string(),
                ),
                (
                    (!ignored).then(|| r["ttl"].as_u64().unwrap()),
                    values,
                    ignored,
                ),
            )
        })
        .collect()
}

fn dns_reading(file: &Path) -> Reading {
    let loaded = load_str(file, &std::fs::read_to_string(file).unwrap());
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    let zone = loaded.zone;
    let relative = |n: &dns::zone::Name| {
        let r = name::relative(n, &zone.origin);
        if r == "@" { String::new() } else { r }
    };
    let mut out = Reading::new();
    for (key, set) in &zone.rrsets {
        let mut values = match &set.data {
            RData::Caa(v) => v
                .iter()
                .map(|c| format!("{} {} {}", c.flags, c.tag, c.value))
                .collect(),
            other => presentation(other),
        };
        values.sort();
        out.insert(
            (relative(&key.name), key.rtype.to_string()),
            (set.ttl.map(u64::from), values, false),
        );
    }
    for key in &zone.settings.ignored_sets {
        out.insert(
            (relative(&key.name), key.rtype.to_string()),
            (None, vec![], true),
        );
    }
    out
}

#[test]
fn octodns_and_dns_read_the_same_zone_files_into_the_same_records() {
    let Some(python) = octodns_python() else {
        return;
    };
    let dir = common::repo().join("tests/octodns");
    let mut zones: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            // `<zone>.yaml`; the others are included files (`<zone>-….yaml`).
            let zone = name.strip_suffix(".yaml")?;
            (!zone.contains('-')).then(|| zone.to_string())
        })
        .collect();
    zones.sort();
    assert!(!zones.is_empty());
    for zone in zones {
        let theirs = octodns_reading(&python, &dir, &zone);
        let ours = dns_reading(&dir.join(format!("{zone}.yaml")));
        assert!(theirs.len() > 5, "{zone}: {theirs:#?}");
        let keys: std::collections::BTreeSet<_> = theirs.keys().chain(ours.keys()).collect();
        let differ: Vec<String> = keys
            .into_iter()
            .filter(|k| theirs.get(*k) != ours.get(*k))
            .map(|k| format!("{k:?}: octoDNS {:?}, dns {:?}", theirs.get(k), ours.get(k)))
            .collect();
        assert!(differ.is_empty(), "{zone}:\n{}", differ.join("\n"));
    }
}

/// Numbers with a leading zero: octoDNS's YAML 1.1 reader takes `ttl: 0300` as octal (192) and
/// `preference: 010` as 8, where a decimal reading gives 300 and 10. dns refuses them at their
/// line, naming what octoDNS would read, rather than silently differ (found by trying one).
#[test]
fn octal_looking_numbers_are_refused_with_what_octodns_reads() {
    let Some(python) = octodns_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = "www:\n  type: A\n  ttl: 0300\n  value: 192.0.2.1\nmail:\n  type: MX\n  value: {preference: 010, exchange: mx.example.net.}\n";
    std::fs::write(dir.path().join("octal.test.yaml"), text).unwrap();
    let theirs = octodns_reading(&python, dir.path(), "octal.test");
    assert_eq!(
        theirs[&("www".into(), "A".into())].0,
        Some(192),
        "{theirs:?}"
    );
    assert_eq!(
        theirs[&("mail".into(), "MX".into())].1,
        ["8 mx.example.net."],
        "{theirs:?}"
    );
    let loaded = load_str(&dir.path().join("octal.test.yaml"), text);
    let found: Vec<(u64, &str, bool)> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.pos.line,
                d.rule,
                d.message.contains("octal number 192") || d.message.contains("octal number 8"),
            )
        })
        .collect();
    assert_eq!(found, [(3, "ttl.range", true), (7, "mx.field", true)]);
}

/// Text fields octoDNS turns into text with `str()`: an unquoted CAA value `0123` is the number
/// 83 to its YAML 1.1 reader ('83'), `yes` the boolean True ('True'); dns refuses both at their
/// line. Quoted, both tools read the text, and a quoted `'0300'` TTL is 300 to both.
#[test]
fn unquoted_numbers_in_text_fields_are_refused_and_quoted_ones_read_alike() {
    let Some(python) = octodns_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let unquoted = "c:\n  type: CAA\n  values:\n  - {flags: 0, tag: issue, value: 0123}\n  - {flags: 0, tag: issuewild, value: yes}\n";
    std::fs::write(dir.path().join("caa.test.yaml"), unquoted).unwrap();
    let theirs = octodns_reading(&python, dir.path(), "caa.test");
    assert_eq!(
        theirs[&("c".into(), "CAA".into())].1,
        ["0 issue 83", "0 issuewild True"],
        "{theirs:?}"
    );
    let loaded = load_str(&dir.path().join("caa.test.yaml"), unquoted);
    let found: Vec<(u64, &str, bool)> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.pos.line,
                d.rule,
                d.message.contains("(the text '83')") || d.message.contains("(the text 'True')"),
            )
        })
        .collect();
    assert_eq!(found, [(4, "caa.field", true), (5, "caa.field", true)]);

    let quoted = "c:\n  type: CAA\n  ttl: '0300'\n  values:\n  - {flags: 0, tag: issue, value: '0123'}\n  - {flags: 0, tag: issuewild, value: 'yes'}\n";
    std::fs::write(dir.path().join("quoted.test.yaml"), quoted).unwrap();
    let theirs = octodns_reading(&python, dir.path(), "quoted.test");
    let file = dir.path().join("quoted.test.yaml");
    assert!(load_str(&file, quoted).is_valid());
    assert_eq!(theirs, dns_reading(&file));
    assert_eq!(theirs[&("c".into(), "CAA".into())].0, Some(300));
}

/// Record names octoDNS's YAML 1.1 reader resolves to numbers or booleans: unquoted `0123`,
/// `yes` and `1.50` are the records '83', 'true' and '1.5' to octoDNS; dns refuses each at its
/// line instead of naming another record. Quoted, both read the names as written.
#[test]
fn unquoted_record_names_octodns_reads_as_numbers_are_refused_and_quoted_ones_read_alike() {
    let Some(python) = octodns_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let unquoted = "0123: {type: A, value: 192.0.2.2}\nyes: {type: A, value: 192.0.2.5}\n1.50: {type: A, value: 192.0.2.8}\nwww: {type: A, value: 192.0.2.9}\n";
    std::fs::write(dir.path().join("keys.test.yaml"), unquoted).unwrap();
    let theirs = octodns_reading(&python, dir.path(), "keys.test");
    let names: Vec<&str> = theirs.keys().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["1.5", "83", "true", "www"], "{theirs:?}");
    let loaded = load_str(&dir.path().join("keys.test.yaml"), unquoted);
    let found: Vec<(u64, &str)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.pos.line, d.rule))
        .collect();
    assert_eq!(
        found,
        [
            (1, "name.invalid"),
            (2, "name.invalid"),
            (3, "name.invalid")
        ],
        "{:#?}",
        loaded.diagnostics
    );
    assert!(
        loaded.diagnostics[0]
            .message
            .contains("takes it as the number 83"),
        "{:#?}",
        loaded.diagnostics
    );

    let quoted = "'0123': {type: A, value: 192.0.2.2}\n'yes': {type: A, value: 192.0.2.5}\n'1.50': {type: A, value: 192.0.2.8}\n";
    std::fs::write(dir.path().join("quoted.test.yaml"), quoted).unwrap();
    let file = dir.path().join("quoted.test.yaml");
    assert_eq!(
        octodns_reading(&python, dir.path(), "quoted.test"),
        dns_reading(&file)
    );
}
