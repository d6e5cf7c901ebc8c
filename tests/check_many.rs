//! `dns check` without NAME: every zone of the zones directory (or of `--names`) in one run,
//! against real name servers on loopback: one summary line per zone, the details of those with
//! something to say, a JSON array, the worst exit code, `--shard`, and `--wait` for all.

mod common;

use common::lab::{self, Fault, Lab};

/// root → test. → alpha.test., beta.test., gamma.test., each served by ns1/ns2.dns.test.
/// (glue at test.); ns2.dns.test.'s faults are given per test.
fn lab_of(ns2_faults: Vec<Fault>) -> Lab {
    let address = |zone: &str| match zone {
        "alpha.test." => "192.0.2.1",
        "beta.test." => "192.0.2.2",
        _ => "192.0.2.3",
    };
    let (zones, mut servers) =
        lab::provider_tree(&["alpha.test.", "beta.test.", "gamma.test."], |zone| {
            vec![(zone, "A", address(zone))]
        });
    servers
        .iter_mut()
        .filter(|s| s.name == "ns2.dns.test.")
        .for_each(|s| s.faults = ns2_faults.clone());
    lab::start(zones, servers)
}

/// A zones directory: each zone's file as the lab serves it.
fn zones_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(
        dir.path(),
        "alpha.test",
        "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.1}\n",
    );
    common::write_zone(
        dir.path(),
        "beta.test",
        "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.2}\n",
    );
    common::write_zone(
        dir.path(),
        "gamma.test",
        "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.3}\n",
    );
    dir
}

fn check(lab: &Lab, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::dns()
        .arg("check")
        .args(args)
        .args(lab.args())
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn every_zone_is_checked_with_one_summary_and_the_worst_exit_code() {
    // ns2 serves another address for every zone: each zone's file differs on one server.
    let lab = lab_of(vec![Fault::Address("192.0.2.99")]);
    let dir = zones_dir();
    let out = check(&lab, dir.path(), &[]);
    let text = common::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}\n{}",
        common::stderr(&out)
    );
    assert!(
        text.starts_with(";; 3 zone(s): 0 ok, 3 with errors"),
        "{text}"
    );
    for zone in ["alpha.test", "beta.test", "gamma.test"] {
        let line = text
            .lines()
            .find(|l| l.starts_with(zone))
            .unwrap_or_else(|| panic!("no summary line for {zone}:\n{text}"));
        assert!(line.contains("errors"), "{line}");
        // The first finding is cut to the line, and said to be cut.
        assert!(line.ends_with('…'), "{line}");
        let details = &text[text
            .find(&format!("== {zone} =="))
            .expect("the zone's details")..];
        assert!(details.contains("records.differ"), "{details}");
    }

    // --summary: the table alone.
    let out = check(&lab, dir.path(), &["--summary"]);
    let summary = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        summary.starts_with(";; 3 zone(s): 0 ok, 3 with errors") && !summary.contains("== "),
        "{summary}"
    );
    assert_eq!(summary.lines().count(), 4, "{summary}");

    let out = check(&lab, dir.path(), &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["format"], "dns-check-run", "{run:#}");
    assert_eq!(run["version"], 1);
    assert_eq!(run["exit_code"], 1);
    assert_eq!(
        run["summary"],
        serde_json::json!({"zones": 3, "ok": 0, "warnings": 0, "errors": 3, "not_reached": 0, "not_checked": 0})
    );
    assert_eq!(run["rate_limited"], serde_json::json!([]));
    // --json-lines: a line per zone as it is done, the run's summary last; the same exit code.
    let out = check(&lab, dir.path(), &["--json-lines"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = common::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    let mut named: Vec<&str> = lines[..3]
        .iter()
        .map(|z| {
            assert_eq!(z["exit_code"], 1, "{z:#}");
            z["name"].as_str().unwrap()
        })
        .collect();
    named.sort();
    assert_eq!(named, ["alpha.test.", "beta.test.", "gamma.test."]);
    assert_eq!(lines[3]["format"], "dns-check-run");
    assert_eq!(lines[3]["summary"], run["summary"]);
    assert!(lines[3].get("zones").is_none());
    let docs = run["zones"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    for doc in docs {
        assert_eq!(doc["exit_code"], 1, "{doc:#}");
        assert!(
            doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "records.differ"),
            "{doc:#}"
        );
    }
}

#[test]
fn healthy_zones_pass_and_a_broken_zone_file_makes_the_run_exit_2() {
    let lab = lab_of(vec![]);
    let dir = zones_dir();
    let out = check(&lab, dir.path(), &[]);
    let text = common::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        common::stderr(&out)
    );
    assert!(text.starts_with(";; 3 zone(s): 3 ok\n"), "{text}");
    assert!(
        !text.contains("=="),
        "no details for zones that are fine:\n{text}"
    );

    // One zone file that does not load: that zone is not checked (exit 2, the worst), the
    // others are.
    common::write_zone(
        dir.path(),
        "beta.test",
        "'': {type: CNAME, value: x.test.}\n",
    );
    let out = check(&lab, dir.path(), &[]);
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("2 ok, 1 not checked"), "{text}");
    let beta = text.lines().find(|l| l.starts_with("beta.test")).unwrap();
    assert!(beta.contains("not checked"), "{beta}");
    // The web page of the same run: the same exit code, the zone not checked says why, in its
    // row and its section, and has no picture; the others have theirs.
    let out = check(&lab, dir.path(), &["--format", "html"]);
    let page = common::stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{page}");
    assert!(
        page.contains("3 zone(s), 2 ok, 1 not checked; exit code 2"),
        "{page}"
    );
    let row = page
        .lines()
        .find(|l| l.starts_with("<tr data-state=\"not_checked\">"))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(
        row.contains(">beta.test.<") && row.contains("CNAME"),
        "{row}"
    );
    let section = page
        .split("<section ")
        .find(|s| s.contains("<h2>beta.test. "))
        .unwrap();
    assert!(
        section.contains("<p>not checked:</p><pre>")
            && section.contains("beta.test.yaml:1:")
            && section.contains("\n  hint: ")
            && !section.contains("<svg"),
        "{section}"
    );
    assert_eq!(page.matches("<svg").count(), 2, "{page}");
}

