//! The command line as people and CI meet it: help, exit codes, colors, JSON.

mod common;

use std::fs;

#[test]
fn the_shipped_example_zone_is_valid() {
    let out = common::run(&["validate"], &common::repo());
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
    assert!(common::stdout(&out).contains("zones/hive.example.com.yaml: valid"));
}

#[test]
fn help_of_every_command_carries_an_example() {
    for args in [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["plan", "--help"],
        vec!["sync", "--help"],
        vec!["check", "--help"],
        vec!["export", "--help"],
        vec!["import", "--help"],
        vec!["completions", "--help"],
    ] {
        let out = common::run(&args, &common::repo());
        assert_eq!(out.status.code(), Some(0));
        assert!(
            common::stdout(&out).contains("Examples:"),
            "{args:?} has no example"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = common::run(&["validate", "--no-such-flag"], &common::repo());
    assert_eq!(out.status.code(), Some(2));
    let out = common::run(&["validate", "no/such/dir"], &common::repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("cannot read no/such/dir"));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = common::run(&["completions", shell], &common::repo());
        assert_eq!(out.status.code(), Some(0));
        assert!(common::stdout(&out).contains("validate"), "{shell}");
    }
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let dir = common::repo().join("tests/invalid");
    let args = ["validate", "cname-apex.example.yaml"];
    let never = common::run(&args, &dir);
    assert!(!common::stdout(&never).contains('\x1b'));
    let always = common::dns()
        .args(["--color", "always"])
        .args(args)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(common::stdout(&always).contains("\x1b[1;31mcname.apex\x1b[0m"));
    // auto on a pipe: no colors even without NO_COLOR
    let auto = common::dns()
        .env_remove("NO_COLOR")
        .args(args)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!common::stdout(&auto).contains('\x1b'));
}

#[test]
fn warnings_alone_do_not_fail_validation() {
    let work = tempfile::tempdir().unwrap();
    fs::write(
        work.path().join("example.com.yaml"),
        // Below the delegation: a TXT and an A that no NS record names (neither is served),
        // and the address of lab's own name server (glue, served).
        "lab:\n  type: NS\n  values: [ns1.example.net., ns.lab.example.com.]\nwww.lab:\n  - type: TXT\n    value: hidden\n  - type: A\n    value: 192.0.2.1\nns.lab:\n  type: A\n  value: 192.0.2.53\n",
    )
    .unwrap();
    let out = common::run(&["validate", "example.com.yaml"], work.path());
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let occluded: Vec<&str> = text.lines().filter(|l| l.contains("ns.occluded")).collect();
    assert_eq!(occluded.len(), 2, "{text}");
    assert!(
        occluded
            .iter()
            .any(|l| l.contains("TXT record at 'www.lab'"))
            && occluded.iter().any(|l| l.contains("A record at 'www.lab'")),
        "{text}"
    );
}

