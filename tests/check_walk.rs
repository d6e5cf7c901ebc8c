//! `dns check` against a hierarchy of real name servers on loopback (tests/common/lab.rs): a
//! healthy delegation, and one scenario per finding, each asserting exactly the expected findings.

mod common;

use std::collections::BTreeSet;

use common::lab::{self, Delegation, Fault, Lab, ServerSpec, ZoneSpec, server};
use common::proxy::{Faults, Proxy};

const ROOT_NS: &str = "a.root.lab.";

/// root → test. → hive.test., with two servers per zone below the root.
fn zones(
    hive_ns: Vec<&'static str>,
    hive_glue: Vec<(&'static str, &'static str)>,
) -> Vec<ZoneSpec> {
    vec![
        lab::root_zone(&[
            ("ns1.nic.test.", "127.53.1.1"),
            ("ns2.nic.test.", "127.53.1.2"),
        ]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test.", "ns2.nic.test."],
            serial: 7,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns2.nic.test.", "A", "127.53.1.2"),
                ("ns-old.registrar.test.", "A", "127.53.9.1"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
                ("elb.test.", "A", "192.0.2.80"),
            ],
            delegations: vec![Delegation {
                child: "hive.test.",
                ns: hive_ns,
                glue: hive_glue,
            }],
        },
        ZoneSpec {
            name: "hive.test.",
            ns: vec!["ns1.dns.test.", "ns2.dns.test."],
            serial: 2026112901,
            records: vec![
                ("hive.test.", "A", "192.0.2.10"),
                ("www.hive.test.", "CNAME", "elb.test."),
                ("loop1.hive.test.", "CNAME", "loop2.hive.test."),
                ("loop2.hive.test.", "CNAME", "loop1.hive.test."),
                ("ns1.hive.test.", "A", "127.53.3.1"),
            ],
            delegations: vec![],
        },
    ]
}

fn healthy_zones() -> Vec<ZoneSpec> {
    zones(vec!["ns1.dns.test.", "ns2.dns.test."], vec![])
}

fn servers(hive: [Vec<Fault>; 2]) -> Vec<ServerSpec> {
    let [f1, f2] = hive;
    vec![
        server(ROOT_NS, "127.53.0.1", &["."]),
        server("ns1.nic.test.", "127.53.1.1", &["test."]),
        server("ns2.nic.test.", "127.53.1.2", &["test."]),
        ServerSpec {
            faults: f1,
            ..server("ns1.dns.test.", "127.53.2.1", &["hive.test."])
        },
        ServerSpec {
            faults: f2,
            ..server("ns2.dns.test.", "127.53.2.2", &["hive.test."])
        },
    ]
}

fn check(lab: &Lab, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    common::check_json(lab, args, std::path::Path::new("."))
}

fn codes(json: &serde_json::Value) -> BTreeSet<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn expect(json: &serde_json::Value, want: &[&str]) {
    let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(codes(json), want, "{:#}", json["findings"]);
}

#[test]
fn a_healthy_delegation_has_no_finding_and_every_server_is_asked() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let (code, json, err) = check(&lab, &["www.hive.test"]);
    expect(&json, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(json["zone"], "hive.test.");
    // Every server of every level was asked: 1 root, 2 for test., 2 for hive.test.
    let asked: Vec<usize> = json["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["probes"].as_array().unwrap().len())
        .collect();
    assert_eq!(asked, [1, 2, 2]);
    assert_eq!(json["cname_chain"][0][1], "elb.test.");
    assert_eq!(json["addresses"][0], "192.0.2.80");
}

#[test]
fn the_parent_still_delegating_to_the_old_registrar_is_named() {
    let lab = lab::start(zones(vec!["ns-old.registrar.test."], vec![]), {
        let mut s = servers([vec![], vec![]]);
        s.push(server(
            "ns-old.registrar.test.",
            "127.53.9.1",
            &["hive.test."],
        ));
        s
    });
    let (code, json, _) = check(
        &lab,
        &["hive.test", "--expect-ns", "ns1.dns.test,ns2.dns.test"],
    );
    // The old delegation's single server and the zone already listing the new ones go with
    // the switch: said with the delegation, not as findings of their own.
    expect(&json, &["delegation.expected-ns-mismatch"]);
    assert_eq!(code, Some(1));
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "delegation.expected-ns-mismatch")
        .unwrap();
    let message = f["message"].as_str().unwrap();
    // Without a zone file nothing proves the new servers serve what the old ones do.
    assert!(
        message.contains("delegates hive.test. to ns-old.registrar.test.")
            && message.contains("answer for hive.test. authoritatively")
            && message.contains("not proven safe")
            && message.contains("(the switch also mends this: the current delegation has only 1 name server; the zone already lists the new servers at its apex while the parent lists the old ones)"),
        "{message}"
    );
    assert!(f["fix"].as_str().unwrap().contains("registrar"));
}

/// Before a move, the expected servers are asked for every record set of the zone file, beside
/// the current ones: "safe" only when they serve them all; otherwise move.records-missing names
/// what the switch would lose or change (here the new servers answer every A question with
/// another address), and the old provider's servers are not Route 53's to sync.
#[test]
fn before_a_move_the_expected_servers_must_serve_the_zone_file_or_the_switch_is_not_safe() {
    let old = || server("ns-old.registrar.test.", "127.53.9.1", &["hive.test."]);
    let wrong = || vec![Fault::Address("192.0.2.99")];
    let lab = lab::start(zones(vec!["ns-old.registrar.test."], vec![]), {
        let mut s = servers([wrong(), wrong()]);
        s.push(old());
        s
    });
    let dir = zone_file_dir(HIVE_FILE);
    let args = ["hive.test", "--expect-ns", "ns1.dns.test,ns2.dns.test"];
    let (code, json, text) = common::check_json(&lab, &args, dir.path());
    assert_eq!(code, Some(1), "{text}");
    let by_code = |c: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == c)
            .unwrap_or_else(|| panic!("no {c}: {:#}", json["findings"]))
            .clone()
    };
    let mismatch = by_code("delegation.expected-ns-mismatch");
    let message = mismatch["message"].as_str().unwrap();
    assert!(
        message.contains("NOT safe yet") && message.contains("move.records-missing"),
        "{message}"
    );
    let missing = by_code("move.records-missing");
    let message = missing["message"].as_str().unwrap();
    assert!(
        message.contains("would lose or change 2 of the 3 record sets")
            && message.contains(
                "hive.test. A [192.0.2.10] TTL 300: ns1.dns.test. (127.53.2.1) serves [192.0.2.99]"
            ),
        "{message}"
    );
    assert_eq!(json["preflight"]["servers"], 2, "{:#}", json["preflight"]);
    // The current (old) server serves the file: nothing to mend there.
    assert_eq!(json["verification"]["servers"], 1);

    // The new servers serving the file: safe, and said with what was compared.
    let lab = lab::start(zones(vec!["ns-old.registrar.test."], vec![]), {
        let mut s = servers([vec![], vec![]]);
        s.push(old());
        s
    });
    let (_, json, _) = common::check_json(&lab, &args, dir.path());
    let message = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "delegation.expected-ns-mismatch")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(
            "with all 3 record sets of zones/hive.test.yaml and what the current servers serve beyond it, so the switch is safe"
        ),
        "{message}"
    );
    assert!(
        !json["findings"]
            .to_string()
            .contains("move.records-missing")
    );
}

