//! `dns check` of a portfolio against NSD with its response-rate limiting on, as every real
//! root and TLD server has it: each name gets the verdict it gets with the limiting off.

mod common;

use std::collections::BTreeMap;

use common::portfolio;

/// Each name's verdict in a `--json` run: its exit code and its finding codes, sorted.
fn verdicts(out: &std::process::Output) -> BTreeMap<String, String> {
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(out)));
    docs["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|doc| {
            let mut codes: Vec<String> = doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect();
            codes.sort();
            (
                doc["name"].as_str().unwrap().to_string(),
                format!("exit {} {}", doc["exit_code"], codes.join(" ")),
            )
        })
        .collect()
}

fn check(p: &portfolio::Portfolio, extra: &[&str]) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let out = common::dns()
        .arg("check")
        .arg("--names")
        .arg(&p.names)
        .arg("--json")
        .args(p.args())
        .args(extra)
        .output()
        .unwrap();
    (out, started.elapsed())
}

/// Every name of `reference` (a run on servers without rate limiting) judged the same in
/// `limited`.
fn same_verdicts(
    reference: (std::process::Output, std::time::Duration),
    limited: (std::process::Output, std::time::Duration),
) {
    let (want, got) = (verdicts(&reference.0), verdicts(&limited.0));
    eprintln!("rate limiting off: {:?}, on: {:?}", reference.1, limited.1);
    assert_eq!(want.len(), 1000);
    let differ: Vec<String> = want
        .iter()
        .filter(|(name, v)| got.get(*name) != Some(v))
        .map(|(name, v)| {
            format!(
                "{name}: {v} / {}",
                got.get(name).map_or("-", String::as_str)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} of 1000 names judged otherwise under rate limiting:\n{}",
        differ.len(),
        differ[..differ.len().min(20)].join("\n")
    );
}

/// 1,000 names (50 zones, 950 the TLD does not delegate) on NSD with its default rate
/// limiting, then with it off: every name gets the same verdict.
#[test]
fn a_thousand_names_under_rate_limiting_are_judged_as_without_it() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let (on, off) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let reference = {
        let p = portfolio::start(&nsd, off.path(), 50, 950, "  rrl-ratelimit: 0\n");
        check(&p, &[])
    };
    let limited = {
        let p = portfolio::start(&nsd, on.path(), 50, 950, "");
        check(&p, &[])
    };
    same_verdicts(reference, limited);
}

/// The same with `test.` served by BIND, whose limiting differs from NSD's: the rate averaged
/// over a 15-second window (a burst is paid for long after), referrals counted per delegation
/// and the NXDOMAIN answers of a zone in one account (the 950 names the TLD does not delegate),
/// every second dropped answer slipped. Both of the TLD's name servers are one BIND at one
/// address (BIND listens only on interface addresses), limited to 50 answers a second: half
/// the run's pace, so it limits hard and for the whole run.
#[test]
fn a_thousand_names_under_binds_rate_limiting_are_judged_as_without_it() {
    let (Some(nsd), Some(named)) = (
        common::require_tool("nsd", "nsd"),
        common::require_tool("named", "bind9"),
    ) else {
        return;
    };
    let rate = "  rate-limit { responses-per-second 50; };\n";
    let (off, on) = (
        portfolio::Tld::Bind(&named, ""),
        portfolio::Tld::Bind(&named, rate),
    );
    judged_as_without_limiting(&nsd, off, on, &["127.0.0.1"], "BIND");
}

/// The same thousand names with `test.` on Knot (`knotd`), whose limiting is a module
/// (`mod-rrl`: 50 answers a second per class of answer and source netblock, every second
/// dropped answer slipped as TC=1): every name gets the verdict it gets without the module, and
/// Knot was seen limiting.
#[test]
fn a_thousand_names_under_knots_rate_limiting_are_judged_as_without_it() {
    let (Some(nsd), Some(knotd)) = (
        common::require_tool("nsd", "nsd"),
        common::require_tool("knotd", "knot"),
    ) else {
        return;
    };
    let off = portfolio::Tld::Knot(&knotd, "");
    let on = portfolio::Tld::Knot(&knotd, "rate-limit: 50\n    slip: 2");
    judged_as_without_limiting(&nsd, off, on, &["127.54.1.1", "127.54.1.2"], "Knot");
}