#[test]
fn a_null_mx_beside_others_and_targets_that_are_no_host_names_are_warnings() {
    let work = tempfile::tempdir().unwrap();
    fs::write(
        work.path().join("example.com.yaml"),
        "'':\n  type: MX\n  values:\n    - {preference: 0, exchange: .}\n    - {preference: 10, exchange: mail_1.example.com.}\nlab:\n  type: NS\n  values: [ns-.example.net., ns2.example.net.]\nnomail:\n  type: MX\n  value: {preference: 0, exchange: .}\n",
    )
    .unwrap();
    let out = common::run(&["validate", "example.com.yaml"], work.path());
    let text = common::stdout(&out);
    // Warnings: the records are kept (and exported) as written.
    assert_eq!(out.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("example.com.yaml:4:7: warning: mx.null:"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("example.com.yaml:5:34: warning: target.host-name:")
            && lines[1].contains("mail_1.example.com. is not a host name: a label holds '_'"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("example.com.yaml:8:12: warning: target.host-name:")
            && lines[2].contains("name server ns-.example.net."),
        "{text}"
    );
}

#[test]
fn a_second_or_unparsable_spf_policy_is_a_warning_at_its_value() {
    let work = tempfile::tempdir().unwrap();
    fs::write(
        work.path().join("example.com.yaml"),
        "'':\n  type: TXT\n  values:\n    - v=spf1 include:_spf.example.net -all\n    - v=spf1 mx ~all\n    - google-site-verification=abc\nmail:\n  type: TXT\n  value: v=spf1 ip4:192.0.2.300 -all\n",
    )
    .unwrap();
    let out = common::run(&["validate", "example.com.yaml"], work.path());
    let text = common::stdout(&out);
    // Warnings: a live zone with a broken policy still imports, to be mended in git.
    assert_eq!(out.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("example.com.yaml:5:7: warning: txt.spf: a second SPF policy in this record set (the first at line 4)"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("example.com.yaml:9:10: warning: txt.spf: this SPF policy is invalid: the term `ip4:192.0.2.300` has no address"),
        "{text}"
    );
}

#[test]
fn json_output_lists_every_diagnostic() {
    let dir = common::repo().join("tests/invalid");
    let out = common::run(&["validate", "--json", "many-errors.example.yaml"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["errors"], 3);
    let rules: Vec<_> = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            (3, "a.invalid".into()),
            (6, "cname.apex".into()),
            (10, "target.not-fqdn".into())
        ]
    );
}

#[test]
fn octodns_zone_files_load_as_they_are() {
    // As octoDNS's YamlProvider writes them: '' apex, `values`, escaped semicolons, structured MX.
    let work = tempfile::tempdir().unwrap();
    fs::write(
        work.path().join("example.com.yaml"),
        r#"---
'':
  - type: A
    values:
    - 1.2.3.4
    - 1.2.3.5
  - type: MX
    values:
    - exchange: mx1.example.com.
      preference: 10
  - type: TXT
    values:
    - some-verification=abc
    - v=spf1 -all
'*':
  type: CNAME
  value: www.example.com.
_srv._tcp:
  type: SRV
  values:
  - port: 30
    priority: 12
    target: foo-2.example.com.
    weight: 20
cname:
  octodns:
    ignored: true
  ttl: 300
  type: CNAME
  value: unit.tests.
txt:
  type: TXT
  values:
  - v=DKIM1\;k=rsa\;s=email\;h=sha256\;p=A/kinda+of/long/string+with+numb3rs
www:
  type: AAAA
  value: 2601:644:500:e210:62f8:1dff:feb8:947a
"#,
    )
    .unwrap();
    let out = common::run(&["validate", "example.com.yaml"], work.path());
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
    // `cname` is marked `octodns: {ignored: true}`: not part of the zone dns manages.
    assert!(
        common::stdout(&out).contains("(7 record sets, 9 records)"),
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn a_zone_file_named_in_another_case_is_found() {
    let work = tempfile::tempdir().unwrap();
    common::write_zone(
        work.path(),
        "Example.COM",
        "www: {type: A, value: 192.0.2.1}\n",
    );
    for zone in ["example.com", "EXAMPLE.com."] {
        let out = common::run(&["export", zone], work.path());
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        assert!(common::stdout(&out).contains("www.example.com. 3600 IN A 192.0.2.1"));
    }
}

#[test]
fn export_refuses_routed_sets_which_a_master_file_would_merge() {
    let work = tempfile::tempdir().unwrap();
    common::write_zone(
        work.path(),
        "example.com",
        "www:\n  - {type: A, set_id: blue, weight: 90, value: 192.0.2.1}\n  - {type: A, set_id: green, weight: 10, value: 192.0.2.2}\n",
    );
    let out = common::run(&["export", "example.com"], work.path());
    assert_eq!(out.status.code(), Some(2), "{}", common::stdout(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("2 Route 53 routed set(s)")
            && err.contains("www.example.com. A [blue]")
            && err.contains("no master-file form"),
        "{err}"
    );
    assert!(common::stdout(&out).is_empty(), "nothing half written");
}

/// One duration grammar for every flag of every command: the unit is written, a bare number
/// refused (exit 2) with the two readings to choose from; `check --help` is grouped.
#[test]
fn every_duration_flag_takes_its_unit_and_check_help_is_grouped() {
    for args in [
        &["check", "example.com", "--timeout", "300"][..],
        &["check", "example.com", "--deadline", "30"],
        &["check", "example.com", "--wait", "--wait-timeout", "1500"],
        &["sync", "--wait-timeout", "600"],
    ] {
        let out = common::run(args, &common::repo());
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("has no unit: write "), "{args:?}: {err}");
    }
    let help = common::stdout(&common::run(&["check", "--help"], &common::repo()));
    for heading in [
        "What to check:",
        "Where to ask:",
        "How politely and how long:",
        "Output:",
        "Waiting:",
    ] {
        assert!(
            help.contains(&format!("\n{heading}\n")),
            "{heading}\n{help}"
        );
    }
}
