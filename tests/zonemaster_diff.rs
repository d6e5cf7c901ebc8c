//! Differential test against Zonemaster, the field's reference checker (Debian's
//! `zonemaster-cli`): the same loopback servers checked by both, fault by fault. Every
//! Zonemaster ERROR, CRITICAL and WARNING, less the artefacts of a loopback lab (addresses in
//! 127/8, no AS data, one /24 for every server), must have a dns finding of the same meaning
//! (the tables [`MEANING`] and [`WARNING_MEANING`], which the README's coverage table follows)
//! or be a difference by design ([`WARNING_BY_DESIGN`]); and a zone both call healthy stays
//! exit 0 for dns. Zonemaster asks port 53 only: the lab listens on 127.53.x.y:53, which needs
//! root (CI runs the suite as root, in its own network namespace).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::lab::{self, Fault};

/// Zonemaster's tags that are artefacts of the lab, not faults of the zone: every server on
/// 127/8 (Address01/02/03, Connectivity03/04 one prefix, no AS data without the network),
/// and the lab's own names and serial conventions.
const ARTEFACTS: &[&str] = &[
    "NAMESERVER_IP_PRIVATE_NETWORK",
    "NS_IP_PRIVATE_NETWORK",
    "NAMESERVER_IP_WITHOUT_REVERSE",
    "NAMESERVERS_IP_WITH_REVERSE",
    "IPV4_ONE_ASN",
    "IPV4_SAME_PREFIX",
    "IPV4_SINGLE_PREFIX",
    "NO_IPV6_NS_CHILD",
    "NO_IPV6_NS_DEL",
    "ERROR_ASN_DATABASE",
    "ASN_INFOS_RAW",
    "EMPTY_ASN_SET",
];

/// Zonemaster's tag → the dns codes of the same meaning (any one of them).
const MEANING: &[(&str, &[&str])] = &[
    ("NS_FAILED", &["ns.lame", "ns.unreachable"]),
    ("BREAKS_ON_EDNS", &["ns.edns-intolerant"]),
    ("NO_RESPONSE_DNSKEY", &["dnssec.signature-missing"]),
    ("EXTRA_PROCESSING_BROKEN", &["dnssec.signature-missing"]),
    (
        "DS11_INCONSISTENT_SIGNED_ZONE",
        &["dnssec.signature-missing"],
    ),
    (
        "DS02_DNSKEY_NOT_SIGNED_BY_ANY_DS",
        &[
            "dnssec.signature-invalid",
            "dnssec.signature-expired",
            "dnssec.signature-missing",
        ],
    ),
    (
        "DS02_RRSIG_NOT_VALID_BY_DNSKEY",
        &["dnssec.signature-invalid"],
    ),
    (
        "DS08_RRSIG_NOT_VALID_BY_DNSKEY",
        &["dnssec.signature-invalid"],
    ),
    (
        "DS09_RRSIG_NOT_VALID_BY_DNSKEY",
        &["dnssec.signature-invalid"],
    ),
    (
        "DS10_NSEC_RRSIG_VERIFY_ERROR",
        &["dnssec.signature-invalid"],
    ),
];