/// A record set the current servers do not serve as the file says, on servers that are not
/// Route 53's: the fix names who can act (their provider), not `dns sync`.
#[test]
fn a_difference_on_another_providers_servers_is_not_sent_to_dns_sync() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let dir = zone_file_dir(&format!("{HIVE_FILE}new: {{type: TXT, value: not yet}}\n"));
    let (_, json, _) = common::check_json(&lab, &["hive.test"], dir.path());
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "records.not-served")
        .unwrap()
        .clone();
    let fix = f["fix"].as_str().unwrap();
    assert!(
        fix.starts_with(
            "ns1.dns.test., ns2.dns.test. are not Route 53's, so `dns sync` does not reach them"
        ) && !fix.contains("dns plan"),
        "{fix}"
    );
}

#[test]
fn refused_and_servfail_servers_are_lame() {
    let lab = lab::start(
        healthy_zones(),
        servers([vec![Fault::Refuse], vec![Fault::NoAuthority]]),
    );
    let (code, json, _) = check(&lab, &["hive.test"]);
    // With no authoritative answer at all, only the lameness is reported.
    expect(&json, &["ns.lame"]);
    assert_eq!(
        json["findings"].as_array().unwrap().len(),
        2,
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(1));
}

#[test]
fn a_silent_server_is_unreachable() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![Fault::Silent]]));
    let (code, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["ns.unreachable"]);
    assert_eq!(code, Some(1));
}

#[test]
fn a_dead_server_is_asked_once_per_protocol() {
    use dns::walk::{Config, Proto, Walker, hints};
    use hickory_proto::rr::{Name, RecordType};
    let lab = lab::start(healthy_zones(), servers([vec![], vec![Fault::Silent]]));
    let config = Config {
        port: lab.port,
        timeout: std::time::Duration::from_millis(200),
        ipv6: false,
        ..Config::default()
    };
    let walker = Walker::new(config, hints::load(Some(&lab.hints())).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (ns2, zone) = (
            Name::from_ascii("ns2.dns.test.").unwrap(),
            Name::from_ascii("hive.test.").unwrap(),
        );
        let addr = "127.53.2.2".parse().unwrap();
        assert!(
            walker
                .probe(&ns2, addr, &zone, RecordType::SOA, Proto::Udp)
                .await
                .result
                .is_err()
        );
        let sent = walker.queries();
        assert!(
            walker
                .probe(&ns2, addr, &zone, RecordType::NS, Proto::Udp)
                .await
                .result
                .is_err()
        );
        assert_eq!(walker.queries(), sent, "not asked again over UDP");
        assert!(
            walker
                .probe(&ns2, addr, &zone, RecordType::SOA, Proto::Tcp)
                .await
                .result
                .is_err()
        );
        assert_eq!(walker.queries(), sent + 1, "TCP is its own question");
        let ns1 = Name::from_ascii("ns1.dns.test.").unwrap();
        assert!(
            walker
                .probe(
                    &ns1,
                    "127.53.2.1".parse().unwrap(),
                    &zone,
                    RecordType::SOA,
                    Proto::Udp
                )
                .await
                .result
                .is_ok()
        );
    });
}

#[test]
fn udp_without_tcp_is_reported() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![Fault::NoTcp]]));
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["ns.tcp-failed"]);
}

#[test]
fn serials_and_answers_that_differ_are_reported_with_who_says_what() {
    let lab = lab::start(
        healthy_zones(),
        servers([
            vec![],
            vec![Fault::Serial(2026010101), Fault::Address("192.0.2.99")],
        ]),
    );
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["soa.serial-mismatch", "answer.mismatch"]);
    let text = json["findings"].to_string();
    assert!(
        text.contains("2026010101 at ns2.dns.test.") && text.contains("192.0.2.99"),
        "{text}"
    );
}

#[test]
fn in_zone_name_servers_need_glue_and_matching_glue() {
    let zs = zones(vec!["ns1.hive.test.", "ns2.dns.test."], vec![]);
    let mut s = servers([vec![], vec![]]);
    s[3] = server("ns1.hive.test.", "127.53.3.1", &["hive.test."]);
    let lab = lab::start(zs, s);
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["glue.missing", "delegation.parent-child-mismatch"]);

    let zs = zones(
        vec!["ns1.hive.test.", "ns2.dns.test."],
        vec![("ns1.hive.test.", "127.53.3.1")],
    );
    let mut s = servers([vec![], vec![]]);
    s[3] = server("ns1.hive.test.", "127.53.3.1", &["hive.test."]);
    let mut zs2 = zs.clone();
    zs2[2].records.retain(|r| r.0 != "ns1.hive.test.");
    zs2[2].records.push(("ns1.hive.test.", "A", "127.53.3.9"));
    let lab = lab::start(zs2, s);
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(
        &json,
        &["glue.mismatch", "delegation.parent-child-mismatch"],
    );
}

#[test]
fn missing_names_and_cname_loops() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let (code, json, _) = check(&lab, &["nope.hive.test"]);
    expect(&json, &["name.nxdomain"]);
    assert_eq!(code, Some(1));
    let (_, json, _) = check(&lab, &["loop1.hive.test"]);
    expect(&json, &["cname.loop"]);
}

/// A domain its parent does not delegate is said as that, never judged as a zone of the
/// parent's: test. answers NXDOMAIN for notbought.test, and the check says test. does not
/// delegate it (exit 1), judges nothing of test.'s own servers (no server questions or
/// transfer asked of them) and puts no fix in a zone file of test.; a name under it the same.
#[test]
fn a_domain_its_parent_does_not_delegate_is_said_as_such_not_judged_as_the_parent() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    for name in ["notbought.test", "www.notbought.test"] {
        let (code, json, text) = check(&lab, &[name]);
        expect(&json, &["delegation.missing"]);
        assert_eq!(code, Some(1), "{text}");
        assert!(json["zone"].is_null(), "{json:#}");
        assert_eq!(json["undelegated"]["domain"], "notbought.test.");
        assert_eq!(json["undelegated"]["parent"], "test.");
        let f = &json["findings"][0];
        let message = f["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "test. does not delegate notbought.test.: its servers answer NXDOMAIN (no such name) for it"
            ),
            "{message}"
        );
        assert!(!f["fix"].as_str().unwrap().contains("zones/"), "{f}");
        assert!(
            json.get("behaviour_probes").is_none() && json.get("transfer_probes").is_none(),
            "test.'s servers were asked the server questions: {json:#}"
        );
    }
    // The domain itself delegated: judged as before, a missing name in it is name.nxdomain.
    let (_, json, _) = check(&lab, &["nope.hive.test"]);
    expect(&json, &["name.nxdomain"]);
}