/// The portfolio's thousand names with `test.` served by `off` (no limiting; the root's and
/// the provider's NSD unlimited too) and by `on` (limiting; NSD at its default): the TLD
/// (`server`, at `addrs`) was seen limiting and the run slowed there, and every name got the
/// verdict it gets without limiting.
fn judged_as_without_limiting(
    nsd: &std::path::Path,
    off: portfolio::Tld,
    on: portfolio::Tld,
    addrs: &[&str],
    server: &str,
) {
    let (on_dir, off_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let reference = {
        let p = portfolio::start_with(nsd, off_dir.path(), 50, 950, "  rrl-ratelimit: 0\n", off);
        check(&p, &[])
    };
    let limited = {
        let p = portfolio::start_with(nsd, on_dir.path(), 50, 950, "", on);
        check(&p, &[])
    };
    let run: serde_json::Value = serde_json::from_slice(&limited.0.stdout).unwrap();
    let seen: Vec<&serde_json::Value> = run["rate_limited"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| addrs.iter().any(|a| l["address"] == *a))
        .collect();
    assert!(
        !seen.is_empty(),
        "{server}'s limiting not seen: {}",
        run["rate_limited"]
    );
    eprintln!("{server}: {seen:?}");
    assert!(
        seen.iter()
            .all(|l| l["slowed_to_qps"].as_f64().unwrap() < 100.0),
        "{seen:?}"
    );
    same_verdicts(reference, limited);
}

/// A parent server that stops answering in the middle of a run (after 40 questions, over UDP
/// and TCP alike), as a hard rate limit does: said once for the run, naming the server, the
/// rate and the zones it left unjudged; no zone is told its parent is unreachable or broken.
#[test]
fn a_parent_that_stops_answering_mid_run_is_said_once() {
    use common::lab::{self, Fault};
    let zones: Vec<&'static str> = (1..=30)
        .map(|i| &*Box::leak(format!("z{i:02}.test.").into_boxed_str()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, zones.join("\n")).unwrap();
    // Each run on a lab of its own: the server's count of questions starts again.
    let run = |json: bool| {
        let (specs, mut servers) =
            lab::provider_tree(&zones, |zone| vec![(zone, "A", "192.0.2.1")]);
        for s in servers.iter_mut().filter(|s| s.name == "ns1.nic.test.") {
            s.faults = vec![Fault::After(40, Box::new(Fault::Silent))];
        }
        let lab = lab::start(specs, servers);
        let mut cmd = common::dns();
        cmd.arg("check").arg("--names").arg(&names).args(lab.args());
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    let text = common::stdout(&out);
    let said: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(";; check.rate-limited: "))
        .collect();
    assert_eq!(said.len(), 1, "{text}");
    eprintln!("{}", said[0]);
    assert!(
        said[0].starts_with(
            ";; check.rate-limited: ns1.nic.test. (127.53.1.1) stopped answering during the run"
        ) && said[0].contains("not judged there: ")
            && said[0].contains("--max-qps"),
        "{}",
        said[0]
    );
    // No zone blames its parent for what the limit did.
    assert!(
        !text.contains("ns.unreachable") && !text.contains("ns.edns"),
        "{text}"
    );
    assert_ne!(out.status.code(), Some(3), "{text}");
    // The same, for machines.
    let out = run(true);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let limited = doc["rate_limited"].as_array().unwrap();
    assert_eq!(limited.len(), 1, "{doc:#}");
    assert_eq!(limited[0]["server"], "ns1.nic.test. (127.53.1.1)");
    assert!(limited[0]["not_answered"].as_u64().unwrap() > 0, "{doc:#}");
    assert!(
        !limited[0]["not_judged"].as_array().unwrap().is_empty(),
        "{doc:#}"
    );
}
