//! `dns check` against broken and hostile servers: a generated fault matrix. Each fault (silent,
//! refused, garbage, another ID or question, QR=0, another OPCODE, a compression loop, an
//! oversized UDP answer, TC then TCP dropped or refused, TCP cut short, TC over TCP, slow within
//! and past the timeout, DNSSEC data that cannot be read) sits at one server of the zone, every
//! server of the zone, one server of the parent, or the zone of the CNAME target, over UDP or
//! over TCP; each case asserts no panic, an end within a bound, the exit code, and exactly the
//! expected finding codes. Then the delegations a walk can get lost in: every name server inside
//! the zone without glue, a cycle of glueless zones, a referral with 200 name servers, a chain of
//! slow servers against the deadline, an endless zone transfer.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::hostile::{On, Wire};
use common::lab::{self, Delegation, Fault, Lab, ServerSpec, ZoneSpec, server};

/// root → test. → hive.test. (two servers, glue), and elb.test. (one server), which holds the
/// load balancer name www.hive.test points at.
fn tree() -> Vec<ZoneSpec> {
    vec![
        lab::root_zone(&[
            ("ns1.nic.test.", "127.53.1.1"),
            ("ns2.nic.test.", "127.53.1.2"),
        ]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test.", "ns2.nic.test."],
            serial: 1,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns2.nic.test.", "A", "127.53.1.2"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
                ("ns1.elb.test.", "A", "127.53.4.1"),
            ],
            delegations: vec![
                Delegation {
                    child: "hive.test.",
                    ns: vec!["ns1.dns.test.", "ns2.dns.test."],
                    glue: vec![
                        ("ns1.dns.test.", "127.53.2.1"),
                        ("ns2.dns.test.", "127.53.2.2"),
                    ],
                },
                Delegation {
                    child: "elb.test.",
                    ns: vec!["ns1.elb.test."],
                    glue: vec![("ns1.elb.test.", "127.53.4.1")],
                },
            ],
        },
        ZoneSpec {
            name: "hive.test.",
            ns: vec!["ns1.dns.test.", "ns2.dns.test."],
            serial: 5,
            records: vec![
                ("hive.test.", "A", "192.0.2.10"),
                ("www.hive.test.", "CNAME", "lb.elb.test."),
            ],
            delegations: vec![],
        },
        ZoneSpec {
            name: "elb.test.",
            ns: vec!["ns1.elb.test."],
            serial: 1,
            records: vec![("lb.elb.test.", "A", "192.0.2.80")],
            delegations: vec![],
        },
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// ns1.dns.test.
    ZoneOne,
    /// Both servers of hive.test.
    ZoneAll,
    /// ns1.nic.test., one server of the parent.
    ParentOne,
    /// ns1.elb.test., the only server of the CNAME target's zone.
    CnameTarget,
}

const PLACES: [Place; 4] = [
    Place::ZoneOne,
    Place::ZoneAll,
    Place::ParentOne,
    Place::CnameTarget,
];

fn servers(place: Place, faults: &[Fault]) -> Vec<ServerSpec> {
    let with = |s: ServerSpec, faulty: bool| ServerSpec {
        faults: if faulty { faults.to_vec() } else { vec![] },
        ..s
    };
    vec![
        server("a.root.lab.", "127.53.0.1", &["."]),
        with(
            server("ns1.nic.test.", "127.53.1.1", &["test."]),
            place == Place::ParentOne,
        ),
        server("ns2.nic.test.", "127.53.1.2", &["test."]),
        with(
            server("ns1.dns.test.", "127.53.2.1", &["hive.test."]),
            matches!(place, Place::ZoneOne | Place::ZoneAll),
        ),
        with(
            server("ns2.dns.test.", "127.53.2.2", &["hive.test."]),
            place == Place::ZoneAll,
        ),
        with(
            server("ns1.elb.test.", "127.53.4.1", &["elb.test."]),
            place == Place::CnameTarget,
        ),
    ]
}

/// The timeout of one attempt in these runs, and what counts as slow: the slow fault (550 ms)
/// sits 300 ms past one and 450 ms short of the other, so that a loaded machine does not turn
/// one verdict into the other; the fault past the timeout (2,500 ms) is past both attempts.
const TIMEOUT_MS: u64 = 1000;
const SLOW_MS: u64 = 250;