/// `--expect route53` looks for the hosted zone of the name up to its registered domain, never
/// above: a domain without a hosted zone is said as that, not as "no hosted zone named test.".
#[test]
fn expect_route53_without_a_hosted_zone_names_the_domain_not_its_parent() {
    let Some(moto) = common::moto::start() else {
        return;
    };
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let out = common::moto::dns_at(&moto.url())
        .args(["check", "www.shop01.test", "--expect", "route53"])
        .args(lab.args())
        .output()
        .unwrap();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("shop01.test."), "{err}");
    assert!(!err.contains("named test."), "{err}");
}

#[test]
fn nothing_reachable_exits_3() {
    let lab = lab::start(healthy_zones(), vec![]);
    let mut cmd = common::dns();
    let out = cmd
        .arg("check")
        .arg("hive.test")
        .args(lab.args())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("could not check at all"));
}

#[test]
fn expect_route53_takes_the_name_servers_from_the_hosted_zone() {
    let Some(moto) = common::moto::start() else {
        return;
    };
    common::moto::create_zone(moto.port, "hive.test.", "check-expect");
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let out = common::moto::dns_at(&moto.url())
        .args(["check", "hive.test", "--expect", "route53", "--json"])
        .args(lab.args())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
    expect(&json, &["delegation.expected-ns-mismatch"]);
    let message = json["findings"][0]["message"].as_str().unwrap();
    // moto's delegation set; the lab cannot resolve those names, so they are not ready.
    assert!(
        message.contains("ns-2048.awsdns-64.com.") && message.contains("NOT ready"),
        "{message}"
    );
    assert_eq!(out.status.code(), Some(1));
}

fn zone_file_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(dir.path(), "hive.test", text);
    dir
}

const HIVE_FILE: &str = "\
$zone: {ttl: 300}
'': {type: A, value: 192.0.2.10}
www: {type: CNAME, value: elb.test.}
ns1: {type: A, value: 127.53.3.1}
";

#[test]
fn the_zone_file_is_verified_on_every_server() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let dir = zone_file_dir(HIVE_FILE);
    let (_, json, _) = common::check_json(&lab, &["hive.test"], dir.path());
    expect(&json, &[]);
    let v = &json["verification"];
    assert_eq!(v["sets"].as_array().unwrap().len(), 3);
    assert_eq!(v["servers"], 2);
    let text = common::dns()
        .arg("check")
        .arg("hive.test")
        .args(lab.args())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        common::stdout(&text)
            .contains("3 of 3 record sets of hive.test. served identically by all 2 server(s)"),
        "{}",
        common::stdout(&text)
    );
}

#[test]
fn records_missing_or_different_on_a_server_are_named() {
    let lab = lab::start(
        healthy_zones(),
        servers([vec![], vec![Fault::Address("192.0.2.99")]]),
    );
    let file = HIVE_FILE.replace(
        "www: {type: CNAME, value: elb.test.}",
        "www: {type: CNAME, ttl: 60, value: elb.test.}",
    );
    let dir = zone_file_dir(&format!("{file}new: {{type: TXT, value: not yet}}\n"));
    let out = common::dns()
        .arg("check")
        .arg("hive.test")
        .args(lab.args())
        .arg("--json")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // ns2 answers every A question with 192.0.2.99; `new` is on no server; `www` has TTL 300.
    expect(
        &json,
        &["answer.mismatch", "records.not-served", "records.differ"],
    );
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    let has = |needle: &str| {
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "{needle}\n{messages:#?}"
        )
    };
    has(
        "new.hive.test. TXT [\"not yet\"] TTL 300 from zones/hive.test.yaml is not served by ns1.dns.test. (127.53.2.1), ns2.dns.test. (127.53.2.2)",
    );
    has(
        "says hive.test. A [192.0.2.10] TTL 300, but ns2.dns.test. (127.53.2.2) serves [192.0.2.99] TTL 300",
    );
    has(
        "says www.hive.test. CNAME [elb.test.] TTL 60, but ns1.dns.test. (127.53.2.1) serves [elb.test.] TTL 300; ns2.dns.test. (127.53.2.2) serves [elb.test.] TTL 300",
    );
    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert_eq!(out.status.code(), Some(1));
}

fn wait(lab: &Lab, dir: &std::path::Path, timeout: &str) -> std::process::Output {
    common::dns()
        .args([
            "check",
            "hive.test",
            "--wait",
            "--interval",
            "200ms",
            "--wait-timeout",
            timeout,
        ])
        .args(lab.args())
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn wait_succeeds_when_the_last_server_catches_up() {
    // ns2 serves an old address for the first 1.5 s, then the zone file's.
    let lagging = Fault::For(1500, Box::new(Fault::Address("192.0.2.99")));
    let lab = lab::start(healthy_zones(), servers([vec![], vec![lagging]]));
    let dir = zone_file_dir(HIVE_FILE);
    let out = wait(&lab, dir.path(), "30s");
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("round 1: ") && err.contains("records.differ"),
        "one line per round in CI:\n{err}"
    );
    assert!(err.contains("done after"), "{err}");
    assert!(common::stdout(&out).contains("3 of 3 record sets of hive.test. served identically"));
}

#[test]
fn wait_times_out_cleanly_when_a_server_never_catches_up() {
    let lab = lab::start(
        healthy_zones(),
        servers([vec![], vec![Fault::Address("192.0.2.99")]]),
    );
    let dir = zone_file_dir(HIVE_FILE);
    let out = wait(&lab, dir.path(), "1s");
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("still not done after") && err.contains("records.differ"),
        "{err}"
    );
}

