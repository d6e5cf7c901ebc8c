//! `dns plan` / `dns sync` / `dns import` against the moto Route 53 emulator on 127.0.0.1, with a
//! fault-injecting proxy in front of it for what moto cannot show (see common/proxy.rs).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use common::moto::{self, Moto};
use common::proxy::{Faults, Proxy};

const ZONE: &str = "sync.example.com";

fn setup() -> Option<(Moto, tempfile::TempDir)> {
    let moto = moto::start()?;
    Some((moto, tempfile::tempdir().unwrap()))
}

use common::moto::run;
use common::ok;

const BASE: &str = "\
$zone: {ttl: 300, ignore: ['_acme-challenge*']}
'':
  - type: ALIAS
    value: dualstack.hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com.
  - type: MX
    value: {preference: 10, exchange: mx.example.net.}
  - type: TXT
    values: ['v=spf1 -all', 'say \"hi\"; é']
  - type: CAA
    value: {flags: 0, tag: issue, value: amazon.com}
www:
  type: CNAME
  value: hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com.
'*.dev':
  type: A
  values: [192.0.2.10, 192.0.2.11]
v6:
  type: AAAA
  value: 2001:db8::1
_sip._tcp:
  type: SRV
  value: {priority: 1, weight: 2, port: 5060, target: sip.example.net.}
lab:
  type: NS
  values: [ns1.lab.example.net., ns2.lab.example.net.]
self:
  type: ALIAS
  value: {target: v6.sync.example.com., record_type: AAAA}
";

#[test]
fn first_sync_creates_the_zone_and_a_second_run_makes_no_change_request() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(
        moto.port,
        Faults {
            route53_checks: true,
            ..Faults::default()
        },
    );
    common::write_zone(dir.path(), ZONE, BASE);

    let first = ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    assert!(first.contains("created public hosted zone"), "{first}");
    assert!(
        first.contains("ns-"),
        "the registrar needs the name servers: {first}"
    );
    assert!(
        first.contains("10 change(s): record sets 10 to create"),
        "{first}"
    );
    assert_eq!(
        proxy.count("ChangeResourceRecordSets"),
        1,
        "one atomic batch"
    );

    let before = proxy.count("ChangeResourceRecordSets");
    let second = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert!(second.contains("no changes"), "{second}");
    assert_eq!(
        proxy.count("ChangeResourceRecordSets"),
        before,
        "a second run changes nothing"
    );
    assert_eq!(proxy.count("CreateHostedZone"), 1);
}

#[test]
fn import_then_plan_shows_no_changes() {
    let Some((moto, dir)) = setup() else { return };
    common::write_zone(dir.path(), ZONE, BASE);
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));

    let other = tempfile::tempdir().unwrap();
    let out = run(&moto.url(), other.path(), &["import", ZONE]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = std::fs::read_to_string(other.path().join(format!("zones/{ZONE}.yaml"))).unwrap();
    assert!(
        text.contains("'*.dev':"),
        "wildcards come back unescaped:\n{text}"
    );
    assert!(
        text.contains("target: dualstack.hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com."),
        "{text}"
    );
    assert!(text.contains("target: v6.sync.example.com."), "{text}");
    // The imported file does not carry the ignore list, so compare without it.
    common::write_zone(
        dir.path(),
        ZONE,
        &BASE.replace("ignore: ['_acme-challenge*']", ""),
    );
    let plan = ok(&run(&moto.url(), other.path(), &["plan"]));
    assert!(plan.contains("no changes"), "{plan}\n{text}");
}

#[test]
fn type_flips_land_in_one_batch() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(
        moto.port,
        Faults {
            route53_checks: true,
            ..Faults::default()
        },
    );
    common::write_zone(
        dir.path(),
        ZONE,
        "www: {type: CNAME, value: lb-1.us-east-1.elb.amazonaws.com.}\n",
    );
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    for (text, expect) in [
        (
            "www: {type: ALIAS, value: lb-1.us-east-1.elb.amazonaws.com.}\n",
            "+ www A     ALIAS",
        ),
        ("www: {type: A, value: 192.0.2.1}\n", "~ www A"),
        (
            "www: {type: CNAME, value: other.example.net.}\n",
            "+ www CNAME",
        ),
    ] {
        common::write_zone(dir.path(), ZONE, text);
        let before = proxy.count("ChangeResourceRecordSets");
        let out = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
        assert!(out.contains(expect), "{out}");
        assert_eq!(
            proxy.count("ChangeResourceRecordSets"),
            before + 1,
            "one request per flip"
        );
        assert!(ok(&run(&proxy.url(), dir.path(), &["plan"])).contains("no changes"));
    }
    assert_eq!(
        proxy.injected(),
        0,
        "Route 53's checks accepted every batch"
    );
}

#[test]
fn deletions_spare_ignored_names_and_octodns_ignored_records() {
    let Some((moto, dir)) = setup() else { return };
    common::write_zone(
        dir.path(),
        ZONE,
        "a: {type: A, value: 192.0.2.1}\nb: {type: A, value: 192.0.2.2}\nc: {type: A, value: 192.0.2.3}\n_acme-challenge.www: {type: TXT, value: token}\n",
    );
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    common::write_zone(
        dir.path(),
        ZONE,
        // `c` is marked as octoDNS marks a record it must not touch: neither its value here
        // nor its absence counts.
        "$zone: {ignore: ['_acme-challenge*']}\na: {type: A, value: 192.0.2.1}\nc: {type: A, value: 192.0.2.99, octodns: {ignored: true}}\n",
    );
    let out = ok(&run(&moto.url(), dir.path(), &["sync", "--yes"]));
    assert!(out.contains("- b A"), "{out}");
    assert!(
        out.contains("left alone: c A (the zone file ignores it)") && !out.contains("192.0.2.99"),
        "{out}"
    );
    assert!(
        out.contains("left alone: _acme-challenge.www TXT (the zone file ignores it)"),
        "{out}"
    );
    let live = ok(&run(&moto.url(), dir.path(), &["import", ZONE, "-o", "-"]));
    assert!(
        live.contains("_acme-challenge.www:")
            && !live.contains("192.0.2.2")
            && live.contains("192.0.2.3"),
        "{live}"
    );
}

fn big_zone(hosts: usize, txts: usize) -> String {
    let mut text = String::new();
    for i in 0..hosts {
        let _ = writeln!(
            text,
            "h{i}: {{type: A, value: 10.{}.{}.{}}}",
            i / 65536,
            i / 256 % 256,
            i % 256
        );
    }
    for i in 0..txts {
        let _ = writeln!(text, "t{i}: {{type: TXT, value: '{}'}}", "x".repeat(3000));
    }
    text
}