/// Runs `dns check NAME --json` against the lab with this module's timeout; exit code, findings'
/// codes, the whole output, and how long it took.
fn run(lab: &Lab, name: &str, extra: &[&str]) -> (Option<i32>, BTreeSet<String>, String, Duration) {
    let started = Instant::now();
    let mut cmd = common::dns();
    cmd.args(["check", name, "--json", "-4", "--root-hints"])
        .arg(lab.hints())
        .args(["--port", &lab.port.to_string()])
        .args(["--timeout", &format!("{TIMEOUT_MS}ms")])
        .args(["--slow", &format!("{SLOW_MS}ms")])
        .args(extra);
    let out = common::check_and_replay(&mut cmd);
    let took = started.elapsed();
    let text = format!("{}\n{}", common::stdout(&out), common::stderr(&out));
    assert!(!text.contains("panicked"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
    let codes = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    (out.status.code(), codes, text, took)
}

/// What a fault does to a server, in the terms of the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// No answer at all over this protocol.
    Silent(On),
    /// Something unusable over this protocol.
    Broken(On),
    /// Truncated over UDP, and TCP fails.
    TcpFails,
    SlowWithin,
    SlowPast,
    /// DNSSEC data that cannot be read, for questions of this type.
    BadDnssec(u16),
}

fn expected(effect: Effect, place: Place) -> BTreeSet<&'static str> {
    let unreachable = "ns.unreachable";
    let malformed = "ns.malformed-answer";
    let tcp_failed = "ns.tcp-failed";
    let target = "cname.target-unresolved";
    let codes: &[&str] = match (effect, place) {
        // The parent and the CNAME target's zone are asked over UDP only.
        (
            Effect::Silent(On::Tcp) | Effect::Broken(On::Tcp),
            Place::ParentOne | Place::CnameTarget,
        ) => &[],
        (Effect::Silent(On::Tcp), _) => &[tcp_failed],
        (Effect::Silent(_) | Effect::SlowPast, Place::CnameTarget) => &[target],
        (Effect::Silent(_) | Effect::SlowPast, _) => &[unreachable],
        (Effect::Broken(_) | Effect::TcpFails, Place::CnameTarget) => &[target],
        (Effect::Broken(_), _) => &[malformed],
        (Effect::TcpFails, _) => &[tcp_failed],
        (Effect::SlowWithin, Place::CnameTarget) => &[],
        (Effect::SlowWithin, _) => &["ns.slow"],
        // DNSKEY (48) is asked of the zone's servers, DS (43) of the parent's.
        (Effect::BadDnssec(48), Place::ZoneOne | Place::ZoneAll) => &[malformed],
        (Effect::BadDnssec(43), Place::ParentOne) => &[malformed],
        (Effect::BadDnssec(_), _) => &[],
    };
    codes.iter().copied().collect()
}

fn matrix() -> Vec<(String, Vec<Fault>, Effect)> {
    let mut cases = Vec::new();
    let both = [On::Udp, On::Tcp];
    let wire = |w: Wire, on: On| vec![Fault::Wire(w, on)];
    for on in both {
        let p = format!("{on:?}").to_lowercase();
        cases.push((
            format!("silent/{p}"),
            wire(Wire::Stall, on),
            Effect::Silent(on),
        ));
        cases.push((
            format!("refused/{p}"),
            wire(Wire::Closed, on),
            Effect::Silent(on),
        ));
        for (name, w) in [
            ("garbage", Wire::Garbage),
            ("wrong-id", Wire::WrongId),
            ("wrong-question", Wire::WrongQuestion),
            ("qr0", Wire::NotResponse),
            ("opcode", Wire::OtherOpcode),
            ("compression-loop", Wire::CompressionLoop),
        ] {
            cases.push((format!("{name}/{p}"), wire(w, on), Effect::Broken(on)));
        }
    }
    cases.push((
        "oversized-udp".into(),
        wire(Wire::Oversize, On::Udp),
        Effect::Broken(On::Udp),
    ));
    cases.push((
        "tc-then-tcp-dropped".into(),
        vec![Fault::Truncate, Fault::Wire(Wire::Stall, On::Tcp)],
        Effect::TcpFails,
    ));
    cases.push((
        "tc-then-tcp-refused".into(),
        vec![Fault::Truncate, Fault::NoTcp],
        Effect::TcpFails,
    ));
    cases.push((
        "tcp-closed-mid-message".into(),
        wire(Wire::CloseMidMessage, On::Tcp),
        Effect::Broken(On::Tcp),
    ));
    cases.push((
        "tcp-length-prefix-too-long".into(),
        wire(Wire::LongPrefix, On::Tcp),
        Effect::Broken(On::Tcp),
    ));
    cases.push((
        "tc-over-tcp".into(),
        wire(Wire::Truncated, On::Tcp),
        Effect::Broken(On::Tcp),
    ));
    cases.push((
        "slow-within-timeout".into(),
        vec![Fault::Delay(550)],
        Effect::SlowWithin,
    ));
    cases.push((
        "slow-past-timeout".into(),
        vec![Fault::Delay(2500)],
        Effect::SlowPast,
    ));
    for (name, question, record) in [
        ("unreadable-dnskey", 48, 48),
        ("unreadable-rrsig", 48, 46),
        ("unreadable-ds", 43, 43),
    ] {
        cases.push((
            name.into(),
            wire(Wire::BadRdata { question, record }, On::Both),
            Effect::BadDnssec(question),
        ));
    }
    cases
}