#[test]
fn verification_sends_lost_questions_again_and_asks_truncated_ones_over_tcp() {
    // ns1 loses the first copy of every UDP question; ns2 truncates every UDP answer.
    let lab = lab::start(
        healthy_zones(),
        servers([vec![Fault::LoseFirst], vec![Fault::Truncate]]),
    );
    let dir = zone_file_dir(HIVE_FILE);
    let (_, json, _) = common::check_json(&lab, &["hive.test"], dir.path());
    expect(&json, &[]);
    let sets = json["verification"]["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 3);
    for set in sets {
        let servers = set["servers"].as_array().unwrap();
        assert_eq!(servers.len(), 2, "{set}");
        for s in servers {
            assert_eq!(s[2]["result"], "same", "{set}");
        }
    }
}

#[test]
fn record_sets_a_server_gives_no_usable_answer_for_are_reported_once_per_server() {
    // ns2 answers without authority: its answers verify nothing.
    let lab = lab::start(healthy_zones(), servers([vec![], vec![Fault::NoAuthority]]));
    let dir = zone_file_dir(HIVE_FILE);
    let (_, json, text) = common::check_json(&lab, &["hive.test"], dir.path());
    let unverified: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "records.unverified")
        .collect();
    assert_eq!(unverified.len(), 1, "{text}");
    let message = unverified[0]["message"].as_str().unwrap();
    assert!(
        message.contains("ns2.dns.test. (127.53.2.2)")
            && message.contains("3 of the 3 record set(s)")
            && message.contains("without authority"),
        "{message}"
    );
    assert_eq!(unverified[0]["severity"], "warning");
}

/// A lab RRSIG value: over the DNSKEY set, by `key`, valid over `window` (days from now).
fn sig_by(key: &str, window: &str) -> &'static str {
    Box::leak(format!("{key} {window}").into_boxed_str())
}

/// The healthy tree with `ds` keys published by test. for hive.test. and `keys` served by
/// hive.test. (lab key names: see lab::record).
fn signed_zones(ds: &[&'static str], keys: &[&'static str]) -> Vec<ZoneSpec> {
    let mut zones = healthy_zones();
    for k in ds {
        zones[1].records.push(("hive.test.", "DS", k));
    }
    for k in keys {
        zones[2].records.push(("hive.test.", "DNSKEY", k));
    }
    if let Some(k) = keys.first() {
        // Signed yesterday by the first key, valid for a month.
        zones[2]
            .records
            .push(("hive.test.", "RRSIG", sig_by(k, "-1 30")));
    }
    zones
}

#[test]
fn dnssec_the_parents_ds_must_match_a_key_the_zone_serves() {
    // Signed, and the parent's DS matches the key: nothing to say.
    let lab = lab::start(signed_zones(&["k1"], &["k1"]), servers([vec![], vec![]]));
    let (code, json, err) = check(&lab, &["hive.test"]);
    expect(&json, &[]);
    assert_eq!(code, Some(0), "{err}");
    let asked = json["dnssec_probes"].as_array().unwrap();
    assert_eq!(
        asked.len(),
        4,
        "DS of both test. servers, DNSKEY of both hive.test. servers"
    );

    // The zone moved to servers that do not sign it; the parent still has the old DS.
    let lab = lab::start(signed_zones(&["k1"], &[]), servers([vec![], vec![]]));
    let (code, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["dnssec.ds-without-dnskey"]);
    assert_eq!(code, Some(1));
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("the parent (test.)") && message.contains("SERVFAIL"),
        "{message}"
    );

    // Signed with a new key; the parent still points at the old one.
    let lab = lab::start(signed_zones(&["k9"], &["k1"]), servers([vec![], vec![]]));
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["dnssec.ds-mismatch"]);

    // During a key rollover the parent may hold two DS records: one matching is enough.
    let lab = lab::start(
        signed_zones(&["k9", "k1"], &["k1"]),
        servers([vec![], vec![]]),
    );
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &[]);

    // Signed, but no DS at the parent yet: a warning.
    let lab = lab::start(signed_zones(&[], &["k1"]), servers([vec![], vec![]]));
    let (code, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["dnssec.no-ds"]);
    assert_eq!(json["findings"][0]["severity"], "warning");
    assert_eq!(code, Some(1));
}

#[test]
fn dnssec_signatures_over_the_key_set_must_be_valid() {
    let with_signature = |window: &'static str| {
        let mut zones = signed_zones(&["k1"], &["k1"]);
        zones[2].records.retain(|r| r.1 != "RRSIG");
        zones[2]
            .records
            .push(("hive.test.", "RRSIG", sig_by("k1", window)));
        lab::start(zones, servers([vec![], vec![]]))
    };
    // Expired yesterday: the zone is bogus to validating resolvers.
    let (code, json, _) = check(&with_signature("-30 -1"), &["hive.test"]);
    expect(&json, &["dnssec.signature-expired"]);
    assert_eq!(code, Some(1));
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("expired") && message.contains("127.53.2.2"),
        "{message}"
    );
    // Not valid before next week (a signer's clock ahead).
    let (_, json, _) = check(&with_signature("7 30"), &["hive.test"]);
    expect(&json, &["dnssec.signature-expired"]);
    // Valid one more day: a warning.
    let (_, json, _) = check(&with_signature("-10 1"), &["hive.test"]);
    expect(&json, &["dnssec.signature-expiring"]);
    assert_eq!(json["findings"][0]["severity"], "warning");
    // After a rollover gone wrong: the key set is signed only by a new key k2, while the
    // parent's DS still points at k1.
    let mut zones = signed_zones(&["k1"], &["k1", "k2"]);
    zones[2].records.retain(|r| r.1 != "RRSIG");
    zones[2]
        .records
        .push(("hive.test.", "RRSIG", sig_by("k2", "-1 30")));
    let (_, json, _) = check(
        &lab::start(zones, servers([vec![], vec![]])),
        &["hive.test"],
    );
    // Nothing expired: the set is signed, by another key than the DS's.
    expect(&json, &["dnssec.signature-missing"]);
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("no usable signature by the key the parent's DS points at")
            && message.contains("nothing expired"),
        "{message}"
    );
    // Signed by the right key, but in the name of the parent: said as that, not as a key the
    // zone does not hold.
    let mut zones = signed_zones(&["k1"], &["k1"]);
    zones[2].records.retain(|r| r.1 != "RRSIG");
    zones[2]
        .records
        .push(("hive.test.", "RRSIG", "k1 -1 30 test."));
    let (code, json, _) = check(
        &lab::start(zones, servers([vec![], vec![]])),
        &["hive.test"],
    );
    assert_eq!(code, Some(1), "{json:#}");
    let text = json["findings"].to_string();
    assert!(
        text.contains("signed by that key but in the name of test., not of hive.test.: the signer name of its RRSIG is not the zone")
            && !text.contains("signed by other keys only"),
        "{:#}",
        json["findings"]
    );
}