#[test]
fn large_zones_page_and_batch_within_route53_limits() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    // 1,500 A records (record limit: 2 requests) and 20 TXT of 3,000 characters (character limit).
    common::write_zone(dir.path(), ZONE, &big_zone(1500, 20));
    let out = ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    assert!(out.contains("applied in 4 requests"), "{out}");
    assert_eq!(proxy.count("ChangeResourceRecordSets"), 4);

    let lists_before = proxy.count("ListResourceRecordSets");
    let plan = ok(&run(&proxy.url(), dir.path(), &["plan"]));
    assert!(plan.contains("no changes"), "{plan}");
    // 1,520 record sets + apex SOA and NS = 1,522: six pages of 300.
    assert_eq!(proxy.count("ListResourceRecordSets") - lists_before, 6);
}

#[test]
fn the_safety_threshold_refuses_mass_deletion_unless_forced() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    common::write_zone(dir.path(), ZONE, &big_zone(20, 0));
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    common::write_zone(dir.path(), ZONE, &big_zone(10, 0));
    let before = proxy.count("ChangeResourceRecordSets");
    let refused = run(&proxy.url(), dir.path(), &["sync", "--yes"]);
    assert_eq!(
        refused.status.code(),
        Some(4),
        "{}",
        common::stderr(&refused)
    );
    assert!(
        common::stderr(&refused)
            .contains("delete 10 of 20 record sets (50%), more than the 30% allowed")
    );
    assert_eq!(
        proxy.count("ChangeResourceRecordSets"),
        before,
        "nothing applied"
    );
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--yes", "--force"],
    ));
    assert_eq!(proxy.count("ChangeResourceRecordSets"), before + 1);
}

#[test]
fn a_concurrent_change_makes_route53_refuse_and_nothing_is_overwritten() {
    let Some((moto, dir)) = setup() else { return };
    common::write_zone(
        dir.path(),
        ZONE,
        "old: {type: A, ttl: 60, value: 192.0.2.1}\n",
    );
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    // Someone else changes `old` between our plan and our apply.
    let theirs = format!(
        "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>old.{ZONE}.</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.99</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
    );
    let proxy = Proxy::start(
        moto.port,
        Faults {
            route53_checks: true,
            concurrent_change: Some(theirs),
            ..Faults::default()
        },
    );
    common::write_zone(
        dir.path(),
        ZONE,
        "old: {type: A, ttl: 60, value: 192.0.2.2}\n",
    );
    let out = run(&proxy.url(), dir.path(), &["sync", "--yes"]);
    assert_eq!(out.status.code(), Some(4), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("do not match the current values") && err.contains("run `dns plan` again"),
        "{err}"
    );
    let live = ok(&run(&moto.url(), dir.path(), &["import", ZONE, "-o", "-"]));
    assert!(
        live.contains("192.0.2.99") && !live.contains("192.0.2.2\n"),
        "their change survives:\n{live}"
    );
}

#[test]
fn a_stale_plan_checksum_is_refused_before_any_change() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.1}\n");
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.2}\n");
    let reviewed: serde_json::Value =
        serde_json::from_str(&ok(&run(&proxy.url(), dir.path(), &["plan", "--json"]))).unwrap();
    let checksum = reviewed["checksum"].as_str().unwrap().to_string();
    assert_eq!(reviewed["zones"][0]["counts"]["update"], 1);

    // The zone file moves on after the review.
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.3}\n");
    let before = proxy.count("ChangeResourceRecordSets");
    let stale = run(
        &proxy.url(),
        dir.path(),
        &["sync", "--yes", "--plan-checksum", &checksum],
    );
    assert_eq!(stale.status.code(), Some(4), "{}", common::stderr(&stale));
    assert!(common::stderr(&stale).contains("not the reviewed one"));
    assert_eq!(proxy.count("ChangeResourceRecordSets"), before);

    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.2}\n");
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--yes", "--plan-checksum", &checksum],
    ));
    assert_eq!(proxy.count("ChangeResourceRecordSets"), before + 1);
}

#[test]
fn throttling_prior_request_and_pending_are_waited_out() {
    let Some((moto, dir)) = setup() else { return };
    let faults = Faults {
        throttle: HashMap::from([("ListResourceRecordSets", 2), ("ListHostedZonesByName", 1)]),
        prior_request: 2,
        pending: 2,
        route53_checks: true,
        ..Faults::default()
    };
    let proxy = Proxy::start(moto.port, faults);
    moto::create_zone(moto.port, &format!("{ZONE}."), "throttle");
    common::write_zone(dir.path(), ZONE, BASE);
    let out = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert!(out.contains("INSYNC"), "{out}");
    assert_eq!(proxy.injected(), 5, "every fault was met and retried");
    assert_eq!(proxy.count("GetChange"), 3, "PENDING twice, then INSYNC");
    assert!(ok(&run(&proxy.url(), dir.path(), &["plan"])).contains("no changes"));
}

#[test]
fn ambiguous_zone_names_stop_and_list_the_candidates() {
    let Some((moto, dir)) = setup() else { return };
    let first = moto::create_zone(moto.port, &format!("{ZONE}."), "one");
    let second = moto::create_zone(moto.port, &format!("{ZONE}."), "two");
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.1}\n");
    let out = run(&moto.url(), dir.path(), &["plan"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains(&first) && err.contains(&second) && err.contains("hosted_zone_id"),
        "{err}"
    );

    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--yes", "--hosted-zone-id", &second],
    ));
    common::write_zone(
        dir.path(),
        ZONE,
        &format!("$zone: {{hosted_zone_id: {second}}}\na: {{type: A, value: 192.0.2.1}}\n"),
    );
    assert!(
        ok(&run(&moto.url(), dir.path(), &["plan"])).contains(&format!("({second}): no changes"))
    );
}

#[test]
fn an_invalid_zone_file_makes_zero_requests() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.1}\n");
    common::write_zone(
        dir.path(),
        "broken.example.com",
        "'': {type: CNAME, value: x.example.net.}\n",
    );
    let out = run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("broken.example.com.yaml:1:26: cname.apex"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(proxy.total(), 0, "not one request");
}

#[test]
fn one_failing_zone_does_not_stop_the_others() {
    let Some((moto, dir)) = setup() else { return };
    moto::create_zone(moto.port, "twice.example.com.", "x1");
    moto::create_zone(moto.port, "twice.example.com.", "x2");
    common::write_zone(
        dir.path(),
        "twice.example.com",
        "a: {type: A, value: 192.0.2.1}\n",
    );
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.1}\n");
    let out = run(&moto.url(), dir.path(), &["sync", "--create-zone", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("1 of 2 zone(s) failed"));
    assert!(common::stdout(&out).contains(&format!("{ZONE}.: applied 1 change(s)")));
}