#[test]
fn names_from_a_file_and_shards_cover_every_name_once() {
    let lab = lab_of(vec![]);
    // No zone files: a registrar's portfolio.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("names.txt"),
        "# portfolio\ngamma.test\nalpha.test\nbeta.test  # bought 2026-11\n",
    )
    .unwrap();
    let mut seen = Vec::new();
    for share in ["1/2", "2/2"] {
        let out = check(
            &lab,
            dir.path(),
            &["--names", "names.txt", "--shard", share, "--json"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            run["shard"],
            serde_json::json!({"share": share[..1].parse::<u64>().unwrap(), "of": 2})
        );
        for doc in run["zones"].as_array().unwrap() {
            seen.push(doc["name"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    assert_eq!(seen, ["alpha.test.", "beta.test.", "gamma.test."]);
    // The text says which share it is.
    let out = check(
        &lab,
        dir.path(),
        &["--names", "names.txt", "--shard", "2/2"],
    );
    let text = common::stdout(&out);
    assert!(
        text.starts_with(";; 1 zone(s) (share 2 of 2, --shard 2/2): 1 ok"),
        "{text}"
    );

    let out = check(
        &lab,
        dir.path(),
        &["--names", "names.txt", "--shard", "3/2"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("1 <= I <= N"));
}

#[test]
fn wait_goes_on_until_every_zone_is_right() {
    // ns2 serves an old address for the first 1.5 s, then the zone files'.
    let lagging = Fault::For(1500, Box::new(Fault::Address("192.0.2.99")));
    let lab = lab_of(vec![lagging]);
    let dir = zones_dir();
    let out = check(
        &lab,
        dir.path(),
        &["--wait", "--interval", "200ms", "--wait-timeout", "30s"],
    );
    let err = common::stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{err}\n{}",
        common::stdout(&out)
    );
    assert!(err.contains("round 1: 3 of 3 zone(s) pending"), "{err}");
    assert!(err.contains("done after"), "{err}");
    assert!(common::stdout(&out).starts_with(";; 3 zone(s): 3 ok"));
}

/// `--format openmetrics`: each zone's state (one 1 among its five states), its findings by
/// code and severity, its servers; the run's exit code, the same as the text run's; `# EOF`
/// last; and Prometheus's own `promtool check metrics` accepts it, lint included.
#[test]
fn openmetrics_say_each_zones_state_and_prometheus_accepts_them() {
    let Some(promtool) = common::require_tool("promtool", "prometheus") else {
        return;
    };
    let lab = lab_of(vec![]);
    let dir = zones_dir();
    // beta.test.'s file says another address than the servers serve.
    common::write_zone(
        dir.path(),
        "beta.test",
        "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.9}\n",
    );
    let promtool_accepts = |text: &str| {
        let mut child = std::process::Command::new(&promtool)
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool: {}{}\n{text}",
            common::stdout(&out),
            common::stderr(&out)
        );
    };
    let has = |text: &str, line: &str| text.lines().any(|l| l == line);
    let out = check(&lab, dir.path(), &["--format", "openmetrics"]);
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", common::stderr(&out));
    for (zone, state) in [("alpha", "ok"), ("beta", "errors"), ("gamma", "ok")] {
        for other in ["ok", "warnings", "errors", "not_reached", "not_checked"] {
            let line = format!(
                "dns_check_zone_state{{zone=\"{zone}.test.\",state=\"{other}\"}} {}",
                u8::from(other == state)
            );
            assert!(has(&text, &line), "{line}\n{text}");
        }
        assert!(
            has(
                &text,
                &format!("dns_check_servers{{zone=\"{zone}.test.\"}} 2")
            ),
            "{text}"
        );
        assert!(
            has(
                &text,
                &format!("dns_check_servers_answering{{zone=\"{zone}.test.\"}} 2")
            ),
            "{text}"
        );
    }
    // The findings, as many as the JSON run has.
    let run: serde_json::Value =
        serde_json::from_slice(&check(&lab, dir.path(), &["--json"]).stdout).unwrap();
    let beta = run["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "beta.test.")
        .unwrap();
    let differ = beta["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "records.differ")
        .count();
    assert!(differ > 0, "{beta:#}");
    let line = format!(
        "dns_check_findings{{zone=\"beta.test.\",code=\"records.differ\",severity=\"error\"}} {differ}"
    );
    assert!(has(&text, &line), "{line}\n{text}");
    assert!(!text.contains("zone=\"alpha.test.\",code="), "{text}");
    assert!(has(&text, "dns_check_exit_code 1"), "{text}");
    // Unsigned zones, no registry asked: no expiry is made up.
    assert!(
        !text.contains("dns_check_signature_expiry_seconds{"),
        "{text}"
    );
    assert!(
        !text.contains("dns_check_registration_expiry_seconds{"),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
    promtool_accepts(&text);

    // One zone: the same families, its own exit code.
    let out = check(&lab, dir.path(), &["alpha.test", "--format", "openmetrics"]);
    let one = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{one}{}", common::stderr(&out));
    assert!(
        has(
            &one,
            "dns_check_zone_state{zone=\"alpha.test.\",state=\"ok\"} 1"
        ),
        "{one}"
    );
    assert!(has(&one, "dns_check_exit_code 0"), "{one}");
    promtool_accepts(&one);

    // -o FILE: the same report in FILE, nothing on stdout, no part file left beside it; a
    // check that fails before its report leaves FILE as it was.
    let out = check(
        &lab,
        dir.path(),
        &["--format", "openmetrics", "-o", "dns.prom"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    assert_eq!(common::stdout(&out), "");
    let written = std::fs::read_to_string(dir.path().join("dns.prom")).unwrap();
    assert!(
        has(&written, "dns_check_exit_code 1") && written.ends_with("# EOF\n"),
        "{written}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let out = common::dns()
        .args([
            "check",
            "alpha.test",
            "--root-hints",
            "missing.hints",
            "-o",
            "dns.prom",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dns.prom")).unwrap(),
        written
    );
    // FILE that cannot be replaced (a directory): said, exit 3, and no part file left.
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    let out = check(
        &lab,
        dir.path(),
        &["alpha.test", "--format", "openmetrics", "-o", "taken"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("taken"),
        "{}",
        common::stderr(&out)
    );
    let parts = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".part")
        })
        .count();
    assert_eq!(parts, 0);

    // --json and --format are one choice.
    let out = check(&lab, dir.path(), &["--json", "--format", "openmetrics"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
}

/// `--format svg`: the picture of one check, parsed as XML: every server address of every level
/// the walk met is a box holding its name and address as text, filled by the worst finding that
/// names it (the server that serves other addresses: an error), no two boxes overlap, and a
/// referral arrow joins each level to the next. A run of many zones is refused (a picture is of one).
#[test]
fn the_picture_shows_every_server_of_every_level_without_overlap() {
    let lab = lab_of(vec![Fault::Address("192.0.2.99")]);
    let dir = zones_dir();
    let out = check(&lab, dir.path(), &["alpha.test", "--format", "svg"]);
    let svg = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{svg}{}", common::stderr(&out));
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let json: serde_json::Value =
        serde_json::from_slice(&check(&lab, dir.path(), &["alpha.test", "--json"]).stdout).unwrap();
    // Each box: its class and its texts (name, address).
    let boxes: Vec<(String, Vec<String>, [f64; 4])> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("g")
                && n.attribute("class")
                    .is_some_and(|c| c.starts_with("server"))
        })
        .map(|g| {
            let rect = g.children().find(|c| c.has_tag_name("rect")).unwrap();
            let num = |a: &str| rect.attribute(a).unwrap().parse::<f64>().unwrap();
            let texts = g
                .children()
                .filter(|c| c.has_tag_name("text"))
                .map(|t| t.text().unwrap_or_default().to_string())
                .collect();
            let class = g.attribute("class").unwrap().to_string();
            (
                class,
                texts,
                [num("x"), num("y"), num("width"), num("height")],
            )
        })
        .collect();
    // Each server's worst finding, as the JSON names servers ("name (address)").
    let mut worst: std::collections::BTreeMap<String, &str> = Default::default();
    for f in json["findings"].as_array().unwrap() {
        let severity = f["severity"].as_str().unwrap();
        for s in f["servers"].as_array().unwrap() {
            let w = worst.entry(s.as_str().unwrap().to_string()).or_insert("ok");
            if severity == "error" || *w == "ok" {
                *w = severity;
            }
        }
    }
    assert_eq!(
        worst.get("ns2.dns.test. (127.53.2.2)"),
        Some(&"error"),
        "{json:#}"
    );
    let mut expected = 0;
    for level in json["levels"].as_array().unwrap() {
        for server in level["servers"].as_array().unwrap() {
            for addr in server["addrs"].as_array().unwrap() {
                expected += 1;
                let (name, addr) = (server["name"].as_str().unwrap(), addr.as_str().unwrap());
                let (class, _, _) = boxes
                    .iter()
                    .find(|(_, t, _)| t[0] == name && t[1] == addr)
                    .unwrap_or_else(|| panic!("no box for {name} {addr}:\n{svg}"));
                let want = worst
                    .get(&format!("{name} ({addr})"))
                    .copied()
                    .unwrap_or("ok");
                assert_eq!(class, &format!("server {want}"), "{name} {addr}");
                // A box in error or warning is labelled with the code of a finding naming it.
                let who = format!("{name} ({addr})");
                let (_, texts, _) = boxes
                    .iter()
                    .find(|(_, t, _)| t[0] == name && t[1] == addr)
                    .unwrap();
                // "code" or "code +N" (N more findings name the server).
                let label = texts.get(2).map(String::as_str).unwrap_or_default();
                let code = label.split(' ').next().unwrap_or_default();
                let named = json["findings"].as_array().unwrap().iter().any(|f| {
                    f["code"] == code
                        && f["servers"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|s| s == who.as_str())
                });
                assert_eq!(named, want != "ok", "{who}: '{code}'");
            }
        }
    }
    assert_eq!(boxes.len(), expected, "{svg}");
    for (i, (_, a, [ax, ay, aw, ah])) in boxes.iter().enumerate() {
        for (_, b, [bx, by, bw, bh]) in &boxes[i + 1..] {
            let apart = ax + aw <= *bx || bx + bw <= *ax || ay + ah <= *by || by + bh <= *ay;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    // Every finding is in the picture: on a box's tooltip, or in the list below.
    for f in json["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        assert!(svg.contains(code), "{code} not in the picture:\n{svg}");
    }
    let referrals = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("class") == Some("referral"))
        .count();
    assert_eq!(
        referrals,
        json["levels"].as_array().unwrap().len() - 1,
        "{svg}"
    );
    let out = check(&lab, dir.path(), &["--format", "svg"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    // The same picture from saved facts (`--from-facts`, nothing sent).
    let facts = dir.path().join("alpha.facts.json");
    let live = check(
        &lab,
        dir.path(),
        &[
            "alpha.test",
            "--format",
            "svg",
            "--save-facts",
            facts.to_str().unwrap(),
        ],
    );
    let replayed = common::dns()
        .args([
            "check",
            "--from-facts",
            facts.to_str().unwrap(),
            "--format",
            "svg",
        ])
        .output()
        .unwrap();
    assert_eq!(replayed.status.code(), live.status.code());
    assert_eq!(common::stdout(&replayed), common::stdout(&live));
    // Told to expect other servers than the parent names: the expected delegation is drawn
    // below the served one, each expected server saying whether the parent names it.
    let out = check(
        &lab,
        dir.path(),
        &[
            "alpha.test",
            "--format",
            "svg",
            "--expect-ns",
            "ns1.dns.test,ns-7.awsdns-07.test",
        ],
    );
    let svg = common::stdout(&out);
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let expected: Vec<(&str, Vec<&str>)> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("g")
                && n.attribute("class")
                    .is_some_and(|c| c.starts_with("expected"))
        })
        .map(|g| {
            let texts = g
                .children()
                .filter(|c| c.has_tag_name("text"))
                .map(|t| t.text().unwrap_or_default())
                .collect();
            (g.attribute("class").unwrap(), texts)
        })
        .collect();
    assert_eq!(
        expected,
        [
            (
                "expected error",
                vec!["ns-7.awsdns-07.test.", "not delegated by the parent"]
            ),
            (
                "expected ok",
                vec!["ns1.dns.test.", "delegated by the parent"]
            ),
        ],
        "{svg}"
    );
    // As the parent serves what was expected, there is no such band.
    let out = check(
        &lab,
        dir.path(),
        &[
            "alpha.test",
            "--format",
            "svg",
            "--expect-ns",
            "ns1.dns.test,ns2.dns.test",
        ],
    );
    assert!(
        !common::stdout(&out).contains("class=\"expected"),
        "{}",
        common::stdout(&out)
    );
}

/// The root is asked for the top-level label alone (QNAME minimisation at the root, RFC 9156):
/// `test. A`, not the name; a run of many zones under one TLD asks each root address no more
/// than a run of one zone does.
#[test]
fn the_root_is_asked_for_the_tld_alone_and_once_per_run() {
    let lab = lab_of(vec![]);
    let dir = zones_dir();
    let json: serde_json::Value =
        serde_json::from_slice(&check(&lab, dir.path(), &["www.alpha.test", "--json"]).stdout)
            .unwrap();
    let root = &json["levels"][0];
    assert_eq!(root["zone"], ".", "{root:#}");
    let asked: Vec<&str> = root["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["question"].as_str().unwrap())
        .collect();
    assert!(
        !asked.is_empty() && asked.iter().all(|q| *q == "test. A"),
        "{asked:?}"
    );
    // Questions to the root address in a run of one zone and of three (-v counts them).
    let to_root = |names: &str| -> u64 {
        std::fs::write(dir.path().join("names.txt"), names).unwrap();
        let out = check(
            &lab,
            dir.path(),
            &["--names", "names.txt", "-v", "--summary"],
        );
        let err = common::stderr(&out);
        err.lines()
            .find_map(|l| {
                let (n, rest) = l.split_once(" questions to ")?;
                (rest.trim() == "127.53.0.1").then(|| n.rsplit(' ').next()?.parse().ok())?
            })
            .unwrap_or_else(|| panic!("no count for the root:\n{err}"))
    };
    let one = to_root("alpha.test\n");
    let three = to_root("alpha.test\nbeta.test\ngamma.test\n");
    assert_eq!(
        one, three,
        "the root asked {one} question(s) for one zone, {three} for three"
    );
}