#[test]
fn dnssec_every_server_serving_a_bad_or_missing_signature_is_named() {
    // The lab signs for real (a correct zone is clean, asserted above). A server that serves
    // its signatures with one octet changed, beside a good one:
    let lab = lab::start(
        signed_zones(&["k1"], &["k1"]),
        servers([vec![Fault::BadSignatures], vec![]]),
    );
    let (code, json, err) = check(&lab, &["www.hive.test"]);
    expect(&json, &["dnssec.signature-invalid"]);
    assert_eq!(code, Some(1), "{err}");
    let invalid = &json["findings"][0];
    assert_eq!(
        invalid["servers"],
        serde_json::json!(["ns1.dns.test. (127.53.2.1)"])
    );
    let message = invalid["message"].as_str().unwrap();
    // The key set itself, then what the other server's key set lets a resolver verify: SOA,
    // NS, the answer, the denial of existence.
    for set in [
        "hive.test. DNSKEY",
        "hive.test. SOA",
        "hive.test. NS",
        "www.hive.test. CNAME",
        "hive.test. NSEC",
    ] {
        assert!(message.contains(set), "{set}: {message}");
    }
    // An unsigned copy of the zone on one server, beside a signed one.
    let lab = lab::start(
        signed_zones(&["k1"], &["k1"]),
        servers([vec![], vec![Fault::Unsigned]]),
    );
    let (_, json, _) = check(&lab, &["www.hive.test"]);
    expect(
        &json,
        &["dnssec.signature-missing", "dnssec.denial-missing"],
    );
    for f in json["findings"].as_array().unwrap() {
        assert_eq!(
            f["servers"],
            serde_json::json!(["ns2.dns.test. (127.53.2.2)"]),
            "{f}"
        );
    }
    let missing = json["findings"][0]["message"].as_str().unwrap();
    for set in [
        "hive.test. DNSKEY (no key set at all)",
        "hive.test. SOA",
        "www.hive.test. CNAME",
    ] {
        assert!(missing.contains(set), "{set}: {missing}");
    }
}

#[test]
fn dnssec_moving_a_signed_zone_to_servers_that_do_not_sign_it_is_flagged_before_the_switch() {
    // test. still delegates to the old provider, which signs hive.test. with k1 (DS k1 at the
    // parent); the new servers, ns1/ns2.dns.test., serve an unsigned copy.
    let old_and_new = |new_faults: Vec<Fault>| {
        let mut zones = zones(vec!["ns-old.registrar.test."], vec![]);
        zones[1].records.push(("hive.test.", "DS", "k1"));
        zones[2].records.push(("hive.test.", "DNSKEY", "k1"));
        zones[2]
            .records
            .push(("hive.test.", "RRSIG", sig_by("k1", "-1 30")));
        let mut s = servers([new_faults.clone(), new_faults]);
        s.push(server(
            "ns-old.registrar.test.",
            "127.53.9.1",
            &["hive.test."],
        ));
        lab::start(zones, s)
    };
    let args = ["hive.test", "--expect-ns", "ns1.dns.test,ns2.dns.test"];
    let (_, json, _) = check(&old_and_new(vec![Fault::Unsigned]), &args);
    expect(
        &json,
        &["delegation.expected-ns-mismatch", "dnssec.move-unsafe"],
    );
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "dnssec.move-unsafe")
        .unwrap();
    let mismatch = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "delegation.expected-ns-mismatch")
        .unwrap();
    assert!(
        mismatch["message"]
            .as_str()
            .unwrap()
            .contains("NOT safe yet"),
        "{mismatch:#}"
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("do not sign the zone")
            && f["fix"]
                .as_str()
                .unwrap()
                .contains("remove the DS records at the registrar")
            && f["fix"].as_str().unwrap().contains("TTL (300 s)"),
        "{f:#}"
    );
    // The new servers serve the key the DS points at (the key moved with the zone): safe.
    let (_, json, _) = check(&old_and_new(vec![]), &args);
    assert!(
        !codes(&json).contains("dnssec.move-unsafe"),
        "{:#}",
        json["findings"]
    );
}

/// Whether this host has the IPv6 loopback address. Under CI=true it must (the lab's IPv6
/// server needs it); elsewhere the caller skips with the printed reason.
fn ipv6_loopback() -> bool {
    if std::net::UdpSocket::bind("[::1]:0").is_ok() {
        return true;
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "::1 cannot be bound under CI=true: the IPv6 family test needs the IPv6 loopback"
    );
    eprintln!("SKIPPED: this host has no IPv6 loopback (::1)");
    false
}

#[test]
fn the_address_family_options_apply_to_every_question_verification_included() {
    if !ipv6_loopback() {
        return;
    }
    // ns1.dns.test. has an IPv6 address too, where a third server of hive.test. answers.
    let mut zones = healthy_zones();
    zones[1].records.push(("ns1.dns.test.", "AAAA", "::1"));
    let mut servers = servers([vec![], vec![]]);
    servers.push(server("ns1.dns.test.", "::1", &["hive.test."]));
    let lab = lab::start(zones, servers);
    let dir = zone_file_dir(HIVE_FILE);
    let run = |family: Option<&str>| {
        let args: Vec<String> = lab
            .args()
            .into_iter()
            .filter(|a| a != "-4")
            .chain(family.map(String::from))
            .collect();
        let out = common::dns()
            .args(["check", "hive.test", "--json"])
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
        (out.status.code(), json)
    };
    let asked_v6 = |json: &serde_json::Value| {
        let text = json.to_string();
        text.contains("\"::1\"") || text.contains("[::1]")
    };
    // Both families: the IPv6 server is asked in the walk and in verification.
    let (code, both) = run(None);
    expect(&both, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        both["verification"]["servers"], 3,
        "{:#}",
        both["verification"]
    );
    assert!(asked_v6(&both), "{both:#}");
    // -4: never ::1, in the walk, the apex round or verification.
    let (code, v4) = run(Some("-4"));
    expect(&v4, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(v4["verification"]["servers"], 2, "{:#}", v4["verification"]);
    assert!(!asked_v6(&v4), "{v4:#}");
    // -6: the lab's root has no IPv6 address, so nothing at all can be asked: exit 3.
    let (code, v6) = run(Some("-6"));
    assert_eq!(code, Some(3), "{v6:#}");
}

/// The JSON with what changes from run to run (times, message counts) replaced by a mark.
fn stable(mut v: serde_json::Value) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if matches!(k.as_str(), "rtt_ms" | "sent" | "queries" | "elapsed_ms")
                        && !v.is_null()
                    {
                        *v = "<varies>".into();
                    } else {
                        walk(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            // The name asked for the denial of existence is random: dns-check-nx-<8 hex>.
            serde_json::Value::String(text) => {
                if let Some(at) = text.find("dns-check-nx-") {
                    let end = (at + "dns-check-nx-".len() + 8).min(text.len());
                    text.replace_range(at..end, "dns-check-nx-<random>");
                }
            }
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// `--json` against a file in tests/golden/ (DNS_UPDATE_GOLDEN=1 writes it instead): the whole
/// document, so that a field that changes meaning or disappears is seen.
fn golden(file: &str, json: serde_json::Value) {
    let path = common::repo().join("tests/golden").join(file);
    let got = serde_json::to_string_pretty(&stable(json)).unwrap() + "\n";
    if std::env::var("DNS_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (DNS_UPDATE_GOLDEN=1 writes it)", path.display()));
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .enumerate()
            .filter(|(_, (w, g))| w != g)
            .take(10)
            .map(|(i, (w, g))| format!("line {}:\n  want {w}\n  got  {g}", i + 1))
            .collect();
        panic!(
            "{file} differs (DNS_UPDATE_GOLDEN=1 rewrites it after a deliberate change):\n{}\n(want {} lines, got {})",
            diff.join("\n"),
            want.lines().count(),
            got.lines().count()
        );
    }
}

#[test]
fn the_json_document_is_stable_healthy_with_verification() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let dir = zone_file_dir(HIVE_FILE);
    let (code, json, err) = common::check_json(&lab, &["www.hive.test"], dir.path());
    assert_eq!(code, Some(0), "{err}");
    // The referral probes read as referrals (they once read "no records (NODATA)").
    assert_eq!(
        json["levels"][1]["probes"][0]["said"],
        "referral to hive.test. (2 NS, 0 glue)"
    );
    golden("check-healthy.json", json);
}