/// Zonemaster's WARNING tags → the dns codes of the same meaning: where one appears, dns must
/// find one of them too. Zonemaster often warns of a server's fault once per question it asked
/// (the MNAME's server, the MX question, UDP and TCP): each is held to the server's finding.
const WARNING_MEANING: &[(&str, &[&str])] = &[
    ("A_UNEXPECTED_RCODE", &["ns.lame"]),
    ("IS_NOT_AUTHORITATIVE", &["ns.lame"]),
    ("NS_ERROR", &["ns.lame", "ns.unreachable"]),
    ("CN01_UNEXPECTED_RCODE_NS_QUERY_UDP", &["ns.lame"]),
    ("CN01_UNEXPECTED_RCODE_SOA_QUERY_UDP", &["ns.lame"]),
    ("CN02_UNEXPECTED_RCODE_NS_QUERY_TCP", &["ns.lame"]),
    ("CN02_UNEXPECTED_RCODE_SOA_QUERY_TCP", &["ns.lame"]),
    ("CN01_NS_RECORD_NOT_AA_UDP", &["ns.lame"]),
    ("CN01_SOA_RECORD_NOT_AA_UDP", &["ns.lame"]),
    ("CN02_NS_RECORD_NOT_AA_TCP", &["ns.lame"]),
    ("CN02_SOA_RECORD_NOT_AA_TCP", &["ns.lame"]),
    ("CN01_NO_RESPONSE_UDP", &["ns.unreachable"]),
    ("CN02_NO_RESPONSE_TCP", &["ns.unreachable", "ns.tcp-failed"]),
    ("Z01_MNAME_UNEXPECTED_RCODE", &["ns.lame"]),
    ("Z01_MNAME_NO_RESPONSE", &["ns.unreachable"]),
    ("Z01_MNAME_NOT_AUTHORITATIVE", &["ns.lame"]),
    ("MULTIPLE_SOA_SERIALS", &["soa.serial-mismatch"]),
    ("NO_EDNS_SUPPORT", &["ns.edns-intolerant"]),
    ("N10_EDNS_RESPONSE_ERROR", &["ns.edns-noncompliant"]),
    (
        "Z09_NO_RESPONSE_MX_QUERY",
        &["ns.edns-intolerant", "ns.unreachable", "ns.answer-failed"],
    ),
    ("Z09_NULL_MX_WITH_OTHER_MX", &["mx.null-invalid"]),
    ("Z09_INCONSISTENT_MX_DATA", &["mx.inconsistent"]),
    ("Z09_INCONSISTENT_MX", &["mx.inconsistent"]),
    (
        "DS02_NO_MATCHING_DNSKEY_RRSIG",
        &[
            "dnssec.signature-invalid",
            "dnssec.signature-expired",
            "dnssec.signature-missing",
        ],
    ),
    ("DS11_NS_WITH_UNSIGNED_ZONE", &["dnssec.signature-missing"]),
];

/// Zonemaster's WARNING tags dns does not share, by design (the README's coverage table says
/// why): a warning in neither list fails the test, so that a new one is looked at.
const WARNING_BY_DESIGN: &[&str] = &[
    // Zone05's one-week minimum for the SOA expire, which Route 53's default SOA meets but the
    // lab's does not; dns judges the expire against the refresh (soa.timers).
    "EXPIRE_MINIMUM_VALUE_LOWER",
];