#[test]
fn without_a_terminal_sync_needs_yes() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    common::write_zone(dir.path(), ZONE, "a: {type: A, value: 192.0.2.1}\n");
    let out = moto::dns_at(&proxy.url())
        .args(["sync", "--create-zone"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(common::stderr(&out).contains("pass --yes"));
    assert_eq!(
        proxy.count("CreateHostedZone") + proxy.count("ChangeResourceRecordSets"),
        0
    );
    // --dry-run shows the plan and stops.
    let dry = ok(&moto::dns_at(&proxy.url())
        .args(["sync", "--create-zone", "--dry-run"])
        .current_dir(dir.path())
        .output()
        .unwrap());
    assert!(dry.contains("+ a A"), "{dry}");
    assert_eq!(proxy.count("CreateHostedZone"), 0);
}

#[test]
fn sync_verify_asks_every_authoritative_server_after_insync() {
    let Some((moto, dir)) = setup() else { return };
    // The zone's servers (a loopback lab) already serve what the file says; moto holds the zone.
    let (zones, servers) = common::lab::hive_tree(vec![
        ("hive.test.", "A", "192.0.2.10"),
        ("www.hive.test.", "CNAME", "elb.test."),
    ]);
    let lab = common::lab::start(zones, servers);
    let lab_args = [
        "--root-hints".to_string(),
        lab.hints().display().to_string(),
        "--port".into(),
        lab.port.to_string(),
        "--timeout".into(),
        "300ms".into(),
    ];
    common::write_zone(
        dir.path(),
        "hive.test",
        "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.10}\nwww: {type: CNAME, value: elb.test.}\n",
    );
    let out = run(
        &moto.url(),
        dir.path(),
        &[
            &["sync", "--create-zone", "--yes", "--verify"][..],
            &lab_args.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    let text = ok(&out);
    assert!(text.contains("hive.test.: verify: 2 of 2 record sets of hive.test. served identically by all 2 server(s)"), "{text}");

    // A change the servers do not serve (as if Route 53's servers had not picked it up): the run fails.
    common::write_zone(
        dir.path(),
        "hive.test",
        "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.10}\nwww: {type: CNAME, value: elb.test.}\nnew: {type: TXT, value: fresh}\n",
    );
    let out = run(
        &moto.url(),
        dir.path(),
        &[
            &["sync", "--yes", "--verify"][..],
            &lab_args.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.contains("verify: 0 of 1 record sets") && text.contains("records.not-served"),
        "{text}"
    );
}

/// The lines a person sees on stderr, with no SDK internals among them.
fn plain_error(out: &Output, code: i32, says: &str) -> String {
    let err = common::stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(says), "{err}");
    for noise in [
        "IMDS",
        "SdkBody",
        "ServiceError",
        "DispatchFailure",
        "FailedToLoadToken",
    ] {
        assert!(
            !err.contains(noise),
            "SDK internals on stderr ({noise}):\n{err}"
        );
    }
    assert!(err.lines().count() <= 3, "more than three lines:\n{err}");
    err
}

/// `dns` with no credentials anywhere: no keys, no profile files, no instance metadata.
fn without_credentials(url: &str, home: &Path) -> std::process::Command {
    let mut cmd = moto::dns_at(url);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ROLE_ARN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_REGION")
        .env("HOME", home);
    cmd
}

#[test]
fn no_credentials_is_one_short_error_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    // Nothing listens here: no request may be needed to say that credentials are missing.
    let out = without_credentials("http://127.0.0.1:1", dir.path())
        .arg("plan")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = plain_error(&out, 3, "no AWS credentials found");
    assert!(
        err.contains("aws configure") && err.contains("scripts/demo.sh"),
        "{err}"
    );

    // On a host whose instance metadata service refuses (403), as some hosts' does, it is
    // still "no credentials", not a dump of the SDK's error chain.
    let imds = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let imds_url = format!("http://{}", imds.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut conn in imds.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let out = without_credentials("http://127.0.0.1:1", dir.path())
        .arg("plan")
        .env("AWS_EC2_METADATA_DISABLED", "false")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds_url)
        .current_dir(dir.path())
        .output()
        .unwrap();
    plain_error(&out, 3, "no AWS credentials found");

    let out = without_credentials("http://127.0.0.1:1", dir.path())
        .args(["plan", "--profile", "nosuch"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    plain_error(&out, 2, "the AWS profile 'nosuch' is not defined");
}

#[test]
fn unknown_keys_denied_actions_and_no_network_are_each_named() {
    // moto checking every request against its IAM: keys it never issued are refused.
    let Some(strict) = moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    let out = run(&strict.url(), dir.path(), &["plan"]);
    plain_error(
        &out,
        3,
        "AWS rejected the credentials (InvalidClientTokenId)",
    );

    // A policy without ChangeResourceRecordSets: the plan works, the sync names the action.
    let moto = moto::start().unwrap();
    let proxy = Proxy::start(
        moto.port,
        Faults {
            deny: vec!["ChangeResourceRecordSets"],
            ..Faults::default()
        },
    );
    moto::create_zone(moto.port, ZONE, "denied");
    ok(&run(&proxy.url(), dir.path(), &["plan"]));
    let out = run(&proxy.url(), dir.path(), &["sync", "--yes"]);
    let err = plain_error(&out, 3, "AWS denied route53:ChangeResourceRecordSets");
    assert!(err.contains("dns iam-policy"), "{err}");

    // A session that has expired (SSO, an assumed role).
    let expired = Proxy::start(
        moto.port,
        Faults {
            expired: true,
            ..Faults::default()
        },
    );
    let out = run(&expired.url(), dir.path(), &["plan"]);
    let err = plain_error(&out, 3, "the AWS session has expired (ExpiredToken)");
    assert!(err.contains("aws sso login"), "{err}");

    // Nothing listening at the endpoint.
    let out = run("http://127.0.0.1:1", dir.path(), &["plan"]);
    plain_error(&out, 3, "cannot reach Route 53");
}

#[test]
fn a_ci_role_by_web_identity_is_taken_from_the_default_chain() {
    // As a CI job with an OIDC token: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, no keys; the
    // role is assumed through moto's STS.
    let Some((moto, dir)) = setup() else { return };
    moto::create_zone(moto.port, ZONE, "oidc");
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    let token = dir.path().join("token");
    std::fs::write(&token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln").unwrap();
    let out = without_credentials(&moto.url(), dir.path())
        .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/dns-ci")
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &token)
        .arg("plan")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = ok(&out);
    assert!(text.contains("+ www A"), "{text}");
}

#[test]
fn plan_as_a_pull_request_comment_with_a_detailed_exit_code() {
    let Some((moto, dir)) = setup() else { return };
    moto::create_zone(moto.port, ZONE, "markdown");
    common::write_zone(
        dir.path(),
        ZONE,
        "www: {type: A, value: 192.0.2.1}\n'': {type: TXT, value: 'a | pipe'}\n",
    );
    let out = run(
        &moto.url(),
        dir.path(),
        &["plan", "--format", "markdown", "--detailed-exitcode"],
    );
    assert_eq!(out.status.code(), Some(5), "{}", common::stderr(&out));
    let md = common::stdout(&out);
    assert!(md.starts_with("## dns plan\n"), "{md}");
    // Who the plan acts as, for the reviewer: the account STS names, its ARN, the region.
    assert!(
        md.contains("\nAWS account 123456789012 (arn:aws:")
            && md.contains("), region us-east-1.\n"),
        "{md}"
    );
    let text = common::stdout(&run(&moto.url(), dir.path(), &["plan"]));
    assert!(
        text.starts_with("AWS account 123456789012 (arn:aws:")
            && text.lines().next().unwrap().ends_with("region us-east-1"),
        "{text}"
    );
    assert!(md.contains(&format!("### `{ZONE}.`")), "{md}");
    assert!(
        md.contains("| + | `www` | A |  | `3600 192.0.2.1` |"),
        "{md}"
    );
    assert!(
        md.contains(r"a \| pipe"),
        "a | in a value must not break the table:\n{md}"
    );
    assert!(md.contains("Safety: within the threshold"), "{md}");
    let json: serde_json::Value =
        serde_json::from_slice(&run(&moto.url(), dir.path(), &["plan", "--json"]).stdout).unwrap();
    let checksum = json["checksum"].as_str().unwrap();
    assert_eq!(json["aws"]["account"], "123456789012", "{json}");
    assert_eq!(json["aws"]["region"], "us-east-1", "{json}");
    assert_eq!(json["aws"]["key"], "…ting", "{json}");
    assert!(md.contains(&format!("Checksum: `{checksum}`")), "{md}");

    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--yes", "--plan-checksum", checksum],
    ));
    let out = run(&moto.url(), dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
}

#[test]
fn every_change_batch_says_who_applied_it() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    moto::create_zone(moto.port, ZONE, "comment");
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    let out = moto::dns_at(&proxy.url())
        .args(["sync", "--yes"])
        .env("GITHUB_REPOSITORY", "example/dns-zones")
        .env("GITHUB_RUN_ID", "4242")
        .env("GITHUB_ACTOR", "octocat")
        .current_dir(dir.path())
        .output()
        .unwrap();
    ok(&out);
    let batches = proxy.change_batches();
    assert_eq!(batches.len(), 1);
    let comment = batches[0]
        .split("<Comment>")
        .nth(1)
        .and_then(|c| c.split("</Comment>").next())
        .unwrap_or_default();
    assert!(
        comment.starts_with(&format!("dns {} sync ", env!("CARGO_PKG_VERSION")))
            && comment.contains("(1/1)")
            && comment.contains("by octocat in example/dns-zones/actions/runs/4242"),
        "{comment}"
    );
    assert!(comment.len() <= 256);
}

/// The actions of a policy `dns iam-policy` printed, without the `route53:` prefix, and its
/// zone-scoped resources.
fn policy(url: &str, dir: &Path, args: &[&str]) -> (BTreeSet<String>, Vec<String>) {
    let mut all = vec!["iam-policy"];
    all.extend(args);
    let doc: serde_json::Value = serde_json::from_str(&ok(&run(url, dir, &all))).unwrap();
    let mut actions = BTreeSet::new();
    let mut zones = Vec::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow");
        for a in st["Action"].as_array().unwrap() {
            let a = a.as_str().unwrap();
            actions.insert(
                a.strip_prefix("route53:")
                    .or_else(|| a.strip_prefix("route53domains:"))
                    .unwrap()
                    .to_string(),
            );
        }
        if st["Sid"] == "DnsZones" {
            zones = st["Resource"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
                .collect();
        }
    }
    (actions, zones)
}

/// Runs the read-only commands (plan, import ZONE, check --expect route53) through `url`.
/// `dns check ZONE --expect route53` with root hints whose one server does not answer (port 1
/// on loopback): the walk has nothing to ask, only the API side matters.
fn check_expect_route53(url: &str, dir: &Path, extra: &[&str]) -> Output {
    let hints = dir.join("none.root");
    std::fs::write(
        &hints,
        ". 3600000 NS a.root.lab.\na.root.lab. 3600000 A 127.0.0.1\n",
    )
    .unwrap();
    let mut args = vec![
        "check",
        ZONE,
        "--expect",
        "route53",
        "--root-hints",
        hints.to_str().unwrap(),
        "--port",
        "1",
        "--timeout",
        "50ms",
        "--deadline",
        "2s",
    ];
    args.extend(extra);
    run(url, dir, &args)
}

fn read_only_commands(url: &str, dir: &Path) {
    ok(&run(url, dir, &["plan"]));
    ok(&run(url, dir, &["import", ZONE, "-o", "-"]));
    let out = check_expect_route53(url, dir, &["-4"]);
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
}

#[test]
fn the_iam_policy_allows_exactly_the_operations_dns_sends() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    let url = proxy.url();
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    ok(&run(&url, dir.path(), &["sync", "--create-zone", "--yes"]));
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.2}\n");
    ok(&run(&url, dir.path(), &["sync", "--yes"]));
    read_only_commands(&url, dir.path());
    let mut sent = proxy.operations();
    // Every plan and sync asks STS who it acts as; GetCallerIdentity needs no permission.
    assert!(sent.remove("GetCallerIdentity"), "{sent:?}");
    assert!(
        !sent.contains("Other"),
        "an operation the proxy does not know: {sent:?}"
    );
    let (allowed, zones) = policy(&url, dir.path(), &["--allow-create-zone"]);
    assert_eq!(allowed, sent, "policy actions vs operations sent");
    // The zone-scoped actions name the zone's own hosted zone, nothing wider.
    let id = moto::zone_id(moto.port, ZONE);
    assert_eq!(zones, [format!("arn:aws:route53:::hostedzone/{id}")]);

    // Read-only: exactly what plan, import and check send.
    let reader = Proxy::start(moto.port, Faults::default());
    read_only_commands(&reader.url(), dir.path());
    let (allowed, _) = policy(&reader.url(), dir.path(), &["--read-only"]);
    let mut sent = reader.operations();
    sent.remove("GetCallerIdentity");
    assert_eq!(allowed, sent, "read-only policy actions vs operations sent");
    assert!(!allowed.contains("ChangeResourceRecordSets"));
}