#[test]
fn every_fault_at_every_place_gives_exactly_its_findings() {
    let cases: Vec<(String, Place, Vec<Fault>, Effect)> = matrix()
        .into_iter()
        .flat_map(|(name, faults, effect)| {
            PLACES
                .iter()
                .map(move |place| (name.clone(), *place, faults.clone(), effect))
        })
        .collect();
    let total = cases.len();
    let queue = std::sync::Mutex::new(cases);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                loop {
                    let Some((name, place, faults, effect)) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    let lab = lab::start(tree(), servers(place, &faults));
                    let (code, codes, text, took) = run(&lab, "www.hive.test", &[]);
                    let want: BTreeSet<String> = expected(effect, place)
                        .into_iter()
                        .map(String::from)
                        .collect();
                    let want_code = if want.is_empty() { 0 } else { 1 };
                    if std::env::var_os("DNS_TEST_SHOW").is_some() {
                        eprintln!("== {name} at {place:?}\n{text}");
                    }
                    let mut wrong = Vec::new();
                    if codes != want {
                        wrong.push(format!("codes {codes:?}, expected {want:?}"));
                    }
                    if code != Some(want_code) {
                        wrong.push(format!("exit {code:?}, expected {want_code}"));
                    }
                    if took > Duration::from_secs(15) {
                        wrong.push(format!("took {took:?}"));
                    }
                    if !wrong.is_empty() {
                        failures.lock().unwrap().push(format!(
                            "{name} at {place:?}: {}\n{}",
                            wrong.join("; "),
                            text.lines()
                                .filter(|l| l.contains("\"message\""))
                                .collect::<Vec<_>>()
                                .join("\n")
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {total} cases wrong:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A string for a lab spec made at run time.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Runs `dns check` in text form: exit code and stdout.
fn run_text(lab: &Lab, name: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut cmd = common::dns();
    cmd.args(["check", name, "-4", "--root-hints"])
        .arg(lab.hints())
        .args(["--port", &lab.port.to_string()])
        .args(["--timeout", &format!("{TIMEOUT_MS}ms")])
        .args(["--slow", &format!("{SLOW_MS}ms")])
        .args(extra);
    let out = common::check_and_replay(&mut cmd);
    let text = common::stdout(&out);
    assert!(
        !common::stderr(&out).contains("panicked"),
        "{}",
        common::stderr(&out)
    );
    (out.status.code(), text)
}

#[test]
fn a_zone_whose_every_server_is_dead_is_diagnosed_not_passed() {
    let silent = [Fault::Silent];
    let lab = lab::start(tree(), servers(Place::ZoneAll, &silent));
    let (code, codes, text, _) = run(&lab, "www.hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(
        codes,
        BTreeSet::from(["ns.unreachable".to_string()]),
        "{text}"
    );
    assert!(text.contains("\"dead\": true"), "{text}");
    let (code, text) = run_text(&lab, "www.hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(!text.contains("no problems found"), "{text}");
    assert!(text.contains("error ns.unreachable"), "{text}");
}

#[test]
fn every_name_server_inside_the_zone_without_glue_is_a_cycle_reported_without_chasing_it() {
    let mut zones = tree();
    zones[1].delegations[0] = Delegation {
        child: "hive.test.",
        ns: vec!["ns1.hive.test.", "ns2.hive.test."],
        glue: vec![],
    };
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, codes, text, _) = run(&lab, "www.hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(
        codes,
        BTreeSet::from(["glue.missing".to_string()]),
        "{text}"
    );
    assert!(text.contains("cannot be resolved at all"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&text[..text.rfind('}').unwrap() + 1]).unwrap();
    let sent = json["queries"].as_u64().unwrap();
    assert!(sent < 20, "{sent} messages for a cycle: {text}");
}

#[test]
fn a_cycle_of_zones_without_glue_is_found_and_named() {
    // a.test. is served by ns.b.test. and b.test. by ns.a.test., neither with glue.
    let zones = vec![
        lab::root_zone(&[("ns1.nic.test.", "127.53.1.1")]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test."],
            serial: 1,
            records: vec![("ns1.nic.test.", "A", "127.53.1.1")],
            delegations: vec![
                Delegation {
                    child: "a.test.",
                    ns: vec!["ns.b.test."],
                    glue: vec![],
                },
                Delegation {
                    child: "b.test.",
                    ns: vec!["ns.a.test."],
                    glue: vec![],
                },
            ],
        },
    ];
    let lab = lab::start(
        zones,
        vec![
            server("a.root.lab.", "127.53.0.1", &["."]),
            server("ns1.nic.test.", "127.53.1.1", &["test."]),
        ],
    );
    let (code, codes, text, took) = run(&lab, "www.a.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    let want = BTreeSet::from(["ns.no-address".to_string(), "ns.too-few".to_string()]);
    assert_eq!(codes, want, "{text}");
    assert!(text.contains("a cycle"), "{text}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// hive.test. delegated to 200 name servers inside it, all with glue; the glue of one of them
/// differs from the address the zone publishes.
fn two_hundred_name_servers() -> Lab {
    let names: Vec<&'static str> = (0..200)
        .map(|i| leak(format!("ns{i}.hive.test.")))
        .collect();
    let glue: Vec<(&'static str, &'static str)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, if i == 7 { "127.53.2.2" } else { "127.53.2.1" }))
        .collect();
    let mut zones = tree();
    zones[1].delegations[0] = Delegation {
        child: "hive.test.",
        ns: names.clone(),
        glue,
    };
    zones[2].ns = names.clone();
    zones[2]
        .records
        .extend(names.iter().map(|n| (*n, "A", "127.53.2.1")));
    lab::start(zones, servers(Place::ZoneOne, &[]))
}

#[test]
fn a_referral_with_200_name_servers_asks_each_name_once_and_finds_the_glue_mismatch() {
    let lab = two_hundred_name_servers();
    let (code, codes, text, _) = run(&lab, "hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    // The 200 names are two addresses: ns.shared-address says so; and their referral, 200 NS
    // records with glue, is far beyond 512 octets.
    assert_eq!(
        codes,
        BTreeSet::from([
            "glue.mismatch".to_string(),
            "ns.shared-address".to_string(),
            "delegation.referral-size".to_string()
        ]),
        "{text}"
    );
    assert!(text.contains("ns7.hive.test."), "{text}");
    assert!(text.contains("(199 names)"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&text[..text.rfind('}').unwrap() + 1]).unwrap();
    // 200 names × A and AAAA once each, not once per server (that was 80,000), and the one
    // address behind the 200 names asked each question once.
    let asked = json["ns_address_probes"].as_array().unwrap().len();
    assert!(asked <= 400, "{asked} address questions");
    let sent = json["queries"].as_u64().unwrap();
    assert!(sent < 600, "{sent} messages");
}

#[test]
fn a_spent_budget_is_a_finding_not_a_pass() {
    let lab = two_hundred_name_servers();
    let (code, codes, text, _) = run(&lab, "hive.test", &["--max-queries", "300"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(codes.contains("check.incomplete"), "{codes:?}: {text}");
    let (code, text) = run_text(&lab, "hive.test", &["--max-queries", "300"]);
    assert_eq!(code, Some(1));
    assert!(!text.contains("no problems found"), "{text}");
}

#[test]
fn a_chain_of_slow_servers_meets_the_deadline() {
    let slow = [Fault::Delay(400)];
    let mut s = servers(Place::ZoneAll, &slow);
    for server in &mut s {
        server.faults = slow.to_vec();
    }
    let lab = lab::start(tree(), s);
    let (code, codes, text, took) = run(&lab, "www.hive.test", &["--deadline", "1s"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(codes.contains("check.incomplete"), "{codes:?}: {text}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn a_name_server_that_is_an_alias_and_a_chain_too_long_are_flagged() {
    let mut zones = tree();
    // ns2 of hive.test. is named by an alias of ns2.dns.test., without glue.
    zones[1]
        .records
        .push(("ns-alias.nic.test.", "CNAME", "ns2.dns.test."));
    zones[1].delegations[0] = Delegation {
        child: "hive.test.",
        ns: vec!["ns1.dns.test.", "ns-alias.nic.test."],
        glue: vec![("ns1.dns.test.", "127.53.2.1")],
    };
    zones[2].ns = vec!["ns1.dns.test.", "ns-alias.nic.test."];
    // c0 → c1 → … → c20 → an address: not a loop, but too long.
    for i in 0..20 {
        zones[2].records.push((
            leak(format!("c{i}.hive.test.")),
            "CNAME",
            leak(format!("c{}.hive.test.", i + 1)),
        ));
    }
    zones[2].records.push(("c20.hive.test.", "A", "192.0.2.20"));
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, codes, text, _) = run(&lab, "hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(codes, BTreeSet::from(["ns.cname".to_string()]), "{text}");
    let (code, codes, text, _) = run(&lab, "c0.hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(codes.contains("cname.too-long"), "{text}");
    assert!(!codes.contains("cname.loop"), "{text}");
    // An in-zone name server with glue at the parent that the zone makes an alias: the glue is
    // an address the zone does not give that name (Zonemaster reports the mismatch too).
    let mut zones = tree();
    zones[2]
        .records
        .push(("ns2.hive.test.", "CNAME", "ns2.dns.test."));
    zones[1].delegations[0] = Delegation {
        child: "hive.test.",
        ns: vec!["ns1.dns.test.", "ns2.hive.test."],
        glue: vec![
            ("ns1.dns.test.", "127.53.2.1"),
            ("ns2.hive.test.", "127.53.2.2"),
        ],
    };
    zones[2].ns = vec!["ns1.dns.test.", "ns2.hive.test."];
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, codes, text, _) = run(&lab, "hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        codes.contains("glue.mismatch")
            && text.contains("the parent's glue for ns2.hive.test. is 127.53.2.2, but hive.test. gives no address for that name: it is an alias (CNAME to ns2.dns.test.)"),
        "{text}"
    );
}

#[test]
fn mail_exchangers_that_are_aliases_lack_an_address_or_beside_a_null_mx_are_named() {
    let mut zones = tree();
    zones[2].records.extend([
        ("hive.test.", "MX", "10 mx.hive.test."),
        ("hive.test.", "MX", "20 mail.hive.test."),
        ("hive.test.", "MX", "30 gone.hive.test."),
        ("mx.hive.test.", "A", "192.0.2.25"),
        ("mail.hive.test.", "CNAME", "lb.elb.test."),
    ]);
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, codes, text, _) = run(&lab, "hive.test", &[]);
    // Warnings (mail still reaches mx.hive.test.), which a check counts as problems.
    assert_eq!(code, Some(1), "{text}");
    let want = ["mx.target-alias", "mx.target-no-address"];
    assert_eq!(codes, want.map(String::from).into(), "{text}");
    assert!(
        text.contains("mail.hive.test. of hive.test. is an alias (CNAME to lb.elb.test.)"),
        "{text}"
    );
    assert!(text.contains("gone.hive.test. of hive.test. has no address: gone.hive.test. does not exist (NXDOMAIN)"), "{text}");
    // The exchangers and their addresses are in the JSON document: mx from the answers'
    // additional section, mail through its alias, gone without one.
    let json: serde_json::Value = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let mail = &json["mail_exchangers"];
    assert_eq!(
        mail["mx.hive.test."],
        serde_json::json!(["192.0.2.25"]),
        "{text}"
    );
    assert_eq!(
        mail["mail.hive.test."],
        serde_json::json!(["192.0.2.80"]),
        "{text}"
    );
    assert_eq!(mail["gone.hive.test."], serde_json::json!([]), "{text}");

    // A null MX beside another: the zone says it takes no mail and names an exchanger.
    let mut zones = tree();
    zones[2].records.extend([
        ("hive.test.", "MX", "0 ."),
        ("hive.test.", "MX", "10 mx.hive.test."),
        ("mx.hive.test.", "A", "192.0.2.25"),
    ]);
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, codes, text, _) = run(&lab, "www.hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(codes, ["mx.null-invalid".to_string()].into(), "{text}");
}

#[test]
fn two_spf_policies_and_one_that_does_not_parse_are_errors() {
    let mut zones = tree();
    zones[2].records.extend([
        ("hive.test.", "TXT", "v=spf1 mx -all"),
        ("hive.test.", "TXT", "v=spf1 inclde:_spf.example.net ~all"),
    ]);
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, codes, text, _) = run(&lab, "www.hive.test", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(
        codes,
        ["spf.invalid", "spf.multiple"].map(String::from).into(),
        "{text}"
    );
    assert!(
        text.contains("the term `inclde:_spf.example.net` is no mechanism"),
        "{text}"
    );
}

#[test]
fn text_from_the_network_is_escaped_on_the_terminal() {
    let mut zones = tree();
    zones[2].records.push((
        "evil.hive.test.",
        "TXT",
        "\u{1b}]0;owned\u{7}\u{1b}[2Jclear",
    ));
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let (code, text) = run_text(&lab, "evil.hive.test", &["--type", "TXT"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("\\027"), "{text}");
}

/// The same in the picture and the web page: a served TXT value with markup and terminal
/// escapes, differing from the zone file (so the finding quotes it), is text in the page, no
/// element comes of the markup and no control character is left; the picture still parses as
/// XML.
#[test]
fn text_from_the_network_is_escaped_in_the_picture_and_the_page() {
    let mut zones = tree();
    zones[2].records.push((
        "hive.test.",
        "TXT",
        "<script>alert(1)</script>\u{1b}[2J & \"q\"",
    ));
    let lab = lab::start(zones, servers(Place::ZoneOne, &[]));
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(
        dir.path(),
        "hive.test",
        "'':\n  - {type: A, ttl: 300, value: 192.0.2.10}\n  - {type: TXT, ttl: 300, value: expected}\nwww: {type: CNAME, ttl: 300, value: lb.elb.test.}\n",
    );
    for format in ["svg", "html"] {
        let out = common::dns()
            .args(["check", "hive.test", "--format", format])
            .args(lab.args())
            .current_dir(dir.path())
            .output()
            .unwrap();
        let page = common::stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {page}{}",
            common::stderr(&out)
        );
        assert!(page.contains("records.differ"), "{format}: {page}");
        assert!(!page.contains("<script>alert"), "{format}: {page}");
        assert!(!page.contains('\u{1b}'), "{format}: {page:?}");
        match format {
            // The picture names codes and servers, not the messages: it must still parse.
            "svg" => {
                roxmltree::Document::parse(&page).unwrap_or_else(|e| panic!("{e}: {page}"));
            }
            // The page quotes the served value in the finding, escaped.
            _ => assert!(
                page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{format}: {page}"
            ),
        }
    }
}

#[test]
fn an_endless_zone_transfer_is_cut_short_and_reported() {
    let faults = [Fault::Wire(Wire::EndlessAxfr, On::Tcp)];
    let lab = lab::start(tree(), servers(Place::ZoneOne, &faults));
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(
        dir.path(),
        "hive.test",
        "'':\n  type: A\n  ttl: 300\n  value: 192.0.2.10\nwww:\n  type: CNAME\n  ttl: 300\n  value: lb.elb.test.\n",
    );
    let started = Instant::now();
    let (code, json, text) = common::check_json(&lab, &["hive.test"], dir.path());
    assert_eq!(code, Some(1), "{text}");
    let codes: BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from(["ns.transfer-open", "records.transfer-cut-short"]),
        "{text}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_parent_whose_tcp_hangs_does_not_hold_up_the_walk() {
    // Both servers of test. take TCP connections and never answer on them. Of them the walk
    // needs the referral; their apex question over TCP (asked beside it, in case test. were the
    // zone) is given up once they refer the walk to hive.test., not waited for. Were it waited
    // for, the 3 s deadline would pass long before the 5 s timeout of that question.
    let stall = [Fault::Wire(Wire::Stall, On::Tcp)];
    let mut s = servers(Place::ParentOne, &stall);
    s[2].faults = stall.to_vec(); // ns2.nic.test.
    let lab = lab::start(tree(), s);
    let check = |lab: &Lab| {
        let mut cmd = common::dns();
        cmd.args(["check", "www.hive.test", "--json", "-4", "--root-hints"])
            .arg(lab.hints())
            .args(["--port", &lab.port.to_string()])
            .args(["--timeout", "5s", "--deadline", "3s"]);
        let out = common::check_and_replay(&mut cmd);
        let text = format!("{}\n{}", common::stdout(&out), common::stderr(&out));
        (out.status.code(), text)
    };
    let (code, text) = check(&lab);
    assert!(!text.contains("check.incomplete"), "{text}");
    // The same verdict as on a lab without the fault.
    let well = lab::start(tree(), servers(Place::ParentOne, &[]));
    let (well_code, well_text) = check(&well);
    assert_eq!(code, well_code, "{text}\n---\n{well_text}");
}
