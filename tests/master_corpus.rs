//! Master files of every shape (tests/masters/): records across lines in parentheses, comments
//! inside them, multi-string and bare-word TXT, escapes, `$ORIGIN` changes, `$INCLUDE`, no
//! `$TTL`, TTL units, TTL and class in either order, names in upper case. Each is imported,
//! exported, and read by BIND (`named-checkzone -D`) on both sides: the records must be the same,
//! record by record (the apex SOA and NS, which Route 53 owns, left out). The files in
//! tests/masters/invalid/ must be refused, with exactly the `; expect: LINE RULE` problems, and
//! nothing written. Files BIND refuses (tests/masters/bind-refuses/: no NS, an NS without an
//! address, which Route 53's apex makes moot) are compared with the records NSD reads from them
//! (`nsd-checkzone -p`), written in the file as `; record:` lines.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// `dns import ZONE --from-bind FILE` into `work/zones`, then `dns export` of it as a master
/// file: its path.
fn import_export(zone: &str, file: &Path, work: &Path) -> Result<PathBuf, String> {
    let zones = work.join("zones");
    let import = common::dns()
        .args(["import", zone, "--from-bind"])
        .arg(file)
        .arg("--zones")
        .arg(&zones)
        .output()
        .unwrap();
    if import.status.code() != Some(0) {
        return Err(format!("import failed:\n{}", common::stderr(&import)));
    }
    let exported = work.join("exported.db");
    let export = common::dns()
        .args(["export", zone, "--format", "bind", "--zones"])
        .arg(&zones)
        .arg("-o")
        .arg(&exported)
        .output()
        .unwrap();
    if export.status.code() != Some(0) {
        return Err(format!("export failed:\n{}", common::stderr(&export)));
    }
    Ok(exported)
}

/// The zone a corpus file names in a `; zone: NAME` comment.
fn zone_comment(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("; zone: "))
        .map(|z| z.trim().trim_end_matches('.').to_string())
}

#[test]
fn master_files_import_into_what_bind_reads() {
    let Some(checkzone) = common::require_tool("named-checkzone", "bind9-utils") else {
        return;
    };
    let dir = common::repo().join("tests/masters");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            // `<zone>.db` or a file that names its zone; the others are included ones.
            p.is_file()
                && name.ends_with(".db")
                && (name.matches('.').count() >= 2
                    || zone_comment(&fs::read_to_string(p).unwrap()).is_some())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let text = fs::read_to_string(file).unwrap();
        let zone = zone_comment(&text).unwrap_or_else(|| name.trim_end_matches(".db").to_string());
        let zone = zone.as_str();
        let work = tempfile::tempdir().unwrap();
        let exported = match import_export(zone, file, work.path()) {
            Ok(path) => path,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let want =
            common::bind_reading(&checkzone, zone, file, &dir).unwrap_or_else(|e| panic!("{e}"));
        let got = common::bind_reading(&checkzone, zone, &exported, work.path())
            .unwrap_or_else(|e| panic!("{e}"));
        if want != got {
            failures.push(format!(
                "{name}: BIND reads the input and dns's copy differently\n  only in the input: {:#?}\n  only in the copy: {:#?}\n{}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>(),
                fs::read_to_string(work.path().join(format!("zones/{zone}.yaml"))).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn master_files_dns_cannot_represent_are_refused_line_by_line() {
    let dir = common::repo().join("tests/masters/invalid");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let text = fs::read_to_string(file).unwrap();
        let want: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("; expect: "))
            .map(|e| {
                let (line, rule) = e.split_once(' ').unwrap();
                format!("{name}:{line}: {rule}")
            })
            .collect();
        assert!(!want.is_empty(), "{name} has no `; expect:` line");
        let work = tempfile::tempdir().unwrap();
        let out_file = work.path().join("out.yaml");
        let zone = zone_comment(&text).unwrap_or_else(|| "example.com".into());
        let out = common::dns()
            .args(["import", &zone, "--from-bind", name, "-o"])
            .arg(&out_file)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = common::stderr(&out);
        let got: BTreeSet<String> = stderr
            .lines()
            .map(|l| l.trim_start_matches("dns: "))
            .filter(|l| l.starts_with(name))
            .filter_map(|l| {
                let mut parts = l.splitn(4, ':');
                let (file, line, rule) = (parts.next()?, parts.next()?, parts.next()?);
                Some(format!("{file}:{line}: {}", rule.trim()))
            })
            .collect();
        if got != want {
            failures.push(format!(
                "{name}: expected {want:#?}\ngot {got:#?}\n{stderr}"
            ));
        }
        if out.status.code() != Some(2) {
            failures.push(format!("{name}: exit {:?}, expected 2", out.status.code()));
        }
        if out_file.exists() {
            failures.push(format!(
                "{name}: a file was written although the import failed"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn master_files_bind_refuses_import_into_what_nsd_reads() {
    let Some(checkzone) = common::require_tool("named-checkzone", "bind9-utils") else {
        return;
    };
    let dir = common::repo().join("tests/masters/bind-refuses");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let text = fs::read_to_string(file).unwrap();
        let zone = zone_comment(&text).unwrap();
        let want: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("; record: "))
            .map(str::to_string)
            .collect();
        assert!(!want.is_empty(), "{name} has no `; record:` line");
        let work = tempfile::tempdir().unwrap();
        let exported =
            import_export(&zone, file, work.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = common::bind_reading(&checkzone, &zone, &exported, work.path())
            .unwrap_or_else(|e| panic!("{e}"));
        let got: BTreeSet<String> = got
            .into_iter()
            .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

/// Malformed escapes (a one- or two-digit `\DD`, `\256`, a backslash ending the line) are
/// refused by BIND; dns refuses each at its line too (it once read `\01` as "01").
#[test]
fn malformed_escapes_are_refused_as_bind_refuses_them() {
    let Some(checkzone) = common::require_tool("named-checkzone", "bind9-utils") else {
        return;
    };
    let head = "$TTL 1h\n@ IN SOA ns1 hostmaster 1 2h 30m 2w 5m\n  IN NS ns1\nns1 IN A 192.0.2.1\n";
    let work = tempfile::tempdir().unwrap();
    for record in [
        "a IN TXT \\01",
        "b IN TXT \"\\256\"",
        "\\1 IN A 192.0.2.2",
        "sub IN NS \\12",
        "c IN TXT \"x\\",
        "d IN TXT ok\\",
    ] {
        let file = work.path().join("one.db");
        fs::write(&file, format!("{head}{record}\n")).unwrap();
        let bind = std::process::Command::new(&checkzone)
            .arg("example.com")
            .arg(&file)
            .output()
            .unwrap();
        assert!(!bind.status.success(), "BIND reads {record:?}");
        let out = common::dns()
            .args(["import", "example.com", "--from-bind", "one.db", "-o", "-"])
            .current_dir(work.path())
            .output()
            .unwrap();
        let stderr = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{record:?}: {stderr}");
        assert!(
            stderr.contains("one.db:5: master.syntax"),
            "{record:?}: {stderr}"
        );
    }
}