/// A set Route 53 holds that the zone-file rules refuse (an SRV record at a name that is not
/// `_service._proto`): the import names the Route 53 set, not the file it did not write.
#[test]
fn import_refusals_name_the_route53_set() {
    let Some((moto, dir)) = setup() else { return };
    let id = moto::create_zone(moto.port, ZONE, "import-refusal");
    let srv = format!(
        "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>sip.{ZONE}.</Name><Type>SRV</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>0 0 5060 sip.{ZONE}.</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
    );
    moto::request(
        moto.port,
        "POST",
        &format!("/2013-04-01/hostedzone/{id}/rrset"),
        &srv,
    );
    let out = run(&moto.url(), dir.path(), &["import", ZONE]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!(
            "the Route 53 record set sip.{ZONE}. SRV: srv.name: SRV record name 'sip' is not _service._proto"
        )) && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!err.contains(".yaml:"), "{err}");
    assert!(!dir.path().join("zones").exists());
}

/// A Route 53 Domains request to the emulator (JSON, the operation in X-Amz-Target).
fn domains_request(port: u16, operation: &str, body: &serde_json::Value) -> serde_json::Value {
    use std::io::{Read, Write};
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: Route53Domains_v20140515.{operation}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/route53domains/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    let json = out.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// A domain registered with Route 53 Domains (moto gives it other name servers than its hosted
/// zone's): `check --expect route53` says the registrar gives the registry the
/// wrong servers, `dns delegate` sets the hosted zone's and follows the operation, and the check
/// then has nothing to say of the registrar.
#[test]
fn a_domain_registered_with_route53_domains_is_delegated_to_its_hosted_zone() {
    let Some((moto, dir)) = setup() else { return };
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    let contact =
        serde_json::json!({"FirstName": "Ops", "ContactType": "PERSON", "CountryCode": "US"});
    let registered = domains_request(
        moto.port,
        "RegisterDomain",
        &serde_json::json!({
            "DomainName": ZONE, "DurationInYears": 2, "AutoRenew": true,
            "AdminContact": contact, "RegistrantContact": contact, "TechContact": contact
        }),
    );
    assert!(registered["OperationId"].is_string(), "{registered}");
    let check = |url: &str| {
        let out = check_expect_route53(url, dir.path(), &["--json"]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "registration.registrar-ns")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let said = check(&moto.url());
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("ns-2048.awscdn-64.net")
            && said[0].contains(&format!("dns delegate {ZONE}")),
        "{}",
        said[0]
    );

    // Off a terminal without --yes: refused, nothing changed.
    let out = run(&moto.url(), dir.path(), &["delegate", ZONE]);
    assert_eq!(out.status.code(), Some(4), "{}", common::stderr(&out));
    let proxy = Proxy::start(moto.port, Faults::default());
    let out = run(&proxy.url(), dir.path(), &["delegate", ZONE, "--yes"]);
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", common::stderr(&out));
    assert!(
        text.contains("  - ns-2048.awscdn-64.net") && text.contains("done: operation"),
        "{text}"
    );
    let detail = domains_request(
        moto.port,
        "GetDomainDetail",
        &serde_json::json!({"DomainName": ZONE}),
    );
    let mut servers: Vec<String> = detail["Nameservers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["Name"].as_str().unwrap().to_string())
        .collect();
    servers.sort();
    let id = moto::zone_id(moto.port, ZONE);
    let zone = moto::request(
        moto.port,
        "GET",
        &format!("/2013-04-01/hostedzone/{id}"),
        "",
    );
    for ns in &servers {
        assert!(
            zone.contains(&format!("<NameServer>{ns}")),
            "{ns} not in {zone}"
        );
    }
    assert!(check(&moto.url()).is_empty());
    let again = run(&moto.url(), dir.path(), &["delegate", ZONE, "--yes"]);
    assert!(common::stdout(&again).contains("nothing to change"));
    // The policy for delegate allows exactly what it sent.
    let sent = proxy.operations();
    let (allowed, _) = policy(&proxy.url(), dir.path(), &["--delegate"]);
    assert!(
        sent.is_subset(&allowed),
        "sent {sent:?}, allowed {allowed:?}"
    );
    for op in [
        "GetDomainDetail",
        "UpdateDomainNameservers",
        "GetOperationDetail",
    ] {
        assert!(sent.contains(op) && allowed.contains(op), "{op}");
    }
}

/// An IAM query-API request to the emulator (its first requests pass without authentication).
fn iam_request(port: u16, form: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

/// Which credentials sign, as the AWS CLI decides: `--profile` wins over key variables (the
/// profile's key, known to the emulator, is denied Route 53 for want of a policy; the
/// variables' key is one the emulator never issued), `AWS_PROFILE` beside key variables is
/// refused, an undefined profile is refused even with keys set (it once planned "no changes"
/// with the variables' keys).
#[test]
fn a_named_profile_wins_over_key_variables_and_a_conflict_is_refused() {
    // The emulator checks every request after the two that make the profile's key.
    let Some(strict) = moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "2")]) else {
        return;
    };
    iam_request(
        strict.port,
        "Action=CreateUser&UserName=ops&Version=2010-05-08",
    );
    let made = iam_request(
        strict.port,
        "Action=CreateAccessKey&UserName=ops&Version=2010-05-08",
    );
    let field = |tag: &str| {
        let start = made
            .find(&format!("<{tag}>"))
            .unwrap_or_else(|| panic!("{made}"))
            + tag.len()
            + 2;
        let end = made[start..].find('<').unwrap() + start;
        made[start..end].to_string()
    };
    let (key, secret) = (field("AccessKeyId"), field("SecretAccessKey"));
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!("[prod]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    let dns = |args: &[&str], profile: Option<&str>| {
        let mut cmd = moto::dns_at(&strict.url());
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .env("AWS_ACCESS_KEY_ID", "AKIAKEYVARIABLES0000")
            .env("AWS_SECRET_ACCESS_KEY", "from-the-environment")
            .args(args)
            .current_dir(dir.path());
        if let Some(p) = profile {
            cmd.env("AWS_PROFILE", p);
        }
        cmd.output().unwrap()
    };
    // The variables' key alone: unknown to the emulator.
    let out = dns(&["plan"], None);
    plain_error(
        &out,
        3,
        "AWS rejected the credentials (InvalidClientTokenId)",
    );
    // Which account could not be told (STS refused the key too): the plan names the key by its
    // last four characters, and the region.
    let said = common::stdout(&out);
    assert!(
        said.starts_with("AWS account not known (STS GetCallerIdentity: ")
            && said.contains("): key …0000, region us-east-1"),
        "{said}"
    );
    // --profile: the profile's key signs, the variables are set aside. The emulator knows that
    // key (it issued it): it does not answer "unknown key" but checks the signature, or denies
    // Route 53 to a user without a policy.
    let out = dns(&["plan", "--profile", "prod"], None);
    let err = plain_error(&out, 3, "");
    assert!(
        !err.contains("InvalidClientTokenId")
            && (err.contains("(SignatureDoesNotMatch)") || err.contains("AWS denied route53:")),
        "{err}"
    );
    assert!(
        err.contains("note: signing with the profile 'prod' (--profile); AWS_ACCESS_KEY_ID in the environment is not used"),
        "{err}"
    );
    let said = common::stdout(&out);
    assert!(
        said.starts_with("AWS account ")
            && said.contains("profile 'prod', ")
            && !said.contains("…0000"),
        "{said}"
    );
    // AWS_PROFILE beside the variables: which account is meant cannot be told.
    let out = dns(&["plan"], Some("prod"));
    let err = plain_error(
        &out,
        2,
        "both AWS_PROFILE ('prod') and AWS_ACCESS_KEY_ID are set",
    );
    assert!(err.contains("pass --profile NAME"), "{err}");
    // A profile that does not exist, keys or not: exit 2, nothing asked.
    let out = dns(&["plan", "--profile", "no-such-profile"], None);
    plain_error(&out, 2, "the AWS profile 'no-such-profile' is not defined");
    // An SSO profile nobody has logged in with: its credentials cannot be loaded, and the key
    // variables are not used in their place.
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = dns
",
    )
    .unwrap();
    let out = moto::dns_at(&strict.url())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_ACCESS_KEY_ID", "AKIAKEYVARIABLES0000")
        .env("AWS_SECRET_ACCESS_KEY", "from-the-environment")
        .env("HOME", dir.path())
        .args(["plan", "--profile", "sso"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = plain_error(
        &out,
        3,
        "the AWS credentials of profile 'sso' could not be loaded",
    );
    assert!(
        err.contains("aws sso login") && !err.contains("InvalidClientTokenId"),
        "{err}"
    );
}

/// An apex ALIAS to `www`, itself an ALIAS to `origin`, all new: the request sends `origin`,
/// then `www`, then the apex — AWS refuses an alias whose target is created later in the same
/// batch, a rule the emulator does not enforce, so what dns sends is held here.
#[test]
fn aliases_are_sent_after_the_targets_they_point_to() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    common::write_zone(
        dir.path(),
        ZONE,
        &format!(
            "'': {{type: ALIAS, value: www.{ZONE}.}}\nwww: {{type: ALIAS, value: origin.{ZONE}.}}\norigin: {{type: A, value: 192.0.2.1}}\n"
        ),
    );
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    let batches = proxy.change_batches();
    assert_eq!(batches.len(), 1, "{batches:?}");
    let at = |name: &str| {
        batches[0]
            .find(&format!("<Name>{name}</Name>"))
            .unwrap_or_else(|| panic!("{name} not sent: {}", batches[0]))
    };
    let (origin, www, apex) = (
        at(&format!("origin.{ZONE}.")),
        at(&format!("www.{ZONE}.")),
        at(&format!("{ZONE}.")),
    );
    assert!(origin < www && www < apex, "{}", batches[0]);
}