#[test]
fn the_json_document_is_stable_with_findings() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![Fault::Silent]]));
    let (code, json, err) = check(&lab, &["www.hive.test"]);
    assert_eq!(code, Some(1), "{err}");
    golden("check-silent-server.json", json);
}

#[test]
fn a_route53_shaped_delegation_is_resolved_through_four_other_top_level_zones() {
    // Name servers without glue in org., net., com. and co.uk., the name a CNAME to a load
    // balancer in another zone (the bench's topology, without delays).
    let (zones, servers) = lab::route53(0);
    let lab = lab::start(zones, servers);
    let (code, json, err) = check(&lab, &["www.hive.test"]);
    expect(&json, &[]);
    assert_eq!(code, Some(0), "{err}");
    let zone_level = &json["levels"][2];
    assert_eq!(zone_level["zone"], "hive.test.");
    let asked: BTreeSet<&str> = zone_level["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        asked,
        ["127.53.2.1", "127.53.2.2", "127.53.2.3", "127.53.2.4"].into()
    );
    assert_eq!(
        json["cname_chain"][0][1], "my-lb-1234.us-east-1.elb.test.",
        "{json:#}"
    );
    assert_eq!(
        json["addresses"],
        serde_json::json!(["192.0.2.80", "192.0.2.81"])
    );
}

/// Route 53 answers one routed set per query: the lab's two servers stand for two answers (ns2
/// answers every A question with 192.0.2.99).
fn routed_file(sets: &str) -> tempfile::TempDir {
    zone_file_dir(&format!(
        "$zone:\n  ttl: 300\n  health_checks:\n    web: {{type: HTTPS, host: elb.test, path: /health}}\n'':\n{sets}www: {{type: CNAME, value: elb.test.}}\n"
    ))
}

#[test]
fn routed_sets_are_verified_by_which_set_each_server_answers() {
    let lab = lab::start(
        healthy_zones(),
        servers([vec![], vec![Fault::Address("192.0.2.99")]]),
    );
    let weighted = routed_file(
        "  - {type: A, set_id: blue, weight: 90, value: 192.0.2.10}\n  - {type: A, set_id: green, weight: 10, value: 192.0.2.99}\n",
    );
    let (code, json, err) = common::check_json(&lab, &["hive.test"], weighted.path());
    expect(&json, &[]);
    assert_eq!(code, Some(0), "{err}");
    let apex = &json["verification"]["sets"][0];
    assert_eq!(apex["routing"], "weight");
    let matched: Vec<String> = apex["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[2]["sets"][0].as_str().unwrap_or("?").to_string())
        .collect();
    assert_eq!(matched, ["blue", "green"], "{apex:#}");
    let text = common::dns()
        .args(["check", "hive.test"])
        .args(lab.args())
        .current_dir(weighted.path())
        .output()
        .unwrap();
    assert!(
        common::stdout(&text).contains(
            ";;   hive.test. A (weight): ns1.dns.test. (127.53.2.1) → blue, ns2.dns.test. (127.53.2.2) → green"
        ),
        "{}",
        common::stdout(&text)
    );

    // A failover pair answered by its secondary is served as planned only while the primary's
    // check fails: a warning that says so.
    let failover = routed_file(
        "  - {type: A, set_id: main, failover: primary, health_check: web, value: 192.0.2.10}\n  - {type: A, set_id: standby, failover: secondary, value: 192.0.2.99}\n",
    );
    let (code, json, _) = common::check_json(&lab, &["hive.test"], failover.path());
    expect(&json, &["records.failover-secondary"]);
    assert_eq!(code, Some(1), "every finding, warnings too, exits 1");
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("(standby)")
            && message.contains("ns2.dns.test.")
            && !message.contains("ns1.dns.test."),
        "{message}"
    );

    // An answer that is none of the sets is an error naming them all.
    let neither = routed_file(
        "  - {type: A, set_id: blue, weight: 90, value: 192.0.2.10}\n  - {type: A, set_id: green, weight: 10, value: 192.0.2.11}\n",
    );
    let (code, json, _) = common::check_json(&lab, &["hive.test"], neither.path());
    expect(&json, &["records.differ"]);
    assert_eq!(code, Some(1));
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("routed by weight, one of [blue: 192.0.2.10; green: 192.0.2.11]")
            && message.contains("serves [192.0.2.99]"),
        "{message}"
    );
}

