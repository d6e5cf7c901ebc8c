//! Export → named-checkzone → import gives back the same zone: the shipped example and a
//! generated zone of 1,000 records of every type.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use dns::zone::Zone;
use dns::zone::load::load_str;

fn load(path: &Path) -> Zone {
    let loaded = load_str(path, &fs::read_to_string(path).unwrap());
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    loaded.zone
}

/// A zone file of `n` records spread over every supported type.
fn generated_zone(n: usize) -> String {
    let mut y = String::from("$zone:\n  ttl: 600\n");
    let mut count = 0;
    let mut i = 0;
    while count < n {
        match i % 9 {
            0 => {
                let _ = writeln!(
                    y,
                    "h{i}:\n  type: A\n  values: [10.0.{}.{}, 10.1.{}.{}]",
                    i / 250 % 250,
                    i % 250,
                    i / 250 % 250,
                    i % 250
                );
                count += 2;
            }
            1 => {
                let _ = writeln!(y, "v6-{i}:\n  type: AAAA\n  value: 2001:db8::{:x}", i);
                count += 1;
            }
            2 => {
                let _ = writeln!(
                    y,
                    "alias{i}:\n  type: CNAME\n  ttl: 60\n  value: lb-{i}.us-east-1.elb.amazonaws.com."
                );
                count += 1;
            }
            3 => {
                let _ = writeln!(
                    y,
                    "mail{i}:\n  type: MX\n  values:\n    - {{exchange: mx1.mail{i}.example.net., preference: 10}}\n    - {{exchange: ., preference: 0}}"
                );
                count += 2;
            }
            4 => {
                let _ = writeln!(
                    y,
                    "_svc{i}._tcp:\n  type: SRV\n  value: {{priority: 1, weight: 2, port: {}, target: srv{i}.example.net.}}",
                    1000 + i
                );
                count += 1;
            }
            5 => {
                let _ = writeln!(
                    y,
                    "caa{i}:\n  type: CAA\n  values:\n    - {{flags: 0, tag: issue, value: 'ca{i}.example.net; account=1'}}\n    - {{flags: 128, tag: tbs, value: 'x\"y'}}"
                );
                count += 2;
            }
            6 => {
                let _ = writeln!(
                    y,
                    "txt{i}:\n  type: TXT\n  values:\n    - 'v=spf1 ip4:192.0.2.{} -all'\n    - '{}'\n    - 'quote \" semi; é'\n    - {{strings: ['back\\\\slash\\009tab', 'second string']}}",
                    i % 250,
                    "k".repeat(300 + i % 50)
                );
                count += 4;
            }
            7 => {
                let _ = writeln!(
                    y,
                    "sub{i}:\n  type: NS\n  values: [ns1.dns{i}.example.net., ns2.dns{i}.example.net.]"
                );
                count += 2;
            }
            _ => {
                let _ = writeln!(
                    y,
                    "web{i}:\n  type: ALIAS\n  value: {{target: dualstack.web{i}-1.eu-west-1.elb.amazonaws.com., evaluate_target_health: true}}\n'*.w{i}':\n  type: A\n  value: 192.0.2.{}",
                    i % 250
                );
                count += 2;
            }
        }
        i += 1;
    }
    y
}

fn roundtrip(zone_file: &Path, origin: &str) {
    let original = load(zone_file);
    let work = tempfile::tempdir().unwrap();
    let zones = zone_file.parent().unwrap();
    let master = work.path().join("master.zone");
    let out = common::dns()
        .args(["export", origin, "--format", "bind", "--zones"])
        .arg(zones)
        .arg("-o")
        .arg(&master)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));

    if let Some(checkzone) = common::require_tool("named-checkzone", "bind9-utils") {
        let check = Command::new(checkzone)
            .args(["-k", "fail", "-i", "local", origin])
            .arg(&master)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "named-checkzone refused the export:\n{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }

    let imported_dir = work.path().join("zones");
    let out = common::dns()
        .args(["import", "--from-bind"])
        .arg(&master)
        .arg("--zones")
        .arg(&imported_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let back = load(&imported_dir.join(format!("{origin}.yaml")));
    assert_eq!(back.origin, original.origin);
    assert_eq!(back.settings.default_ttl, original.settings.default_ttl);
    assert_eq!(back.rrsets.len(), original.rrsets.len());
    for (key, set) in &original.rrsets {
        assert_eq!(
            back.rrsets.get(key),
            Some(set),
            "{key:?} changed in the round trip"
        );
    }
}

#[test]
fn example_zone_survives_export_checkzone_import() {
    roundtrip(
        &common::repo().join("zones/hive.example.com.yaml"),
        "hive.example.com",
    );
}

#[test]
fn generated_1000_record_zone_survives_export_checkzone_import() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("big.example.org.yaml");
    fs::write(&file, generated_zone(1000)).unwrap();
    let zone = load(&file);
    assert!(zone.record_count() >= 1000, "{}", zone.record_count());
    roundtrip(&file, "big.example.org");
}

#[test]
fn import_refuses_to_overwrite_without_force() {
    let work = tempfile::tempdir().unwrap();
    let master = work.path().join("m.zone");
    fs::write(
        &master,
        "$ORIGIN example.com.\n$TTL 300\nwww 60 IN A 192.0.2.1\n",
    )
    .unwrap();
    let zones = work.path().join("zones");
    let first = common::dns()
        .args(["import", "--from-bind"])
        .arg(&master)
        .arg("--zones")
        .arg(&zones)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", common::stderr(&first));
    let again = common::dns()
        .args(["import", "--from-bind"])
        .arg(&master)
        .arg("--zones")
        .arg(&zones)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(common::stderr(&again).contains("--force"));
}

#[test]
fn import_names_unsupported_types() {
    let work = tempfile::tempdir().unwrap();
    let master = work.path().join("m.zone");
    fs::write(&master, "$ORIGIN example.com.\n$TTL 300\nhost 60 IN PTR other.example.net.\nwww 60 IN A 192.0.2.1\n").unwrap();
    let out = common::dns()
        .args(["import", "--from-bind"])
        .arg(&master)
        .args(["-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("host.example.com. PTR"),
        "{}",
        common::stderr(&out)
    );
}