/// Runs zonemaster-cli on `zone` against the lab's root hints: the tags at ERROR and above,
/// and the tags at WARNING.
fn zonemaster(
    zm: &Path,
    lab: &lab::Lab,
    zone: &str,
) -> (BTreeSet<String>, BTreeSet<String>, String) {
    let out = Command::new(zm)
        .args([
            zone,
            "--json",
            "--raw",
            "--level",
            "WARNING",
            "--no-ipv6",
            "--no-progress",
        ])
        .arg("--hints")
        .arg(lab.hints())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&out.stderr)));
    let at = |levels: &[&str]| -> BTreeSet<String> {
        json.as_array()
            .map(|a| {
                a.iter()
                    .filter(|e| e["level"].as_str().is_some_and(|l| levels.contains(&l)))
                    .filter_map(|e| e["tag"].as_str().map(str::to_string))
                    .filter(|t| !ARTEFACTS.contains(&t.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    };
    (at(&["ERROR", "CRITICAL"]), at(&["WARNING"]), text)
}

/// `dns check NAME --json` against the lab: its finding codes, and its exit code.
fn dns_codes(lab: &lab::Lab, name: &str) -> (BTreeSet<String>, Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let (code, json, text) = common::check_json(lab, &[name], dir.path());
    let codes = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    (codes, code, text)
}

/// A fault case: the lab's hive.test. with `faults` on ns1.dns.test. (and `faults2` on ns2),
/// signed by the lab when `signed`.
struct Case {
    name: &'static str,
    signed: bool,
    faults: Vec<Fault>,
    faults2: Vec<Fault>,
    /// Records of hive.test. besides www.
    records: Vec<lab::Rec>,
}

fn case(name: &'static str, signed: bool, faults: Vec<Fault>, faults2: Vec<Fault>) -> Case {
    Case {
        name,
        signed,
        faults,
        faults2,
        records: vec![],
    }
}

fn start(c: &Case) -> lab::Lab {
    let mut records = vec![("www.hive.test.", "A", "192.0.2.1")];
    records.extend(c.records.iter().cloned());
    let (mut zones, mut servers) = lab::hive_tree(records);
    if c.signed {
        zones[1].records.push(("hive.test.", "DS", "k1"));
        zones[2].records.push(("hive.test.", "DNSKEY", "k1"));
        zones[2].records.push(("hive.test.", "RRSIG", "k1 -1 30"));
    }
    for s in &mut servers {
        match s.name {
            "ns1.dns.test." => s.faults = c.faults.clone(),
            "ns2.dns.test." => s.faults = c.faults2.clone(),
            _ => {}
        }
    }
    lab::start_on(zones, servers, Some(53))
}

#[test]
fn every_zonemaster_error_has_a_dns_finding_of_the_same_meaning() {
    let Some(zm) = common::require_tool("zonemaster-cli", "zonemaster-cli") else {
        return;
    };
    if !common::is_root() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "under CI=true this test must run as root (Zonemaster asks port 53 only)"
        );
        eprintln!("SKIPPED: Zonemaster asks port 53 only, which needs root");
        return;
    }
    let cases = [
        case("healthy", false, vec![], vec![]),
        case("signed", true, vec![], vec![]),
        case("refused", false, vec![Fault::Refuse], vec![]),
        case("silent", false, vec![Fault::Silent], vec![]),
        case("serial", false, vec![Fault::Serial(9)], vec![]),
        case("no-authority", false, vec![Fault::NoAuthority], vec![]),
        case("edns-formerr", false, vec![Fault::EdnsFormErr], vec![]),
        case("edns-drop", false, vec![Fault::EdnsDrop], vec![]),
        case("edns-sloppy", false, vec![Fault::EdnsSloppy], vec![]),
        case("open-resolver", false, vec![Fault::OpenResolver], vec![]),
        case(
            "bad-signatures",
            true,
            vec![Fault::BadSignatures],
            vec![Fault::BadSignatures],
        ),
        case("unsigned-copy", true, vec![], vec![Fault::Unsigned]),
        Case {
            records: vec![
                ("hive.test.", "MX", "0 ."),
                ("hive.test.", "MX", "10 mx.hive.test."),
                ("mx.hive.test.", "A", "192.0.2.25"),
            ],
            ..case("null-mx-beside-another", false, vec![], vec![])
        },
        case(
            "tcp-refused",
            false,
            vec![Fault::Wire(
                common::hostile::Wire::Closed,
                common::hostile::On::Tcp,
            )],
            vec![],
        ),
    ];
    let mut report = String::new();
    let mut wrong = Vec::new();
    for c in &cases {
        let lab = start(c);
        let (tags, warnings, text) = zonemaster(&zm, &lab, "hive.test");
        let (codes, code, dns_text) = dns_codes(&lab, "www.hive.test");
        report.push_str(&format!(
            "{}: zonemaster {tags:?}, warnings {warnings:?}; dns {codes:?}\n",
            c.name
        ));
        for tag in warnings
            .iter()
            .filter(|t| !WARNING_BY_DESIGN.contains(&t.as_str()))
        {
            match WARNING_MEANING.iter().find(|(t, _)| t == tag) {
                None => wrong.push(format!(
                    "{}: Zonemaster's warning {tag} has no meaning in the table\n{text}",
                    c.name
                )),
                Some((_, want)) if !want.iter().any(|w| codes.contains(*w)) => {
                    wrong.push(format!(
                        "{}: Zonemaster's warning {tag} ({want:?}) not found by dns: {codes:?}\n{dns_text}",
                        c.name
                    ))
                }
                Some(_) => {}
            }
        }
        if c.name == "null-mx-beside-another" && !warnings.contains("Z09_NULL_MX_WITH_OTHER_MX") {
            wrong.push(format!(
                "{}: Zonemaster no longer warns of the null MX\n{text}",
                c.name
            ));
        }
        for tag in &tags {
            match MEANING.iter().find(|(t, _)| t == tag) {
                None => wrong.push(format!(
                    "{}: Zonemaster's {tag} has no meaning in the table\n{text}",
                    c.name
                )),
                Some((_, want)) if !want.iter().any(|w| codes.contains(*w)) => wrong.push(format!(
                    "{}: Zonemaster's {tag} ({want:?}) not found by dns: {codes:?}\n{dns_text}",
                    c.name
                )),
                Some(_) => {}
            }
        }
        // A zone both call healthy: dns must say nothing either.
        if c.name == "healthy" || c.name == "signed" {
            assert!(tags.is_empty(), "{}: {text}", c.name);
            assert_eq!(code, Some(0), "{}: {dns_text}", c.name);
        } else {
            assert_eq!(
                code,
                Some(1),
                "{}: dns passed a broken zone\n{dns_text}",
                c.name
            );
        }
    }
    eprintln!("{report}");
    assert!(wrong.is_empty(), "{}\n{report}", wrong.join("\n"));
}