#[test]
fn a_private_zone_is_not_walked_from_the_root_but_asked_of_the_given_resolver() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let dir = zone_file_dir(
        "$zone:\n  ttl: 300\n  private: {vpcs: [{id: vpc-0abc1234, region: ap-northeast-2}]}\n'': {type: A, value: 192.0.2.10}\nns1: {type: A, value: 127.53.3.1}\n",
    );
    // Without a resolver in the VPC there is nothing to ask: said, exit 2, nothing sent.
    let out = common::dns()
        .args(["check", "hive.test"])
        .args(lab.args())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("private hosted zone hive.test.")
            && err.contains("vpc-0abc1234")
            && err.contains("cannot be checked from the root servers")
            && err.contains("--resolvers"),
        "{err}"
    );
    // The lab's ns1 stands for the VPC's resolver.
    let resolver = format!("127.53.2.1:{}", lab.port);
    let ask = |extra: &[&str]| {
        common::dns()
            .args(["check", "hive.test", "--resolvers", &resolver, "--json"])
            .args(extra)
            .args(lab.args())
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = ask(&["--all-records"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::dns()
        .args(["check", "hive.test", "--resolvers", &resolver])
        .args(lab.args())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let shown = common::stdout(&text);
    assert!(
        shown.contains("hive.test. is a private hosted zone (VPCs vpc-0abc1234 (ap-northeast-2))")
            && shown.contains(&format!(
                "hive.test. A from {resolver}: as the file says [192.0.2.10]"
            ))
            && shown.contains("no problems found"),
        "{shown}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["private"], true);
    assert_eq!(json["answers"].as_array().unwrap().len(), 2, "{json:#}");
    expect(&json, &[]);
    // A record the resolver serves otherwise is an error naming it.
    std::fs::write(
        dir.path().join("zones/hive.test.yaml"),
        "$zone:\n  ttl: 300\n  private: {vpcs: [{id: vpc-0abc1234, region: ap-northeast-2}]}\n'': {type: A, value: 192.0.2.11}\n",
    )
    .unwrap();
    let out = ask(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    expect(&json, &["records.differ"]);
}

#[test]
fn with_health_status_a_failover_on_its_secondary_is_judged_by_the_primarys_check() {
    let Some(moto) = common::moto::start() else {
        return;
    };
    let created = common::moto::request(
        moto.port,
        "POST",
        "/2013-04-01/healthcheck",
        "<CreateHealthCheckRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><CallerReference>web-1</CallerReference><HealthCheckConfig><Type>HTTPS</Type><FullyQualifiedDomainName>elb.test</FullyQualifiedDomainName><Port>443</Port></HealthCheckConfig></CreateHealthCheckRequest>",
    );
    let id = created
        .split("<Id>")
        .nth(1)
        .and_then(|t| t.split("</Id>").next())
        .unwrap_or_else(|| panic!("{created}"));
    let lab = lab::start(
        healthy_zones(),
        servers([vec![], vec![Fault::Address("192.0.2.99")]]),
    );
    let dir = zone_file_dir(&format!(
        "$zone:\n  ttl: 300\n  health_checks:\n    web: {{id: {id}}}\n'':\n  - {{type: A, set_id: main, failover: primary, health_check: web, value: 192.0.2.10}}\n  - {{type: A, set_id: standby, failover: secondary, value: 192.0.2.99}}\nwww: {{type: CNAME, value: elb.test.}}\n"
    ));
    let check = |proxy: &Proxy| {
        let out = common::moto::dns_at(&proxy.url())
            .args(["check", "hive.test", "--health-status", "--json"])
            .args(lab.args())
            .current_dir(dir.path())
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
        (out.status.code(), json)
    };
    // moto reports the check healthy: the secondary should not be answered.
    let healthy = Proxy::start(moto.port, Faults::default());
    let (code, json) = check(&healthy);
    expect(&json, &["records.failover-unexpected"]);
    assert_eq!(code, Some(1));
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("`web` is healthy (1 of 1 checkers report success)"),
        "{message}"
    );
    assert_eq!(healthy.count("GetHealthCheckStatus"), 1);
    // Every checker failing: answering the secondary is the failover working.
    let failing = Proxy::start(
        moto.port,
        Faults {
            checks_failing: true,
            ..Faults::default()
        },
    );
    let (code, json) = check(&failing);
    expect(&json, &[]);
    assert_eq!(code, Some(0));
    let status = &json["verification"]["sets"][0]["primary_status"];
    assert_eq!(status["healthy"], false, "{status}");
}

/// Zonemaster NAMESERVER02: a server that answers only plain DNS questions is named for what it
/// is, not lame or unreachable — whether it rejects EDNS (FORMERR) or drops it (a firewall).
#[test]
fn a_server_that_fails_only_with_edns_is_edns_intolerant_not_lame() {
    for (fault, did) in [
        (Fault::EdnsFormErr, "answers FORMERR"),
        (Fault::EdnsDrop, "gives no answer"),
    ] {
        let lab = lab::start(healthy_zones(), servers([vec![fault.clone()], vec![]]));
        let (code, json, err) = check(&lab, &["www.hive.test"]);
        expect(&json, &["ns.edns-intolerant"]);
        assert_eq!(code, Some(1), "{err}");
        let f = &json["findings"][0];
        assert_eq!(
            f["servers"],
            serde_json::json!(["ns1.dns.test. (127.53.2.1)"])
        );
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains(did) && message.contains("DNS flag day 2019"),
            "{fault:?}: {message}"
        );
    }
    // Both servers: the zone is unusable to resolvers, and the check says why.
    let lab = lab::start(
        healthy_zones(),
        servers([vec![Fault::EdnsDrop], vec![Fault::EdnsDrop]]),
    );
    let (code, json, _) = check(&lab, &["www.hive.test"]);
    expect(&json, &["ns.edns-intolerant"]);
    assert_eq!(json["findings"].as_array().unwrap().len(), 2);
    assert_eq!(code, Some(1));
}

/// Zonemaster NAMESERVER10/12 (ISC's EDNS compliance tests): EDNS version 1 must be answered
/// BADVERS, an unknown flag ignored and not echoed. A warning, with what was wrong.
#[test]
fn a_server_sloppy_with_edns_versions_and_flags_is_a_warning() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![Fault::EdnsSloppy]]));
    let (code, json, _) = check(&lab, &["www.hive.test"]);
    expect(&json, &["ns.edns-noncompliant"]);
    assert_eq!(code, Some(1));
    let f = &json["findings"][0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["servers"],
        serde_json::json!(["ns2.dns.test. (127.53.2.2)"])
    );
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("answers EDNS version 1 with NOERROR instead of BADVERS")
            && message.contains("echoes an unknown EDNS flag"),
        "{message}"
    );
}

/// Zonemaster NAMESERVER01: an authoritative server that also resolves for anyone.
#[test]
fn an_authoritative_server_that_is_an_open_resolver_is_a_warning() {
    let lab = lab::start(
        healthy_zones(),
        servers([vec![Fault::OpenResolver], vec![]]),
    );
    let (_, json, _) = check(&lab, &["www.hive.test"]);
    expect(&json, &["ns.open-resolver"]);
    assert_eq!(
        json["findings"][0]["servers"],
        serde_json::json!(["ns1.dns.test. (127.53.2.1)"])
    );
    // A resolver whose upstream is gone (SERVFAIL, recursion available) still recurses for
    // anyone; one told to refuse the root's questions only still resolves another TLD's.
    for (fault, how) in [
        (
            Fault::RecursorFailing,
            "tried to resolve it (SERVFAIL with recursion available",
        ),
        (
            Fault::RefusesRootOnly,
            "answered a recursive question about another zone (com. SOA)",
        ),
    ] {
        let lab = lab::start(healthy_zones(), servers([vec![], vec![fault.clone()]]));
        let (_, json, _) = check(&lab, &["www.hive.test"]);
        expect(&json, &["ns.open-resolver"]);
        let f = &json["findings"][0];
        assert_eq!(
            f["servers"],
            serde_json::json!(["ns2.dns.test. (127.53.2.2)"])
        );
        assert!(
            f["message"].as_str().unwrap().contains(how),
            "{fault:?}: {f:#}"
        );
    }
}