/// A plain set of the file at a name and type where the hosted zone holds CIDR-routed sets
/// (which dns leaves alone): refused by the plan, with why, not by Route 53 at sync time
/// ("the zone changed since the plan" when nothing had).
#[test]
fn a_set_beside_sets_dns_leaves_alone_is_refused_at_plan() {
    let Some((moto, dir)) = setup() else { return };
    common::write_zone(dir.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    let id = moto::zone_id(moto.port, ZONE);
    let body = format!(
        "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>cidr.{ZONE}.</Name><Type>A</Type><SetIdentifier>office</SetIdentifier><TTL>300</TTL><CidrRoutingConfig><CollectionId>c0ffee00-0000-4000-8000-000000000000</CollectionId><LocationName>office</LocationName></CidrRoutingConfig><ResourceRecords><ResourceRecord><Value>192.0.2.40</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
    );
    let made = moto::request(
        moto.port,
        "POST",
        &format!("/2013-04-01/hostedzone/{id}/rrset"),
        &body,
    );
    assert!(made.contains("ChangeInfo"), "{made}");
    // The emulator keeps the set but drops its CidrRoutingConfig, so it comes back as a set
    // identifier without a routing policy: left alone as unreadable. Beside either, Route 53
    // refuses a plain set of the same name and type.
    let plan = run(&moto.url(), dir.path(), &["plan"]);
    assert!(
        common::stdout(&plan).contains("left alone: cidr."),
        "the set is said as left alone: {}",
        common::stdout(&plan)
    );
    common::write_zone(
        dir.path(),
        ZONE,
        "www: {type: A, value: 192.0.2.1}\ncidr: {type: A, value: 192.0.2.50}\n",
    );
    let out = run(&moto.url(), dir.path(), &["plan"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}{}", common::stdout(&out));
    assert!(
        err.contains("the plan cannot be applied: cidr A: the hosted zone holds cidr.")
            && err.contains("Route 53 refuses a set of the file beside it"),
        "{err}"
    );
}

/// Two syncs of different files made to interleave: B's plan takes two requests, and the proxy
/// holds B's second request while A syncs whole (B's requests checked as Route 53 checks a
/// DELETE, which the emulator does not). The guard every request replaces makes B's
/// second request fail whole: B says which of its requests landed (exit 3), the zone equals A's
/// file, and B run again finishes, the zone then equal to B's file. The guard never shows in a
/// plan or an import.
#[test]
fn two_syncs_at_once_leave_the_zone_as_one_file_says_and_the_stopped_one_says_what_landed() {
    let Some((moto, dir_a)) = setup() else { return };
    let dir_b = tempfile::tempdir().unwrap();
    let base: String = (0..10)
        .map(|i| format!("h{i}: {{type: A, value: 192.0.2.{i}}}\n"))
        .collect();
    common::write_zone(dir_a.path(), ZONE, &base);
    ok(&run(
        &moto.url(),
        dir_a.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    // A edits five addresses; B adds 1,200 names (two requests).
    let file_a: String = (0..10)
        .map(|i| {
            format!(
                "h{i}: {{type: A, value: 192.0.2.{}}}\n",
                if i < 5 { i + 100 } else { i }
            )
        })
        .collect();
    let file_b = format!(
        "{base}{}",
        (0..1200)
            .map(|i| format!("b{i}: {{type: A, value: 198.51.{}.{}}}\n", i / 250, i % 250))
            .collect::<String>()
    );
    common::write_zone(dir_a.path(), ZONE, &file_a);
    common::write_zone(dir_b.path(), ZONE, &file_b);
    let proxy = Proxy::start(
        moto.port,
        Faults {
            hold_change: Some((2, std::time::Duration::from_secs(8))),
            // The emulator deletes a record set whatever values a DELETE names; Route 53
            // refuses one whose values are not the current ones (the guard's whole point).
            route53_checks: true,
            ..Faults::default()
        },
    );
    let b = moto::dns_at(&proxy.url())
        .args(["sync", "--yes"])
        .current_dir(dir_b.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while proxy.count("ChangeResourceRecordSets") < 1 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "B never sent"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(1000));
    // A runs whole while B's second request is held (forced: it deletes B's first half, past
    // the safety threshold, which otherwise stops it first).
    let a = run(&moto.url(), dir_a.path(), &["sync", "--yes", "--force"]);
    assert_eq!(a.status.code(), Some(0), "{}", common::stderr(&a));
    let b = b.wait_with_output().unwrap();
    let err = common::stderr(&b);
    assert_eq!(b.status.code(), Some(3), "{err}");
    assert!(
        err.contains("1 of 2 request(s) applied: the zone holds changes 1–")
            && err.contains("run `dns plan` to see what is left"),
        "{err}"
    );
    // The zone is A's file, whole; no guard in the plan or an import.
    let plan = run(&moto.url(), dir_a.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", common::stdout(&plan));
    assert!(!common::stdout(&plan).contains("_dns-sync"));
    let imported = tempfile::tempdir().unwrap();
    ok(&run(&moto.url(), imported.path(), &["import", ZONE]));
    let text = std::fs::read_to_string(imported.path().join(format!("zones/{ZONE}.yaml"))).unwrap();
    assert!(
        !text.contains("_dns-sync") && text.contains("192.0.2.100"),
        "{text}"
    );
    // B again (forced: it puts back the five addresses A changed): it finishes, and the zone
    // is B's file. (Its sets get other addresses: the emulator refuses to CREATE a record set
    // identical to one created and deleted before, when anything sorts after it — its journal
    // check, not Route 53's rule.)
    let again = file_b
        .replace("198.51.", "203.0.")
        .replace("value: 192.0.2.", "value: 192.0.2.2");
    common::write_zone(dir_b.path(), ZONE, &again);
    ok(&run(
        &moto.url(),
        dir_b.path(),
        &["sync", "--yes", "--force"],
    ));
    let plan = run(&moto.url(), dir_b.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", common::stdout(&plan));
    // Every request carried the guard: the first creates it, each later one replaces it.
    let batches = proxy.change_batches();
    assert!(
        batches[0].contains("_dns-sync"),
        "{}",
        &batches[0][..400.min(batches[0].len())]
    );
}

/// Another sync that lands between this sync's plan and its first request replaces the guard:
/// the first request, which deletes the guard value the plan read, is refused whole (exit 4)
/// and nothing of it lands (checked as Route 53 checks a DELETE, which the emulator does not).
#[test]
fn a_sync_whose_zone_another_sync_changed_since_its_plan_lands_nothing() {
    let Some((moto, dir)) = setup() else { return };
    let base = "www: {type: A, value: 192.0.2.1}\n";
    common::write_zone(dir.path(), ZONE, base);
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    let id = moto::zone_id(moto.port, ZONE);
    let listed = moto::request(
        moto.port,
        "GET",
        &format!("/2013-04-01/hostedzone/{id}/rrset?name=_dns-sync.{ZONE}.&type=TXT&maxitems=1"),
        "",
    );
    let start = listed.find("<Value>").expect("the guard") + "<Value>".len();
    let guard = &listed[start..start + listed[start..].find("</Value>").unwrap()];
    assert!(guard.contains("dns sync 1/1 "), "{guard}");
    let set = |action: &str, value: &str| {
        format!(
            "<Change><Action>{action}</Action><ResourceRecordSet><Name>_dns-sync.{ZONE}.</Name><Type>TXT</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>{value}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
        )
    };
    let other = format!(
        "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes>{}{}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>",
        set("DELETE", guard),
        set(
            "CREATE",
            "&quot;dns sync 1/1 0000000000000000 by another pipeline&quot;"
        )
    );
    let proxy = Proxy::start(
        moto.port,
        Faults {
            concurrent_change: Some(other),
            route53_checks: true,
            ..Faults::default()
        },
    );
    common::write_zone(
        dir.path(),
        ZONE,
        &format!("{base}api: {{type: A, value: 192.0.2.2}}\n"),
    );
    let out = run(&proxy.url(), dir.path(), &["sync", "--yes"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("another sync changed the zone after this plan read it (its guard now says \"dns sync 1/1 0000000000000000 by another pipeline\"): nothing of this sync was applied"),
        "the guard is what was refused: {err}"
    );
    // Nothing landed: the zone is still the first file.
    common::write_zone(dir.path(), ZONE, base);
    let plan = run(&moto.url(), dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", common::stdout(&plan));
}

/// `$zone: {account: …}`: plan and sync go ahead with credentials of that account (the
/// emulator's is 123456789012) and refuse any other before anything is sent to Route 53
/// (exit 4); an account id that is not twelve digits is refused at its line.
#[test]
fn a_zone_file_bound_to_an_account_refuses_credentials_of_another() {
    let Some((moto, dir)) = setup() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    let file = |account: &str| {
        format!("$zone: {{account: '{account}'}}\nwww: {{type: A, value: 192.0.2.1}}\n")
    };
    common::write_zone(dir.path(), ZONE, &file("123456789012"));
    ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    common::write_zone(dir.path(), ZONE, &file("111111111111"));
    let before = proxy.count("ListHostedZonesByName") + proxy.count("ChangeResourceRecordSets");
    for args in [&["plan"][..], &["sync", "--yes"][..]] {
        let out = run(&proxy.url(), dir.path(), args);
        let err = plain_error(
            &out,
            4,
            "refused: its zone file is for AWS account 111111111111, but these credentials are of account 123456789012",
        );
        assert!(err.contains("--profile"), "{err}");
    }
    assert_eq!(
        proxy.count("ListHostedZonesByName") + proxy.count("ChangeResourceRecordSets"),
        before,
        "nothing sent to Route 53"
    );
    common::write_zone(
        dir.path(),
        ZONE,
        "$zone: {account: 12345}\nwww: {type: A, value: 192.0.2.1}\n",
    );
    let out = run(&proxy.url(), dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(2));
    let said = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert!(said.contains("account must be an AWS account id"), "{said}");
}

/// The seed of a randomized test: `DNS_TEST_SEED` replays a run, else a fresh one, printed
/// either way so that a failure can be replayed.
fn seeded(test: &str) -> rand::rngs::StdRng {
    use rand::SeedableRng;
    let seed = std::env::var("DNS_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{test}: DNS_TEST_SEED={seed}");
    rand::rngs::StdRng::seed_from_u64(seed)
}

/// How many times a randomized test runs its trial (`DNS_TEST_TRIALS` for more).
fn trials(default: usize) -> usize {
    std::env::var("DNS_TEST_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// `count` A record sets named `{prefix}{i}`, their addresses in `net` (a /16 by its first two
/// octets): one value per trial, so that no set is created again identical to one deleted
/// before (the emulator's journal refuses that; Route 53 does not).
fn sets(prefix: &str, count: usize, net: &str) -> String {
    (0..count)
        .map(|i| {
            format!(
                "{prefix}{i}: {{type: A, value: {net}.{}.{}}}\n",
                i / 250,
                i % 250 + 1
            )
        })
        .collect()
}

/// Whether the hosted zone is exactly what the zone file in `dir` says.
fn zone_is(url: &str, dir: &Path) -> bool {
    let out = run(url, dir, &["plan", "--detailed-exitcode"]);
    match out.status.code() {
        Some(0) => true,
        Some(5) => false,
        _ => panic!("plan failed: {}", common::stderr(&out)),
    }
}

/// Two syncs of different files started a random 0–700 ms apart, in a random order, many times
/// over; each plan is two requests (A changes 520 addresses: 1,040 records; B replaces the 520
/// names with 1,000 others). The names begin with a digit, so more than a page of them sorts
/// before the guard, which is then read first. Route 53 checks a DELETE against the live
/// values and applies a batch whole before a read sees it, which the emulator does not: the
/// proxy does. Whatever the interleaving, the zone ends as one of the two files says (or as
/// before both), the file it equals is the one whose sync exited 0, and a sync that stopped
/// said so: exit 4 with nothing applied, or exit 3 naming what landed.
#[test]
fn concurrent_syncs_of_different_files_leave_the_zone_as_one_of_them_says() {
    use rand::RngExt;
    let Some((moto, base)) = setup() else { return };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let proxy = Proxy::start(
        moto.port,
        Faults {
            route53_checks: true,
            ..Faults::default()
        },
    );
    let mut rng = seeded("concurrent_syncs");
    let mut ends: BTreeMap<&str, usize> = BTreeMap::new();
    for t in 1..=trials(6) {
        let before = sets("0h", 520, &format!("10.{t}"));
        common::write_zone(base.path(), ZONE, &before);
        let create: &[&str] = if t == 1 { &["--create-zone"] } else { &[] };
        ok(&run(
            &moto.url(),
            base.path(),
            &[&["sync", "--yes", "--force"][..], create].concat(),
        ));
        common::write_zone(a.path(), ZONE, &sets("0h", 520, &format!("10.{}", 100 + t)));
        common::write_zone(b.path(), ZONE, &sets("b", 1000, &format!("172.{}", 16 + t)));
        let spawn = |dir: &Path| {
            moto::dns_at(&proxy.url())
                .args(["sync", "--yes", "--force"])
                .current_dir(dir)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = if rng.random_bool(0.5) {
            (a.path(), b.path())
        } else {
            (b.path(), a.path())
        };
        let one = spawn(first);
        std::thread::sleep(std::time::Duration::from_millis(rng.random_range(0..700)));
        let two = spawn(second);
        let (one, two) = (
            one.wait_with_output().unwrap(),
            two.wait_with_output().unwrap(),
        );
        let (out_a, out_b) = if first == a.path() {
            (one, two)
        } else {
            (two, one)
        };
        let now = [("before", base.path()), ("A", a.path()), ("B", b.path())]
            .into_iter()
            .filter(|(_, dir)| zone_is(&moto.url(), dir))
            .map(|(which, _)| which)
            .collect::<Vec<_>>();
        let said = format!(
            "trial {t}: A exit {:?}: {}\nB exit {:?}: {}",
            out_a.status.code(),
            common::stderr(&out_a),
            out_b.status.code(),
            common::stderr(&out_b)
        );
        assert_eq!(now.len(), 1, "the zone is no file's: {said}");
        *ends.entry(now[0]).or_default() += 1;
        eprintln!(
            "trial {t}: {} first; A exit {:?}, B exit {:?}: the zone is {}\n{said}",
            if first == a.path() { "A" } else { "B" },
            out_a.status.code(),
            out_b.status.code(),
            now[0]
        );
        for (which, out) in [("A", &out_a), ("B", &out_b)] {
            let err = common::stderr(out);
            match out.status.code() {
                Some(0) => {}
                Some(3) => assert!(
                    err.contains(" request(s) applied: the zone holds changes 1–"),
                    "{said}"
                ),
                Some(4) => assert!(
                    err.contains("another sync changed the zone after this plan read it")
                        && err.contains("nothing of this sync was applied"),
                    "{said}"
                ),
                _ => panic!("{which}: {said}"),
            }
            if now[0] == which {
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "the zone is {which}'s file: {said}"
                );
            }
        }
    }
    eprintln!("concurrent_syncs: the zone ended as {ends:?}");
}

/// `kill -9` at a random moment of a sync of two requests (while it plans, while a request is on
/// the wire, while it waits for INSYNC), then `dns sync` again: the zone ends exactly as the file
/// says, every time. A request that reached Route 53 before the process died is applied
/// whole (the proxy holds the emulator to that); should it land after the next sync read the
/// zone, that sync's guard is stale and its first request is refused whole (exit 4), and the
/// sync after it finishes.
#[test]
fn a_sync_killed_at_a_random_moment_is_finished_by_the_next_one() {
    use rand::RngExt;
    let Some((moto, dir)) = setup() else { return };
    let mut rng = seeded("killed_syncs");
    let (mut cut, mut refused) = (0, 0);
    for t in 1..=trials(6) {
        let before = sets("h", 50, &format!("10.{t}"));
        common::write_zone(dir.path(), ZONE, &before);
        let create: &[&str] = if t == 1 { &["--create-zone"] } else { &[] };
        ok(&run(
            &moto.url(),
            dir.path(),
            &[&["sync", "--yes", "--force"][..], create].concat(),
        ));
        // 1,500 new names: two requests of at most 998 records beside the guard (names that
        // begin with a digit, read before the guard once they are more than a page).
        let file = format!("{before}{}", sets("1n", 1500, &format!("172.{}", 16 + t)));
        common::write_zone(dir.path(), ZONE, &file);
        let proxy = Proxy::start(
            moto.port,
            Faults {
                route53_checks: true,
                ..Faults::default()
            },
        );
        let mut child = moto::dns_at(&proxy.url())
            .args(["sync", "--yes", "--force"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // After the n-th change request has reached the proxy (0: while it plans), a little more.
        let n = rng.random_range(0..=2);
        let started = std::time::Instant::now();
        while proxy.count(if n == 0 {
            "ListResourceRecordSets"
        } else {
            "ChangeResourceRecordSets"
        }) < n.max(1)
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "trial {t}: no request {n}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(rng.random_range(0..300)));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        if !finished && !zone_is(&proxy.url(), dir.path()) {
            cut += 1;
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let again = run(&proxy.url(), dir.path(), &["sync", "--yes", "--force"]);
            let err = common::stderr(&again);
            match again.status.code() {
                Some(0) => break,
                Some(4) if attempts < 3 && err.contains("another sync changed the zone") => {
                    refused += 1
                }
                code => panic!("trial {t} (killed after request {n}): exit {code:?}: {err}"),
            }
        }
        assert!(
            zone_is(&moto.url(), dir.path()),
            "trial {t}: the zone is not the file"
        );
    }
    eprintln!(
        "killed_syncs: {cut} of the trials cut before the zone was whole; {refused} next sync(s) refused whole because a dead one's request landed after their plan"
    );
    assert!(
        cut > 0,
        "no trial was killed before its sync was done: the test proved nothing"
    );
}
