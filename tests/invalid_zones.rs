//! Every file in tests/invalid/ is a malformed zone file that ends with `# expect: LINE:COL RULE`
//! comments. `dns validate` must report exactly those diagnostics, exit 2, and touch nothing.

mod common;

use std::collections::BTreeSet;
use std::fs;

fn expectations(text: &str) -> BTreeSet<(u64, u64, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|e| {
            let (pos, rule) = e.split_once(' ').expect("expect: LINE:COL RULE");
            let (line, col) = pos.split_once(':').expect("LINE:COL");
            (
                line.parse().unwrap(),
                col.parse().unwrap(),
                rule.trim().to_string(),
            )
        })
        .collect()
}

fn reported(stdout: &str, file: &str) -> BTreeSet<(u64, u64, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(file)?.strip_prefix(':'))
        .map(|rest| {
            let mut parts = rest.splitn(4, ':');
            let line = parts.next().unwrap().parse().unwrap();
            let col = parts.next().unwrap().parse().unwrap();
            let rule = parts.next().unwrap().trim().to_string();
            (line, col, rule)
        })
        .collect()
}

#[test]
fn each_malformed_zone_file_reports_its_rule_at_its_position() {
    let dir = common::repo().join("tests/invalid");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut rules = BTreeSet::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = fs::read_to_string(path).unwrap();
        let expected = expectations(&text);
        assert!(!expected.is_empty(), "{name} has no `# expect:` line");
        rules.extend(expected.iter().map(|e| e.2.clone()));

        let work = tempfile::tempdir().unwrap();
        fs::write(work.path().join(&name), &text).unwrap();
        let out = common::run(&["validate", &name], work.path());
        let got = reported(&common::stdout(&out), &name);
        if got != expected {
            failures.push(format!(
                "{name}: expected {expected:?}, got {got:?}\n{}",
                common::stdout(&out)
            ));
        }
        if out.status.code() != Some(2) {
            failures.push(format!("{name}: exit {:?}, expected 2", out.status.code()));
        }
        if !common::stderr(&out).contains("nothing was changed") {
            failures.push(format!(
                "{name}: no summary on stderr: {}",
                common::stderr(&out)
            ));
        }
        let left: Vec<_> = fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        if left.len() != 1 {
            failures.push(format!("{name}: validate wrote files: {left:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        files.len() >= 40,
        "only {} malformed zone files",
        files.len()
    );
    assert!(
        rules.len() >= 35,
        "only {} distinct rules covered: {rules:?}",
        rules.len()
    );
}

#[test]
fn all_files_of_a_run_are_reported_not_just_the_first() {
    let dir = common::repo().join("tests/invalid");
    let out = common::run(
        &[
            "validate",
            "cname-apex.example.yaml",
            "a-invalid.example.yaml",
        ],
        &dir,
    );
    let text = common::stdout(&out);
    assert!(
        text.contains("cname-apex.example.yaml:3:10: cname.apex"),
        "{text}"
    );
    assert!(
        text.contains("a-invalid.example.yaml:5:7: a.invalid"),
        "{text}"
    );
    assert!(common::stderr(&out).contains("2 error(s) in 2 zone file(s)"));
    assert_eq!(out.status.code(), Some(2));
}