/// Zonemaster NAMESERVER08/09: a server must look a name up whatever its case, and echo the
/// question as asked (resolvers using 0x20 drop answers that do not).
#[test]
fn servers_look_names_up_without_case_and_echo_the_question_as_asked() {
    use common::hostile::{On, Wire};
    let lowercasing = Fault::Wire(Wire::LowercaseQuestion, On::Both);
    let lab = lab::start(healthy_zones(), servers([vec![], vec![lowercasing]]));
    let (code, json, err) = check(&lab, &["hive.test"]);
    expect(&json, &["ns.qname-case-changed"]);
    assert_eq!(code, Some(1), "{err}");
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "ns2.dns.test. (127.53.2.2) was asked for HiVe.TeSt. and answered for hive.test."
        ),
        "{message}"
    );
    let sensitive = Fault::Wire(Wire::CaseSensitive, On::Both);
    let lab = lab::start(healthy_zones(), servers([vec![sensitive], vec![]]));
    let (_, json, _) = check(&lab, &["hive.test"]);
    expect(&json, &["ns.qname-case-sensitive"]);
}

/// Zonemaster NAMESERVER05: a server that answers the SOA but drops AAAA questions.
#[test]
fn a_server_that_drops_aaaa_questions_is_named() {
    use common::hostile::{On, Wire};
    let dropping = Fault::Wire(Wire::DropType(28), On::Both);
    let lab = lab::start(healthy_zones(), servers([vec![], vec![dropping]]));
    let (code, json, err) = check(&lab, &["hive.test"]);
    expect(&json, &["ns.aaaa-failed"]);
    assert_eq!(code, Some(1), "{err}");
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("ns2.dns.test. (127.53.2.2) answers the SOA of hive.test., but gives no answer when asked its AAAA"),
        "{message}"
    );
}

/// Saved facts of a signed zone whose key-set signature had one day left when they were
/// gathered (tests/golden/facts/, written by DNS_UPDATE_GOLDEN=1 from the lab): judged again
/// offline, any day after, they give the warning of that day (`dnssec.signature-expiring`),
/// never `-expired`, because signatures are judged against the time of the capture, and the
/// report says that time. The text report is held whole to the one saved beside the facts.
#[test]
fn saved_facts_of_a_signed_zone_are_judged_offline_at_the_time_they_were_gathered() {
    let dir = common::repo().join("tests/golden/facts");
    let facts = dir.join("signed-expiring.json.gz");
    let report = dir.join("signed-expiring.txt");
    if std::env::var("DNS_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        let mut zones = signed_zones(&["k1"], &["k1"]);
        zones[2].records.retain(|r| r.1 != "RRSIG");
        zones[2]
            .records
            .push(("hive.test.", "RRSIG", sig_by("k1", "-10 1")));
        let lab = lab::start(zones, servers([vec![], vec![]]));
        std::fs::create_dir_all(&dir).unwrap();
        let out = common::dns()
            .args(["check", "hive.test"])
            .args(lab.args())
            .arg("--save-facts")
            .arg(&facts)
            .output()
            .unwrap();
        std::fs::write(&report, &out.stdout).unwrap();
    }
    let out = common::dns()
        .arg("check")
        .arg("--from-facts")
        .arg(&facts)
        .output()
        .unwrap();
    // A warning is a finding: exit 1, as when the facts were gathered.
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let (said, rest) = text.split_once('\n').unwrap();
    assert!(
        said.starts_with(";; judged again from ")
            && said.contains("facts gathered at 20")
            && said.contains("signatures are judged against that time"),
        "{said}"
    );
    assert!(rest.contains("dnssec.signature-expiring") && !rest.contains("signature-expired"));
    let want = std::fs::read_to_string(&report).unwrap();
    assert_eq!(
        rest, want,
        "the replay differs from the report saved with the facts"
    );
    // The same as JSON, with where it came from.
    let out = common::dns()
        .args(["check", "--json", "--from-facts"])
        .arg(&facts)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    expect(&json, &["dnssec.signature-expiring"]);
    assert!(
        json["from_facts"]["captured_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

/// A file that is no saved facts, or saved facts of another format version, is refused with
/// what it is and what to do (exit 2), never half read.
#[test]
fn saved_facts_of_another_version_or_no_facts_at_all_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |text: &[u8]| {
        let path = dir.path().join("facts.json");
        std::fs::write(&path, text).unwrap();
        let out = common::dns()
            .arg("check")
            .arg("--from-facts")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
        common::stderr(&out)
    };
    let err = refused(br#"{"format":"dns-check-facts","version":2,"written_by":"dns 9.0"}"#);
    assert!(
        err.contains("format version 2 (written by dns 9.0)")
            && err.contains("this dns reads version 1"),
        "{err}"
    );
    let err = refused(br#"{"levels":[]}"#);
    assert!(
        err.contains("not a file of saved facts") && err.contains("--save-facts"),
        "{err}"
    );
    let err = refused(b"\x1f\x8bgarbage");
    assert!(err.contains("cannot read the facts"), "{err}");
    // What the file says is escaped before it reaches the terminal.
    let err =
        refused(b"{\"format\":\"dns-check-facts\",\"version\":7,\"written_by\":\"\\u001b[2Jx\"}");
    assert!(
        err.contains("written by \\027[2Jx") && !err.contains('\u{1b}'),
        "{err}"
    );
    let err = refused(br#"{"format":"dns-check-facts","version":1,"written_by":"x","facts":{}}"#);
    assert!(
        err.contains("not a file of saved facts") && err.contains("missing field"),
        "{err}"
    );
}

/// Under a top-level domain that does not exist, the root is asked the name itself after its
/// NXDOMAIN for the TLD alone (QNAME minimisation falls back): the facts judged are the root's
/// answer for the name.
#[test]
fn under_a_tld_that_does_not_exist_the_root_is_asked_the_name_itself() {
    let lab = lab::start(healthy_zones(), servers([vec![], vec![]]));
    let (code, json, err) = check(&lab, &["www.nowhere"]);
    let asked: Vec<&str> = json["levels"][0]["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["question"].as_str().unwrap())
        .collect();
    assert_eq!(asked, ["www.nowhere. A"], "{err}");
    assert_eq!(
        json["levels"][0]["probes"][0]["rcode"], "NXDOMAIN",
        "{json:#}"
    );
    assert_ne!(code, Some(0), "{json:#}");
}
